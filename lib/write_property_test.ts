/**
 * Property test of the write path against an independent oracle: random schemas and policies, random
 * commits of on-time, late, tied and deleted rows, then `scan(T)` at random instants (and segment
 * boundaries ±1 ms) must equal a plain fold over every row written.
 */

import assert from "node:assert/strict";
import { createTable } from "./create.ts";
import type { Value } from "./data_file.ts";
import type { Column, ColumnType } from "./schema.ts";
import { scanMap } from "./testing/scan_map.ts";
import { MemoryStore } from "./store/memory.ts";
import { writeRows } from "./write.ts";
import { compactByYear } from "./testing/compact.ts";
import { Prng } from "./prng.ts";

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

const _TYPES: ColumnType[] = ["String", "Int", "Float", "Boolean", "DateTime"];
const _POLICIES = [["P1Y"], ["P1Y", "P3M"], ["P1M"], ["P3M", "P1M"], ["P1D"]];
const _DAY = 86_400_000;

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

async function _case(seed: number, compactAfter?: number): Promise<void> {
  const rnd = random(seed);
  const columns: Column[] = Array.from({ length: 1 + Math.floor(rnd() * 3) }, (_, i) => ({
    name: `c${i}`,
    type: _TYPES[Math.floor(rnd() * _TYPES.length)]!,
    nullable: rnd() < 0.5,
  }));
  const policy = compactAfter === undefined
    ? _POLICIES[Math.floor(rnd() * _POLICIES.length)]!
    : ["P1Y", "P3M"];
  const table = await createTable(new MemoryStore(), "t", { columns }, { segment: policy });
  const span = policy[policy.length - 1] === "P1D" ? 20 * _DAY : 3 * 365 * _DAY;
  const origin = Date.UTC(2019, 0, 1);
  const keys = Array.from({ length: 3 + Math.floor(rnd() * 12) }, (_, i) => `k${i}`);
  const written: OracleRow[] = [];
  let clock = origin;
  const commits = 2 + Math.floor(rnd() * 4);
  for (let c = 0; c < commits; c++) {
    if (c === compactAfter) await compactByYear(table, written, columns);
    const batch: OracleRow[] = [];
    for (let i = Math.floor(rnd() * 30); i > 0; i--) {
      const kind = rnd();
      let t: number;
      if (kind < 0.15 && written.length > 0) {
        t = written[Math.floor(rnd() * written.length)]!.t; // a tie with an earlier row
      } else if (kind < 0.4) {
        t = origin - _DAY * 30 + Math.floor(rnd() * (clock - origin + _DAY * 30)); // late
      } else t = clock + Math.floor(rnd() * (span / commits));
      clock = Math.max(clock, t);
      const key = kind < 0.15 && written.length > 0 && rnd() < 0.8
        ? written.find((w) => w.t === t)!.key
        : keys[Math.floor(rnd() * keys.length)]!;
      const values = columns.map((col) =>
        col.nullable && rnd() < 0.2 ? null : _value(col.type, rnd)
      );
      batch.push({ key, t, values, deleted: rnd() < 0.12 });
    }
    await writeRows(
      table,
      batch.map((r) => ({
        key: r.key,
        event_time: r.t,
        _deleted: r.deleted,
        ...Object.fromEntries(columns.map((col, i) => [col.name, r.values[i]])),
      })),
      { rowGroupRows: 1 + Math.floor(rnd() * 8) },
    );
    written.push(...batch);
  }
  const snapshot = await table.snapshot();
  const instants = new Set<number | undefined>([undefined]);
  const bounds = (segs: typeof snapshot.segments): void => {
    for (const s of segs) {
      instants.add(s.start).add(s.start - 1).add(s.start + 1);
      bounds(s.children);
    }
  };
  bounds(snapshot.segments);
  for (const w of written) if (rnd() < 0.3) instants.add(w.t).add(w.t - 1);
  for (let i = 0; i < 10; i++) {
    instants.add(origin - 40 * _DAY + Math.floor(rnd() * (span + 80 * _DAY)));
  }
  for (const asOf of instants) {
    const expected = new Map(
      [...fold(written, asOf)].map(([k, r]) => [k, [r.t, ...r.values]] as [string, Value[]]),
    );
    const actual = await scanMap(table, asOf);
    if (Deno.env.get("AZOF_DEBUG") && !_equal(actual, expected)) {
      console.log(JSON.stringify({ asOf, snapshot: (await table.snapshot()).segments }, null, 1));
    }
    assert.deepEqual(
      actual,
      expected,
      `seed ${seed}, as of ${asOf === undefined ? "current" : new Date(asOf).toISOString()}`,
    );
  }
}

Deno.test("writeRows() keeps scan(T) equal to a fold of every row written, for random tables", async (t) => {
  const base = Number(Deno.env.get("AZOF_SEED") ?? 1);
  const runs = Number(Deno.env.get("AZOF_RUNS") ?? 25);
  for (let seed = base; seed < base + runs; seed++) {
    await t.step(`seed ${seed}`, () => _case(seed));
  }
});

Deno.test("writeRows() keeps late rows visible past bases of closed segments (carry deltas)", async (t) => {
  const base = Number(Deno.env.get("AZOF_SEED") ?? 1000);
  const runs = Number(Deno.env.get("AZOF_RUNS") ?? 20);
  for (let seed = base; seed < base + runs; seed++) {
    await t.step(`seed ${seed}`, () => _case(seed, 1 + (seed % 2)));
  }
});

function _equal(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
