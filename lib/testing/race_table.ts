/**
 * Random tables on local disk for concurrency tests of compaction, and the checks that follow a race:
 * every snapshot, old and new, read at many instants (segment boundaries included) must equal the
 * plain fold over the rows of the writes it contains, and no data file may be left unreferenced.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createTable } from "../write/create.ts";
import type { Segment, Snapshot } from "../format/snapshot.ts";
import type { Store } from "../store/store.ts";
import type { Table } from "../format/table.ts";
import { writeRows } from "../write/write.ts";
import { toCell } from "./cells.ts";
import { scanMap } from "./scan_map.ts";
import { csvText } from "./csv_text.ts";
import {
  foldMap,
  type HistoryState,
  type OracleRow,
  random,
  randomBatch,
  randomColumns,
} from "./random_history.ts";

const _DAY = 86_400_000;
const _POLICIES = [["P1Y"], ["P1Y", "P3M"], ["P3M", "P1M"]];

/** A table under test and the oracle's record of what was committed to it. */
export interface RaceTable {
  /** The folder holding the table `t`. */
  readonly root: string;
  /** The table, opened on a plain local store. */
  readonly table: Table;
  /** The seeded random source. */
  readonly rnd: () => number;
  /** Columns, keys, clock and every row of a committed write, in commit order. */
  readonly h: HistoryState;
  /** `h.written.length` after each committed write, in commit order. */
  readonly ends: number[];
  /** Rows per batch (at most). */
  readonly size: number;
  /** How far an on-time row may move the clock. */
  readonly step: number;
}

/** Options of {@linkcode raceTable}. */
export interface RaceTableOptions {
  /** Distinct keys. */
  readonly keys: number;
  /** Batches written before the race. */
  readonly batches: number;
  /** Rows per batch, at most. */
  readonly size: number;
  /** Years of event time the batches cover, roughly. */
  readonly years: number;
  /** Where to create the table instead of a new temporary folder (an in-memory store). */
  readonly store?: Store | undefined;
}

/**
 * Creates table `t` in a new temporary folder with random columns and segment policy, and writes
 * `batches` random batches (late, tied and deleted rows included) through `writeRows`.
 */
export async function raceTable(seed: number, options: RaceTableOptions): Promise<RaceTable> {
  const rnd = random(seed);
  const columns = randomColumns(rnd);
  const segment = _POLICIES[Math.floor(rnd() * _POLICIES.length)]!;
  const root = options.store ?? await Deno.makeTempDir({ prefix: "azof-race-" });
  const table = await createTable(root, "t", { columns }, { segment });
  const keys = Array.from({ length: options.keys }, (_, i) => `k${i}`);
  const origin = Date.UTC(2019, 0, 1);
  const h: HistoryState = { columns, keys, origin, clock: origin, written: [] };
  const step = (options.years * 365 * _DAY) / (options.batches * options.size * 0.15);
  const t: RaceTable = {
    root: typeof root === "string" ? root : root.location,
    table,
    rnd,
    h,
    ends: [],
    size: options.size,
    step,
  };
  for (let i = 0; i < options.batches; i++) await writeBatchTo(t, nextBatch(t));
  return t;
}

/** A random batch of at least one row (an empty write commits nothing). */
export function nextBatch(t: RaceTable): OracleRow[] {
  for (;;) {
    const batch = randomBatch(t.rnd, t.h, t.step, t.size);
    if (batch.length > 0) return batch;
  }
}

/**
 * Writes a batch through `writeRows` on `table` (the race table's own by default) and, once it is
 * committed, records it for the oracle.
 */
export async function writeBatchTo(
  t: RaceTable,
  batch: readonly OracleRow[],
  table: Table = t.table,
): Promise<number> {
  const { version } = await writeRows(table, batchRows(t, batch));
  recordWrite(t, batch);
  return version;
}

/** A batch as the row objects `writeRows` takes. */
export function batchRows(t: RaceTable, batch: readonly OracleRow[]): Record<string, unknown>[] {
  return batch.map((r) => ({
    key: r.key,
    event_time: r.t,
    _deleted: r.deleted,
    ...Object.fromEntries(t.h.columns.map((col, i) => [col.name, r.values[i]])),
  }));
}

/** Records a batch another process committed. */
export function recordWrite(t: RaceTable, batch: readonly OracleRow[]): void {
  t.h.written.push(...batch);
  t.ends.push(t.h.written.length);
}

/** A batch as the CSV `azof write` reads: `key,event_time,_deleted,<columns>`. */
export function batchCsv(t: RaceTable, batch: readonly OracleRow[]): string {
  const columns = [
    { name: "key", type: "String" as const },
    { name: "event_time", type: "DateTime" as const },
    { name: "_deleted", type: "Boolean" as const },
    ...t.h.columns,
  ];
  return csvText(columns, batch.map((r) => [r.key, r.t, r.deleted, ...r.values.map(toCell)]));
}

/** The fold as `azof scan -f csv` prints it: header, then one line per key in key order. */
export function foldCsv(
  t: RaceTable,
  rows: readonly OracleRow[],
  asOf: number | undefined,
): string {
  const columns = [
    { name: "key", type: "String" as const },
    { name: "event_time", type: "DateTime" as const },
    ...t.h.columns,
  ];
  const fold = [...foldMap(rows, asOf)].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  return csvText(columns, fold.map(([key, values]) => [key, ...values.map(toCell)]));
}

/**
 * Every snapshot of the table and the rows its answers must fold: a write snapshot holds the
 * writes committed up to it, a compaction snapshot the same as its parent. Asserts the history is
 * linear (each snapshot's parent is the one before) and that each committed write is one snapshot.
 */
export async function versionRows(
  t: RaceTable,
): Promise<{ snapshot: Snapshot; rows: readonly OracleRow[] }[]> {
  const out: { snapshot: Snapshot; rows: readonly OracleRow[] }[] = [];
  let writes = 0;
  for (let v = 1; v <= await t.table.currentVersion(); v++) {
    const snapshot = await t.table.snapshot(v);
    const { operation, parent } = snapshot.extra;
    assert.equal(parent, v === 1 ? null : v - 1, `parent of snapshot ${v}`);
    let rows: readonly OracleRow[];
    if (operation === "create") rows = [];
    else if (operation === "write") rows = t.h.written.slice(0, t.ends[writes++]);
    else if (operation === "compact") rows = out[out.length - 1]!.rows;
    else throw new Error(`snapshot ${v}: unexpected operation ${String(operation)}`);
    out.push({ snapshot, rows });
  }
  assert.equal(writes, t.ends.length, "committed writes vs write snapshots");
  return out;
}

/**
 * Asserts that the newest snapshot reads as the fold over every committed write at every boundary
 * of every snapshot's segments (start ±1 ms, end, end + 1 ms), at written event times and the
 * instant before them, and now; that each older snapshot, read with `version`, does so at every
 * `olderEvery`-th of those instants; and that every data file is named by some snapshot.
 */
export async function assertReadsAsFold(t: RaceTable, olderEvery = 8): Promise<void> {
  const history = await versionRows(t);
  const instants = _instants(t, history.map((v) => v.snapshot));
  for (const [i, { snapshot, rows }] of history.entries()) {
    const newest = i === history.length - 1;
    for (const [j, asOf] of instants.entries()) {
      if (!newest && j % olderEvery !== 0) continue;
      const version = newest ? undefined : snapshot.version;
      const where = `snapshot ${snapshot.version} (${String(snapshot.extra.operation)}) as of ${
        asOf === undefined ? "now" : new Date(asOf).toISOString()
      }`;
      assert.deepEqual(await scanMap(t.table, asOf, version), foldMap(rows, asOf), where);
    }
  }
  assert.deepEqual(await unreferencedFiles(t.table, history.map((v) => v.snapshot)), []);
}

/** Data files in the table folder that none of the snapshots names. */
export async function unreferencedFiles(
  table: Table,
  snapshots: readonly Snapshot[],
): Promise<string[]> {
  const named = new Set<string>();
  const walk = (segments: readonly Segment[]): void => {
    for (const s of segments) {
      if (s.base !== undefined) named.add(s.base);
      for (const d of s.deltas) named.add(d.file);
      walk(s.children);
    }
  };
  for (const s of snapshots) walk(s.segments);
  const listed = await table.store.list(table.key("data/"));
  return listed.map((e) => e.key.slice(table.name.length + 1)).filter((f) => !named.has(f)).sort();
}

function _instants(t: RaceTable, snapshots: readonly Snapshot[]): (number | undefined)[] {
  const out = new Set<number | undefined>([undefined]);
  const walk = (segments: readonly Segment[]): void => {
    for (const s of segments) {
      out.add(s.start).add(s.start - 1).add(s.start + 1);
      if (s.end !== undefined) out.add(s.end).add(s.end + 1);
      walk(s.children);
    }
  };
  for (const s of snapshots) walk(s.segments);
  const written = t.h.written;
  for (let i = 0; i < 24 && written.length > 0; i++) {
    const row = written[Math.floor(t.rnd() * written.length)]!;
    out.add(row.t).add(row.t - 1);
  }
  return [...out];
}
