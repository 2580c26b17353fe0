/**
 * Saved pages link to their neighbours on the site (rel=prev / rel=next). Those links are not
 * stored (the built prev/next always follow the corpus order, DESIGN.md "Built corpus"); they
 * are matched to the other pages of this build, by file URL or canonical URL, so the build
 * can warn where the site's order and the corpus order disagree.
 */
import type { SourceLinks } from '../corpus/build.ts';
import { isRecord, isString } from '../corpus/validate.ts';
import type { ParsedFile } from './parsed-file.ts';

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

function pageId(file: ParsedFile): string | undefined {
  const article = file.input?.articles[0];
  return isRecord(article) && isString(article.id) ? article.id : undefined;
}

/** Sets `sourceLinks` on every page input whose prev/next link names another page of the build. */
export function linkPages(files: readonly ParsedFile[]): void {
  const idByUrl = new Map<string, string>();
  for (const file of files) {
    const id = pageId(file);
    if (!file.page || id === undefined) continue;
    for (const url of file.page.self) if (!idByUrl.has(trimSlash(url))) idByUrl.set(trimSlash(url), id);
  }
  if (idByUrl.size === 0) return;
  const find = (candidates: readonly string[], self: string): string | undefined =>
    candidates.map((url) => idByUrl.get(trimSlash(url))).find((id) => id !== undefined && id !== self);
  for (const file of files) {
    const id = pageId(file);
    if (!file.page || !file.input || id === undefined) continue;
    const links: SourceLinks = {};
    const prev = find(file.page.prev, id);
    const next = find(file.page.next, id);
    if (prev !== undefined) links.prev = prev;
    if (next !== undefined) links.next = next;
    if (prev !== undefined || next !== undefined) file.input.sourceLinks = [links];
  }
}
