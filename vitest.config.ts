import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Compiles runes in *.svelte.ts state classes, so their unit tests run in node too.
  plugins: [svelte()],
  test: {
    environment: 'node',
    include: ['tests/unit/**/*.test.ts', 'src/**/*.test.ts'],
    // The hostile-string and real-corpus suites do real work: on a loaded 2-core CI machine they
    // need more than vitest's 5 s default (they take 1–10 s on an idle one).
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Every core: vitest's default in a run leaves one free, which on CI's two cores means one file at
    // a time (88 s there; 62 s with both, the builder fuzz beside the rest).
    maxWorkers: '100%',
  },
});
