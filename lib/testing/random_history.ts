/**
 * Random write histories for property tests of the write path and compaction: random schemas,
 * batches of on-time, late, tied and deleted rows written through `writeRows`, and the plain fold
 * (the oracle) that says what a read as of T must return.
 *
 * @module
 */

import type { Value } from "../format/schema.ts";
import { Prng } from "../write/prng.ts";
import type { Column, ColumnType } from "../format/schema.ts";
import type { Segment } from "../format/snapshot.ts";
import type { Table } from "../format/table.ts";
import { writeRows } from "../write/write.ts";

/** A seeded PRNG as a function, so failures reproduce from the printed seed. */
export function random(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

/** One row as the oracle keeps it. */
export interface OracleRow {
  key: string;
  t: number;
  values: Value[];
  deleted: boolean;
}

/** The contract: per key, greatest t <= T, ties to the row written last; deletions remove. */
export function fold(rows: readonly OracleRow[], asOf: number | undefined): Map<string, OracleRow> {
  const best = new Map<string, OracleRow>();
  for (const row of rows) {
    if (asOf !== undefined && row.t > asOf) continue;
    const old = best.get(row.key);
    if (!old || row.t >= old.t) best.set(row.key, row);
  }
  for (const [key, row] of best) if (row.deleted) best.delete(key);
  return best;
}

/** The fold as `scanMap` shapes a scan: key → [event_time, ...values]. */
export function foldMap(
  rows: readonly OracleRow[],
  asOf: number | undefined,
): Map<string, Value[]> {
  return new Map([...fold(rows, asOf)].map(([k, r]) => [k, [r.t, ...r.values]]));
}

const _TYPES: ColumnType[] = ["String", "Int", "Float", "Boolean", "DateTime"];

/** One to three columns of random types and nullability. */
export function randomColumns(rnd: () => number): Column[] {
  return Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, i) => ({
    name: `c${i}`,
    type: _TYPES[Math.floor(rnd() * _TYPES.length)]!,
    nullable: rnd() < 0.5,
  }));
}

function _value(type: ColumnType, rnd: () => number): Value {
  switch (type) {
    case "String":
      return `s${Math.floor(rnd() * 1000)}`;
    case "Int":
      return BigInt(Math.floor(rnd() * 2 ** 53)) * (rnd() < 0.5 ? -1n : 1n) * 1000n + 7n;
    case "Float":
      return rnd() * 1000 - 500;
    case "Boolean":
      return rnd() < 0.5;
    case "DateTime":
      return Math.floor(rnd() * 2e12);
  }
}

/** The moving parts of a random history: its columns, keys, time origin and clock. */
export interface HistoryState {
  readonly columns: readonly Column[];
  readonly keys: readonly string[];
  readonly origin: number;
  /** The newest event time so far. */
  clock: number;
  /** Every row written, in write order. */
  readonly written: OracleRow[];
}

/**
 * A random batch: up to `size` rows, 15% ties with an earlier row, 25% late (anywhere from 30 days
 * before the origin to the clock), the rest moving the clock forward by up to `step`; 12% deletions.
 */
export function randomBatch(
  rnd: () => number,
  h: HistoryState,
  step: number,
  size = 30,
): OracleRow[] {
  const day = 86_400_000;
  const batch: OracleRow[] = [];
  for (let i = Math.floor(rnd() * size); i > 0; i--) {
    const kind = rnd();
    const tie = kind < 0.15 && h.written.length > 0;
    let t: number;
    if (tie) t = h.written[Math.floor(rnd() * h.written.length)]!.t;
    else if (kind < 0.4) {
      t = h.origin - day * 30 + Math.floor(rnd() * (h.clock - h.origin + day * 30));
    } else t = h.clock + Math.floor(rnd() * step);
    h.clock = Math.max(h.clock, t);
    const key = tie && rnd() < 0.8
      ? h.written.find((w) => w.t === t)!.key
      : h.keys[Math.floor(rnd() * h.keys.length)]!;
    const values = h.columns.map((c) => c.nullable && rnd() < 0.2 ? null : _value(c.type, rnd));
    batch.push({ key, t, values, deleted: rnd() < 0.12 });
  }
  return batch;
}

/** Writes a batch through `writeRows` with a random row-group size and records it as written. */
export async function writeBatch(
  table: Table,
  rnd: () => number,
  h: HistoryState,
  batch: readonly OracleRow[],
): Promise<void> {
  await writeRows(
    table,
    batch.map((r) => ({
      key: r.key,
      event_time: r.t,
      _deleted: r.deleted,
      ...Object.fromEntries(h.columns.map((col, i) => [col.name, r.values[i]])),
    })),
    { rowGroupRows: 1 + Math.floor(rnd() * 8) },
  );
  h.written.push(...batch);
}

/**
 * Instants worth checking: the current state, every segment start ±1 ms and end ±1 ms, some
 * written event times and the instant before them, and random instants around the history.
 */
export function instantsToCheck(
  rnd: () => number,
  h: HistoryState,
  segments: readonly Segment[],
  span: number,
): (number | undefined)[] {
  const day = 86_400_000;
  const out = new Set<number | undefined>([undefined]);
  const walk = (nodes: readonly Segment[]): void => {
    for (const s of nodes) {
      out.add(s.start).add(s.start - 1).add(s.start + 1);
      if (s.end !== undefined) out.add(s.end).add(s.end + 1);
      walk(s.children);
    }
  };
  walk(segments);
  for (const w of h.written) if (rnd() < 0.3) out.add(w.t).add(w.t - 1);
  for (let i = 0; i < 10; i++) out.add(h.origin - 40 * day + Math.floor(rnd() * (span + 80 * day)));
  return [...out];
}
