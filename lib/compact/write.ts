/**
 * What compaction writes for one top-level period: a base with the state at its start, child
 * segments per policy level whose bases hold the keys changed since their parent's start, and deltas
 * holding the period's rows, one per key and `event_time` (docs/SPEC.md "Compaction"). Rows stay in
 * column-wise {@linkcode RowSet}s sorted by key, then `event_time`, which is also the order files are
 * written in.
 *
 * @module
 */

import type { CompactionPolicy } from "../format/compact_policy.ts";
import { encodeRowSet } from "./encode.ts";
import { gatherRows, newestPerKey, type RowSet, rowsInRange } from "./rows.ts";
import { type Period, periodOf } from "../format/policy.ts";
import type { Schema } from "../format/schema.ts";
import type { Delta, Segment } from "../format/snapshot.ts";
import type { Table } from "../format/table.ts";

/** Uploads one compaction keeps in flight. */
const _UPLOADS = 4;

/** Writes compaction outputs as new data files, remembering their names for cleanup. */
export class CompactFileWriter {
  readonly #table: Table;
  readonly #schema: Schema;
  readonly #policy: CompactionPolicy;
  /** Files written so far. */
  readonly files: string[] = [];
  /** Bytes written so far. */
  bytes = 0;
  /** Rows written so far. */
  rows = 0;
  /** Uploads under way; at most {@linkcode _UPLOADS} at once. */
  readonly #uploads = new Set<Promise<void>>();
  /** The first upload that failed, thrown by the next `write` or `flush`. */
  #failure: { error: unknown } | undefined;

  /**
   * @param table The table.
   * @param schema The table schema.
   * @param policy Row group and file sizes.
   */
  constructor(table: Table, schema: Schema, policy: CompactionPolicy) {
    this.#table = table;
    this.#schema = schema;
    this.#policy = policy;
  }

  /**
   * Writes rows (at most one per key and `event_time`, sorted by key then time) as one file. The
   * upload goes on while the caller works on (a few at once, so that slow or retried requests
   * overlap); {@linkcode flush} waits for all of them.
   *
   * @param rows The rows.
   * @param name A readable part of the file name (segment path and kind).
   * @returns The file name, relative to the table folder.
   */
  async write(rows: RowSet, name: string): Promise<string> {
    const bytes = encodeRowSet(rows, this.#schema, this.#policy.rowGroupRows);
    const file = `data/${name.replace(/[^A-Za-z0-9_-]/g, "-")}-${crypto.randomUUID()}.parquet`;
    while (this.#uploads.size >= _UPLOADS) await Promise.race(this.#uploads);
    this.#throwFailure();
    this.files.push(file);
    const upload: Promise<void> = this.#table.store.put(this.#table.key(file), bytes).then(
      () => {},
      (error) => void (this.#failure ??= { error }),
    ).finally(() => this.#uploads.delete(upload));
    this.#uploads.add(upload);
    this.bytes += bytes.length;
    this.rows += rows.rows;
    return file;
  }

  /**
   * Waits for every upload; throws the first failure.
   *
   * @throws The error of the first upload that failed.
   */
  async flush(): Promise<void> {
    await Promise.all(this.#uploads);
    this.#throwFailure();
  }

  #throwFailure(): void {
    if (this.#failure) throw this.#failure.error;
  }

  /**
   * Writes a segment's rows as deltas, all starting at `start`: one file, or, past `fileRows` rows,
   * files of at most `fileRows` rows each taken in `event_time` order.
   *
   * @param rows The rows, sorted by key, then `event_time`.
   * @param start The segment start.
   * @param name A readable part of the file names.
   * @returns The deltas.
   */
  async deltas(rows: RowSet, start: number, name: string): Promise<Delta[]> {
    const out: Delta[] = [];
    const size = this.#policy.fileRows;
    const byTime = rows.rows <= size ? undefined : _byTime(rows);
    for (let at = 0; at < rows.rows; at += size) {
      const part = byTime ? gatherRows(rows, byTime.slice(at, at + size).sort()) : rows;
      let end = start;
      for (const t of part.t) end = Math.max(end, t);
      out.push({ file: await this.write(part, `${name}-delta`), start, end });
    }
    return out;
  }
}

/** Row numbers ordered by `event_time`, then row number (key order). */
function _byTime(rows: RowSet): Int32Array {
  const order = new Int32Array(rows.rows);
  for (let i = 0; i < rows.rows; i++) order[i] = i;
  const t = rows.t;
  return order.sort((a, b) => t[a]! - t[b]! || a - b);
}

/**
 * Builds and writes one top-level period's segment (docs/SPEC.md "Compaction", steps 3–4). With more
 * than one policy level it gets a child per sub-period of the next level that holds rows, reaching
 * over the empty sub-periods after it (recursively); the open (newest) period is laid out the same
 * way, its last child at each level open, so that a read inside it reads one child's files and the
 * bases above. With one level, the segment itself holds the rows as deltas.
 *
 * @param writer Where files go.
 * @param levels The policy's periods.
 * @param range The period: id, start, and end (absent for the open one).
 * @param state The state just before `start`, deletions included (the base rows), sorted by key.
 * @param rows The rows within the period, one per key and time, sorted by key, then time.
 * @param first Whether no segment precedes the period: only then may it go without a base when the
 *   state is empty (a later segment needs one, even empty, so that late rows written into earlier
 *   closed segments get carry copies in it; docs/SPEC.md §9.3).
 * @returns The segment.
 */
export async function writePeriod(
  writer: CompactFileWriter,
  levels: readonly Period[],
  range: SegmentRange,
  state: RowSet,
  rows: RowSet,
  first: boolean,
): Promise<Segment> {
  return await _segment(writer, levels, 0, range, state, rows, range.id, { needsBase: !first });
}

/** A segment's id and range; no `end` when it is open. */
export interface SegmentRange {
  /** The segment id. */
  readonly id: string;
  /** First instant. */
  readonly start: number;
  /** Last instant, inclusive; `undefined` when open. */
  readonly end?: number | undefined;
}

async function _segment(
  writer: CompactFileWriter,
  levels: readonly Period[],
  level: number,
  range: SegmentRange,
  base: RowSet,
  rows: RowSet,
  path: string,
  options: { readonly needsBase?: boolean; readonly baseFrom?: number },
): Promise<Segment> {
  const file = base.rows === 0 && !options.needsBase
    ? undefined
    : await writer.write(base, `${path}-base`);
  const head = {
    id: range.id,
    start: range.start,
    ...(range.end === undefined ? {} : { end: range.end }),
    ...(file === undefined ? {} : { base: file }),
    ...(file === undefined || options.baseFrom === undefined ? {} : { baseFrom: options.baseFrom }),
  };
  if (level === levels.length - 1) {
    return { ...head, deltas: await writer.deltas(rows, range.start, path), children: [] };
  }
  const sub = levels[level + 1]!;
  const starts = periodStarts(sub, rows.t);
  const children: Segment[] = [];
  for (const [i, start] of starts.entries()) {
    const next = starts[i + 1];
    const end = next === undefined ? range.end : next - 1;
    const id = periodOf(sub, start).id;
    const own = gatherRows(rows, rowsInRange(rows, start, end ?? Infinity));
    const changed = gatherRows(rows, newestPerKey(rows, start));
    children.push(
      await _segment(writer, levels, level + 1, { id, start, end }, changed, own, `${path}_${id}`, {
        baseFrom: range.start,
      }),
    );
  }
  return { ...head, deltas: [], children };
}

/**
 * The starts of the periods that hold at least one of some instants, ascending.
 *
 * @param period The period.
 * @param times The instants, in any order.
 * @returns The distinct period starts.
 *
 * @example Two quarters out of three instants
 * ```ts
 * import { periodStarts } from "./write.ts";
 * import { parsePeriod } from "../format/policy.ts";
 * import assert from "node:assert/strict";
 * const times = new Float64Array([Date.UTC(2019, 7, 1), Date.UTC(2019, 0, 5), Date.UTC(2019, 1, 1)]);
 * assert.deepEqual(periodStarts(parsePeriod("P3M"), times), [Date.UTC(2019, 0, 1), Date.UTC(2019, 6, 1)]);
 * ```
 */
export function periodStarts(period: Period, times: Float64Array): number[] {
  const out: number[] = [];
  let end = -Infinity;
  for (const t of Float64Array.from(times).sort()) {
    if (t <= end) continue;
    const p = periodOf(period, t);
    out.push(p.start);
    end = p.end;
  }
  return out;
}

/**
 * A closed segment reaching further, over time that holds no rows: its end moves to `end`, and so
 * does the end of its last child at each level when that child ended with it.
 *
 * @param segment The segment (closed).
 * @param end The new last instant, inclusive.
 * @returns The extended segment.
 *
 * @example A year with one quarter child, extended by a year
 * ```ts
 * import { extendSegment } from "./write.ts";
 * import assert from "node:assert/strict";
 * const q4 = { id: "2019-10", start: Date.UTC(2019, 9, 1), end: Date.UTC(2020, 0, 1) - 1, deltas: [], children: [] };
 * const year = { id: "2019", start: Date.UTC(2019, 0, 1), end: q4.end, deltas: [], children: [q4] };
 * const longer = extendSegment(year, Date.UTC(2021, 0, 1) - 1);
 * assert.equal(longer.children[0]?.end, Date.UTC(2021, 0, 1) - 1);
 * ```
 */
export function extendSegment(segment: Segment, end: number): Segment {
  const last = segment.children.at(-1);
  const children = last !== undefined && last.end === segment.end
    ? [...segment.children.slice(0, -1), extendSegment(last, end)]
    : segment.children;
  return { ...segment, end, children };
}
