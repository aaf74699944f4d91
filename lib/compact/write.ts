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
 * Builds and writes one top-level period's segment. A closed period gets a child per sub-period of
 * the next policy level that has rows or changed keys; the open (newest) period gets its base and
 * its rows as deltas, without children, so that it reads correctly for every later instant too.
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
  range: { id: string; start: number; end?: number | undefined },
  state: RowSet,
  rows: RowSet,
  first: boolean,
): Promise<Segment> {
  return await _segment(writer, levels, 0, range, state, rows, range.id, !first);
}

async function _segment(
  writer: CompactFileWriter,
  levels: readonly Period[],
  level: number,
  range: { id: string; start: number; end?: number | undefined },
  base: RowSet,
  rows: RowSet,
  path: string,
  needsBase = false,
): Promise<Segment> {
  const file = base.rows === 0 && !needsBase ? undefined : await writer.write(base, `${path}-base`);
  const head = {
    id: range.id,
    start: range.start,
    ...(range.end === undefined ? {} : { end: range.end }),
    ...(file === undefined ? {} : { base: file }),
  };
  if (range.end === undefined || level === levels.length - 1) {
    return { ...head, deltas: await writer.deltas(rows, range.start, path), children: [] };
  }
  const children: Segment[] = [];
  for (let t = range.start; t <= range.end;) {
    const p = periodOf(levels[level + 1]!, t);
    const own = gatherRows(rows, rowsInRange(rows, p.start, p.end));
    const changed = gatherRows(rows, newestPerKey(rows, p.start));
    if (changed.rows > 0 || own.rows > 0) {
      const child = { id: p.id, start: p.start, end: p.end };
      children.push(
        await _segment(writer, levels, level + 1, child, changed, own, `${path}_${p.id}`),
      );
    }
    t = p.end + 1;
  }
  return { ...head, deltas: [], children };
}
