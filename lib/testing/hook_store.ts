/**
 * A {@linkcode Store} wrapper for concurrency tests: it awaits a hook before every `put` and
 * `putIfAbsent`, so a test can make another writer commit at an exact step of an operation (while
 * compaction writes its files, or just before it creates its snapshot).
 *
 * @module
 */

import type { Store, StoreEntry } from "../store/store.ts";

/** A write a {@linkcode HookStore} is about to pass on. */
export interface StoreWrite {
  /** `put` (data files, `version.txt`) or `putIfAbsent` (a snapshot `sN.json`). */
  readonly op: "put" | "putIfAbsent";
  /** The key about to be written. */
  readonly key: string;
}

/** A store that runs `before` ahead of each write and then passes the write on to `inner`. */
export class HookStore implements Store {
  readonly location: string;
  readonly #inner: Store;
  readonly #before: (write: StoreWrite) => Promise<void> | void;

  /**
   * @param inner The store that holds the objects.
   * @param before Awaited before each write reaches `inner`.
   */
  constructor(inner: Store, before: (write: StoreWrite) => Promise<void> | void) {
    this.#inner = inner;
    this.#before = before;
    this.location = inner.location;
  }

  size(key: string): Promise<number> {
    return this.#inner.size(key);
  }

  read(key: string, start?: number, end?: number): Promise<Uint8Array> {
    return this.#inner.read(key, start, end);
  }

  exists(key: string): Promise<boolean> {
    return this.#inner.exists(key);
  }

  list(prefix?: string): Promise<StoreEntry[]> {
    return this.#inner.list(prefix);
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    await this.#before({ op: "put", key });
    return this.#inner.put(key, data);
  }

  async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    await this.#before({ op: "putIfAbsent", key });
    return this.#inner.putIfAbsent(key, data);
  }

  delete(key: string): Promise<void> {
    return this.#inner.delete(key);
  }
}
