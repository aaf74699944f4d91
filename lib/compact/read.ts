/**
 * What compaction reads from the old layout: the state of every key at an instant, and the rows
 * that take effect within a time range, one per key and `event_time`, with ties already decided
 * the way reads decide them. Both come back as column-wise {@linkcode RowSet}s sorted by key.
 *
 * @module
 */

import { walkSegments } from "../format/segments.ts";
import { kindOf } from "../columns/column_data.ts";
import {
  concatRows,
  emptyRows,
  firstOfRuns,
  gatherRows,
  type RowSet,
  rowsInRange,
  sortRows,
} from "./rows.ts";
import { type DataFile, type DecodedRowGroup, openDataFile } from "../parquet/data_file.ts";
import { planScan } from "../read/plan.ts";
import type { Segment, Snapshot } from "../format/snapshot.ts";
import type { Table } from "../format/table.ts";

/**
 * The data files one compaction has opened, kept from one period to the next so that each footer is
 * read once per compaction instead of once per period (on S3, a request per file and period). A
 * file is let go once no row group of it reaches the next period; its last `event_time` is kept, so
 * that later periods skip it without opening it again.
 */
export class OpenedFiles {
  readonly #files = new Map<string, Promise<DataFile>>();
  readonly #ends = new Map<string, number>();

  /**
   * The opened file, opening it on first use.
   *
   * @param table The table.
   * @param file The file name.
   * @param schema The schema it must fit.
   * @returns The opened file.
   */
  open(table: Table, file: string, schema: Snapshot["schema"]): Promise<DataFile> {
    let opened = this.#files.get(file);
    if (!opened) {
      opened = openDataFile(table, file, schema);
      this.#files.set(file, opened);
      opened.then(
        (data) => this.#ends.set(file, _lastEventTime(data)),
        () => this.#files.delete(file),
      );
    }
    return opened;
  }

  /**
   * Forgets the files whose rows all lie before an instant.
   *
   * @param instant The start of the next period.
   */
  releaseBefore(instant: number): void {
    for (const [file, end] of this.#ends) if (end < instant) this.#files.delete(file);
  }

  /**
   * Whether a file opened before has no row at or after an instant.
   *
   * @param file The file name.
   * @param instant The instant.
   * @returns `true` when the file is known to end before `instant`.
   */
  endsBefore(file: string, instant: number): boolean {
    return (this.#ends.get(file) ?? Infinity) < instant;
  }
}

/** The last `event_time` of a file by its row group statistics; +Infinity when unknown. */
function _lastEventTime(data: DataFile): number {
  return data.rowGroups.reduce((end, g) => Math.max(end, g.maxEventTime ?? Infinity), -Infinity);
}

/**
 * The state as of an instant, read from one snapshot: per key, the winning row, **deletions
 * included** (a base compaction writes keeps them, so that a late row written later below a
 * deletion does not bring the key back).
 *
 * @param table The table.
 * @param snapshot The snapshot to read.
 * @param asOf The instant.
 * @param files Files already opened by this compaction.
 * @param options `planAt`: read the files a read as of this later instant opens (rows after `asOf`
 *   left out); for the table's first period, whose first segment's base holds older rows that no
 *   read before the segment's start plans.
 * @returns One row per key, sorted by key.
 */
export async function stateAt(
  table: Table,
  snapshot: Snapshot,
  asOf: number,
  files: OpenedFiles = new OpenedFiles(),
  options: { readonly planAt?: number | undefined } = {},
): Promise<RowSet> {
  const plan = options.planAt ?? asOf;
  const { set, rank } = await _collect(table, snapshot, [{ a: -Infinity, b: asOf, plan }], files);
  return gatherRows(set, firstOfRuns(set, sortRows(set, rank, true), false));
}

/**
 * The instants at which a snapshot's plan can change: every segment start, the instant after every
 * segment end, and every delta start. Between two consecutive ones, every read plans the same files.
 *
 * @param segments The top-level segments.
 * @returns The instants, ascending, without repeats.
 */
function _planBreakpoints(segments: readonly Segment[]): number[] {
  const out = new Set<number>();
  for (const { segment: s } of walkSegments(segments)) {
    out.add(s.start);
    if (s.end !== undefined) out.add(s.end + 1);
    for (const d of s.deltas) out.add(d.start);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * Reads the rows with `event_time` in `[from, to]` as reads see them: for each run of instants with
 * one plan, the plan's files in read order, keeping for each key and `event_time` the row a read
 * as of that instant would pick (first file in read order, then the later row of a file). Copies of
 * a row in later files are thereby dropped.
 *
 * @param table The table.
 * @param snapshot The snapshot to read.
 * @param from First instant.
 * @param to Last instant, inclusive.
 * @param files Files already opened by this compaction.
 * @returns The rows, sorted by key, then `event_time`.
 */
export async function rowsBetween(
  table: Table,
  snapshot: Snapshot,
  from: number,
  to: number,
  files: OpenedFiles = new OpenedFiles(),
): Promise<RowSet> {
  const cuts = [from, ..._planBreakpoints(snapshot.segments).filter((b) => b > from && b <= to)];
  const runs = cuts.map((a, i) => ({ a, b: i + 1 < cuts.length ? cuts[i + 1]! - 1 : to, plan: a }));
  const { set, rank } = await _collect(table, snapshot, runs, files);
  return gatherRows(set, firstOfRuns(set, sortRows(set, rank), true));
}

/**
 * The rows of each run's plan with `a <= event_time <= b`, one after another in read order, with
 * each row's file position in its run's plan. Runs cover disjoint times, so a key and time comes
 * from one run only; row groups read by several runs are decoded once.
 */
async function _collect(
  table: Table,
  snapshot: Snapshot,
  runs: readonly { a: number; b: number; plan: number }[],
  files: OpenedFiles,
): Promise<{ set: RowSet; rank: Int32Array }> {
  const groups = new Map<string, Promise<DecodedRowGroup>>();
  const names = snapshot.schema.columns.map((c) => c.name);
  const parts: RowSet[] = [];
  const ranks: Int32Array[] = [];
  for (const { a, b, plan: asOf } of runs) {
    const planned = planScan(snapshot, { asOf }).files;
    // Every file and row group is asked for before any is awaited, so that their reads overlap.
    const opened = planned.map((p) =>
      files.endsBefore(p.file, a) ? undefined : files.open(table, p.file, snapshot.schema)
    );
    const reads: { index: number; group: Promise<DecodedRowGroup> }[] = [];
    for (const [index, p] of planned.entries()) {
      const data = await opened[index];
      for (const [g, info] of (data?.rowGroups ?? []).entries()) {
        if ((info.minEventTime ?? -Infinity) > b || (info.maxEventTime ?? Infinity) < a) continue;
        const id = `${g}\u0000${p.file}`;
        let group = groups.get(id);
        if (!group) {
          groups.set(id, group = data!.readRowGroup(g, names));
          group.catch(() => {}); // awaited below; a failure is thrown from there
        }
        reads.push({ index, group });
      }
    }
    for (const { index, group } of reads) {
      const rows = _rowSet(await group, names);
      const inRange = rowsInRange(rows, a, b);
      const part = inRange.length === rows.rows ? rows : gatherRows(rows, inRange);
      parts.push(part);
      ranks.push(new Int32Array(part.rows).fill(index));
    }
  }
  const kinds = snapshot.schema.columns.map((c) => kindOf(c.type));
  if (parts.length === 0) {
    return { set: emptyRows(kinds), rank: new Int32Array(0) };
  }
  const rank = new Int32Array(ranks.reduce((n, r) => n + r.length, 0));
  ranks.reduce((at, r) => (rank.set(r, at), at + r.length), 0);
  return { set: concatRows(parts), rank };
}

function _rowSet(group: DecodedRowGroup, names: readonly string[]): RowSet {
  return {
    rows: group.rows,
    key: group.key,
    t: group.eventTime,
    deleted: group.deleted ?? new Uint8Array(group.rows),
    columns: names.map((n) => group.columns.get(n)!),
  };
}
