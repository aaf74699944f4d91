/**
 * Random histories with schema changes, for property tests of alter, scans of old snapshots, the
 * change feed and the late-data diff: batches from {@linkcode randomBatch} interleaved with random
 * alters, compactions, and the oracle that knows, independently of column ids in files, which value
 * each row holds for each column id and what every snapshot's schema is.
 *
 * @module
 */

import type { Column, Value } from "../format/schema.ts";
import type { SchemaChanges } from "../format/schema_evolution.ts";
import type { Table } from "../format/table.ts";
import type { Store } from "../store/store.ts";
import { compactTable } from "../compact/compact.ts";
import { alterTable } from "../write/alter.ts";
import { createTable } from "../write/create.ts";
import {
  fold,
  type HistoryState,
  type OracleRow,
  randomBatch,
  writeBatch,
} from "./random_history.ts";
import { random, randomColumns } from "./random_history.ts";

const _DAY = 86_400_000;

/** A column as the oracle tracks it: its id never changes. */
export interface OracleColumn extends Column {
  /** The column id. */
  readonly id: number;
}

/** A row with its values by column id and the snapshot that committed it. */
export interface EvolvingRow {
  readonly key: string;
  readonly t: number;
  readonly deleted: boolean;
  readonly values: ReadonlyMap<number, Value>;
  readonly snapshot: number;
}

/** An evolving history: the current columns, every row written, every snapshot's columns. */
export interface EvolvingHistory {
  columns: OracleColumn[];
  lastId: number;
  readonly rows: EvolvingRow[];
  /** The columns of each snapshot committed so far. */
  readonly schemas: Map<number, readonly OracleColumn[]>;
  readonly state: HistoryState;
}

/**
 * Starts a history: one to three random columns with ids 1..n.
 *
 * @param rnd The random source.
 * @param keys The keys rows use.
 * @param origin The first event time.
 * @returns The history (record snapshot 1 with {@linkcode recordSnapshot}).
 */
export function startHistory(rnd: () => number, keys: string[], origin: number): EvolvingHistory {
  const columns = randomColumns(rnd).map((c, i) => ({ ...c, id: i + 1 }));
  return {
    columns,
    lastId: columns.length,
    rows: [],
    schemas: new Map(),
    state: { columns, keys, origin, clock: origin, written: [] },
  };
}

/**
 * Writes a random batch (late rows, ties, deletions) and records its rows under the snapshot it
 * committed.
 */
export async function writeRandomBatch(
  table: Table,
  rnd: () => number,
  h: EvolvingHistory,
  step: number,
): Promise<void> {
  const state = { ...h.state, columns: h.columns };
  const batch: OracleRow[] = randomBatch(rnd, state, step);
  await writeBatch(table, rnd, state, batch);
  h.state.clock = state.clock;
  const version = await table.currentVersion();
  for (const row of batch) {
    const values = new Map(h.columns.map((c, i) => [c.id, row.values[i]!]));
    h.rows.push({ key: row.key, t: row.t, deleted: row.deleted, values, snapshot: version });
  }
  h.schemas.set(version, h.columns);
}

/**
 * Commits a random alter (one to three of drop, rename, widen, add) through `alterTable` and applies
 * it to the oracle's columns.
 */
export async function alterRandomly(
  table: Table,
  rnd: () => number,
  h: EvolvingHistory,
): Promise<SchemaChanges> {
  let columns = [...h.columns];
  const changes = {
    drop: [] as string[],
    rename: [] as { from: string; to: string }[],
    widen: [] as { name: string; type: Column["type"]; nullable: boolean }[],
    add: [] as { name: string; type: Column["type"]; nullable: boolean }[],
  };
  const pick = () => columns[Math.floor(rnd() * columns.length)];
  if (columns.length > 1 && rnd() < 0.4) {
    const c = pick()!;
    changes.drop = [c.name];
    columns = columns.filter((x) => x !== c);
  }
  if (columns.length > 0 && rnd() < 0.5) {
    const at = Math.floor(rnd() * columns.length);
    const to = `r${h.lastId}_${Math.floor(rnd() * 1000)}`;
    changes.rename = [{ from: columns[at]!.name, to }];
    columns[at] = { ...columns[at]!, name: to };
  }
  const int = columns.findIndex((c) => c.type === "Int");
  const widenable = int >= 0 ? int : columns.findIndex((c) => !c.nullable);
  if (widenable >= 0 && rnd() < 0.5) {
    const c = columns[widenable]!;
    const spec = {
      name: c.name,
      type: c.type === "Int" ? "Float" as const : c.type,
      nullable: true,
    };
    changes.widen = [spec];
    columns[widenable] = { ...c, ...spec };
  }
  const count = changes.drop.length + changes.rename.length + changes.widen.length;
  if (count === 0 || rnd() < 0.5) {
    // Sometimes a name a dropped column had: a new column, null in the old files.
    const reuse = changes.drop[0] !== undefined && rnd() < 0.5;
    const name = reuse ? changes.drop[0]! : `a${h.lastId + 1}`;
    const type = (["String", "Int", "Float", "Boolean", "DateTime"] as const)[
      Math.floor(rnd() * 5)
    ]!;
    changes.add = [{ name, type, nullable: true }];
    columns.push({ name, type, nullable: true, id: ++h.lastId });
  }
  const { version } = await alterTable(table, changes);
  h.columns = columns;
  h.schemas.set(version, columns);
  return changes;
}

/** Records the columns of a snapshot that changed no schema (create, compact). */
export function recordSnapshot(h: EvolvingHistory, version: number): void {
  h.schemas.set(version, h.columns);
}

/**
 * A row's values under a snapshot's columns: null for a column added after the row was written,
 * Int values of a column widened to Float converted.
 */
export function projectValues(row: EvolvingRow, columns: readonly OracleColumn[]): Value[] {
  return columns.map((c) => {
    const value = row.values.get(c.id) ?? null;
    return c.type === "Float" && typeof value === "bigint" ? Number(value) : value;
  });
}

/** The fold of the rows committed up to a snapshot, as key → [event_time, ...values]. */
export function foldAt(
  h: EvolvingHistory,
  version: number,
  columns: readonly OracleColumn[],
  asOf: number | undefined,
): Map<string, Value[]> {
  const rows = h.rows.filter((r) => r.snapshot <= version).map((r) => ({
    key: r.key,
    t: r.t,
    deleted: r.deleted,
    values: projectValues(r, columns),
  }));
  return new Map([...fold(rows, asOf)].map(([k, r]) => [k, [r.t, ...r.values]]));
}

/**
 * A random table `t` in a store and its history: twelve steps of random batches (200 days each),
 * alters and compactions, after two batches, under a random segment layout.
 *
 * @param store The store to create the table in.
 * @param seed The random seed.
 * @returns The table and its history (every snapshot's columns recorded).
 */
export async function buildEvolvingTable(
  store: Store,
  seed: number,
): Promise<{ table: Table; h: EvolvingHistory }> {
  const rnd = random(seed);
  const origin = Date.UTC(2020, 0, 1);
  const keys = Array.from({ length: 3 + Math.floor(rnd() * 10) }, (_, i) => `k${i}`);
  const h = startHistory(rnd, keys, origin);
  const segment = [["P1Y"], ["P1Y", "P3M"], ["P1M"]][Math.floor(rnd() * 3)]!;
  const table = await createTable(store, "t", { columns: h.columns }, { segment });
  recordSnapshot(h, 1);
  for (let step = 0; step < 12; step++) {
    const r = step < 2 ? 0 : rnd();
    if (r < 0.5) await writeRandomBatch(table, rnd, h, 200 * _DAY);
    else if (r < 0.85) await alterRandomly(table, rnd, h);
    else {
      const result = await compactTable(table, { force: rnd() < 0.5 });
      if (result.committed) recordSnapshot(h, await table.currentVersion());
    }
  }
  return { table, h };
}
