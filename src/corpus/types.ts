/**
 * The Article and Manifest types: the contract between the corpus builder (src/cli),
 * the loader (src/corpus/load.ts) and storage (src/storage).
 */

/** Version of the built corpus format; the loader refuses any other. */
export const CORPUS_FORMAT = 1;

export interface ArticleImage {
  /** Relative to the manifest in a built corpus; absolute http(s) URLs are kept as links. */
  src: string;
  alt: string;
  caption?: string;
}

/** One article as users write it (JSON, NDJSON; later Markdown, feeds, pages). */
export interface ArticleInput {
  id: string;
  title: string;
  /** `YYYY-MM-DD` or ISO 8601; null when unknown. */
  date?: string | null;
  category?: string | null;
  /** Paragraphs of plain text, or one HTML string. */
  body: string[] | string;
  summary?: string;
  tags?: string[];
  /** BCP 47; guessed from the text when absent. */
  lang?: string;
  images?: ArticleImage[];
  url?: string;
  /** `{ "zh": "<id>" }`: the same article in another language. */
  translations?: Record<string, string>;
}

export interface NeighbourRef {
  id: string;
  title: string;
}

/** One article as built: sanitized, ordered, linked to its neighbours. */
export interface Article {
  id: string;
  title: string;
  /** Normalized: `YYYY-MM-DD`, or a full UTC ISO string when a time was given; null when undated. */
  date: string | null;
  category: string | null;
  lang: string;
  /** Sanitized HTML of the body (paragraphs as `<p>`). */
  html: string;
  summary?: string;
  tags: string[];
  images: ArticleImage[];
  url?: string;
  translations: Record<string, string>;
  /** Position in the corpus order (date ascending, then id; undated last). */
  ord: number;
  /** Older neighbour in the same language. */
  prev: NeighbourRef | null;
  /** Newer neighbour in the same language. */
  next: NeighbourRef | null;
}

export interface ChunkRef {
  /** Relative to the manifest. */
  file: string;
  /** SHA-256 of the file's bytes, hex. */
  hash: string;
  count: number;
}

export interface IndexRef {
  file: string;
  hash: string;
}

export interface Manifest {
  format: typeof CORPUS_FORMAT;
  /** Identifies the whole corpus: changes whenever any chunk changes. */
  hash: string;
  title: string;
  languages: string[];
  count: number;
  /** Articles with a date; they hold ords 0..dated-1. */
  dated: number;
  counts: { lang: Record<string, number>; category: Record<string, number> };
  categories: string[];
  years: number[];
  chunks: ChunkRef[];
  /**
   * A pre-built search index: the export's JSON text split into content-hashed parts, to be
   * joined in order. Made by search engine `indexVersion`; another engine version rebuilds.
   */
  index?: IndexRef[];
  indexVersion?: number;
}

/** A chunk file: a slice of the corpus in order. */
export interface Chunk {
  format: typeof CORPUS_FORMAT;
  articles: Article[];
}
