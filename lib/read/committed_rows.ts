/**
 * The rows one commit's data files hold, for the change feed (docs/SPEC.md §9.10): one row per key
 * and `event_time` (among copies and ties the first file met wins, and within a file its later
 * row), in key (UTF-8 bytes) and time order. When every file declares key order (§5.6) they are
 * merged as sorted streams, holding a row group per file; otherwise every row is collected and
 * sorted.
 *
 * @module
 */

import { compareKeyRows, toValues } from "../columns/column_data.ts";
import { compareBytes } from "../format/key_order.ts";
import type { Value } from "../format/schema.ts";
import type { Snapshot } from "../format/snapshot.ts";
import type { Table } from "../format/table.ts";
import { type DataFile, type DecodedRowGroup, openDataFile } from "../parquet/data_file.ts";

/** One committed row. */
export interface CommittedRow {
  /** The key. */
  readonly key: string;
  /** Its `event_time` (ms). */
  readonly t: number;
  /** Whether the row deletes its key. */
  readonly deleted: boolean;
  /** The values of the target schema's columns (null for a deletion). */
  readonly values: readonly Value[];
}

/** The `event_time` range of the rows wanted (both ends included). */
export interface EventRange {
  /** Only rows at or after this instant (ms). */
  readonly eventFrom?: number | undefined;
  /** Only rows at or before this instant (ms). */
  readonly eventTo?: number | undefined;
}

/** Rows per chunk yielded. */
const _CHUNK = 65_536;

/**
 * Reads the rows of a commit's files, in chunks, in key and time order.
 *
 * @param table The table.
 * @param target The snapshot whose schema the files are read with.
 * @param files The files the commit added, in read order.
 * @param range The `event_time` range.
 * @returns Chunks of up to 65,536 rows.
 */
export async function* committedRows(
  table: Table,
  target: Snapshot,
  files: readonly string[],
  range: EventRange,
): AsyncGenerator<CommittedRow[]> {
  const data = await Promise.all(files.map((f) => openDataFile(table, f, target.schema)));
  const names = target.schema.columns.map((c) => c.name);
  if (data.every((d) => d.keyOrdered)) {
    yield* _merged(data, names, range);
    return;
  }
  const rows = await _collected(data, names, range);
  for (let start = 0; start < rows.length; start += _CHUNK) {
    yield rows.slice(start, start + _CHUNK).map(({ bytes: _, ...row }) => row);
  }
}

/** Whether `t` lies in the range. */
function _inRange(t: number, range: EventRange): boolean {
  return (range.eventFrom === undefined || t >= range.eventFrom) &&
    (range.eventTo === undefined || t <= range.eventTo);
}

/** Every row of the files, one per key and `event_time`, sorted. */
async function _collected(
  data: readonly DataFile[],
  names: readonly string[],
  range: EventRange,
): Promise<(CommittedRow & { bytes: Uint8Array })[]> {
  const encoder = new TextEncoder();
  const seen = new Map<string, CommittedRow & { bytes: Uint8Array }>();
  for (const file of data) {
    const fileRows = new Map<string, CommittedRow & { bytes: Uint8Array }>();
    for (let g = 0; g < file.rowGroups.length; g++) {
      const group = await file.readRowGroup(g, names);
      const keys = toValues(group.key) as string[];
      const values = names.map((n) => toValues(group.columns.get(n)!));
      for (let r = 0; r < group.rows; r++) {
        const t = group.eventTime[r]!;
        if (!_inRange(t, range)) continue;
        const key = keys[r]!;
        const id = `${t}\u0000${key}`;
        if (seen.has(id)) continue;
        const deleted = group.deleted?.[r] === 1;
        fileRows.set(id, {
          key,
          bytes: encoder.encode(key),
          t,
          deleted,
          values: values.map((v) => deleted ? null : v[r]!),
        });
      }
    }
    // Within a file the later row of a tie wins, so a file's rows join the seen ones at its end.
    for (const [id, row] of fileRows) seen.set(id, row);
  }
  return [...seen.values()].sort((a, b) =>
    compareBytes(a.bytes, 0, a.bytes.length, b.bytes, 0, b.bytes.length) || a.t - b.t
  );
}

/** Merges key-ordered files: at each step the smallest key and time among the streams' rows. */
async function* _merged(
  data: readonly DataFile[],
  names: readonly string[],
  range: EventRange,
): AsyncGenerator<CommittedRow[]> {
  const streams = await Promise.all(data.map((file) => _Stream.start(file, names, range)));
  let out: CommittedRow[] = [];
  for (;;) {
    let first: _Stream | undefined;
    for (const s of streams) {
      if (!s.done && (first === undefined || s.compare(first) < 0)) first = s;
    }
    if (first === undefined) break;
    // Others at the same key and time lose to the first file; within it, its last tied row wins.
    for (const s of streams) {
      if (s !== first) { while (!s.done && s.compare(first) === 0) await s.next(); }
    }
    const key = first.key();
    const t = first.time();
    let row = first.row();
    for (await first.next(); !first.done && first.isAt(key, t); await first.next()) {
      row = first.row();
    }
    out.push(row);
    if (out.length === _CHUNK) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

/** A key-ordered file read row by row, a row group at a time, rows outside the range skipped. */
class _Stream {
  readonly #file: DataFile;
  readonly #names: readonly string[];
  readonly #range: EventRange;
  #next = 0;
  #group: DecodedRowGroup | undefined;
  #values: Value[][] = [];
  #row = 0;

  private constructor(file: DataFile, names: readonly string[], range: EventRange) {
    this.#file = file;
    this.#names = names;
    this.#range = range;
  }

  /** Opens a stream on its first row in range. */
  static async start(file: DataFile, names: readonly string[], range: EventRange) {
    const stream = new _Stream(file, names, range);
    await stream.#load();
    return stream;
  }

  /** Whether every row has been passed. */
  get done(): boolean {
    return this.#group === undefined;
  }

  /** Orders this stream's row against another's by key bytes, then `event_time`. */
  compare(other: _Stream): number {
    const a = this.#group!;
    const b = other.#group!;
    return compareKeyRows(a.key, this.#row, b.key, other.#row) ||
      a.eventTime[this.#row]! - b.eventTime[other.#row]!;
  }

  /** The current row's key, as UTF-8 bytes. */
  key(): Uint8Array {
    const { bytes, offsets } = this.#group!.key;
    return bytes.subarray(offsets[this.#row]!, offsets[this.#row + 1]!);
  }

  /** The current row's `event_time`. */
  time(): number {
    return this.#group!.eventTime[this.#row]!;
  }

  /** Whether the current row has this key and time. */
  isAt(key: Uint8Array, t: number): boolean {
    const { bytes, offsets } = this.#group!.key;
    return this.time() === t &&
      compareBytes(bytes, offsets[this.#row]!, offsets[this.#row + 1]!, key, 0, key.length) === 0;
  }

  /** The current row. */
  row(): CommittedRow {
    const g = this.#group!;
    const r = this.#row;
    const deleted = g.deleted?.[r] === 1;
    return {
      key: _decoder.decode(this.key()),
      t: g.eventTime[r]!,
      deleted,
      values: this.#values.map((v) => deleted ? null : v[r]!),
    };
  }

  /** Moves to the next row in range. */
  async next(): Promise<void> {
    const g = this.#group!;
    for (let r = this.#row + 1; r < g.rows; r++) {
      if (_inRange(g.eventTime[r]!, this.#range)) return void (this.#row = r);
    }
    await this.#load();
  }

  /** Moves to the first row in range of the next row group that has one. */
  async #load(): Promise<void> {
    const { eventFrom, eventTo } = this.#range;
    for (; this.#next < this.#file.rowGroups.length; this.#next++) {
      const info = this.#file.rowGroups[this.#next]!;
      if (eventTo !== undefined && (info.minEventTime ?? -Infinity) > eventTo) continue;
      if (eventFrom !== undefined && (info.maxEventTime ?? Infinity) < eventFrom) continue;
      const group = await this.#file.readRowGroup(this.#next, this.#names);
      for (let r = 0; r < group.rows; r++) {
        if (!_inRange(group.eventTime[r]!, this.#range)) continue;
        this.#next++;
        this.#group = group;
        this.#values = this.#names.map((n) => toValues(group.columns.get(n)!));
        this.#row = r;
        return;
      }
    }
    this.#group = undefined;
    this.#values = [];
  }
}

const _decoder = new TextDecoder();
