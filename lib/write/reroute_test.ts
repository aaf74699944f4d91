/**
 * A write whose commit finds the segment layout changed by a compaction re-routes the rows it wrote
 * (SPEC §9.5). Races are made exact with a store wrapper that runs a compaction just before the
 * write creates its snapshot. The oracle is the plain fold over every committed row: every snapshot
 * reads as the fold over the writes it holds, and no data file is left unreferenced.
 */

import assert from "node:assert/strict";
import { compactTable } from "../compact/compact.ts";
import { AzofError } from "../errors.ts";
import { LocalStore } from "../store/local.ts";
import { openTable, type Table } from "../format/table.ts";
import { HookStore, type StoreWrite } from "../testing/hook_store.ts";
import {
  assertReadsAsFold,
  nextBatch,
  type RaceTable,
  raceTable,
  recordWrite,
} from "../testing/race_table.ts";
import type { OracleRow } from "../testing/random_history.ts";
import type { WriteOptions, WriteResult } from "./options.ts";
import { writeRows } from "./write.ts";

const _SNAPSHOT = /^t\/s\d+\.json$/;

function _small(seed: number): Promise<RaceTable> {
  return raceTable(seed, { keys: 12, batches: 4, size: 30, years: 3 });
}

function _hooked(t: RaceTable, before: (write: StoreWrite) => Promise<void> | void): Table {
  return openTable(new HookStore(new LocalStore(t.root), before), "t");
}

function _write(
  t: RaceTable,
  table: Table,
  batch: readonly OracleRow[],
  options: WriteOptions = {},
): Promise<WriteResult> {
  return writeRows(
    table,
    batch.map((r) => ({
      key: r.key,
      event_time: r.t,
      _deleted: r.deleted,
      ...Object.fromEntries(t.h.columns.map((col, i) => [col.name, r.values[i]])),
    })),
    options,
  );
}

/**
 * A random batch plus rows that test the tie rule and deletions: a key written three times at one
 * event time (the last wins), a late row tied with an earlier write's row, a late deletion of a key
 * and a deletion tied with an earlier write's row.
 */
function _batchWithTies(t: RaceTable): OracleRow[] {
  const batch = nextBatch(t);
  const old = t.h.written;
  const pick = () => old[Math.floor(t.rnd() * old.length)]!;
  const twice = batch[0]!;
  batch.push({ ...twice, values: pick().values, deleted: false });
  batch.push({ ...twice, values: pick().values, deleted: false });
  batch.push({ ...pick(), values: pick().values, deleted: false });
  const late = pick();
  batch.push({ key: late.key, t: late.t + 1, values: late.values, deleted: true });
  batch.push({ ...pick(), deleted: true });
  return batch;
}

Deno.test("writeRows() re-routes its rows onto a compaction that committed while it was in flight: one extra attempt, ties and deletions as the fold says, nothing left behind", async (t) => {
  for (const seed of [1, 2, 3, 4]) {
    await t.step(`seed ${seed}`, async () => {
      const race = await _small(seed);
      const before = await race.table.currentVersion();
      let compacted = false;
      const homes: string[] = [];
      const writer = _hooked(race, async ({ op, key }) => {
        if (!compacted && op === "put" && key.includes("-home-")) homes.push(key);
        if (!compacted && op === "putIfAbsent" && _SNAPSHOT.test(key)) {
          compacted = (await compactTable(race.table, { force: true })).committed;
        }
      });
      const batch = _batchWithTies(race);
      // One row per row group: a tied row meets a written one and starts a new file (SPEC §9.4).
      const result = await _write(race, writer, batch, { rowGroupRows: 1 + (seed % 2) });
      recordWrite(race, batch);
      assert.equal(compacted, true);
      assert.ok(homes.length > 1, "the first attempt wrote several home files");
      const compaction = await race.table.snapshot(before + 1);
      assert.equal(compaction.extra.operation, "compact");
      assert.ok(compaction.segments.some((s) => s.end !== undefined || s.base !== undefined));
      assert.deepEqual([result.version, result.attempts, result.rows], [
        before + 2,
        2,
        batch.length,
      ]);
      assert.equal((await race.table.snapshot()).extra.parent, before + 1);
      await assertReadsAsFold(race); // also: the first attempt's files were deleted
      await Deno.remove(race.root, { recursive: true });
    });
  }
});

Deno.test("writeRows() re-routes again when a second compaction commits while it re-routes", async () => {
  const race = await _small(2);
  const before = await race.table.currentVersion();
  let compactions = 0;
  const writer = _hooked(race, async ({ op, key }) => {
    if (compactions < 2 && op === "putIfAbsent" && _SNAPSHOT.test(key)) {
      await compactTable(race.table, { force: true });
      compactions++;
    }
  });
  const batch = _batchWithTies(race);
  const result = await _write(race, writer, batch, { rowGroupRows: 2 });
  recordWrite(race, batch);
  assert.deepEqual([compactions, result.version, result.attempts], [2, before + 3, 3]);
  await assertReadsAsFold(race);
  await Deno.remove(race.root, { recursive: true });
});

Deno.test("writeRows() fails with CommitConflict once the layout changed on every one of its re-routes, leaving the table as the compactions left it", async () => {
  const race = await _small(5);
  const before = await race.table.currentVersion();
  let compactions = 0;
  const writer = _hooked(race, async ({ op, key }) => {
    if (op === "putIfAbsent" && _SNAPSHOT.test(key)) {
      await compactTable(race.table, { force: true });
      compactions++;
    }
  });
  await assert.rejects(
    _write(race, writer, _batchWithTies(race), { maxAttempts: 2 }),
    (error) => {
      assert.ok(error instanceof AzofError, String(error));
      assert.equal(error.code, "CommitConflict");
      assert.match(
        error.message,
        /^Cannot commit to table t: concurrent commits changed its segment layout 3 times; write again$/,
      );
      return true;
    },
  );
  assert.equal(compactions, 3); // the first routing and 2 re-routes
  assert.equal(await race.table.currentVersion(), before + 3);
  assert.equal((await race.table.snapshot()).extra.operation, "compact");
  await assertReadsAsFold(race); // the batch was never committed, and none of its files is left
  await Deno.remove(race.root, { recursive: true });
});

Deno.test("writeRows() deletes the files of both attempts when its re-route fails", async () => {
  const race = await _small(3);
  let compacted = false;
  const writer = _hooked(race, async ({ op, key }) => {
    if (!compacted && op === "putIfAbsent" && _SNAPSHOT.test(key)) {
      compacted = (await compactTable(race.table, { force: true })).committed;
    } else if (compacted && op === "put" && key.startsWith("t/data/")) {
      throw new Error("disk full");
    }
  });
  await assert.rejects(_write(race, writer, _batchWithTies(race)), /^Error: disk full$/);
  assert.equal(compacted, true);
  await assertReadsAsFold(race);
  await Deno.remove(race.root, { recursive: true });
});
