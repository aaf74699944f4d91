/**
 * An in-memory {@linkcode Store}, for tests and for tables built on the fly.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import type { Store, StoreEntry } from "./store.ts";

/**
 * A store that keeps objects in a `Map`.
 *
 * @example Put-if-absent refuses a second writer
 * ```ts
 * import { MemoryStore } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const store = new MemoryStore();
 * assert.equal(await store.putIfAbsent("t/s2.json", new Uint8Array([1])), true);
 * assert.equal(await store.putIfAbsent("t/s2.json", new Uint8Array([2])), false);
 * ```
 */
export class MemoryStore implements Store {
  readonly location = "memory:";
  readonly #objects = new Map<string, { data: Uint8Array; modified: number }>();

  #get(key: string): Uint8Array {
    const entry = this.#objects.get(key);
    if (!entry) {
      throw new AzofError("StorageError", `Cannot read ${this.location}${key}: no such file`);
    }
    return entry.data;
  }

  size(key: string): Promise<number> {
    return Promise.resolve().then(() => this.#get(key).length);
  }

  read(key: string, start?: number, end?: number): Promise<Uint8Array> {
    return Promise.resolve().then(() => this.#get(key).slice(start ?? 0, end));
  }

  readTail(
    key: string,
    length: number,
  ): Promise<{ size: number; start: number; bytes: Uint8Array }> {
    return Promise.resolve().then(() => {
      const data = this.#get(key);
      const start = Math.max(0, data.length - Math.max(0, length));
      return { size: data.length, start, bytes: data.slice(start) };
    });
  }

  exists(key: string): Promise<boolean> {
    return Promise.resolve(this.#objects.has(key));
  }

  list(prefix = ""): Promise<StoreEntry[]> {
    const out: StoreEntry[] = [];
    for (const [key, { data, modified }] of this.#objects) {
      if (key.startsWith(prefix)) out.push({ key, size: data.length, modified });
    }
    return Promise.resolve(out);
  }

  put(key: string, data: Uint8Array): Promise<void> {
    this.#objects.set(key, { data: data.slice(), modified: Date.now() });
    return Promise.resolve();
  }

  putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    if (this.#objects.has(key)) return Promise.resolve(false);
    this.#objects.set(key, { data: data.slice(), modified: Date.now() });
    return Promise.resolve(true);
  }

  delete(key: string): Promise<void> {
    this.#objects.delete(key);
    return Promise.resolve();
  }
}
