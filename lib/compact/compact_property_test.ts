/**
 * Property test of compaction: random tables written through `writeRows` (late rows, ties, deletes),
 * random policies, repeated compactions interleaved with more writes. At many instants (segment
 * boundaries ±1 ms included) `scan(T)` after each compaction must equal `scan(T)` before it, the
 * plain fold over every row written, and the pre-compaction snapshot read with `version`.
 */

import assert from "node:assert/strict";
import { compactTable } from "./compact.ts";
import type { PolicyOverrides } from "../format/compact_policy.ts";
import { createTable } from "../write/create.ts";
import { planScan } from "../read/plan.ts";
import { parsePolicy } from "../format/policy.ts";
import { MemoryStore } from "../store/memory.ts";
import { scanMap } from "../testing/scan_map.ts";
import type { Table } from "../format/table.ts";
import {
  foldMap,
  type HistoryState,
  instantsToCheck,
  random,
  randomBatch,
  randomColumns,
  writeBatch,
} from "../testing/random_history.ts";

const _POLICIES = [["P1Y"], ["P1Y", "P3M"], ["P1Y", "P3M", "P1M"], ["P3M", "P1M"], ["P1M"]];
const _DAY = 86_400_000;

function _overrides(rnd: () => number, origin: number, clock: number): {
  policy: PolicyOverrides;
  since?: number;
  force: boolean;
} {
  const policy: PolicyOverrides = {
    maxDeltas: 1 + Math.floor(rnd() * 4),
    fileRows: rnd() < 0.3 ? 1 + Math.floor(rnd() * 5) : undefined,
    rowGroupRows: 1 + Math.floor(rnd() * 8),
    horizon: rnd() < 0.2 ? ["P1Y", "P6M", "P1M"][Math.floor(rnd() * 3)] : undefined,
    segment: rnd() < 0.2 ? _POLICIES[Math.floor(rnd() * _POLICIES.length)] : undefined,
  };
  const since = rnd() < 0.25 ? origin + Math.floor(rnd() * (clock - origin + 1)) : undefined;
  return { policy, ...(since === undefined ? {} : { since }), force: rnd() < 0.15 };
}

/** Up to n of the instants, always keeping the current state. */
function _sample<T>(rnd: () => number, items: T[], n: number): T[] {
  const [first, ...rest] = items;
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  return [first!, ...rest.slice(0, n - 1)];
}

async function _case(seed: number): Promise<void> {
  const rnd = random(seed);
  const columns = randomColumns(rnd);
  const segment = _POLICIES[Math.floor(rnd() * _POLICIES.length)]!;
  const table = await createTable(new MemoryStore(), "t", { columns }, { segment });
  const span = 4 * 365 * _DAY;
  const origin = Date.UTC(2019, 0, 1);
  const keys = Array.from({ length: 3 + Math.floor(rnd() * 12) }, (_, i) => `k${i}`);
  const h: HistoryState = { columns, keys, origin, clock: origin, written: [] };
  const rounds = 2 + Math.floor(rnd() * 3);
  for (let round = 0; round < rounds; round++) {
    for (let w = 1 + Math.floor(rnd() * 3); w > 0; w--) {
      await writeBatch(table, rnd, h, randomBatch(rnd, h, span / (rounds * 2)));
    }
    const before = await table.snapshot();
    const run = _overrides(rnd, origin, h.clock);
    const result = await compactTable(table, run);
    if (Deno.env.get("AZOF_DEBUG")) {
      console.log(
        JSON.stringify({
          round,
          run,
          before: before.segments,
          after: (await table.snapshot()).segments,
          pol: before.extra.policy,
        }),
      );
    }
    const after = await table.snapshot();
    const instants = _sample(
      rnd,
      instantsToCheck(rnd, h, [...before.segments, ...after.segments], span),
      40,
    );
    for (const asOf of instants) {
      const where = `seed ${seed}, round ${round}, as of ${
        asOf === undefined ? "current" : new Date(asOf).toISOString()
      }, run ${JSON.stringify(run)}`;
      const expected = foldMap(h.written, asOf);
      assert.deepEqual(await scanMap(table, asOf, before.version), expected, `before: ${where}`);
      assert.deepEqual(await scanMap(table, asOf), expected, `after: ${where}`);
    }
    if (result.committed && run.since === undefined && run.policy.horizon === undefined) {
      _checkBound(after, result.plan.policy, `seed ${seed}, round ${round}`, instants);
    }
  }
}

/** Right after a whole-table compaction, no read opens more than levels + max_deltas files per top-level segment (when no output was split). */
function _checkBound(
  snapshot: Awaited<ReturnType<Table["snapshot"]>>,
  policy: { segment: readonly string[]; maxDeltas: number; fileRows: number },
  where: string,
  instants: readonly (number | undefined)[],
): void {
  if (policy.fileRows < 1_000_000) return;
  const bound = parsePolicy(policy.segment).length + policy.maxDeltas;
  for (const asOf of instants) {
    const perTop = new Map<string, number>();
    for (const f of planScan(snapshot, { asOf }).files) {
      const top = f.segment.split("/")[0]!;
      perTop.set(top, (perTop.get(top) ?? 0) + 1);
    }
    for (const [top, n] of perTop) {
      assert.ok(n <= bound, `${where}: ${n} files of ${top} at ${asOf}, bound ${bound}`);
    }
  }
}

Deno.test("compactTable() keeps scan(T) equal before and after, and to the fold of every row written, under random policies", async (t) => {
  const base = Number(Deno.env.get("AZOF_SEED") ?? 1);
  const runs = Number(Deno.env.get("AZOF_RUNS") ?? 20);
  for (let seed = base; seed < base + runs; seed++) {
    await t.step(`seed ${seed}`, () => _case(seed));
  }
});
