import assert from "node:assert/strict";
import { parseSnapshot, type Snapshot } from "../format/snapshot.ts";
import type { StoreEntry } from "../store/store.ts";
import { planVacuum, type VacuumInput } from "./plan.ts";

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.UTC(2025, 5, 1);
/** Data and temporary files as azof names them (SPEC 9.5, 9.8), named by no snapshot. */
const ORPHAN = "data/2024-home-0a1b2c3d-0000-4000-8000-000000000000.parquet";
const FRESH = "data/2024-up-1a1b2c3d-0000-4000-8000-000000000000.parquet";
const UNKNOWN = "data/2024_2024-Q1-delta-2a1b2c3d-0000-4000-8000-000000000000.parquet";
const TEMP = `${FRESH}.1234.tmp`;

/** Snapshot v naming `files` (as deltas of one segment), committed at `at` (none when null). */
function snap(version: number, files: string[], at: number | null): Snapshot {
  return parseSnapshot(
    JSON.stringify({
      schema: { columns: [] },
      segments: [{
        id: "2024",
        start: "2024-01-01T00:00:00.000Z",
        delta: files.map((file) => ({
          file,
          start: "2024-01-01T00:00:00.000Z",
          end: "2024-01-01T00:00:00.000Z",
        })),
      }],
      ...(at === null ? {} : { committed_at: new Date(at).toISOString() }),
    }),
    version,
  );
}

function entry(key: string, modified: number | undefined, size = 10): StoreEntry {
  return { key, size, ...(modified === undefined ? {} : { modified }) };
}

/** Three snapshots committed 30, 20 and 10 days ago; s1 names a, s2 a+b, s3 b+c. */
function threeSnapshots(): VacuumInput {
  const at = [NOW - 30 * D, NOW - 20 * D, NOW - 10 * D];
  return {
    snapshots: [
      snap(1, ["a.parquet"], at[0]!),
      snap(2, ["a.parquet", "b.parquet"], at[1]!),
      snap(3, [
        "b.parquet",
        "data/c.parquet",
      ], at[2]!),
    ],
    files: [
      entry("version.txt", at[2]),
      entry("s1.json", at[0]),
      entry("s2.json", at[1]),
      entry("s3.json", at[2]),
      entry("a.parquet", at[0]),
      entry("b.parquet", at[1]),
      entry("data/c.parquet", at[2]),
      entry(ORPHAN, NOW - 40 * D, 99),
      entry(FRESH, NOW - 5 * 60_000),
      entry(TEMP, NOW - 2 * D),
      entry("notes.csv", NOW - 40 * D),
    ],
    newest: 3,
    hint: 3,
  };
}

const removed = (input: VacuumInput, rule: Parameters<typeof planVacuum>[1]) =>
  planVacuum(input, { now: NOW, ...rule }).remove.map((r) => r.file);

Deno.test("planVacuum() keeps snapshots current within the retention, by their successor's commit time", () => {
  // s1 was current until s2's commit (20 days ago), s2 until 10 days ago.
  assert.deepEqual(removed(threeSnapshots(), { retain: 15 * D }), [
    "s1.json",
    ORPHAN,
    TEMP,
  ]);
  assert.deepEqual(removed(threeSnapshots(), { retain: 5 * D }), [
    "s1.json",
    "s2.json",
    "a.parquet",
    ORPHAN,
    TEMP,
  ]);
  assert.deepEqual(removed(threeSnapshots(), {}).slice(0, 2), ["s1.json", "s2.json"]); // 7 days
  assert.deepEqual(removed(threeSnapshots(), { retain: 25 * D }), [
    ORPHAN,
    TEMP,
  ]);
});

Deno.test("planVacuum() never removes the newest snapshot nor a file a kept snapshot names", () => {
  const plan = planVacuum(threeSnapshots(), { now: NOW, keep: 1, grace: 0 });
  assert.deepEqual(plan.snapshots.map((s) => s.keep), [false, false, true]);
  assert.ok(!plan.remove.some((r) => ["s3.json", "b.parquet", "data/c.parquet"].includes(r.file)));
  assert.deepEqual(plan.referenced, { files: 2, bytes: 20 });
  assert.match(plan.remove.find((r) => r.file === "a.parquet")!.reason, /only by removed .*s1, s2/);
});

Deno.test("planVacuum() leaves files younger than the grace period, and files of unknown age", () => {
  const input = threeSnapshots();
  const plan = planVacuum(
    { ...input, files: [...input.files, entry(UNKNOWN, undefined)] },
    { now: NOW, keep: 1, grace: 3 * D },
  );
  assert.deepEqual(plan.young.map((y) => y.file).sort(), [FRESH, UNKNOWN, TEMP].sort());
  assert.ok(!plan.remove.some((r) => plan.young.some((y) => y.file === r.file)));
});

Deno.test("planVacuum() keeps a snapshot replaced within the grace period even with --keep 1", () => {
  const input = threeSnapshots();
  const s3 = snap(3, ["b.parquet", "data/c.parquet"], NOW - 10 * 60_000);
  const plan = planVacuum({ ...input, snapshots: [...input.snapshots.slice(0, 2), s3] }, {
    now: NOW,
    keep: 1,
  });
  assert.deepEqual(plan.snapshots.map((s) => s.keep), [false, true, true]);
  assert.match(plan.snapshots[1]!.reason, /grace period/);
});

Deno.test("planVacuum() does not expire snapshots by age when commit times are unknown, unless --keep", () => {
  const input: VacuumInput = {
    ...threeSnapshots(),
    snapshots: [
      snap(1, ["a.parquet"], null),
      snap(2, ["b.parquet"], null),
      snap(3, ["b.parquet"], null),
    ],
  };
  const byAge = planVacuum(input, { now: NOW, retain: 0, grace: 0 });
  assert.deepEqual(byAge.snapshots.map((s) => s.keep), [true, true, true]);
  assert.ok(!byAge.remove.some((r) => r.file === "a.parquet"));
  // --keep falls back to the successor file's age for the grace rule: listed 20 and 10 days ago.
  const byCount = planVacuum(input, { now: NOW, keep: 2, grace: H });
  assert.deepEqual(byCount.snapshots.map((s) => s.keep), [false, true, true]);
});

Deno.test("planVacuum() removes snapshots oldest first, and rewrites a hint naming a removed snapshot first", () => {
  const input = { ...threeSnapshots(), hint: 1 };
  const plan = planVacuum(input, { now: NOW, keep: 1 });
  assert.equal(plan.writeHint, true);
  assert.deepEqual(plan.remove.filter((r) => r.kind === "snapshot").map((r) => r.file), [
    "s1.json",
    "s2.json",
  ]);
  assert.equal(planVacuum({ ...input, hint: null }, { now: NOW, keep: 1 }).writeHint, true);
  assert.equal(planVacuum({ ...input, hint: 3 }, { now: NOW, keep: 1 }).writeHint, false);
  assert.equal(planVacuum({ ...input, hint: 1 }, { now: NOW, retain: 90 * D }).writeHint, false);
});

Deno.test("planVacuum() touches only sN.json, *.parquet and *.tmp, and never a nested table", () => {
  const input = threeSnapshots();
  const nested = [
    entry("sub/version.txt", 0),
    entry("sub/s1.json", 0),
    entry("sub/x.parquet", 0),
    entry("sub/deep/y.tmp", 0),
  ];
  const plan = planVacuum({ ...input, files: [...input.files, ...nested] }, {
    now: NOW,
    keep: 1,
    grace: 0,
  });
  const files = plan.remove.map((r) => r.file);
  assert.ok(!files.some((f) => f.startsWith("sub/") || f.endsWith(".csv") || f === "version.txt"));
  assert.ok(files.includes(FRESH), "grace 0 removes fresh orphans");
});

Deno.test("planVacuum() removes a file no snapshot names only when azof wrote it, in data/", () => {
  const input = threeSnapshots();
  const foreign = [
    "data/orphan.parquet",
    "orphan-0a1b2c3d-0000-4000-8000-000000000000.parquet",
    "data/deep/x-0a1b2c3d-0000-4000-8000-000000000000.parquet",
    "data/x.parquet.1234.tmp",
    "notes.tmp",
  ];
  const plan = planVacuum(
    { ...input, files: [...input.files, ...foreign.map((f) => entry(f, 0))] },
    { now: NOW, keep: 1, grace: 0 },
  );
  const files = plan.remove.map((r) => r.file);
  assert.deepEqual(files.filter((f) => foreign.includes(f)), []);
  assert.ok(files.includes("a.parquet"), "a file a removed snapshot names goes, wherever it is");
  assert.ok(files.includes(ORPHAN) && files.includes(TEMP));
});

Deno.test("planVacuum() refuses both a retention and a count, and negative values", () => {
  assert.throws(() => planVacuum(threeSnapshots(), { retain: D, keep: 2 }), RangeError);
  assert.throws(() => planVacuum(threeSnapshots(), { grace: -1 }), RangeError);
  assert.throws(() => planVacuum(threeSnapshots(), { keep: 0 }), RangeError);
});
