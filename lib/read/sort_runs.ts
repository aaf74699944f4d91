/**
 * Sorted runs of a data file that is not key-ordered (written by another engine, by azof before key
 * order, or by the Rust crate): its planned row groups, in file order, are cut into blocks of about
 * a budget of rows ({@linkcode runBlocks}), and each block into runs of at most the budget
 * ({@linkcode sortBlock}, on the calling thread or the sorting worker: sort_files.ts); each run is
 * sorted by key (UTF-8 bytes), `event_time` and position, keeps only the last row of each key (the
 * only one of that run the resolution rule can pick, docs/SPEC.md §7), and is spilled as a
 * key-ordered Parquet file (azof's one encoder) into a private temporary folder, so that the merge
 * (merge.ts) reads the runs in place of the file. Memory holds one block per thread at a time,
 * whatever the number of keys.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { type ColumnData, typedColumn } from "../columns/column_data.ts";
import { concatColumns } from "../columns/arrow_columns.ts";
import { type Column, DELETED, EVENT_TIME, KEY, type Schema } from "../format/schema.ts";
import { compareBytes, keyTimeOrder } from "../format/key_order.ts";
import { openTable, type Table } from "../format/table.ts";
import { LocalStore } from "../store/local.ts";
import type { DataFile, DecodedRowGroup } from "../parquet/data_file.ts";
import type { ParquetColumn } from "../parquet/column.ts";
import type { KeyFilter } from "./key_filter.ts";
import { gatherGroup } from "./key_set.ts";

/** Rows a scan holds at once to sort a file that is not key-ordered, unless told otherwise. */
export const SORT_BUDGET_ROWS = 2_000_000;

/** Rows per row group of a run. */
const _RUN_GROUP_ROWS = 65_536;

/** The folders of sorted runs not yet removed, for {@linkcode removeSpillDirsSync}. */
const _live = new Set<string>();

/**
 * Removes every folder of sorted runs this process still has, at once: for a command about to exit
 * on a signal (Ctrl-C), whose scans never reach their `finally`.
 */
export function removeSpillDirsSync(): void {
  for (const path of _live) {
    try {
      Deno.removeSync(path, { recursive: true });
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    _live.delete(path);
  }
}

/**
 * A private temporary folder for the runs of one scan (`Deno.makeTempDir`: under `TMPDIR`, or the
 * given parent), removed with everything in it by {@linkcode SpillDir.remove}.
 */
export class SpillDir {
  /** The folder's path. */
  readonly path: string;
  /** The folder as a table whose data files are the runs. */
  readonly table: Table;
  #runs = 0;

  private constructor(path: string) {
    this.path = path;
    _live.add(path);
    this.table = openTable(new LocalStore(path), "runs");
  }

  /**
   * Creates the folder.
   *
   * @param parent The folder to create it in; the system's temporary folder when omitted.
   * @returns The new folder.
   * @throws {AzofError} `StorageError` when it cannot be created.
   */
  static async create(parent?: string): Promise<SpillDir> {
    try {
      return new SpillDir(
        await Deno.makeTempDir({ prefix: "azof-sort-", ...(parent ? { dir: parent } : {}) }),
      );
    } catch (error) {
      throw new AzofError(
        "StorageError",
        `Cannot create a folder for sorted runs in ${parent ?? "the temporary folder"}: ${
          (error as Error).message
        }`,
        { cause: error },
      );
    }
  }

  /** A new run's file name. */
  name(): string {
    return `run-${this.#runs++}.parquet`;
  }

  /** Removes the folder and the runs in it (nothing if already gone). */
  async remove(): Promise<void> {
    await Deno.remove(this.path, { recursive: true }).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    _live.delete(this.path);
  }
}

/** Options of {@linkcode sortBlock}. */
export interface RunOptions {
  /** The schema columns to carry (the scan's value columns, under the schema's names). */
  readonly columns: readonly Column[];
  /** Rows with a later `event_time` are left out. */
  readonly asOf: number;
  /** Rows whose keys it does not select are left out. */
  readonly filter: KeyFilter | undefined;
  /** The most rows in one run. */
  readonly budgetRows: number;
  /** Called after each row group of the file is read, with its rows. */
  readonly onRows?: ((rows: number) => void) | undefined;
}

/**
 * The blocks of a file: its planned row groups in file order, cut after the first group at which a
 * block holds the budget of rows. Each block is sorted on its own ({@linkcode sortBlock}), by
 * either thread of a scan; its runs, in block order, stand for the file.
 *
 * @param file The file that is not key-ordered.
 * @param groups Its row groups to read, in file order.
 * @param budgetRows The most rows in one run.
 * @returns The row groups of each block, in file order.
 */
export function runBlocks(
  file: DataFile,
  groups: readonly number[],
  budgetRows: number,
): number[][] {
  const blocks: number[][] = [];
  let block: number[] = [];
  let rows = 0;
  for (const group of groups) {
    block.push(group);
    rows += file.rowGroups[group]!.rows;
    if (rows < budgetRows) continue;
    blocks.push(block);
    block = [];
    rows = 0;
  }
  if (block.length > 0) blocks.push(block);
  return blocks;
}

/**
 * The layout of every run: `key`, `event_time`, the columns (nullable whatever the schema says:
 * the scan's output columns carry the schema's nullability, and one layout serves every run).
 *
 * @param columns The scan's value columns.
 * @returns The schema to open runs with.
 */
export function runSchema(columns: readonly Column[]): Schema {
  return { columns: columns.map((c): Column => ({ name: c.name, type: c.type, nullable: true })) };
}

/**
 * Sorts a block of a file into runs of at most the budget of rows.
 *
 * @param file The file that is not key-ordered.
 * @param groups The block's row groups (one of {@linkcode runBlocks}).
 * @param options Columns, instant, key selection, budget.
 * @returns The runs as key-ordered Parquet files, in file order (a later run holds later rows).
 */
export async function sortBlock(
  file: DataFile,
  groups: readonly number[],
  options: RunOptions,
): Promise<Uint8Array[]> {
  const names = options.columns.map((c) => c.name);
  const { columns } = runSchema(options.columns);
  const held: DecodedRowGroup[] = [];
  for (const group of groups) {
    const decoded = await file.readRowGroup(group, names);
    options.onRows?.(decoded.rows);
    held.push(decoded);
  }
  const block = _concat(held, names);
  held.length = 0;
  const runs: Uint8Array[] = [];
  for (let from = 0; from < block.rows; from += options.budgetRows) {
    const to = Math.min(block.rows, from + options.budgetRows);
    const run = _sortRun(block, from, to, options);
    if (run.rows > 0) runs.push(_encode(await _encoder(), run, columns, file.hasDeleted));
  }
  return runs;
}

/** Row groups of one file joined into one. */
function _concat(groups: readonly DecodedRowGroup[], names: readonly string[]): DecodedRowGroup {
  if (groups.length === 1) return groups[0]!;
  const rows = groups.reduce((n, g) => n + g.rows, 0);
  const eventTime = new Float64Array(rows);
  const deleted = groups[0]!.deleted ? new Uint8Array(rows) : undefined;
  let at = 0;
  for (const g of groups) {
    eventTime.set(g.eventTime, at);
    if (deleted && g.deleted) deleted.set(g.deleted, at);
    at += g.rows;
  }
  const join = (parts: ColumnData[]) => concatColumns(parts, parts[0]!.kind);
  return {
    rows,
    key: join(groups.map((g) => g.key)) as DecodedRowGroup["key"],
    eventTime,
    ...(deleted ? { deleted } : {}),
    columns: new Map(names.map((name) => [name, join(groups.map((g) => g.columns.get(name)!))])),
  };
}

/**
 * Rows `[from, to)` of a block that the instant and the key selection keep, sorted by key,
 * `event_time` and position, with only the last row of each key.
 */
function _sortRun(
  block: DecodedRowGroup,
  from: number,
  to: number,
  options: RunOptions,
): DecodedRowGroup {
  const { offsets, bytes } = block.key;
  const { asOf, filter } = options;
  const kept = new Int32Array(to - from);
  let n = 0;
  for (let r = from; r < to; r++) {
    if (block.eventTime[r]! > asOf) continue;
    if (filter && !filter.matches(bytes, offsets[r]!, offsets[r + 1]!)) continue;
    kept[n++] = r;
  }
  const starts = new Int32Array(n);
  const lengths = new Int32Array(n);
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = kept[i]!;
    starts[i] = offsets[r]!;
    lengths[i] = offsets[r + 1]! - offsets[r]!;
    times[i] = block.eventTime[r]!;
  }
  const order = keyTimeOrder(bytes, starts, lengths, times, n);
  const last = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const a = order[i]!;
    const b = order[i + 1];
    const sa = starts[a]!;
    const sameKey = b !== undefined &&
      compareBytes(bytes, sa, sa + lengths[a]!, bytes, starts[b]!, starts[b]! + lengths[b]!) === 0;
    if (!sameKey) last[m++] = kept[a]!;
  }
  return gatherGroup(block, last.subarray(0, m));
}

type _Encode = typeof import("../parquet/encode.ts");

let _encodeModule: Promise<_Encode> | undefined;

/**
 * The Parquet encoder, loaded when the first run is written: a scan that sorts nothing never loads
 * it (it imports node:zlib, which starts Deno's Node layer: about 40 ms of a process's start-up).
 */
function _encoder(): Promise<_Encode> {
  _encodeModule ??= import("../parquet/encode.ts");
  return _encodeModule;
}

/** A sorted run as a key-ordered Parquet file: `key`, `event_time`, the columns, `_deleted`. */
function _encode(
  { ParquetEncoder }: _Encode,
  run: DecodedRowGroup,
  columns: readonly Column[],
  hasDeleted: boolean,
) {
  const values = columns.map((c) => run.columns.get(c.name)!);
  const parquet: ParquetColumn[] = [
    { name: KEY, type: "String", nullable: false },
    { name: EVENT_TIME, type: "DateTime", nullable: false },
    ...columns,
    ...(hasDeleted ? [{ name: DELETED, type: "Boolean" as const, nullable: false }] : []),
  ];
  const data: ColumnData[] = [
    run.key,
    { kind: "f64", values: run.eventTime },
    ...values,
    ...(hasDeleted ? [{ kind: "bool" as const, values: run.deleted! }] : []),
  ];
  const typed = parquet.map((column, i) => typedColumn(column, data[i]!));
  const encoder = new ParquetEncoder(parquet, { keyOrdered: true });
  for (let from = 0; from < run.rows; from += _RUN_GROUP_ROWS) {
    encoder.addColumns(typed, from, Math.min(run.rows, from + _RUN_GROUP_ROWS));
  }
  encoder.finish();
  return encoder.take();
}
