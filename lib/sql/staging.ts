/**
 * Local paths of the data files a query reads. DuckDB reads local files here (its `httpfs`
 * extension, which reads S3, is not used: it would have to be downloaded at run time), so the
 * planned files of a table in another store are copied into a staging folder first, each file once,
 * and read by DuckDB from there; the bytes are the stored bytes, so answers are the same as from a
 * local copy of the table.
 *
 * @module
 */

import { dirname, resolve } from "node:path";
import { AzofError } from "../errors.ts";
import { LocalStore } from "../store/local.ts";
import { readTail, type Store } from "../store/store.ts";
import type { Table } from "../format/table.ts";

/** Bytes per ranged read of a copy; a file no bigger than this is copied in one read. */
const _PART_BYTES = 8 * 1024 * 1024;
/** Reads in flight at once while copying, so at most this many parts are held in memory. */
const _READS_IN_FLIGHT = 4;

interface _Part {
  readonly key: string;
  readonly temp: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The local paths DuckDB reads a table's files from: the files themselves for a local folder, else
 * copies under `stagingDir` (made now unless already there from an earlier call).
 *
 * @param table The table.
 * @param files File names as the snapshot writes them.
 * @param stagingDir The folder for copies; needed unless the table is in a local folder.
 * @returns Absolute local paths, one per file, in order.
 * @throws {AzofError} `Unsupported` for a table outside a local folder without `stagingDir`;
 *   `DataInvalid` for a planned file that is missing; `StorageError` when a read fails.
 *
 * @example A local table's files are read in place
 * ```ts
 * import { localPaths } from "./staging.ts";
 * import { openTable } from "../format/table.ts";
 * import assert from "node:assert/strict";
 * const [path] = await localPaths(openTable("testdata", "prices"), ["year_2024_base.parquet"]);
 * assert.ok(path!.endsWith("/testdata/prices/year_2024_base.parquet"));
 * ```
 */
export async function localPaths(
  table: Table,
  files: readonly string[],
  stagingDir?: string,
): Promise<string[]> {
  const store = table.store;
  if (store instanceof LocalStore) return files.map((f) => resolve(store.location, table.key(f)));
  if (stagingDir === undefined) {
    throw new AzofError(
      "Unsupported",
      `Cannot read table ${table.name} at ${store.location} with SQL without a staging folder: ` +
        "DuckDB reads local files here, so pass stagingDir to copy the planned files into",
    );
  }
  const keys = [...new Set(files.map((f) => table.key(f)))];
  const paths = new Map(keys.map((key) => [key, resolve(stagingDir, key)]));
  const missing: string[] = [];
  for (const key of keys) if (!await _exists(paths.get(key)!)) missing.push(key);
  await _copy(store, table, missing.map((key) => ({ key, path: paths.get(key)! })));
  return files.map((f) => paths.get(table.key(f))!);
}

/**
 * Copies objects to local files: first the last part of each (a small file whole, and its size),
 * then the other parts, at most {@linkcode _READS_IN_FLIGHT} reads at once. Each file is written
 * under a temporary name and renamed when complete, so a path that exists holds a whole copy.
 */
async function _copy(
  store: Store,
  table: Table,
  jobs: readonly { key: string; path: string }[],
): Promise<void> {
  const temps = new Map(jobs.map((j) => [j.key, `${j.path}.${crypto.randomUUID()}.part`]));
  try {
    await _fill(store, table, temps);
  } catch (error) {
    for (const temp of temps.values()) await Deno.remove(temp).catch(() => {});
    throw error;
  }
  for (const job of jobs) await Deno.rename(temps.get(job.key)!, job.path);
}

/** Writes each object into its temporary file (the last part first: it tells the size). */
async function _fill(
  store: Store,
  table: Table,
  temps: ReadonlyMap<string, string>,
): Promise<void> {
  const parts: _Part[] = [];
  await _pool([...temps.keys()], async (key) => {
    const temp = temps.get(key)!;
    await Deno.mkdir(dirname(temp), { recursive: true });
    const tail = await readTail(store, key, _PART_BYTES).catch((error) => {
      throw new AzofError(
        "DataInvalid",
        `Cannot read data file ${key.slice(table.name.length + 1)} of table ${table.name}: ` +
          (error instanceof Error ? error.message : String(error)),
        { cause: error },
      );
    });
    await _writeAt(temp, tail.start, tail.bytes, tail.size);
    const done = tail.start + tail.bytes.length;
    for (const [from, to] of [[0, tail.start], [done, tail.size]] as const) {
      for (let at = from; at < to; at += _PART_BYTES) {
        parts.push({ key, temp, start: at, end: Math.min(to, at + _PART_BYTES) });
      }
    }
  });
  await _pool(parts, async (part) => {
    await _writeAt(part.temp, part.start, await store.read(part.key, part.start, part.end));
  });
}

/** Runs `task` on every item, {@linkcode _READS_IN_FLIGHT} at a time; stops at the first failure. */
async function _pool<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++]!;
      try {
        await task(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.min(_READS_IN_FLIGHT, items.length) }, worker);
  // Every worker has stopped before this returns or throws, so nothing writes afterwards.
  const results = await Promise.allSettled(workers);
  const failure = results.find((r) => r.status === "rejected");
  if (failure) throw (failure as PromiseRejectedResult).reason;
}

/** Writes `bytes` at `offset` of a file (created if absent), then sets its length when given. */
async function _writeAt(
  path: string,
  offset: number,
  bytes: Uint8Array,
  length?: number,
): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true });
  if (length !== undefined) await file.truncate(length);
  await file.seek(offset, Deno.SeekMode.Start);
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}

async function _exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
