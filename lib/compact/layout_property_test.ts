/**
 * Property test of the time layout (issue 15 item 6): random sequences of writes (on-time, late,
 * tied and deleted rows, now and then one decades away), compactions, and policy changes that leave
 * older segments in the old policy's layout. After every step, `scan(T)` equals the fold of every
 * row written at random instants and segment boundaries, no open segment sits below a closed one,
 * and each write adds no more rows than the copy bound of SPEC §9.3 allows for its rows.
 */

import assert from "node:assert/strict";
import { compactTable } from "./compact.ts";
import { createTable } from "../write/create.ts";
import { MemoryStore } from "../store/memory.ts";
import { scanMap } from "../testing/scan_map.ts";
import type { Table } from "../format/table.ts";
import { countRows, lateRowBound, newFiles, openBelowClosed } from "../testing/copies.ts";
import {
  foldMap,
  type HistoryState,
  instantsToCheck,
  type OracleRow,
  random,
  randomBatch,
  randomColumns,
  writeBatch,
} from "../testing/random_history.ts";

const _POLICIES = [["P1Y"], ["P1Y", "P3M"], ["P1Y", "P3M", "P1M"], ["P3M", "P1M"], ["P1M"]];
const _DAY = 86_400_000;
const _YEAR = 365 * _DAY;

function _pick<T>(rnd: () => number, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)]!;
}

/** A batch that now and then holds a row decades before the origin or after the clock. */
function _batch(rnd: () => number, h: HistoryState): OracleRow[] {
  const batch = randomBatch(rnd, h, 200 * _DAY, 20);
  if (rnd() < 0.15) {
    const t = rnd() < 0.5 ? h.origin - (20 + Math.floor(rnd() * 40)) * _YEAR : h.clock + 30 * _YEAR;
    h.clock = Math.max(h.clock, t);
    batch.push({
      key: _pick(rnd, h.keys),
      t,
      values: batch[0]?.values ?? _nulls(h),
      deleted: false,
    });
  }
  return batch;
}

function _nulls(h: HistoryState): OracleRow["values"] {
  return h.columns.map((c) =>
    c.type === "String" ? "x" : c.type === "Int" ? 1n : c.type === "Boolean" ? true : 1
  );
}

async function _write(table: Table, rnd: () => number, h: HistoryState, where: string) {
  const before = await table.snapshot();
  const batch = _batch(rnd, h);
  await writeBatch(table, rnd, h, batch);
  const after = await table.snapshot();
  if (after.version === before.version) return;
  const added = await countRows(table, after, newFiles(before, after));
  const bound = batch.reduce((n, r) => n + lateRowBound(before.segments, r.t), 0);
  assert.ok(added.rows <= bound, `${where}: the write added ${added.rows} rows, bound ${bound}`);
}

async function _compact(table: Table, rnd: () => number, h: HistoryState) {
  const change = rnd() < 0.35;
  const since = rnd() < 0.4 ? h.origin + Math.floor(rnd() * (h.clock - h.origin + 1)) : undefined;
  const run = {
    policy: {
      maxDeltas: 1 + Math.floor(rnd() * 3),
      ...(change ? { segment: _pick(rnd, _POLICIES) } : {}),
    },
    savePolicy: change,
    ...(since === undefined ? {} : { since }),
  };
  await compactTable(table, run);
  return run;
}

async function _case(seed: number): Promise<void> {
  const rnd = random(seed);
  const columns = randomColumns(rnd);
  const table = await createTable(new MemoryStore(), "t", { columns }, {
    segment: _pick(rnd, _POLICIES),
  });
  const origin = Date.UTC(2019, 0, 1);
  const keys = Array.from({ length: 3 + Math.floor(rnd() * 8) }, (_, i) => `k${i}`);
  const h: HistoryState = { columns, keys, origin, clock: origin, written: [] };
  for (let step = 0; step < 8; step++) {
    const where = `seed ${seed}, step ${step}`;
    const action = step < 2 || rnd() < 0.55 ? "write" : "compact";
    const run = action === "write"
      ? await _write(table, rnd, h, where)
      : await _compact(table, rnd, h);
    const snapshot = await table.snapshot();
    assert.deepEqual(openBelowClosed(snapshot.segments), [], `${where}: ${JSON.stringify(run)}`);
    const instants = instantsToCheck(rnd, h, snapshot.segments, h.clock - origin)
      .filter(() => rnd() < 0.3);
    for (const asOf of [undefined, ...instants]) {
      const at = asOf === undefined ? "current" : new Date(asOf).toISOString();
      assert.deepEqual(
        await scanMap(table, asOf),
        foldMap(h.written, asOf),
        `${where} (${action} ${JSON.stringify(run)}), as of ${at}`,
      );
    }
  }
}

Deno.test("writes, compactions and policy changes keep scan(T) equal to the fold, no open child below a closed segment, late rows within the copy bound", async (t) => {
  const base = Number(Deno.env.get("AZOF_SEED") ?? 1);
  const runs = Number(Deno.env.get("AZOF_RUNS") ?? 15);
  for (let seed = base; seed < base + runs; seed++) {
    await t.step(`seed ${seed}`, () => _case(seed));
  }
});
