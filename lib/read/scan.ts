/**
 * Scan execution: carries out a {@linkcode ScanPlan}, streaming row groups through the resolver and
 * yielding the answer in key order as columnar batches.
 *
 * @module
 */

import { type DataFile, type Decoder, openDataFile } from "../parquet/data_file.ts";
import { type ColumnData, kindOf, type Utf8Data } from "../columns/column_data.ts";
import { gatherGroup } from "./key_set.ts";
import { planScan, type ScanPlan } from "./plan.ts";
import { CacheBudget } from "../store/ranged.ts";
import { type Resolved, Resolver } from "./resolve.ts";
import type { BatchColumn, RowBatch } from "./batch.ts";
import { mergeResolve } from "./merge.ts";
import { KeyFilter } from "./key_filter.ts";
import { SORT_BUDGET_ROWS, SpillDir } from "./sort_runs.ts";
import { SORT_THREADS, sortedStreams } from "./sort_files.ts";
import { groupOrdered } from "./group_order.ts";
import {
  groupsOf,
  keyOrderedFiles,
  openAllFiles,
  type PlanFiles,
  plannedRows,
  readOrder,
} from "./plan_files.ts";
import { EVENT_TIME, KEY } from "../format/schema.ts";
import type { Snapshot } from "../format/snapshot.ts";
import type { Table } from "../format/table.ts";

/** Options of {@linkcode scan}. */
export interface ScanOptions {
  /** The event-time instant (ms since the epoch) to read as of; omitted for the current state. */
  readonly asOf?: number | undefined;
  /** Output columns in output order; omitted for all. */
  readonly columns?: readonly string[] | undefined;
  /** The snapshot to read (processing-time travel); omitted for the current one. */
  readonly version?: number | undefined;
  /** Stop after this many rows (in key order). */
  readonly limit?: number | undefined;
  /** Output only these keys (and those of `keyPrefixes`); row groups that cannot hold one are skipped. */
  readonly keys?: readonly string[] | undefined;
  /** Output only keys starting with one of these (and those of `keys`). */
  readonly keyPrefixes?: readonly string[] | undefined;
  /** Rows per yielded batch; 65,536 by default. */
  readonly batchSize?: number | undefined;
  /**
   * Files that are not key-ordered (docs/SPEC.md §5.6) are sorted this many rows at a time into
   * runs spilled to a temporary folder, and then merged; a plan of at most this many rows (after
   * `event_time` pruning; with `keys` or `keyPrefixes`, at most this many selected rows) is
   * resolved in memory by hashing instead. 2,000,000 by default.
   */
  readonly sortBudgetRows?: number | undefined;
  /**
   * Threads that sort files into runs: with 2 (the default), a worker sorts one file (or block of
   * a file) while the calling thread sorts another; 1 sorts on the calling thread only (the CLI's
   * `AZOF_SORT_THREADS=1`). Without workers (a bundle without the worker's file) it is 1.
   */
  readonly sortThreads?: number | undefined;
  /** The folder in which sorted runs get their private temporary folder; `TMPDIR` by default. */
  readonly sortDir?: string | undefined;
  /**
   * Called with the path of the temporary folder of sorted runs when the scan creates one: a
   * program may then arrange for it to go if the process is interrupted (the CLI does).
   */
  readonly onSpill?: ((folder: string) => void) | undefined;
  /** Called after each row group is read, for progress reports. */
  readonly onProgress?: ((progress: ScanProgress) => void) | undefined;
}

/** How far a scan has read. */
export interface ScanProgress {
  /** Files opened so far, of `files`. */
  readonly filesDone: number;
  /** Files in the plan. */
  readonly files: number;
  /** Rows decoded so far. */
  readonly rowsRead: number;
}

/** The answer of a scan: its plan, column layout, and the batches (a one-shot async iterable). */
export interface ScanResult {
  /** The plan the scan carries out. */
  readonly plan: ScanPlan;
  /** The snapshot read. */
  readonly snapshot: Snapshot;
  /** The output columns (without values). */
  readonly columns: readonly Omit<BatchColumn, "values">[];
  /** The rows, in key order. */
  readonly batches: AsyncIterable<RowBatch>;
}

/**
 * Reads a table as of an event-time instant. Row groups are decoded one at a time, with only the
 * requested columns (plus `key`, `event_time` and `_deleted`), and skipped when their `event_time`
 * statistics lie after the instant. Batches come in key order. When every planned file declares key
 * order (docs/SPEC.md §5.6), the files are merged as sorted streams and memory holds a row group per
 * file (lib/read/merge.ts). Otherwise a plan of at most `sortBudgetRows` rows (with a key
 * selection: that many selected rows) is resolved by hashing (memory holds the winning row of each
 * key), and a larger one sorts each file that is not
 * key-ordered into runs of at most that many rows, spilled as Parquet files to a private temporary
 * folder (in `sortDir`, else under `TMPDIR`) that is removed when the batches end, fail or are
 * abandoned, and merges them (lib/read/sort_runs.ts). Files are sorted on two threads unless
 * `sortThreads` is 1: a worker sorts one file (or block of `sortBudgetRows` rows) while the calling
 * thread sorts another, from bytes the calling thread read through the table's store; the worker
 * ends with the sorting, before the first batch (lib/read/sort_files.ts). The answer is the same
 * on every path.
 *
 * @param table The table.
 * @param options The instant, columns, snapshot, limit.
 * @returns The plan and the batches; the snapshot is read before this resolves, data files on iteration.
 *
 * @example Scan a bundled sample table as of a date
 * ```ts
 * import { openTable, parseInstant, scan } from "../../mod.ts";
 * const result = await scan(openTable("testdata", "prices"), { asOf: parseInstant("2024-03-01") });
 * for await (const batch of result.batches) console.log(batch.rows);
 * ```
 */
export async function scan(table: Table, options: ScanOptions = {}): Promise<ScanResult> {
  return scanSnapshot(table, await table.snapshot(options.version), options);
}

/**
 * Reads a snapshot already in hand as of an instant, as {@linkcode scan} does; `options.version`
 * is ignored. The late-data diff reads an older snapshot with a newer snapshot's schema this way.
 *
 * @param table The table the snapshot belongs to.
 * @param snapshot The snapshot, with the schema to read its files with.
 * @param options The instant, columns, limit and key selection.
 * @returns The plan and the batches (data files are read on iteration).
 */
export function scanSnapshot(
  table: Table,
  snapshot: Snapshot,
  options: ScanOptions = {},
): ScanResult {
  const plan = planScan(snapshot, options);
  const types = new Map(snapshot.schema.columns.map((c) => [c.name, c]));
  const columns = plan.columns.map((name) => {
    if (name === KEY) return { name, type: "String" as const, nullable: false };
    if (name === EVENT_TIME) return { name, type: "DateTime" as const, nullable: false };
    const column = types.get(name)!;
    return { name, type: column.type, nullable: column.nullable };
  });
  return { plan, snapshot, columns, batches: _execute(table, snapshot, plan, columns, options) };
}

/**
 * Reads the planned row groups through a resolver. The resolver (its key index in particular) is
 * garbage once this returns, so only the sorted answer stays in memory while batches are written.
 *
 * With a key selection, each row group's `key` is decoded first and only its selected rows are
 * kept (its other columns decoded only when it has some), so that a point read of a large table
 * whose files are not key-ordered hashes a few rows instead of going to sorted runs.
 *
 * @param budget The most rows hashed: planned rows, or selected rows with a key selection.
 * @param planned The planned rows of the files opened so far.
 * @returns `undefined`, having stopped, once the files opened plan more than `budget` rows (with a
 *   key selection: once more than `budget` rows are selected).
 */
async function _resolve(
  snapshot: Snapshot,
  plan: ScanPlan,
  files: PlanFiles,
  options: ScanOptions,
  budget: number,
  planned: () => number,
): Promise<Resolved | undefined> {
  const valueColumns = plan.columns.filter((c) => c !== KEY && c !== EVENT_TIME);
  const asOf = plan.asOf ?? undefined;
  const types = new Map(snapshot.schema.columns.map((c) => [c.name, c.type]));
  const resolver = new Resolver(
    new Map(valueColumns.map((name) => [name, kindOf(types.get(name)!)])),
    asOf,
  );
  const filter = files.filter;
  let rowsRead = 0;
  let reserved = 0;
  let selected = 0;
  let first = true;
  const reads = readOrder(plan, files, asOf);
  for (let read = await reads.next(); read !== undefined; read = await reads.next()) {
    // Room for the rows of the files opened so far, those opened ahead too (their footers are
    // on the way: waiting for them makes the room one step, not one per file).
    if (first && !filter) await Promise.allSettled(files.opening);
    first = false;
    if (!filter && planned() > budget) return undefined;
    if (!filter && planned() > reserved) {
      resolver.reserve(planned() - reserved);
      reserved = planned();
    }
    rowsRead += read.file.rowGroups[read.group]!.rows;
    const rows = filter ? _selected(filter, await read.file.readColumns(read.group, [KEY])) : null;
    selected += rows?.length ?? 0;
    if (selected > budget) return undefined;
    if (rows?.length !== 0) {
      const group = await read.file.readRowGroup(read.group, valueColumns);
      resolver.add(read.index, rows ? gatherGroup(group, rows) : group);
    }
    options.onProgress?.({ filesDone: read.index, files: plan.files.length, rowsRead });
  }
  options.onProgress?.({ filesDone: plan.files.length, files: plan.files.length, rowsRead });
  return resolver.finish();
}

/** The rows of a row group whose keys the filter selects. */
function _selected(filter: KeyFilter, columns: ReadonlyMap<string, ColumnData>): Int32Array {
  const { offsets, bytes } = columns.get(KEY) as Utf8Data;
  const rows: number[] = [];
  for (let r = 0; r + 1 < offsets.length; r++) {
    if (filter.matches(bytes, offsets[r]!, offsets[r + 1]!)) rows.push(r);
  }
  return Int32Array.from(rows);
}

/**
 * The decoder of a scan: hyparquet's page readers when it reads little (only given keys, or a
 * limit of at most a batch), since loading parquet-wasm costs more than it saves there.
 */
function _decoder(options: ScanOptions): Decoder {
  const fewKeys = (options.keys?.length ?? 0) > 0 && !options.keyPrefixes?.length;
  return fewKeys || (options.limit ?? Infinity) <= _SMALL_LIMIT ? "hyparquet" : "auto";
}

/**
 * Bytes each open file keeps cached: 16 MiB (the reader's default) up to 2 files, then a share of
 * 32 MiB, at least 4 MiB (two row groups of 65,536 rows, the one read and the one prefetched, are
 * about 4 MB compressed): a merge holds every planned file open at once, so the total is 32 MiB
 * up to 8 files and 4 MiB a file beyond.
 */
function _cacheBytes(files: number): number {
  return Math.max(4 * _MiB, Math.min(16 * _MiB, Math.floor(32 * _MiB / Math.max(1, files))));
}

/**
 * The read cache shared by the plan's files: 16 MiB whatever their number. A merge reads every
 * file at once; each fetches ahead the next row group whole while it fits in half the cache's
 * share of a file (about 2 MB for 65,536 rows: up to 4 files), else only its next pages
 * (lib/read/merge.ts), so that what the cache holds does not grow with the number of files. The
 * hash path reads one file at a time, which then has all of it.
 */
const _READ_CACHE_BYTES = 16 * 1024 * 1024;

const _MiB = 1024 * 1024;

/** The largest `limit` under which a scan decodes with hyparquet. */
const _SMALL_LIMIT = 65_536;

async function* _execute(
  table: Table,
  snapshot: Snapshot,
  plan: ScanPlan,
  columns: readonly Omit<BatchColumn, "values">[],
  options: ScanOptions,
): AsyncGenerator<RowBatch> {
  const opening: Promise<DataFile>[] = [];
  const decoder = _decoder(options);
  const cache = new CacheBudget(_READ_CACHE_BYTES);
  const filter = options.keys?.length || options.keyPrefixes?.length
    ? new KeyFilter(options.keys ?? [], options.keyPrefixes ?? [])
    : undefined;
  const asOf = plan.asOf ?? undefined;
  // Planned rows of the files opened so far: past the budget, hashing gives way to sorted runs.
  let seen = 0;
  const open = (index: number): Promise<DataFile> | undefined => {
    const planned = plan.files[index];
    if (planned === undefined) return undefined;
    if (opening[index] === undefined) {
      opening[index] = openDataFile(table, planned.file, snapshot.schema, { decoder, cache });
      // Failures surface when the scan reaches the file; until then nobody awaits it.
      opening[index].then((file) => void (seen += plannedRows(file, asOf, filter)), () => {});
    }
    return opening[index];
  };
  const total = plan.files.length;
  // Rows read while sorting, so that progress goes on counting through the merge of the runs.
  let sorted = 0;
  const merge = (streams: readonly DataFile[]) =>
    mergeResolve(streams, columns, {
      asOf,
      filter,
      limit: options.limit,
      batchSize: options.batchSize ?? 65_536,
      aheadBytes: Math.floor(_READ_CACHE_BYTES / (2 * Math.max(1, streams.length))),
      onProgress: (filesDone, rowsRead) =>
        options.onProgress?.({
          filesDone: Math.min(filesDone, total),
          files: total,
          rowsRead: sorted + rowsRead,
        }),
    });
  const budget = options.sortBudgetRows ?? SORT_BUDGET_ROWS;
  const ordered = await keyOrderedFiles(plan, open, budget);
  if (ordered) return yield* merge(ordered);
  const files = { open, opening, filter };
  const resolved = await _resolve(snapshot, plan, files, options, budget, () => seen);
  if (resolved === undefined) {
    const dir = await SpillDir.create(options.sortDir);
    options.onSpill?.(dir.path);
    try {
      // Files whose row groups give a key order are merged as they are, without runs.
      const opened = (await openAllFiles(plan, open)).map((f) => groupOrdered(f, budget) ?? f);
      const foreign = opened.filter((f) => !f.keyOrdered).reduce((n, f) => n + f.rows, 0);
      const runCache = _cacheBytes(opened.length + Math.ceil(foreign / budget));
      const onRows = (file: number, rows: number) =>
        options.onProgress?.({ filesDone: file, files: total, rowsRead: sorted += rows });
      const value = new Set(plan.columns.filter((c) => c !== KEY && c !== EVENT_TIME));
      const streams = await sortedStreams(opened, dir, {
        table,
        schema: snapshot.schema,
        columns: snapshot.schema.columns.filter((c) => value.has(c.name)),
        asOf: asOf ?? Infinity,
        filter,
        keys: filter
          ? { keys: options.keys ?? [], prefixes: options.keyPrefixes ?? [] }
          : undefined,
        budgetRows: budget,
        threads: options.sortThreads ?? SORT_THREADS,
        decoder,
        groupsOf: (file) => groupsOf(file, asOf, filter),
        open: (table, name, schema) =>
          openDataFile(table, name, schema, { decoder, cacheBytes: runCache }),
        onRows,
      });
      yield* merge(streams);
    } finally {
      await dir.remove();
    }
    return;
  }
  // With a key selection the resolver was given only the selected rows.
  const rows = Math.min(resolved.rows, options.limit ?? Infinity);
  const size = options.batchSize ?? 65_536;
  for (let start = 0; start < rows; start += size) {
    yield resolved.batch(columns, start, Math.min(rows, start + size));
  }
}
