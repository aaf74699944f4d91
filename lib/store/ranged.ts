/**
 * Coalesced ranged reads of one stored object, shaped as hyparquet's `AsyncBuffer`: byte ranges asked
 * for together are fetched as few requests as possible, bytes already fetched (the footer in
 * particular) are served from a small cache, and only the missing parts of a range are fetched.
 *
 * @module
 */

import type { Store } from "./store.ts";

/**
 * Bytes to read from the end of a Parquet file for its footer (pass to hyparquet as
 * `initialFetchSize`). Footers of tables azof reads are a few KiB (about 4 KiB in the upstream
 * `financials` files, 20 KiB for a 5M-row file of 77 row groups); a file no bigger than this is read
 * whole in one request, and a larger footer costs one more request.
 */
export const FOOTER_BYTES: number = 32 * 1024;

/** Options of {@linkcode rangedReader}. */
export interface RangedReaderOptions {
  /** Ranges asked for together are merged when at most this many unrequested bytes lie between them; default 64 KiB. */
  readonly gapBytes?: number;
  /** Requests are at most this long; longer ranges are split into parts fetched in parallel; default 8 MiB. */
  readonly partBytes?: number;
  /** Fetched bytes kept for later reads (oldest dropped first); default 16 MiB. */
  readonly cacheBytes?: number;
  /**
   * A budget shared with other readers (several files read at once): fetched bytes are kept within
   * it, the oldest of any of its readers dropped first; `cacheBytes` is then ignored.
   */
  readonly budget?: CacheBudget;
  /** Bytes of the object already at hand (such as the footer read with the size), to serve first. */
  readonly known?: { readonly start: number; readonly bytes: Uint8Array };
}

/** An object's bytes, read on demand (hyparquet's `AsyncBuffer`). */
export interface RangedReader {
  /** The object's size. */
  readonly byteLength: number;
  /** Bytes `[start, end)` (to the end when `end` is omitted) in a fresh buffer. */
  slice(start: number, end?: number): Promise<ArrayBuffer>;
  /**
   * Starts fetching bytes `[start, end)` for a later `slice`, like `slice` without the answer (a
   * failed fetch is forgotten, so the later `slice` fetches again and reports the failure).
   */
  prefetch(start: number, end: number): void;
}

interface _Block {
  readonly start: number;
  readonly end: number;
  readonly bytes: Promise<Uint8Array>;
}

/** A cached block as its budget knows it: its size, and how to drop it from its reader. */
interface _Held {
  readonly bytes: number;
  readonly drop: () => void;
}

/**
 * A byte budget for the caches of ranged readers: blocks are kept until the blocks of all the
 * readers sharing it hold more than `bytes`, and then the oldest go first (the newest always
 * stays). Readers of files merged side by side share one, so that what a file's cache holds
 * follows where the reading is, not the number of files.
 *
 * @example Two readers within one budget
 * ```ts
 * import { CacheBudget, rangedReader } from "./ranged.ts";
 * import { MemoryStore } from "./memory.ts";
 * import assert from "node:assert/strict";
 * const store = new MemoryStore();
 * await store.put("a", new Uint8Array(100));
 * await store.put("b", new Uint8Array(100));
 * const budget = new CacheBudget(150);
 * await rangedReader(store, "a", 100, { budget }).slice(0, 100);
 * await rangedReader(store, "b", 100, { budget }).slice(0, 100);
 * assert.equal(budget.used, 100);
 * ```
 */
export class CacheBudget {
  /** The most bytes kept (the newest block is kept even when it alone is more). */
  readonly bytes: number;
  readonly #held = new Set<_Held>();
  #used = 0;

  /** @param bytes The most bytes kept. */
  constructor(bytes: number) {
    this.bytes = bytes;
  }

  /** Bytes of the blocks kept now. */
  get used(): number {
    return this.#used;
  }

  /**
   * Counts a fetched block (its reader calls {@linkcode CacheBudget.trim} once it may lose blocks).
   *
   * @param bytes Its size.
   * @param drop Removes it from its reader's cache.
   * @returns Stops counting it (when its reader drops it by itself).
   */
  hold(bytes: number, drop: () => void): () => void {
    const held = { bytes, drop };
    this.#held.add(held);
    this.#used += bytes;
    return () => {
      if (this.#held.delete(held)) this.#used -= bytes;
    };
  }

  /** Drops the oldest blocks while more than the budget is kept, keeping at least the newest. */
  trim(): void {
    for (const held of this.#held) {
      if (this.#used <= this.bytes || this.#held.size <= 1) return;
      this.#held.delete(held);
      this.#used -= held.bytes;
      held.drop();
    }
  }
}

interface _Pending {
  readonly start: number;
  readonly end: number;
  /** Absent for a prefetch, which wants no answer. */
  readonly resolve?: (buffer: ArrayBuffer) => void;
  readonly reject?: (error: unknown) => void;
}

/**
 * Opens coalesced ranged reads of a stored object of known size. Reads asked for in the same
 * turn of the event loop (as hyparquet asks for a row group's column chunks) are served together:
 * their missing parts, merged across small gaps and split into parts of at most `partBytes`, are
 * fetched in parallel (the store bounds how many requests are in flight).
 *
 * @param store The store.
 * @param key The object's key.
 * @param size The object's size in bytes.
 * @param options Gap, part and cache sizes.
 * @returns The reader.
 *
 * @example Two nearby ranges cost one read
 * ```ts
 * import { rangedReader } from "./ranged.ts";
 * import { MemoryStore } from "./memory.ts";
 * import assert from "node:assert/strict";
 * const store = new MemoryStore();
 * await store.put("f", new Uint8Array(1000).map((_, i) => i % 256));
 * let reads = 0;
 * const counted = { read: (k: string, s?: number, e?: number) => (reads++, store.read(k, s, e)) };
 * const reader = rangedReader(counted, "f", 1000);
 * const [a, b] = await Promise.all([reader.slice(10, 20), reader.slice(30, 40)]);
 * assert.deepEqual([new Uint8Array(a)[0], new Uint8Array(b)[0], reads], [10, 30, 1]);
 * ```
 */
export function rangedReader(
  store: Pick<Store, "read">,
  key: string,
  size: number,
  options: RangedReaderOptions = {},
): RangedReader {
  return new _RangedReader(store, key, size, options);
}

class _RangedReader implements RangedReader {
  readonly byteLength: number;
  readonly #store: Pick<Store, "read">;
  readonly #key: string;
  readonly #gap: number;
  readonly #part: number;
  readonly #budget: CacheBudget;
  /** Fetched and in-flight blocks, oldest first; they never overlap. */
  #blocks: _Block[] = [];
  #pending: _Pending[] = [];

  constructor(store: Pick<Store, "read">, key: string, size: number, options: RangedReaderOptions) {
    this.#store = store;
    this.#key = key;
    this.byteLength = size;
    this.#gap = options.gapBytes ?? 64 * 1024;
    this.#part = options.partBytes ?? 8 * 1024 * 1024;
    this.#budget = options.budget ?? new CacheBudget(options.cacheBytes ?? 16 * 1024 * 1024);
    if (!(this.#part >= 1)) throw new RangeError(`partBytes must be at least 1, got ${this.#part}`);
    const known = options.known;
    if (known && known.bytes.length > 0) {
      const start = Math.max(0, known.start);
      const bytes = known.bytes.subarray(0, Math.max(0, size - start));
      this.#keep({ start, end: start + bytes.length, bytes: Promise.resolve(bytes) });
    }
  }

  slice(start: number, end: number = this.byteLength): Promise<ArrayBuffer> {
    const [from, to] = this.#clamp(start, end);
    if (to === from) return Promise.resolve(new ArrayBuffer(0));
    return new Promise((resolve, reject) => this.#ask({ start: from, end: to, resolve, reject }));
  }

  prefetch(start: number, end: number): void {
    const [from, to] = this.#clamp(start, end);
    if (to > from) this.#ask({ start: from, end: to });
  }

  #clamp(start: number, end: number): [number, number] {
    const from = Math.max(0, Math.min(start, this.byteLength));
    return [from, Math.max(from, Math.min(end, this.byteLength))];
  }

  #ask(pending: _Pending): void {
    if (this.#pending.length === 0) queueMicrotask(() => this.#flush());
    this.#pending.push(pending);
  }

  /** Fetches what the pending reads miss, in merged parts, then answers each read. */
  #flush(): void {
    const pending = this.#pending;
    this.#pending = [];
    const missing = pending.flatMap((p) => _subtract(p.start, p.end, this.#blocks));
    for (const [start, end] of _merge(missing, this.#gap, this.#part)) {
      const bytes = this.#store.read(this.#key, start, end);
      const release = this.#keep({ start, end, bytes });
      // A failed block is forgotten so that a later read fetches it again.
      bytes.catch(release);
    }
    for (const p of pending) if (p.resolve) this.#assemble(p).then(p.resolve, p.reject);
    this.#budget.trim();
  }

  /** Caches a block within the budget; returns what drops it. */
  #keep(block: _Block): () => void {
    const remove = () => void (this.#blocks = this.#blocks.filter((b) => b !== block));
    this.#blocks.push(block);
    const release = this.#budget.hold(block.end - block.start, remove);
    return () => {
      release();
      remove();
    };
  }

  /** Copies `[start, end)` out of the blocks covering it (taken now, before any eviction). */
  #assemble(p: _Pending): Promise<ArrayBuffer> {
    const parts = this.#blocks.filter((b) => b.start < p.end && b.end > p.start)
      .sort((a, b) => a.start - b.start);
    return Promise.all(parts.map((b) => b.bytes)).then((chunks) => {
      const out = new Uint8Array(p.end - p.start);
      chunks.forEach((bytes, i) => {
        const block = parts[i]!;
        const from = Math.max(p.start, block.start);
        const to = Math.min(p.end, block.end);
        out.set(bytes.subarray(from - block.start, to - block.start), from - p.start);
      });
      return out.buffer;
    });
  }
}

/** The parts of `[start, end)` no block covers, in order. */
function _subtract(start: number, end: number, blocks: readonly _Block[]): [number, number][] {
  const covering = blocks.filter((b) => b.start < end && b.end > start)
    .sort((a, b) => a.start - b.start);
  const out: [number, number][] = [];
  let at = start;
  for (const b of covering) {
    if (b.start > at) out.push([at, b.start]);
    at = Math.max(at, b.end);
  }
  if (at < end) out.push([at, end]);
  return out;
}

/**
 * Sorts ranges and merges those that overlap or lie at most `gap` bytes apart while the merged range
 * stays within `part` bytes; ranges longer than `part` are split into parts of `part` bytes.
 */
function _merge(ranges: [number, number][], gap: number, part: number): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start - last[1] <= gap && Math.max(end, last[1]) - last[0] <= part) {
      last[1] = Math.max(last[1], end);
    } else if (last && start < last[1]) {
      // Overlaps a range that cannot grow: fetch only what lies beyond it.
      if (end > last[1]) merged.push([last[1], end]);
    } else {
      merged.push([start, end]);
    }
  }
  return merged.flatMap(([start, end]) => {
    const parts: [number, number][] = [];
    for (let at = start; at < end; at += part) parts.push([at, Math.min(end, at + part)]);
    return parts;
  });
}
