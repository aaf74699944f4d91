/**
 * The storage interface every table operation goes through: a flat namespace of immutable-ish objects
 * addressed by `/`-separated keys, as on object stores.
 *
 * @module
 */

import { AzofError } from "../errors.ts";

/** One stored object as listed. */
export interface StoreEntry {
  /** The key, relative to the store root. */
  readonly key: string;
  /** Size in bytes. */
  readonly size: number;
  /** Last modification time, ms since the epoch, when the store knows it. */
  readonly modified?: number;
}

/**
 * A place tables live: a local folder, an S3 prefix, memory. Keys are `/`-separated and relative to the
 * store's root; adapters refuse keys that would leave it.
 */
export interface Store {
  /** A printable location for messages (`/data/tables`, `s3://bucket/prefix`); never contains secrets. */
  readonly location: string;
  /** Size of an object in bytes; throws `AzofError("StorageError")` naming the key when it is absent. */
  size(key: string): Promise<number>;
  /** Bytes `[start, end)` of an object (the whole object when both are omitted). */
  read(key: string, start?: number, end?: number): Promise<Uint8Array>;
  /**
   * Optional: the object's size together with its last `length` bytes (all of it when shorter), in
   * one request where the store can (a suffix-range GET on S3). The bytes may be another range of
   * the object (a server that misreads suffix ranges), so callers use `start` and read what they
   * miss. Call it through {@linkcode readTail}, which falls back to `size` then `read`.
   */
  readTail?(
    key: string,
    length: number,
  ): Promise<{ readonly size: number; readonly start: number; readonly bytes: Uint8Array }>;
  /** Whether an object exists. */
  exists(key: string): Promise<boolean>;
  /** Objects whose key starts with `prefix` (all when omitted), in no particular order. */
  list(prefix?: string): Promise<StoreEntry[]>;
  /** Writes an object, replacing any previous one; readers see the old or the new bytes, never a mix. */
  put(key: string, data: Uint8Array): Promise<void>;
  /**
   * Writes an object only if none exists under the key; returns `false` (writing nothing) otherwise.
   * `false` only says that an object is there: it may be these very bytes, stored by an earlier
   * send of this call that got no answer (a client's own retry). A throw means the outcome is
   * unknown: the object may have been stored, unless it is a {@linkcode WriteRefused} (the store
   * answered and stored nothing). Callers resolve the rest by reading the object back and
   * re-sending (lib/write/commit_outcome.ts, SPEC §9 rule 7); adapters need not.
   */
  putIfAbsent(key: string, data: Uint8Array): Promise<boolean>;
  /** Removes an object; removing an absent object is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Optional: the store one folder up (the same configuration), or `undefined` at the top. Lets
   * `createTable` refuse a table inside a table that lies outside this store's root.
   */
  parent?(): Store | undefined;
}

/**
 * What {@linkcode Store.putIfAbsent} throws when the store answered with a refusal and stored
 * nothing (S3: a 4xx such as 403 or 404 NoSuchBucket; a folder: permission denied), as opposed
 * to an error that leaves the outcome unknown. Its code stays `StorageError`.
 *
 * @example Wrap an adapter's error
 * ```ts
 * import { WriteRefused } from "./store.ts";
 * import { AzofError } from "../errors.ts";
 * import assert from "node:assert/strict";
 * const error = new WriteRefused(new AzofError("StorageError", "Cannot write s3://b/t/s2.json: access denied (403)"));
 * assert.equal(error.code, "StorageError");
 * ```
 */
export class WriteRefused extends AzofError {
  /** @param error The adapter's error, whose code, message and cause it takes. */
  constructor(error: AzofError) {
    super(error.code, error.message, { cause: error.cause });
    this.name = "AzofError";
  }
}

/** Some bytes of an object and the object's size: {@linkcode readTail}'s answer. */
export interface StoreTail {
  /** The object's size in bytes. */
  readonly size: number;
  /** Where `bytes` start in the object. */
  readonly start: number;
  /** Bytes `[start, start + bytes.length)` of the object. */
  readonly bytes: Uint8Array;
}

/**
 * The size of an object and (usually) its last `length` bytes, in one request where the store
 * offers {@linkcode Store.readTail}; otherwise with `size` and then `read`.
 *
 * @param store The store.
 * @param key The object's key.
 * @param length How many bytes from the end to read.
 * @returns The size and bytes of the object, with where they start.
 * @throws {AzofError} `StorageError` naming the key when the object is absent.
 *
 * @example Read a footer and learn the size in one go
 * ```ts
 * import { readTail } from "./store.ts";
 * import { MemoryStore } from "./memory.ts";
 * import assert from "node:assert/strict";
 * const store = new MemoryStore();
 * await store.put("f", new Uint8Array([1, 2, 3, 4, 5]));
 * const tail = await readTail(store, "f", 2);
 * assert.deepEqual([tail.size, tail.start, [...tail.bytes]], [5, 3, [4, 5]]);
 * ```
 */
export async function readTail(
  store: Pick<Store, "size" | "read" | "readTail">,
  key: string,
  length: number,
): Promise<StoreTail> {
  if (store.readTail) return await store.readTail(key, length);
  const size = await store.size(key);
  const start = Math.max(0, size - Math.max(0, length));
  return { size, start, bytes: await store.read(key, start, size) };
}

/**
 * Joins key parts with `/`, ignoring empty parts.
 *
 * @param parts Key parts such as a table name and a file name.
 * @returns The joined key.
 */
export function joinKey(...parts: string[]): string {
  return parts.filter((p) => p !== "").join("/");
}
