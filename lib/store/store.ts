/**
 * The storage interface every table operation goes through: a flat namespace of immutable-ish objects
 * addressed by `/`-separated keys, as on object stores.
 *
 * @module
 */

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
  /** Whether an object exists. */
  exists(key: string): Promise<boolean>;
  /** Objects whose key starts with `prefix` (all when omitted), in no particular order. */
  list(prefix?: string): Promise<StoreEntry[]>;
  /** Writes an object, replacing any previous one; readers see the old or the new bytes, never a mix. */
  put(key: string, data: Uint8Array): Promise<void>;
  /** Writes an object only if none exists under the key; returns `false` (writing nothing) otherwise. */
  putIfAbsent(key: string, data: Uint8Array): Promise<boolean>;
  /** Removes an object; removing an absent object is not an error. */
  delete(key: string): Promise<void>;
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
