/**
 * Property test of schema evolution, the change feed and the late-data diff against the fold of
 * every row written (lib/testing/evolving_history.ts): random batches with late rows, ties and
 * deletions, random alters (drop, rename, widen, add, a dropped name added again) and compactions
 * between them. Then, for random snapshots and instants: a scan of every snapshot with its own
 * schema equals the fold of the rows committed up to it; `changes()` between random snapshot pairs
 * equals the rows those snapshots committed; `diffSnapshots()` equals the comparison of two folds.
 */

import assert from "node:assert/strict";
import type { Value } from "../format/schema.ts";
import type { Table } from "../format/table.ts";
import { compareKeys } from "./resolve.ts";
import { MemoryStore } from "../store/memory.ts";
import { scanMap } from "../testing/scan_map.ts";
import { random } from "../testing/random_history.ts";
import {
  buildEvolvingTable,
  type EvolvingHistory,
  foldAt,
  projectValues,
} from "../testing/evolving_history.ts";
import { changes } from "./changes.ts";
import { diffSnapshots } from "./diff.ts";

const _DAY = 86_400_000;

function _instants(rnd: () => number, h: EvolvingHistory): (number | undefined)[] {
  const out: (number | undefined)[] = [undefined];
  for (const row of h.rows) if (rnd() < 0.2) out.push(row.t, row.t - 1);
  for (let i = 0; i < 4; i++) {
    out.push(h.state.origin - 30 * _DAY + Math.floor(rnd() * (h.state.clock - h.state.origin)));
  }
  return out.slice(0, 12);
}

async function _checkScans(table: Table, h: EvolvingHistory, rnd: () => number, where: string) {
  for (const [version, columns] of h.schemas) {
    for (const asOf of _instants(rnd, h).slice(0, 4)) {
      const actual = await scanMap(table, asOf, version);
      assert.deepEqual(actual, foldAt(h, version, columns, asOf), `${where}, s${version}, ${asOf}`);
    }
  }
}

/** The oracle's change feed: per snapshot, one row per key and event_time (the last written). */
function _expectedChanges(h: EvolvingHistory, from: number, to: number): Value[][] {
  const columns = h.schemas.get(to)!;
  const out: Value[][] = [];
  for (let version = from + 1; version <= to; version++) {
    const last = new Map<string, (typeof h.rows)[number]>();
    for (const row of h.rows) if (row.snapshot === version) last.set(`${row.t}/${row.key}`, row);
    const rows = [...last.values()].sort((a, b) => compareKeys(a.key, b.key) || a.t - b.t);
    for (const row of rows) {
      const values = row.deleted ? columns.map(() => null) : projectValues(row, columns);
      out.push([row.key, row.t, ...values, BigInt(version), row.deleted ? "delete" : "upsert"]);
    }
  }
  return out;
}

async function _checkChanges(table: Table, h: EvolvingHistory, from: number, to: number) {
  const actual: Value[][] = [];
  for await (const row of await changes(table, { fromSnapshot: from, toSnapshot: to })) {
    actual.push(Object.values(row));
  }
  assert.deepEqual(actual, _expectedChanges(h, from, to), `changes ${from}..${to}`);
}

async function _checkDiff(
  table: Table,
  h: EvolvingHistory,
  from: number,
  to: number,
  asOf: number | undefined,
) {
  const columns = h.schemas.get(to)!;
  const old = foldAt(h, from, columns, asOf);
  const now = foldAt(h, to, columns, asOf);
  const expected: Value[][] = [];
  for (const key of new Set([...old.keys(), ...now.keys()])) {
    const a = old.get(key);
    const b = now.get(key);
    const change = !a
      ? "insert"
      : !b
      ? "delete"
      : a.some((v, i) => !Object.is(v, b[i]))
      ? "update"
      : undefined;
    if (change) expected.push([key, change, ...(b ?? columns.map(() => null).concat([null]))]);
  }
  expected.sort((x, y) => compareKeys(x[0] as string, y[0] as string));
  // Both ways of comparing: the late rows' keys in memory, and two streamed answers.
  for (const keysInMemory of [undefined, 0]) {
    const actual: Value[][] = [];
    const options = { fromSnapshot: from, toSnapshot: to, asOf, keysInMemory };
    for await (const batch of (await diffSnapshots(table, options)).batches) {
      for (let r = 0; r < batch.rows; r++) actual.push(batch.columns.map((c) => c.values[r]!));
    }
    assert.deepEqual(actual, expected, `diff ${from}..${to} as of ${asOf}, ${keysInMemory}`);
  }
}

Deno.test("an evolving table reads every snapshot with its own schema, and changes() and diffSnapshots() agree with the fold", async (t) => {
  const base = Number(Deno.env.get("AZOF_SEED") ?? 1);
  const runs = Number(Deno.env.get("AZOF_RUNS") ?? 12);
  for (let seed = base; seed < base + runs; seed++) {
    await t.step(`seed ${seed}`, async () => {
      const { table, h } = await buildEvolvingTable(new MemoryStore(), seed);
      const rnd = random(seed * 7919);
      await _checkScans(table, h, rnd, `seed ${seed}`);
      const versions = [...h.schemas.keys()];
      for (let i = 0; i < 6; i++) {
        const a = versions[Math.floor(rnd() * versions.length)]!;
        const b = versions[Math.floor(rnd() * versions.length)]!;
        const [from, to] = a <= b ? [a, b] : [b, a];
        await _checkChanges(table, h, rnd() < 0.2 ? 0 : from, to);
        for (const asOf of _instants(rnd, h).slice(0, 3)) {
          await _checkDiff(table, h, from, to, asOf);
        }
      }
    });
  }
});
