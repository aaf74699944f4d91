/**
 * Property test of the write path against an independent oracle: random schemas and policies, random
 * commits of on-time, late, tied and deleted rows, then `scan(T)` at random instants (and segment
 * boundaries ±1 ms) must equal a plain fold over every row written. The second suite compacts the
 * table into yearly/quarterly segments with bases part-way, so later late rows must reach past them.
 */

import assert from "node:assert/strict";
import { compactTable } from "../compact/compact.ts";
import { createTable } from "./create.ts";
import { scanMap } from "../testing/scan_map.ts";
import { MemoryStore } from "../store/memory.ts";
import {
  foldMap,
  type HistoryState,
  instantsToCheck,
  random,
  randomBatch,
  randomColumns,
  writeBatch,
} from "../testing/random_history.ts";

const _POLICIES = [["P1Y"], ["P1Y", "P3M"], ["P1M"], ["P3M", "P1M"], ["P1D"]];
const _DAY = 86_400_000;

async function _case(seed: number, compactAfter?: number): Promise<void> {
  const rnd = random(seed);
  const columns = randomColumns(rnd);
  const policy = compactAfter === undefined
    ? _POLICIES[Math.floor(rnd() * _POLICIES.length)]!
    : ["P1Y", "P3M"];
  const table = await createTable(new MemoryStore(), "t", { columns }, { segment: policy });
  const span = policy[policy.length - 1] === "P1D" ? 20 * _DAY : 3 * 365 * _DAY;
  const origin = Date.UTC(2019, 0, 1);
  const keys = Array.from({ length: 3 + Math.floor(rnd() * 12) }, (_, i) => `k${i}`);
  const h: HistoryState = { columns, keys, origin, clock: origin, written: [] };
  const commits = 2 + Math.floor(rnd() * 4);
  for (let c = 0; c < commits; c++) {
    if (c === compactAfter) await compactTable(table);
    await writeBatch(table, rnd, h, randomBatch(rnd, h, span / commits));
  }
  const snapshot = await table.snapshot();
  for (const asOf of instantsToCheck(rnd, h, snapshot.segments, span)) {
    const expected = foldMap(h.written, asOf);
    const actual = await scanMap(table, asOf);
    if (Deno.env.get("AZOF_DEBUG") && !_equal(actual, expected)) {
      console.log(JSON.stringify({ asOf, snapshot: snapshot.segments }, null, 1));
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
