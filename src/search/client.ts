/**
 * The app's side of the search worker: typed requests, promises for answers, and progress
 * callbacks. Knows nothing of the UI or of storage.
 */
import type { Article } from '../corpus/types.ts';
import type { ExportedIndex, SearchOptions, SearchResult } from './engine.ts';
import { isResponse, searchWorkerName, type ReadySource, type SearchRequest, type SearchResponse } from './protocol.ts';

export interface ClientEvents {
  onProgress?: (indexed: number, total: number) => void;
  onReady?: (source: ReadySource, count: number, corpusHash: string) => void;
  /** `load` found no index to use: send the articles (`init`, then `build`). */
  onUnbuilt?: () => void;
  /** A build step failed, or the worker itself did. */
  onError?: (message: string) => void;
}

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

export class SearchCancelled extends Error {
  constructor() {
    super('search cancelled');
    this.name = 'SearchCancelled';
  }
}

export class SearchClient {
  readonly #worker: Worker;
  readonly #events: ClientEvents;
  #nextId = 1;
  #searches = new Map<number, Pending<SearchResult & { partial: boolean }>>();
  #exports = new Map<number, Pending<ExportedIndex>>();

  constructor(worker: Worker, events: ClientEvents = {}) {
    this.#worker = worker;
    this.#events = events;
    worker.addEventListener('message', (event: MessageEvent<unknown>) => this.#receive(event.data));
    worker.addEventListener('error', (event) => this.#fail(event.message || 'the search worker failed to start'));
  }

  static start(events?: ClientEvents): SearchClient {
    return new SearchClient(spawnSearchWorker(), events);
  }

  /** Takes over a worker started (and asked to `open`) before the app was mounted: see src/app/boot.ts. */
  static adopt(booted: BootedWorker, events?: ClientEvents): SearchClient {
    const client = new SearchClient(booted.worker, events);
    booted.worker.removeEventListener('message', booted.hold);
    // After the caller has the client, and before any later message (each comes in a task of its own).
    queueMicrotask(() => {
      for (const data of booted.held.splice(0)) client.#receive(data);
    });
    return client;
  }

  init(corpusHash: string, total: number): void {
    this.#post({ type: 'init', corpusHash, total });
  }

  build(articles: Article[], last: boolean): void {
    this.#post({ type: 'build', articles, last });
  }

  /** The worker finds the index itself: the cache in `dbName`, else the pre-built `index` parts. */
  load(request: Omit<Extract<SearchRequest, { type: 'load' }>, 'type'>): void {
    this.#post({ type: 'load', ...request });
  }

  /** At boot: the worker restores the index cached for the complete corpus stored in `dbName`, if any. */
  open(dbName: string, manifestUrl: string): void {
    this.#post({ type: 'open', dbName, manifestUrl });
  }

  import(corpusHash: string, data: ExportedIndex): void {
    this.#post({ type: 'import', id: this.#nextId++, corpusHash, data });
  }

  export(): Promise<ExportedIndex> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#exports.set(id, { resolve, reject });
      this.#post({ type: 'export', id });
    });
  }

  /** Only the newest search matters: an older one still waiting is cancelled. */
  search(query: string, options: SearchOptions): Promise<SearchResult & { partial: boolean }> {
    for (const [id, pending] of this.#searches) {
      this.#post({ type: 'cancel', id });
      pending.reject(new SearchCancelled());
    }
    this.#searches.clear();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#searches.set(id, { resolve, reject });
      this.#post({ type: 'search', id, query, options });
    });
  }

  terminate(): void {
    this.#worker.terminate();
    this.#fail('the search worker was stopped');
  }

  #post(request: SearchRequest): void {
    this.#worker.postMessage(request);
  }

  #fail(message: string): void {
    for (const pending of [...this.#searches.values(), ...this.#exports.values()]) pending.reject(new Error(message));
    this.#searches.clear();
    this.#exports.clear();
    this.#events.onError?.(message);
  }

  #receive(data: unknown): void {
    if (!isResponse(data)) return;
    const message: SearchResponse = data;
    switch (message.type) {
      case 'progress':
        this.#events.onProgress?.(message.indexed, message.total);
        break;
      case 'ready':
        this.#events.onReady?.(message.source, message.count, message.corpusHash);
        break;
      case 'unbuilt':
        this.#events.onUnbuilt?.();
        break;
      case 'results': {
        const pending = this.#searches.get(message.id);
        this.#searches.delete(message.id);
        pending?.resolve({ hits: message.hits, total: message.total, partial: message.partial });
        break;
      }
      case 'exported': {
        const pending = this.#exports.get(message.id);
        this.#exports.delete(message.id);
        pending?.resolve(message.data);
        break;
      }
      case 'error': {
        const pending =
          message.id === null ? undefined : (this.#searches.get(message.id) ?? this.#exports.get(message.id));
        if (pending && message.id !== null) {
          this.#searches.delete(message.id);
          this.#exports.delete(message.id);
          pending.reject(new Error(message.message));
        } else {
          this.#events.onError?.(message.message);
        }
        break;
      }
    }
  }
}

/** The search worker; named after `dbName` when it will be asked to `open` it (searchWorkerName). */
export function spawnSearchWorker(dbName?: string): Worker {
  // Our own module worker: FlexSearch's `worker` option builds Blob workers, which a strict CSP forbids.
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: searchWorkerName(dbName) });
}

/** A search worker started and sent `open` before any SearchClient: what it said meanwhile is held. */
export interface BootedWorker {
  worker: Worker;
  dbName: string;
  manifestUrl: string;
  held: unknown[];
  hold: (event: MessageEvent<unknown>) => void;
}

/** Starts the search worker and asks it to `open` the corpus stored in `dbName` (SearchClient.adopt takes it). */
export function bootSearchWorker(dbName: string, manifestUrl: string): BootedWorker {
  const worker = spawnSearchWorker(dbName);
  const held: unknown[] = [];
  const hold = (event: MessageEvent<unknown>): void => void held.push(event.data);
  worker.addEventListener('message', hold);
  worker.postMessage({ type: 'open', dbName, manifestUrl } satisfies SearchRequest);
  return { worker, dbName, manifestUrl, held, hold };
}
