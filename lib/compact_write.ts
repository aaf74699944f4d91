/**
 * What compaction writes for one top-level period: a base with the state at its start, child
 * segments per policy level whose bases hold the keys changed since their parent's start, and deltas
 * holding the period's rows, one per key and `event_time` (docs/SPEC.md "Compaction").
 *
 * @module
 */

import type { CompactionPolicy } from "./compact_policy.ts";
import type { LogRow } from "./compact_read.ts";
import type { Value } from "./data_file.ts";
import { ParquetFileWriter } from "./parquet_write.ts";
import { type Period, periodOf } from "./policy.ts";
import { DELETED, EVENT_TIME, KEY, type Schema } from "./schema.ts";
import type { Delta, Segment } from "./snapshot.ts";
import type { Table } from "./table.ts";

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
   * Writes rows (at most one per key and `event_time`) as one file, sorted by key then time.
   *
   * @param rows The rows.
   * @param name A readable part of the file name (segment path and kind).
   * @returns The file name, relative to the table folder.
   */
  async write(rows: readonly LogRow[], name: string): Promise<string> {
    const sorted = rows.toSorted((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.t - b.t));
    const hasDeleted = sorted.some((r) => r.deleted);
    const chunks: Uint8Array[] = [];
    const writer = new ParquetFileWriter([
      { name: KEY, type: "String", nullable: false },
      { name: EVENT_TIME, type: "DateTime", nullable: false },
      ...this.#schema.columns,
      ...(hasDeleted ? [{ name: DELETED, type: "Boolean" as const, nullable: false }] : []),
    ], (bytes) => Promise.resolve(void chunks.push(bytes)));
    const size = this.#policy.rowGroupRows;
    for (let at = 0; at < sorted.length; at += size) {
      const part = sorted.slice(at, at + size);
      const columns: Value[][] = [part.map((r) => r.key), part.map((r) => r.t)];
      this.#schema.columns.forEach((_, i) => columns.push(part.map((r) => r.values[i]!)));
      if (hasDeleted) columns.push(part.map((r) => r.deleted));
      await writer.writeRowGroup(columns);
    }
    await writer.finish();
    const bytes = _concat(chunks);
    const file = `data/${name.replace(/[^A-Za-z0-9_-]/g, "-")}-${crypto.randomUUID()}.parquet`;
    this.files.push(file);
    await this.#table.store.put(this.#table.key(file), bytes);
    this.bytes += bytes.length;
    this.rows += rows.length;
    return file;
  }

  /**
   * Writes a segment's rows as deltas of at most `fileRows` rows each, all starting at `start`.
   *
   * @param rows The rows, ordered by `event_time`.
   * @param start The segment start.
   * @param name A readable part of the file names.
   * @returns The deltas.
   */
  async deltas(rows: readonly LogRow[], start: number, name: string): Promise<Delta[]> {
    const out: Delta[] = [];
    for (let at = 0; at < rows.length; at += this.#policy.fileRows) {
      const part = rows.slice(at, at + this.#policy.fileRows);
      const end = Math.max(start, part[part.length - 1]!.t);
      out.push({ file: await this.write(part, `${name}-delta`), start, end });
    }
    return out;
  }
}

/**
 * Builds and writes one top-level period's segment. A closed period gets a child per sub-period of
 * the next policy level that has rows or changed keys; the open (newest) period gets its base and
 * its rows as deltas, without children, so that it reads correctly for every later instant too.
 *
 * @param writer Where files go.
 * @param levels The policy's periods.
 * @param range The period: id, start, and end (absent for the open one).
 * @param state The state just before `start`, deletions included (the base rows).
 * @param rows The rows within the period, ordered by `event_time`, one per key and time.
 * @param first Whether no segment precedes the period: only then may it go without a base when the
 *   state is empty (a later segment needs one, even empty, so that late rows written into earlier
 *   closed segments get carry copies in it; docs/SPEC.md §9.3).
 * @returns The segment.
 */
export async function writePeriod(
  writer: CompactFileWriter,
  levels: readonly Period[],
  range: { id: string; start: number; end?: number | undefined },
  state: Iterable<LogRow>,
  rows: readonly LogRow[],
  first: boolean,
): Promise<Segment> {
  return await _segment(writer, levels, 0, range, [...state], rows, range.id, !first);
}

async function _segment(
  writer: CompactFileWriter,
  levels: readonly Period[],
  level: number,
  range: { id: string; start: number; end?: number | undefined },
  base: readonly LogRow[],
  rows: readonly LogRow[],
  path: string,
  needsBase = false,
): Promise<Segment> {
  const file = base.length === 0 && !needsBase
    ? undefined
    : await writer.write(base, `${path}-base`);
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
  const changed = new Map<string, LogRow>();
  let next = 0;
  for (let t = range.start; t <= range.end;) {
    const p = periodOf(levels[level + 1]!, t);
    let stop = next;
    while (stop < rows.length && rows[stop]!.t <= p.end) stop++;
    const own = rows.slice(next, stop);
    if (changed.size > 0 || own.length > 0) {
      const child = { id: p.id, start: p.start, end: p.end };
      children.push(
        await _segment(
          writer,
          levels,
          level + 1,
          child,
          [...changed.values()],
          own,
          `${path}_${p.id}`,
        ),
      );
    }
    for (const r of own) changed.set(r.key, r);
    next = stop;
    t = p.end + 1;
  }
  return { ...head, deltas: [], children };
}

function _concat(chunks: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return bytes;
}
