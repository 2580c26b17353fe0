/** Bump when tokenizing, ranking inputs or the export format change: cached indexes are then rebuilt. */
export const ENGINE_VERSION = 2;

/** The cache key of an exported index: a new corpus or a new engine both mean a rebuild. */
export function indexCacheKey(corpusHash: string): string {
  return `${corpusHash}:search-v${ENGINE_VERSION}`;
}
