/**
 * Table resolution: finding a table in a store, its current snapshot number and its snapshots.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { parseSnapshot, type Snapshot, snapshotText } from "./snapshot.ts";
import { LocalStore } from "../store/local.ts";
import { openStore, type OpenStoreOptions } from "../store/open.ts";
import { joinKey, type Store } from "../store/store.ts";
import { isSafeFileName } from "./snapshot.ts";

const _decoder = new TextDecoder();

/** A table: a folder in a store holding `version.txt`, snapshots and data files. */
export interface Table {
  /** The store holding the table's folder. */
  readonly store: Store;
  /** The table's folder name within the store. */
  readonly name: string;
  /** A printable location of the table for messages. */
  readonly location: string;
  /** Store key of a file of this table, such as `"s2.json"` or a data file named in a snapshot. */
  key(file: string): string;
  /**
   * The current snapshot number: `version.txt`, moved forward past any newer snapshot already committed.
   */
  currentVersion(): Promise<number>;
  /** Reads snapshot N, or the current snapshot when N is omitted. */
  snapshot(version?: number): Promise<Snapshot>;
}

/**
 * Opens a table by root and name. The root is a local folder path or a {@linkcode Store}; for
 * `s3://` roots use {@linkcode resolveTable}.
 *
 * @param root The folder (or store) that holds tables.
 * @param name The table's folder name.
 * @returns The table; nothing is read until a method is called.
 * @throws {TypeError} When the name is empty or leaves the root (`..`, `/`).
 *
 * @example Read the current snapshot of a bundled sample table
 * ```ts
 * import { openTable } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = openTable("testdata", "prices");
 * const snapshot = await table.snapshot();
 * assert.ok(snapshot.schema.columns.length > 0);
 * ```
 */
export function openTable(root: string | Store, name: string): Table {
  if (!isSafeFileName(name)) {
    throw new TypeError(
      `Cannot open table "${name}": a table name is a folder name inside the root`,
    );
  }
  if (typeof root === "string" && /^[a-z][a-z0-9+.-]+:\/\//i.test(root)) {
    throw new TypeError(
      `Cannot open table "${name}" at ${root} with openTable(): use resolveTable()`,
    );
  }
  const store = typeof root === "string" ? new LocalStore(root) : root;
  return new _Table(store, name);
}

/**
 * Resolves a table by root and name, where the root may also be an `s3://bucket/prefix` URL or a
 * `file://` URL (the S3 adapter is loaded only for `s3://`).
 *
 * @param root A folder, a URL, or a {@linkcode Store}.
 * @param name The table's folder name.
 * @param options Options for the store (S3 configuration).
 * @returns The table; nothing is read until a method is called.
 *
 * @example Resolve a local table
 * ```ts
 * import { resolveTable } from "../../mod.ts";
 * const table = await resolveTable("testdata", "prices");
 * console.log(table.location);
 * ```
 */
export async function resolveTable(
  root: string | Store,
  name: string,
  options: OpenStoreOptions = {},
): Promise<Table> {
  return openTable(typeof root === "string" ? await openStore(root, options) : root, name);
}

class _Table implements Table {
  readonly store: Store;
  readonly name: string;
  readonly location: string;

  constructor(store: Store, name: string) {
    this.store = store;
    this.name = name;
    this.location = `${store.location.replace(/\/$/, "")}/${name}`;
  }

  key(file: string): string {
    return joinKey(this.name, file);
  }

  async currentVersion(): Promise<number> {
    let version = await this.#hint();
    while (await this.store.exists(this.key(`s${version + 1}.json`))) version++;
    return version;
  }

  async #hint(): Promise<number> {
    const key = this.key("version.txt");
    const bytes = await _readIfPresent(this.store, key);
    // An empty hint is as good as none: a store that rewrites objects in place (s3rver) can show
    // version.txt empty for a moment; readers then probe forward from s1.json (SPEC §2).
    if (!bytes || bytes.length === 0) {
      if (await this.store.exists(this.key("s1.json"))) return 1;
      throw new AzofError(
        "TableNotFound",
        `Cannot open table ${this.name}: no version.txt in ${this.location}`,
      );
    }
    const text = _decoder.decode(bytes).trim();
    if (!/^[0-9]{1,15}$/.test(text) || Number(text) < 1) {
      throw new AzofError(
        "SnapshotInvalid",
        `Cannot open table ${this.name}: ${this.location}/version.txt must hold a snapshot number such as 1, found ${
          JSON.stringify(text.slice(0, 40))
        }`,
      );
    }
    return Number(text);
  }

  async snapshot(version?: number): Promise<Snapshot> {
    const n = version ?? await this.currentVersion();
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new RangeError(`Cannot read snapshot ${n}: a snapshot number is a whole number from 1`);
    }
    const key = this.key(`s${n}.json`);
    const bytes = await _readIfPresent(this.store, key);
    if (!bytes) {
      const expired = version !== undefined && n < await this.currentVersion();
      throw new AzofError(
        version === undefined ? "SnapshotInvalid" : "InputInvalid",
        `Cannot read snapshot s${n}.json: it is not in ${this.location}${
          expired ? " (azof vacuum removes snapshots older than its retention)" : ""
        }`,
      );
    }
    return parseSnapshot(snapshotText(bytes, n), n);
  }
}

/**
 * The object's bytes, or `undefined` when it is absent: one GET where an object usually exists; only
 * after a failed read a HEAD tells "absent" from a storage failure (read once more: the object may
 * have just been created) or a programming error (thrown).
 */
async function _readIfPresent(store: Store, key: string): Promise<Uint8Array | undefined> {
  try {
    return await store.read(key);
  } catch (error) {
    if (!(await store.exists(key))) return undefined;
    if (error instanceof AzofError) return await store.read(key);
    throw error;
  }
}
