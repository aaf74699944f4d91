/**
 * Concurrency of `azof write` and `azof compact` on local disk, with real processes: a CLI write
 * that commits between a compaction's planning and its commit (made exact with a store wrapper
 * around the in-process compaction), a whole `azof compact` run while a library write waits to
 * commit (the write re-routes its rows and commits on top), and the two commands racing freely a
 * few times (no write fails). After each: every committed write is a snapshot, every snapshot
 * reads as the fold over the writes it holds (the old ones through `scan --version` too), and no
 * data file is left unreferenced.
 */

import assert from "node:assert/strict";
import { compactTable } from "../lib/compact/compact.ts";
import { Prng } from "../lib/write/prng.ts";
import { LocalStore } from "../lib/store/local.ts";
import { openTable } from "../lib/format/table.ts";
import { HookStore } from "../lib/testing/hook_store.ts";
import {
  assertReadsAsFold,
  batchCsv,
  foldCsv,
  nextBatch,
  type RaceTable,
  raceTable,
  recordWrite,
  versionRows,
  writeBatchTo,
} from "../lib/testing/race_table.ts";
import type { OracleRow } from "../lib/testing/random_history.ts";
import { runCli } from "./fixture_test_util.ts";

const _SNAPSHOT = /^t\/s\d+\.json$/;

function _write(race: RaceTable, batch: readonly OracleRow[]) {
  return runCli(["write", "-p", race.root, "-t", "t", "--input", "-", "--input-format", "csv"], {
    stdin: batchCsv(race, batch),
  });
}

/** Resolves once a compaction has planned and is writing files: a new base or delta file appears. */
async function _compactionWriting(race: RaceTable): Promise<void> {
  const seen = new Set((await race.table.store.list("t/data/")).map((e) => e.key));
  for (;;) {
    const listed = await race.table.store.list("t/data/");
    if (listed.some((e) => !seen.has(e.key) && /-(base|delta)-[^/]*\.parquet$/.test(e.key))) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function _compact(race: RaceTable) {
  return runCli(["compact", "-p", race.root, "-t", "t", "--force"]);
}

/** `azof scan --version V --as-of T -f csv` prints the fold over the rows snapshot V holds. */
async function _assertCliScan(race: RaceTable, version: number, asOf: number): Promise<void> {
  const { rows } = (await versionRows(race))[version - 1]!;
  const at = new Date(asOf).toISOString();
  const run = await runCli([
    "scan",
    "-p",
    race.root,
    "-t",
    "t",
    "--version",
    String(version),
    "--as-of",
    at,
    "-f",
    "csv",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, foldCsv(race, rows, asOf), `scan --version ${version} --as-of ${at}`);
}

/** Instants for CLI scans: the newest event time written and the first segment's end + 1 ms. */
async function _someInstants(race: RaceTable): Promise<number[]> {
  const first = (await race.table.snapshot()).segments[0];
  return [race.h.clock, (first?.end ?? race.h.origin) + 1];
}

Deno.test("azof write committing between a compaction's planning and its commit: the compaction plans again and commits on top", async (t) => {
  for (const seed of [4, 10]) {
    await t.step(`seed ${seed}`, async () => {
      const race = await raceTable(seed, { keys: 12, batches: 4, size: 30, years: 3 });
      const before = await race.table.currentVersion();
      let fired = false;
      const compactor = openTable(
        new HookStore(new LocalStore(race.root), async ({ op, key }) => {
          if (fired || op !== "putIfAbsent" || !_SNAPSHOT.test(key)) return;
          fired = true;
          const batch = nextBatch(race);
          const run = await _write(race, batch);
          assert.equal(run.code, 0, run.stderr);
          recordWrite(race, batch);
        }),
        "t",
      );
      const result = await compactTable(compactor, { force: true });
      assert.deepEqual([fired, result.attempts, result.version], [true, 2, before + 2]);
      await assertReadsAsFold(race);
      for (const asOf of await _someInstants(race)) {
        for (const version of [before, before + 1]) await _assertCliScan(race, version, asOf);
      }
      await Deno.remove(race.root, { recursive: true });
    });
  }
});

Deno.test("azof compact running whole while a write waits to commit: the write commits on top of it with one extra attempt", async () => {
  const race = await raceTable(5, { keys: 12, batches: 4, size: 30, years: 3 });
  const before = await race.table.currentVersion();
  let compacted = false;
  let tries = 0;
  const writer = openTable(
    new HookStore(new LocalStore(race.root), async ({ op, key }) => {
      if (op !== "putIfAbsent" || !_SNAPSHOT.test(key)) return;
      tries++;
      if (compacted) return;
      const run = await _compact(race);
      assert.equal(run.code, 0, run.stderr);
      compacted = true;
    }),
    "t",
  );
  const version = await writeBatchTo(race, nextBatch(race), writer);
  assert.deepEqual([compacted, tries, version], [true, 2, before + 2]);
  const compaction = await race.table.snapshot(before + 1);
  assert.equal(compaction.extra.operation, "compact");
  assert.ok(compaction.segments.some((s) => s.base !== undefined), "the layout changed");
  await assertReadsAsFold(race); // no write lost, no file of the first attempt left
  for (const asOf of await _someInstants(race)) {
    for (const v of [before, before + 1, before + 2]) await _assertCliScan(race, v, asOf);
  }
  await Deno.remove(race.root, { recursive: true });
});

Deno.test("azof write and azof compact racing as processes lose no write and change no answer", async (t) => {
  const race = await raceTable(30, { keys: 300, batches: 4, size: 2000, years: 5 });
  const started = performance.now();
  const warm = await _compact(race); // warms the module cache, and measures a whole compaction
  assert.equal(warm.code, 0, warm.stderr);
  const duration = performance.now() - started;
  const prng = new Prng(5);
  for (let round = 0; round < 3; round++) {
    await t.step(`race ${round}`, async () => {
      const before = await race.table.currentVersion();
      const batch = nextBatch(race);
      const compacting = _compact(race);
      await _compactionWriting(race); // it has planned: start the write at a random moment after
      await new Promise((resolve) => setTimeout(resolve, prng.next() * duration * 0.3));
      const [compacted, wrote] = await Promise.all([compacting, _write(race, batch)]);
      // One concurrent commit costs a compaction one more plan at most, of its 3 attempts; the
      // write commits whichever commits first (re-routing its rows when the compaction did).
      assert.equal(compacted.code, 0, compacted.stderr);
      assert.equal(wrote.code, 0, wrote.stderr);
      recordWrite(race, batch);
      assert.equal(await race.table.currentVersion(), before + 2);
      await assertReadsAsFold(race, 16);
      await _assertCliScan(race, before, race.h.clock);
    });
  }
  await Deno.remove(race.root, { recursive: true });
});
