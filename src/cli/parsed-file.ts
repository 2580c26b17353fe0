/** What every input parser returns (read-inputs.ts dispatches by format). */
import type { BuildInput } from '../corpus/build.ts';
import { canonicalLang, describeValue, type CorpusIssue } from '../corpus/validate.ts';

/** A saved page's own place on its site, for checking its rel=prev/next links against the order. */
export interface PageLinks {
  /** URLs that name this page: its file URL and its canonical URL when it has one. */
  self: string[];
  /** Candidate absolute URLs of the page's previous / next link (resolved against the site and the file). */
  prev: string[];
  next: string[];
}

export interface ParsedFile {
  /** Null when the file as a whole could not be read as articles. */
  input: BuildInput | null;
  /** The file's own title (JSON top-level `title`, a feed's title): a default corpus title. */
  title?: string;
  /** Problems with the whole file: they always fail the build. */
  errors: CorpusIssue[];
  /**
   * Articles lost before they could be checked (an NDJSON line that is not JSON, a Markdown
   * file with broken front matter): each fails the build unless --skip-invalid skips it.
   */
  badLines: CorpusIssue[];
  /** Problems with the whole file that do not stop the build. */
  warnings?: CorpusIssue[];
  /** Set for a saved HTML page. */
  page?: PageLinks;
}

export function fileIssue(file: string, message: string, field = ''): CorpusIssue {
  return { file, index: null, field, message };
}

/** A ParsedFile with no articles and one problem with the whole file. */
export function failedFile(file: string, message: string, line?: number, column?: number): ParsedFile {
  const issue = fileIssue(file, message);
  if (line !== undefined) issue.line = line;
  if (column !== undefined) issue.column = column;
  return { input: null, errors: [issue], badLines: [] };
}

/** A ParsedFile whose one article was lost: skippable with --skip-invalid, like a bad NDJSON line. */
export function lostArticle(file: string, message: string, line?: number, column?: number): ParsedFile {
  const issue = fileIssue(file, message);
  if (line !== undefined) issue.line = line;
  if (column !== undefined) issue.column = column;
  return { input: null, errors: [], badLines: [issue] };
}

/** 1-based line of each offset, by binary search over the line starts (built once per file). */
export function lineLocator(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

/**
 * A language tag from a third party's markup (a feed's <language>, a page's <html lang>),
 * read leniently: `en_US` is taken as `en-US`, and a tag that is no BCP 47 tag at all is
 * ignored with a warning (the text's language is guessed), since the site, not the user,
 * wrote it. Tags the user writes (JSON, Markdown) stay strict: there a bad tag is an error.
 */
export function siteLang(tag: string, where: string): { lang?: string; warning?: string } {
  const lang = canonicalLang(tag.trim()) ?? canonicalLang(tag.trim().replaceAll('_', '-'));
  if (lang !== null) return { lang };
  return {
    warning: `expected a BCP 47 language tag in ${where}, got ${describeValue(tag)}; ignored, the language is guessed from the text`,
  };
}
