/**
 * Vacuum against real tables: random histories of writes and compactions, stray files, random
 * retention and grace, then every kept snapshot must read as before and every file it names exist.
 */

import assert from "node:assert/strict";
import { createTable } from "../write/create.ts";
import { snapshotFiles } from "../format/segments.ts";
import { Prng } from "../write/prng.ts";
import { scan } from "../read/scan.ts";
import { MemoryStore } from "../store/memory.ts";
import type { StoreEntry } from "../store/store.ts";
import type { Table } from "../format/table.ts";
import { compactTable } from "../compact/compact.ts";
import type { OracleRow as HistoryRow } from "../testing/random_history.ts";
import { executeVacuum, readVacuumInput, vacuumTable } from "./vacuum.ts";
import { planVacuum } from "./plan.ts";
import { commitSnapshot } from "../write/commit.ts";
import { writeRows } from "../write/write.ts";
import type { Column } from "../format/schema.ts";

const H = 3_600_000;
const D = 24 * H;

/**
 * A memory store on a clock the test moves: objects are stamped with `clock` when written, and
 * snapshots get `committed_at` = `clock` (as if committed then).
 */
class ClockStore extends MemoryStore {
  clock = Date.UTC(2025, 0, 1);
  readonly stamps = new Map<string, number>();

  override async list(prefix = ""): Promise<StoreEntry[]> {
    return (await super.list(prefix)).map((e) => ({ ...e, modified: this.stamps.get(e.key)! }));
  }
  override async put(key: string, data: Uint8Array): Promise<void> {
    this.stamps.set(key, this.clock);
    await super.put(key, data);
  }
  override putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    if (/\/s\d+\.json$/.test(key)) {
      const json = JSON.parse(new TextDecoder().decode(data));
      json.committed_at = new Date(this.clock).toISOString();
      data = new TextEncoder().encode(JSON.stringify(json));
    }
    this.stamps.set(key, this.clock);
    return super.putIfAbsent(key, data);
  }
  override async delete(key: string): Promise<void> {
    this.stamps.delete(key);
    await super.delete(key);
  }
}

/** Stray files azof may have left (SPEC 9.5): vacuum removes them once old. */
const OWN_STRAYS = [
  "data/stray-0a1b2c3d-0000-4000-8000-000000000000.parquet",
  "data/x-0a1b2c3d-0000-4000-8000-000000000001.parquet.abc.tmp",
];
/** Files azof cannot have written: vacuum never removes them (SPEC 11 rule 1). */
const FOREIGN_STRAYS = ["junk.parquet", "data/stray.parquet", "data/x.parquet.abc.tmp"];

const COLUMNS: Column[] = [{ name: "n", type: "Int", nullable: true }];

async function _readAll(table: Table, version: number, asOf: number | undefined) {
  const result = await scan(table, { asOf, version });
  const rows: unknown[][] = [];
  for await (const batch of result.batches) {
    for (let i = 0; i < batch.rows; i++) rows.push(batch.columns.map((c) => c.values[i]));
  }
  return rows;
}

/** A random history: writes (some late), sometimes a compaction, stray files; the clock moves. */
async function _history(random: Prng, store: ClockStore): Promise<Table> {
  const table = await createTable(store, "t", { columns: COLUMNS }, {
    segment: random.pick([["P1Y"], ["P1Y", "P3M"], ["P1M"]]),
  });
  const written: HistoryRow[] = [];
  for (let c = random.int(2, 7); c > 0; c--) {
    store.clock += random.int(0, 5 * D);
    if (written.length > 0 && random.chance(0.2)) {
      await compactTable(table, { policy: { segment: ["P1Y", "P3M"] } });
      continue;
    }
    const rows: HistoryRow[] = [];
    for (let i = random.int(1, 12); i > 0; i--) {
      const t = Date.UTC(2019, 0, 1) + random.int(0, 3 * 365) * D + random.int(0, 3) * H;
      rows.push({
        key: `k${random.int(0, 9)}`,
        t,
        values: [BigInt(i)],
        deleted: random.chance(0.1),
      });
    }
    await writeRows(
      table,
      rows.map((r) => ({ key: r.key, event_time: r.t, n: r.values[0], _deleted: r.deleted })),
    );
    written.push(...rows);
    if (random.chance(0.4)) {
      const stray = random.pick([...OWN_STRAYS, ...FOREIGN_STRAYS]);
      await store.put(`t/${stray}`, new Uint8Array(random.int(1, 50)));
    }
  }
  return table;
}

/** Totals over the seeds, so the test can check it removed something. */
const removedKinds = { snapshot: 0, data: 0, temp: 0, dataKeptYoung: 0 };

async function _case(seed: number): Promise<void> {
  const random = new Prng(seed);
  const store = new ClockStore();
  const table = await _history(random, store);
  const newest = await table.currentVersion();
  const instants = [
    undefined,
    ...Array.from({ length: 6 }, () => Date.UTC(2018, 11, 1) + random.int(0, 4 * 365) * D),
  ];
  const before = new Map<number, unknown[][][]>();
  for (let v = 1; v <= newest; v++) {
    before.set(v, await Promise.all(instants.map((t) => _readAll(table, v, t))));
  }
  const stampsBefore = new Map(store.stamps);
  const now = store.clock + random.int(0, 10 * D);
  const grace = random.pick([0, H, 2 * D, 20 * D]);
  const rule = random.chance(0.5)
    ? { keep: random.int(1, 4) }
    : { retain: random.pick([0, D, 3 * D, 30 * D]) };
  const { plan } = await vacuumTable(table, { ...rule, grace, now });
  for (const r of plan.remove) removedKinds[r.kind]++;
  removedKinds.dataKeptYoung += plan.young.length;
  const label = `seed ${seed}, ${JSON.stringify({ ...rule, grace, now: now - store.clock })}`;

  assert.equal(await table.currentVersion(), newest, label);
  for (const d of plan.snapshots) {
    const exists = await store.exists(`t/s${d.version}.json`);
    assert.equal(exists, d.keep, `${label}: s${d.version} exists iff kept`);
    if (!d.keep) continue;
    for (const file of snapshotFiles(await table.snapshot(d.version))) {
      assert.ok(await store.exists(`t/${file}`), `${label}: s${d.version} names ${file}`);
    }
    for (const [i, t] of instants.entries()) {
      assert.deepEqual(await _readAll(table, d.version, t), before.get(d.version)![i], label);
    }
  }
  // Independently of the plan: the newest is kept, nothing younger than grace is gone, and a
  // snapshot replaced within the retention or grace period is kept.
  assert.ok(plan.snapshots.find((d) => d.version === newest)?.keep, label);
  for (const [key, stamp] of stampsBefore) {
    if (stamp > now - grace) assert.ok(await store.exists(key), `${label}: young ${key} kept`);
  }
  for (const key of FOREIGN_STRAYS) {
    assert.equal(await store.exists(`t/${key}`), stampsBefore.has(`t/${key}`), `${label}: ${key}`);
  }
  for (let v = 1; v < newest; v++) {
    const replaced = stampsBefore.get(`t/s${v + 1}.json`)!;
    const inRetention = "retain" in rule && replaced > now - rule.retain!;
    const inCount = "keep" in rule && newest - v < rule.keep!;
    if (replaced > now - grace || inRetention || inCount) {
      assert.ok(await store.exists(`t/s${v}.json`), `${label}: s${v} must be kept`);
    }
  }
  // Expired versions fail with a message naming vacuum.
  for (const d of plan.snapshots.filter((d) => !d.keep)) {
    await assert.rejects(() => table.snapshot(d.version), /s\d+\.json: it is not in .*vacuum/);
  }
}

Deno.test("vacuumTable() keeps every kept snapshot reading as before, for random histories and rules", async (t) => {
  const base = Number(Deno.env.get("AZOF_SEED") ?? 1);
  const runs = Number(Deno.env.get("AZOF_RUNS") ?? 30);
  for (let seed = base; seed < base + runs; seed++) {
    await t.step(`seed ${seed}`, () => _case(seed));
  }
  if (runs >= 20) {
    for (const [kind, n] of Object.entries(removedKinds)) assert.ok(n > 0, `some ${kind}: ${n}`);
  }
});

Deno.test("vacuumTable() with dryRun removes nothing", async () => {
  const store = new ClockStore();
  const table = await _history(new Prng(7), store);
  const before = new Map(store.stamps);
  const { plan, removed } = await vacuumTable(table, {
    keep: 1,
    grace: 0,
    now: store.clock + D,
    dryRun: true,
  });
  assert.ok(plan.remove.length > 0);
  assert.deepEqual(removed, { files: 0, bytes: 0 });
  assert.deepEqual(store.stamps, before);
});

Deno.test("vacuumTable() spares files named by a snapshot committed after the listing", async () => {
  const store = new ClockStore();
  const late = "data/2024-home-0a1b2c3d-0000-4000-8000-00000000000f.parquet";
  const table = await createTable(store, "t", { columns: COLUMNS });
  await writeRows(table, [{ key: "a", event_time: Date.UTC(2024, 0, 1), n: 1n }]);
  store.clock += 2 * D;
  // A writer uploads a file, vacuum lists and plans, then the writer commits.
  await store.put(`t/${late}`, new Uint8Array(4));
  const plan = planVacuum(await readVacuumInput(table), { keep: 1, grace: 0, now: store.clock });
  assert.ok(plan.remove.some((r) => r.file === late));
  const s = await table.snapshot();
  const segments = s.segments.map((seg, i) =>
    i === 0
      ? {
        ...seg,
        deltas: [...seg.deltas, { file: late, start: seg.start, end: seg.start }],
      }
      : seg
  );
  await commitSnapshot(table, (cur) => ({ ...cur!, segments }), { operation: "write" });
  await executeVacuum(table, plan);
  assert.ok(await store.exists(`t/${late}`));
});

/** A clock store whose deletions fail after the first `budget` of them, as a crash would stop them. */
class CrashingStore extends ClockStore {
  budget = Infinity;
  override async delete(key: string): Promise<void> {
    if (this.budget-- <= 0) throw new Error("crash");
    await super.delete(key);
  }
}

Deno.test("vacuumTable() interrupted after any number of deletions leaves a valid table", async () => {
  for (const seed of [3, 11, 25]) {
    const history = async () => {
      const store = new CrashingStore();
      return { store, table: await _history(new Prng(seed), store) };
    };
    const rule = (store: ClockStore) => ({ keep: 1, grace: 0, now: store.clock + D });
    const probe = await history();
    const total = (await vacuumTable(probe.table, { ...rule(probe.store), dryRun: true })).plan
      .remove.length;
    assert.ok(total > 1, `seed ${seed} removes several files`);
    for (let k = 0; k < total; k++) {
      const { store, table } = await history();
      const newest = await table.currentVersion();
      const before = await _readAll(table, newest, undefined);
      store.budget = k;
      await assert.rejects(() => vacuumTable(table, rule(store)), /crash/);
      const label = `seed ${seed}, crash after ${k} of ${total} deletions`;
      assert.equal(await table.currentVersion(), newest, label);
      assert.deepEqual(await _readAll(table, newest, undefined), before, label);
      for (let v = 1; v <= newest; v++) {
        if (!(await store.exists(`t/s${v}.json`))) continue;
        for (const file of snapshotFiles(await table.snapshot(v))) {
          assert.ok(await store.exists(`t/${file}`), `${label}: s${v} names ${file}`);
        }
      }
      store.budget = Infinity;
      const again = await vacuumTable(table, rule(store));
      assert.equal(again.removed.files, total - k, label);
    }
  }
});
