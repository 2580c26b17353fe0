/** Feedback while building: --watch rebuilds, and the terminal progress bar. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT_OK, main } from '../../src/cli/main.ts';
import { createProgress, NO_PROGRESS, PROGRESS_DELAY_MS, renderProgress } from '../../src/cli/progress.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'folio-watch-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const WAIT_STEP_MS = 25;
const WAIT_LIMIT_MS = 10_000;

async function waitFor(what: string, ok: () => boolean): Promise<void> {
  const until = Date.now() + WAIT_LIMIT_MS;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}

function md(title: string): string {
  return `---\ntitle: ${title}\ndate: 2024-05-01\n---\nText of ${title}.\n`;
}

async function titles(): Promise<string[]> {
  const manifest = JSON.parse(await readFile(path.join(dir, 'out', 'manifest.json'), 'utf8')) as {
    chunks: { file: string }[];
  };
  const out: string[] = [];
  for (const { file } of manifest.chunks) {
    const chunk = JSON.parse(await readFile(path.join(dir, 'out', file), 'utf8')) as { articles: { title: string }[] };
    out.push(...chunk.articles.map((a) => a.title));
  }
  return out;
}

describe('--watch', () => {
  it('rebuilds on change, keeps the last good corpus on a failed rebuild, and stops on abort', async () => {
    await mkdir(path.join(dir, 'notes'));
    await writeFile(path.join(dir, 'notes', 'a.md'), md('First'));
    const stdout: string[] = [];
    const stderr: string[] = [];
    const stop = new AbortController();
    const builds = (): number => stdout.filter((l) => l.startsWith('Built ')).length;
    const watching = (): number => stdout.filter((l) => l.startsWith('Watching for changes')).length;
    const exit = main(['notes', '--out', 'out', '--watch'], {
      stdout: (l) => stdout.push(l),
      stderr: (l) => stderr.push(l),
      cwd: dir,
      signal: stop.signal,
    });

    await waitFor('the first build', () => watching() === 1);
    expect(builds()).toBe(1);
    expect(await titles()).toEqual(['First']);

    await writeFile(path.join(dir, 'notes', 'b.md'), md('Second'));
    await waitFor('a rebuild with the new file', () => builds() === 2 && watching() >= 2);
    expect(await titles()).toEqual(['First', 'Second']);

    await writeFile(path.join(dir, 'notes', 'b.md'), '---\ntitle: [broken\n---\nText.\n');
    await waitFor('the failed rebuild', () => stderr.some((l) => l.startsWith('Rebuild failed')));
    expect(stderr).toContain('Rebuild failed; out still holds the last good corpus.');
    expect(stderr.some((l) => l.startsWith('error: notes/b.md line 3 column 1: invalid YAML'))).toBe(true);
    expect(await titles()).toEqual(['First', 'Second']);

    stop.abort();
    expect(await exit).toBe(EXIT_OK);
  }, 30_000);
});

describe('progress bar', () => {
  it('draws a bar', () => {
    expect(renderProgress('building articles', 50, 200, 8)).toBe('building articles [██░░░░░░] 25% 50/200');
    expect(renderProgress('reading files', 0, 0, 4)).toBe('reading files [████] 100% 0/0');
  });

  it('shows only on a terminal, only for long builds, and clears itself', () => {
    const writes: string[] = [];
    let now = 0;
    const stream = { isTTY: true, columns: 80, write: (text: string) => writes.push(text) > 0 };
    const progress = createProgress(stream, () => now);
    progress.update('reading files', 1, 10);
    expect(writes).toEqual([]);
    now = PROGRESS_DELAY_MS + 1;
    progress.update('reading files', 2, 10);
    progress.update('reading files', 3, 10);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('reading files [');
    progress.clear();
    expect(writes).toHaveLength(2);
    expect(createProgress({ isTTY: false, write: () => true })).toBe(NO_PROGRESS);
  });
});
