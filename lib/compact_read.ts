/**
 * What compaction reads from the old layout: the state of every key at an instant (a scan), and the
 * rows that take effect within a time range, one per key and `event_time`, with ties already decided
 * the way reads decide them.
 *
 * @module
 */

import { toValues } from "./column_data.ts";
import { type DataFile, type DecodedRowGroup, openDataFile, type Value } from "./data_file.ts";
import { planScan } from "./plan.ts";
import type { Segment, Snapshot } from "./snapshot.ts";
import type { Table } from "./table.ts";

/** One row of a table's history: key, event time, values in schema order, deletion flag. */
export interface LogRow {
  /** The key. */
  readonly key: string;
  /** The event time (ms). */
  readonly t: number;
  /** Values of the schema columns, in schema order. */
  readonly values: readonly Value[];
  /** Whether the row deletes its key. */
  readonly deleted: boolean;
}

/**
 * The state as of an instant, read from one snapshot: per key, the winning row, **deletions
 * included** (a base compaction writes keeps them, so that a late row written later below a
 * deletion does not bring the key back).
 *
 * @param table The table.
 * @param snapshot The snapshot to read.
 * @param asOf The instant.
 * @returns Key → winning row.
 */
export async function stateAt(
  table: Table,
  snapshot: Snapshot,
  asOf: number,
): Promise<Map<string, LogRow>> {
  const names = snapshot.schema.columns.map((c) => c.name);
  const best = new Map<string, { file: number; row: LogRow }>();
  const plan = planScan(snapshot, { asOf });
  for (const [index, planned] of plan.files.entries()) {
    const data = await openDataFile(table, planned.file, snapshot.schema);
    for (const [g, info] of data.rowGroups.entries()) {
      if ((info.minEventTime ?? -Infinity) > asOf) continue;
      const group = await data.readRowGroup(g, names);
      _each(group, names, -Infinity, asOf, (key, t, row) => {
        const old = best.get(key);
        if (old && (old.row.t > t || (old.row.t === t && old.file !== index))) return;
        best.set(key, { file: index, row: row() });
      });
    }
  }
  return new Map([...best].map(([key, p]) => [key, p.row]));
}

/**
 * The instants at which a snapshot's plan can change: every segment start, the instant after every
 * segment end, and every delta start. Between two consecutive ones, every read plans the same files.
 *
 * @param segments The top-level segments.
 * @returns The instants, ascending, without repeats.
 */
export function planBreakpoints(segments: readonly Segment[]): number[] {
  const out = new Set<number>();
  const walk = (nodes: readonly Segment[]) => {
    for (const s of nodes) {
      out.add(s.start);
      if (s.end !== undefined) out.add(s.end + 1);
      for (const d of s.deltas) out.add(d.start);
      walk(s.children);
    }
  };
  walk(segments);
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
 * @returns The rows, ordered by `event_time`, then key.
 */
export async function rowsBetween(
  table: Table,
  snapshot: Snapshot,
  from: number,
  to: number,
): Promise<LogRow[]> {
  const cuts = [from, ...planBreakpoints(snapshot.segments).filter((b) => b > from && b <= to)];
  const files = new Map<string, Promise<DataFile>>();
  const groups = new Map<string, Promise<DecodedRowGroup>>();
  const names = snapshot.schema.columns.map((c) => c.name);
  const picked = new Map<string, { file: number; row: LogRow }>();
  for (const [i, a] of cuts.entries()) {
    const b = i + 1 < cuts.length ? cuts[i + 1]! - 1 : to;
    const plan = planScan(snapshot, { asOf: a });
    for (const [index, planned] of plan.files.entries()) {
      let file = files.get(planned.file);
      if (!file) files.set(planned.file, file = openDataFile(table, planned.file, snapshot.schema));
      const data = await file;
      for (const [g, info] of data.rowGroups.entries()) {
        if ((info.minEventTime ?? -Infinity) > b || (info.maxEventTime ?? Infinity) < a) continue;
        const id = `${g}\u0000${planned.file}`;
        let group = groups.get(id);
        if (!group) groups.set(id, group = data.readRowGroup(g, names));
        _pick(await group, names, a, b, index, picked);
      }
    }
  }
  return [...picked.values()].map((p) => p.row).sort((x, y) =>
    x.t - y.t || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)
  );
}

function _pick(
  group: DecodedRowGroup,
  names: readonly string[],
  a: number,
  b: number,
  file: number,
  picked: Map<string, { file: number; row: LogRow }>,
): void {
  _each(group, names, a, b, (key, t, row) => {
    const id = `${t}\u0000${key}`;
    const old = picked.get(id);
    if (old === undefined || old.file === file) picked.set(id, { file, row: row() });
  });
}

/** Calls `visit` for each row with `a <= event_time <= b`, in file order; `row()` builds it. */
function _each(
  group: DecodedRowGroup,
  names: readonly string[],
  a: number,
  b: number,
  visit: (key: string, t: number, row: () => LogRow) => void,
): void {
  const columns = names.map((n) => toValues(group.columns.get(n)!));
  const keys = toValues(group.key) as string[];
  const deleted = group.deleted;
  for (let r = 0; r < group.rows; r++) {
    const t = group.eventTime[r]!;
    if (t < a || t > b) continue;
    const key = keys[r]!;
    visit(key, t, () => ({
      key,
      t,
      values: columns.map((c) => c[r]!),
      deleted: deleted?.[r] === 1,
    }));
  }
}
