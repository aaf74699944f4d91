/**
 * Files that do not declare key order but whose row groups' `key` statistics give disjoint ranges in
 * increasing or decreasing order (a file written by DuckDB, pyarrow or Spark after sorting or
 * clustering by key): read as a key-ordered file (docs/SPEC.md §5.6), row groups in key order, each
 * sorted by key, `event_time` and position as it is read. The merge (merge.ts) then takes them as
 * they are, holding one row group of each, without hashing every key or spilling sorted runs.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import type { ColumnData, F64Data, Utf8Data } from "../columns/column_data.ts";
import { EVENT_TIME, KEY } from "../format/schema.ts";
import { compareBytes, keyTimeOrder } from "../format/key_order.ts";
import type {
  DataFile,
  DecodedRowGroup,
  PrefetchOptions,
  RowGroupInfo,
} from "../parquet/data_file.ts";
import { gatherColumn, gatherGroup } from "./key_set.ts";

const _encoder = new TextEncoder();

/** Sorts kept after their row group was read (a row group's other columns are read later). */
const _KEPT_SORTS = 8;

/**
 * A file whose row groups hold disjoint key ranges by their statistics, as a key-ordered file.
 *
 * @example A file already key-ordered is returned as it is
 * ```ts
 * import { groupOrdered } from "./group_order.ts";
 * import type { DataFile } from "../parquet/data_file.ts";
 * import assert from "node:assert/strict";
 * const file = { keyOrdered: true } as DataFile;
 * assert.equal(groupOrdered(file, 1_000_000), file);
 * ```
 *
 * @param file An opened data file.
 * @param maxGroupRows The largest row group sorted in memory.
 * @returns The file itself when it declares key order; a view of it in key order when its row
 *   groups (at least two, none over `maxGroupRows` rows) carry `key` statistics whose ranges follow
 *   each other up (touching at most at one key) or down (not touching); `undefined` otherwise.
 */
export function groupOrdered(file: DataFile, maxGroupRows: number): DataFile | undefined {
  if (file.keyOrdered) return file;
  const groups = file.rowGroups;
  if (groups.length < 2 || groups.some((g) => g.rows > maxGroupRows)) return undefined;
  const bounds = groups.map(_bounds);
  if (bounds.some((b) => b === undefined)) return undefined;
  const ranges = bounds as (readonly [Uint8Array, Uint8Array])[];
  const order = groups.map((_, g) => g);
  // Up, a key may run on from one row group into the next: its rows stay in file order, so a tie
  // still goes to the later row. Down, it may not: reading the groups backwards would turn that.
  const upTo = (a: number, b: number) => _compare(ranges[a]![1], ranges[b]![0]) <= 0;
  const above = (a: number, b: number) => _compare(ranges[a]![0], ranges[b]![1]) > 0;
  const next = order.slice(1);
  if (next.every((g) => upTo(g - 1, g))) return new _SortedGroups(file, order, ranges);
  if (next.every((g) => above(g - 1, g))) return new _SortedGroups(file, order.reverse(), ranges);
  return undefined;
}

/** A row group's `key` statistics as UTF-8 bytes; `undefined` without them or when not exact text. */
function _bounds(info: RowGroupInfo): readonly [Uint8Array, Uint8Array] | undefined {
  const { minKey, maxKey } = info;
  // A bound cut inside a character decodes with U+FFFD, which no longer bounds the keys.
  if (minKey === undefined || maxKey === undefined) return undefined;
  if (minKey.includes("\uFFFD") || maxKey.includes("\uFFFD")) return undefined;
  return [_encoder.encode(minKey), _encoder.encode(maxKey)];
}

function _compare(a: Uint8Array, b: Uint8Array): number {
  return compareBytes(a, 0, a.length, b, 0, b.length);
}

/**
 * The row groups of a file in key order, each sorted when read; its keys checked against the row
 * group's statistics, which the order was taken from.
 */
class _SortedGroups implements DataFile {
  readonly file: string;
  readonly bytes: number;
  readonly rows: number;
  readonly rowGroups: readonly RowGroupInfo[];
  readonly hasDeleted: boolean;
  readonly columns: readonly string[];
  readonly fileColumns: ReadonlyMap<string, string>;
  readonly keyOrdered = true;
  readonly #file: DataFile;
  readonly #order: readonly number[];
  readonly #ranges: readonly (readonly [Uint8Array, Uint8Array])[];
  /** The sorts of the row groups read last, for their other columns when output needs them. */
  readonly #sorts = new Map<number, Int32Array>();

  constructor(
    file: DataFile,
    order: readonly number[],
    ranges: readonly (readonly [Uint8Array, Uint8Array])[],
  ) {
    this.#file = file;
    this.#order = order;
    this.#ranges = ranges;
    this.file = file.file;
    this.bytes = file.bytes;
    this.rows = file.rows;
    this.rowGroups = order.map((g) => file.rowGroups[g]!);
    this.hasDeleted = file.hasDeleted;
    this.columns = file.columns;
    this.fileColumns = file.fileColumns;
  }

  async readRowGroup(index: number, columns: readonly string[]): Promise<DecodedRowGroup> {
    const data = await this.#file.readRowGroup(this.#order[index]!, columns);
    return gatherGroup(data, this.#sortOf(index, data.key, data.eventTime));
  }

  async readColumns(index: number, columns: readonly string[]): Promise<Map<string, ColumnData>> {
    const kept = this.#sorts.get(index);
    // Asked before the row group was read (a key selection looking at its keys): sorted here.
    const names = kept ? columns : [...new Set([KEY, EVENT_TIME, ...columns])];
    const read = await this.#file.readColumns(this.#order[index]!, names);
    const times = () => (read.get(EVENT_TIME) as F64Data).values;
    const sort = kept ?? this.#sortOf(index, read.get(KEY) as Utf8Data, times());
    return new Map(columns.map((name) => [name, gatherColumn(read.get(name)!, sort)]));
  }

  pages(): Promise<undefined> {
    // Pages of a row group that is sorted when read do not come in key order.
    return Promise.resolve(undefined);
  }

  prefetch(index: number, columns: readonly string[], ahead?: PrefetchOptions): boolean {
    return ahead?.span ? false : this.#file.prefetch(this.#order[index]!, columns, ahead);
  }

  decodeOn(...args: Parameters<DataFile["decodeOn"]>): void {
    this.#file.decodeOn(...args);
  }

  /**
   * The order of row group `index` by key, `event_time` and position (computed once and kept a
   * while: a batch being filled may still take rows from the last few row groups read), its keys
   * checked against the statistics the order was taken from.
   */
  #sortOf(index: number, keys: Utf8Data, times: Float64Array): Int32Array {
    const kept = this.#sorts.get(index);
    if (kept) return kept;
    const { offsets, bytes } = keys;
    const rows = times.length;
    const starts = offsets.subarray(0, rows);
    const lengths = new Int32Array(rows);
    for (let r = 0; r < rows; r++) lengths[r] = offsets[r + 1]! - offsets[r]!;
    const sort = keyTimeOrder(bytes, starts, lengths, times, rows);
    this.#check(this.#order[index]!, keys, sort);
    this.#sorts.set(index, sort);
    this.#sorts.delete(index - _KEPT_SORTS);
    return sort;
  }

  /** Fails when the keys of row group `group` leave the range its statistics give. */
  #check(group: number, keys: Utf8Data, sort: Int32Array): void {
    const rows = sort.length;
    if (rows === 0) return;
    const [min, max] = this.#ranges[group]!;
    const { offsets, bytes } = keys;
    const lo = sort[0]!;
    const hi = sort[rows - 1]!;
    const first = compareBytes(bytes, offsets[lo]!, offsets[lo + 1]!, min, 0, min.length);
    const last = compareBytes(bytes, offsets[hi]!, offsets[hi + 1]!, max, 0, max.length);
    if (first >= 0 && last <= 0) return;
    throw new AzofError(
      "DataCorrupt",
      `Cannot read ${this.file}: row group ${group} holds keys outside its key statistics`,
    );
  }
}
