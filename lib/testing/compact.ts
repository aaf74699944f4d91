/**
 * A test-only stand-in for compaction: rewrites a table into the upstream `financials` layout (closed
 * yearly segments with a base holding the state at the year's start, quarterly children with bases
 * from Q2 on and one delta each; the last year open, without children), so write tests can check late rows against bases.
 *
 * @module
 */

import { commitSnapshot } from "../commit.ts";
import type { Value } from "../data_file.ts";
import { ParquetFileWriter } from "../parquet_write.ts";
import type { Column } from "../schema.ts";
import type { Delta, Segment } from "../snapshot.ts";
import type { Table } from "../table.ts";

/** A row as the property test records it. */
export interface HistoryRow {
  key: string;
  t: number;
  values: Value[];
  deleted: boolean;
}

/**
 * Rewrites the table from the rows written so far into yearly/quarterly segments with bases.
 *
 * @param table The table.
 * @param rows Every row written, in write order.
 * @param columns The schema columns.
 */
export async function compactByYear(
  table: Table,
  rows: readonly HistoryRow[],
  columns: readonly Column[],
): Promise<void> {
  if (rows.length === 0) return;
  const years = rows.map((r) => new Date(r.t).getUTCFullYear());
  const first = Math.min(...years);
  const last = Math.max(...years);
  const segments: Segment[] = [];
  for (let y = first; y <= last; y++) {
    const start = Date.UTC(y, 0, 1);
    const end = Date.UTC(y + 1, 0, 1) - 1;
    const children: Segment[] = [];
    for (let q = 0; q < 4; q++) {
      const qs = Date.UTC(y, q * 3, 1);
      const qe = Date.UTC(y, q * 3 + 3, 1) - 1;
      const inQuarter = _dedupe(rows.filter((r) => r.t >= qs && r.t <= qe));
      const deltas: Delta[] = inQuarter.length === 0
        ? []
        : [{ file: await _put(table, `q${y}_${q}_d`, inQuarter, columns), start: qs, end: qe }];
      const changed = _state(rows.filter((r) => r.t >= start && r.t < qs));
      const base = q === 0 ? undefined : await _put(table, `q${y}_${q}_b`, changed, columns);
      children.push({
        id: `year_${y}_q${q + 1}`,
        start: qs,
        end: qe,
        ...(base === undefined ? {} : { base }),
        deltas,
        children: [],
      });
    }
    const base = await _put(table, `y${y}_b`, _state(rows.filter((r) => r.t < start)), columns);
    if (y === last) { // open, without children, as financials' year_2021
      const inYear = _dedupe(rows.filter((r) => r.t >= start));
      const file = await _put(table, `y${y}_d`, inYear, columns);
      segments.push({ id: `year_${y}`, start, base, deltas: [{ file, start, end }], children: [] });
    } else segments.push({ id: `year_${y}`, start, end, base, deltas: [], children });
  }
  await commitSnapshot(table, (current) => ({ ...current!, segments }), { operation: "compact" });
}

/** Per key, the newest row (ties: written last), deletions included. */
function _state(rows: readonly HistoryRow[]): HistoryRow[] {
  const best = new Map<string, HistoryRow>();
  for (const r of rows) {
    const old = best.get(r.key);
    if (!old || r.t >= old.t) best.set(r.key, r);
  }
  return [...best.values()];
}

/** One row per (key, t): the one written last. */
function _dedupe(rows: readonly HistoryRow[]): HistoryRow[] {
  const byId = new Map<string, HistoryRow>();
  for (const r of rows) {
    byId.delete(`${r.t}|${r.key}`);
    byId.set(`${r.t}|${r.key}`, r);
  }
  return [...byId.values()];
}

async function _put(
  table: Table,
  name: string,
  rows: readonly HistoryRow[],
  columns: readonly Column[],
): Promise<string> {
  const chunks: Uint8Array[] = [];
  const writer = new ParquetFileWriter(
    [
      { name: "key", type: "String", nullable: false },
      { name: "event_time", type: "DateTime", nullable: false },
      ...columns,
      { name: "_deleted", type: "Boolean", nullable: false },
    ],
    (bytes) => Promise.resolve(void chunks.push(bytes)),
  );
  await writer.writeRowGroup([
    rows.map((r) => r.key),
    rows.map((r) => r.t),
    ...columns.map((_, i) => rows.map((r) => r.values[i]!)),
    rows.map((r) => r.deleted),
  ]);
  await writer.finish();
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  const file = `compact/${name}-${crypto.randomUUID()}.parquet`;
  await table.store.put(table.key(file), bytes);
  return file;
}
