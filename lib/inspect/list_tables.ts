/**
 * The tables under a root (a folder or `s3://bucket/prefix`): every folder, at any depth, holding a
 * `version.txt` or a snapshot file `sN.json`, with its current snapshot, rows, files, bytes and the
 * event-time span its segments cover.
 *
 * @module
 */

import { walkSegments } from "../format/segments.ts";
import { AzofError } from "../errors.ts";
import { readFileReports } from "./inspect.ts";
import type { Segment } from "../format/snapshot.ts";
import { LocalStore } from "../store/local.ts";
import { openStore, type OpenStoreOptions } from "../store/open.ts";
import { resolveTable } from "../format/table.ts";

/** One table of {@linkcode listTables}. */
export interface TableListing {
  /** The table's folder, relative to the root (`prices`, `sales/eu`). */
  readonly name: string;
  /** The current snapshot; `null` when the table could not be read. */
  readonly snapshot: number | null;
  /** Rows in the data files the snapshot names (from their footers). */
  readonly rows: number;
  /** Data files the snapshot names. */
  readonly files: number;
  /** Their bytes. */
  readonly bytes: number;
  /** First instant the segments cover (ms), `null` without segments. */
  readonly start: number | null;
  /** Newest instant the snapshot names (segment starts and ends, delta ends; ms), or `null`. */
  readonly end: number | null;
  /** Why the table could not be read, when it could not. */
  readonly error?: string;
}

/**
 * Lists the tables under a root, sorted by name. A table that cannot be read (a bad snapshot, a
 * missing data file) is listed with `error` set instead of failing the listing.
 *
 * @param root A local folder, a `file://` URL or `s3://bucket[/prefix]`.
 * @param options Options of the S3 store.
 * @returns One entry per table folder.
 * @throws {AzofError} `Unsupported` for other URL schemes; `TableNotFound` for a local folder that
 *   does not exist; `StorageError` when the root cannot be listed.
 *
 * @example The bundled test tables
 * ```ts
 * import { listTables } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const tables = await listTables("testdata");
 * const prices = tables.find((t) => t.name === "prices");
 * assert.equal(prices?.snapshot, 1);
 * assert.ok(prices!.rows > 0);
 * ```
 */
export async function listTables(
  root: string,
  options: OpenStoreOptions = {},
): Promise<TableListing[]> {
  const store = await openStore(root, options);
  const entries = await store.list();
  if (entries.length === 0 && store instanceof LocalStore && !(await store.exists(""))) {
    throw new AzofError("TableNotFound", `Cannot list tables under ${root}: no such folder`);
  }
  const folders = new Set<string>();
  for (const entry of entries) {
    const at = entry.key.lastIndexOf("/");
    if (at < 0) continue;
    const file = entry.key.slice(at + 1);
    if (file === "version.txt" || /^s[0-9]+\.json$/.test(file)) folders.add(entry.key.slice(0, at));
  }
  const base = root.replace(/\/+$/, "");
  const names = [...folders].sort();
  const out: TableListing[] = [];
  for (let i = 0; i < names.length; i += 4) {
    out.push(...await Promise.all(names.slice(i, i + 4).map((n) => _listing(base, n, options))));
  }
  return out;
}

async function _listing(
  root: string,
  name: string,
  options: OpenStoreOptions,
): Promise<TableListing> {
  const at = name.lastIndexOf("/");
  const parent = at < 0 ? root : `${root}/${name.slice(0, at)}`;
  try {
    const table = await resolveTable(parent, name.slice(at + 1), options);
    const snapshot = await table.snapshot();
    const files = await readFileReports(table, snapshot);
    let rows = 0;
    let bytes = 0;
    for (const f of files.values()) {
      rows += f.rows;
      bytes += f.bytes;
    }
    return { name, snapshot: snapshot.version, rows, files: files.size, bytes, ..._span(snapshot) };
  } catch (error) {
    if (!(error instanceof AzofError) && !(error instanceof TypeError)) throw error;
    const empty = { snapshot: null, rows: 0, files: 0, bytes: 0, start: null, end: null };
    return { name, ...empty, error: error.message };
  }
}

function _span(
  snapshot: { segments: readonly Segment[] },
): { start: number | null; end: number | null } {
  let start: number | null = null;
  let end: number | null = null;
  for (const { segment: s } of walkSegments(snapshot.segments)) {
    start = Math.min(start ?? Infinity, s.start);
    end = Math.max(end ?? -Infinity, s.start, s.end ?? -Infinity, ...s.deltas.map((d) => d.end));
  }
  return { start, end };
}
