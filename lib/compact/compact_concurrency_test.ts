/**
 * Concurrency tests of compaction on local disk, made deterministic with a store wrapper that lets a
 * writer commit at an exact step of the compaction (while it writes its files, or just before it
 * creates its snapshot), and the reverse (a compaction running whole while a write waits to
 * commit: the write commits on top of it, re-routing its rows when the layout changed). After each race: every committed write is one snapshot, the newest snapshot reads as the
 * fold over every committed row at many instants (segment boundaries included), every older
 * snapshot still reads as it did, and no data file is left unreferenced (SPEC §9.5, §9.8 "Commit").
 */

import assert from "node:assert/strict";
import { compactTable } from "./compact.ts";
import { AzofError } from "../errors.ts";
import { LocalStore } from "../store/local.ts";
import { openTable, type Table } from "../format/table.ts";
import { HookStore, type StoreWrite } from "../testing/hook_store.ts";
import {
  assertReadsAsFold,
  nextBatch,
  type RaceTable,
  raceTable,
  writeBatchTo,
} from "../testing/race_table.ts";

const _SEEDS = [1, 2, 3]; // policies P1Y, P1Y+P3M, P1Y
const _SNAPSHOT = /^t\/s\d+\.json$/;

function _small(seed: number): Promise<RaceTable> {
  return raceTable(seed, { keys: 12, batches: 4, size: 30, years: 3 });
}

/** The race table opened on a store that awaits `before` ahead of each of its writes. */
function _hooked(t: RaceTable, before: (write: StoreWrite) => Promise<void> | void): Table {
  return openTable(new HookStore(new LocalStore(t.root), before), "t");
}

function _conflict(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof AzofError, String(error));
    assert.equal(error.code, "CommitConflict");
    assert.match(error.message, pattern);
    return true;
  };
}

Deno.test("compactTable() plans again and commits on top of a write that commits just before its snapshot", async (t) => {
  for (const seed of [..._SEEDS, 4]) { // seed 4: P3M+P1M
    await t.step(`seed ${seed}`, async () => {
      const race = await _small(seed);
      const before = await race.table.currentVersion();
      let wrote: number | undefined;
      const compactor = _hooked(race, async ({ op, key }) => {
        if (wrote === undefined && op === "putIfAbsent" && _SNAPSHOT.test(key)) {
          wrote = await writeBatchTo(race, nextBatch(race));
        }
      });
      const result = await compactTable(compactor, { force: true });
      assert.equal(wrote, before + 1);
      assert.equal(result.committed, true);
      assert.equal(result.attempts, 2);
      assert.equal(result.version, before + 2);
      assert.equal((await race.table.snapshot()).extra.parent, before + 1);
      await assertReadsAsFold(race);
      await Deno.remove(race.root, { recursive: true });
    });
  }
});

Deno.test("compactTable() plans again when a write commits while it is writing its files", async (t) => {
  for (const seed of _SEEDS) {
    await t.step(`seed ${seed}`, async () => {
      const race = await _small(seed);
      const before = await race.table.currentVersion();
      let wrote: number | undefined;
      let hooked = false; // set before awaiting: compaction uploads several files at once
      const compactor = _hooked(race, async ({ op, key }) => {
        if (!hooked && op === "put" && key.startsWith("t/data/")) {
          hooked = true;
          wrote = await writeBatchTo(race, nextBatch(race));
        }
      });
      const result = await compactTable(compactor, { force: true });
      assert.equal(wrote, before + 1);
      assert.equal(result.attempts, 2);
      assert.equal(result.version, before + 2);
      await assertReadsAsFold(race);
      await Deno.remove(race.root, { recursive: true });
    });
  }
});

Deno.test("compactTable() fails with CommitConflict after 3 attempts when writes keep landing, leaving the table as the writers left it", async () => {
  const race = await _small(5);
  const before = await race.table.currentVersion();
  let writes = 0;
  const compactor = _hooked(race, async ({ op, key }) => {
    if (op === "putIfAbsent" && _SNAPSHOT.test(key)) {
      await writeBatchTo(race, nextBatch(race));
      writes++;
    }
  });
  await assert.rejects(
    compactTable(compactor, { force: true }),
    _conflict(/^Cannot compact table t: other commits changed it during 3 attempts; try again$/),
  );
  assert.equal(writes, 3);
  assert.equal(await race.table.currentVersion(), before + 3);
  assert.equal((await race.table.snapshot()).extra.operation, "write");
  await assertReadsAsFold(race); // also: the files of all three attempts were deleted
  await Deno.remove(race.root, { recursive: true });
});

Deno.test("a write whose commit comes after a whole compaction commits on top of it with one extra attempt (re-routed when the layout changed)", async (t) => {
  for (const seed of _SEEDS) {
    await t.step(`seed ${seed}`, async () => {
      const race = await _small(seed);
      let compacted = false;
      let tries = 0;
      const writer = _hooked(race, async ({ op, key }) => {
        if (op !== "putIfAbsent" || !_SNAPSHOT.test(key)) return;
        tries++;
        if (!compacted) compacted = (await compactTable(race.table, { force: true })).committed;
      });
      const before = await race.table.currentVersion();
      const version = await writeBatchTo(race, nextBatch(race), writer);
      assert.deepEqual([compacted, tries, version], [true, 2, before + 2]);
      assert.equal((await race.table.snapshot(before + 1)).extra.operation, "compact");
      assert.equal((await race.table.snapshot(before + 2)).extra.parent, before + 1);
      await assertReadsAsFold(race); // no write lost, no file of the first attempt left
      await Deno.remove(race.root, { recursive: true });
    });
  }
});
