/**
 * The plan rule on hand-written snapshots, checked as data: which files, in which order, and why.
 * The upstream crate's plan tests are in plan_upstream_test.ts.
 */

import assert from "node:assert/strict";
import { AzofError } from "../errors.ts";
import { isInRange, type PlannedFile, planScan } from "./plan.ts";
import { filesAt, ms, snapshotOf } from "../testing/plan_snapshots.ts";

Deno.test("planScan() skips the deltas of a closed top-level segment the instant is past", () => {
  // Deliberate difference from upstream: upstream's Snapshot::get_data_files calls
  // Segment::get_data_files on every top-level segment without checking its range, and that
  // method range-checks only the base and the children, so a top-level segment that ended before T
  // still contributes every delta with start <= T. Those deltas repeat events that the later
  // segment's base already summarizes; read before that base, they win event_time ties against it
  // (a corrected row compacted into the base would lose to the stale delta row), and a key the
  // later base leaves out would come back.
  // azof applies the range check to top-level segments too, as the plan rule in docs/SPEC.md says.
  const snapshot = snapshotOf([
    {
      id: "2023",
      start: "2023-01-01T00:00:00.000Z",
      end: "2023-12-31T23:59:59.999Z",
      file: "base_2023.parquet",
      delta: [{
        file: "d_2023.parquet",
        start: "2023-01-01T00:00:00.000Z",
        end: "2023-12-31T23:59:59.999Z",
      }],
    },
    { id: "2024", start: "2024-01-01T00:00:00.000Z", file: "base_2024.parquet" },
  ]);
  const upstreamWouldRead = ["d_2023.parquet", "base_2024.parquet"];
  assert.notDeepEqual(filesAt(snapshot, ms("2024-03-01T00:00:00.000Z")), upstreamWouldRead);
  assert.deepEqual(filesAt(snapshot, ms("2024-03-01T00:00:00.000Z")), ["base_2024.parquet"]);
  assert.deepEqual(filesAt(snapshot, ms("2024-01-01T00:00:00.000Z")), ["base_2024.parquet"]);
  assert.deepEqual(filesAt(snapshot), ["base_2024.parquet"]);
  assert.deepEqual(filesAt(snapshot, ms("2023-12-31T23:59:59.999Z")), [
    "d_2023.parquet",
    "base_2023.parquet",
  ]);
});

Deno.test("planScan() takes segment bounds as inclusive to the millisecond", async (t) => {
  const snapshot = snapshotOf([
    {
      id: "y2023",
      start: "2023-01-01T00:00:00.000Z",
      end: "2023-12-31T23:59:59.999Z",
      file: "y2023.parquet",
    },
    { id: "y2024", start: "2024-01-01T00:00:00.000Z", file: "y2024.parquet" },
  ]);
  const cases: [string, string[]][] = [
    ["2022-12-31T23:59:59.999Z", []],
    ["2023-01-01T00:00:00.000Z", ["y2023.parquet"]],
    ["2023-01-01T00:00:00.001Z", ["y2023.parquet"]],
    ["2023-12-31T23:59:59.998Z", ["y2023.parquet"]],
    ["2023-12-31T23:59:59.999Z", ["y2023.parquet"]],
    ["2024-01-01T00:00:00.000Z", ["y2024.parquet"]],
    ["2024-01-01T00:00:00.001Z", ["y2024.parquet"]],
    ["9999-12-31T23:59:59.999Z", ["y2024.parquet"]],
  ];
  for (const [instant, expected] of cases) {
    await t.step(`as of ${instant}`, () => {
      assert.deepEqual(filesAt(snapshot, ms(instant)), expected);
    });
  }
  await t.step("isInRange() agrees at start - 1, start, end, end + 1", () => {
    const segment = { start: 1000, end: 2000 };
    assert.deepEqual([999, 1000, 2000, 2001].map((x) => isInRange(segment, x)), [
      false,
      true,
      true,
      false,
    ]);
    assert.equal(isInRange({ start: 1000 }, Number.MAX_SAFE_INTEGER), true);
    assert.equal(isInRange({ start: 1000 }, 999), false);
    assert.equal(isInRange({ start: 1000 }, null), true);
    assert.equal(isInRange(segment, null), false);
  });
  await t.step("a one-millisecond segment covers exactly one instant", () => {
    const one = snapshotOf([{
      id: "x",
      start: "2023-06-01T00:00:00.000Z",
      end: "2023-06-01T00:00:00.000Z",
      file: "x.parquet",
    }]);
    const at = ms("2023-06-01T00:00:00.000Z");
    assert.deepEqual(filesAt(one, at - 1), []);
    assert.deepEqual(filesAt(one, at), ["x.parquet"]);
    assert.deepEqual(filesAt(one, at + 1), []);
  });
});

Deno.test("planScan() skips deltas that start after asOf", async (t) => {
  const snapshot = snapshotOf([{
    id: "s",
    start: "2023-01-01T00:00:00.000Z",
    file: "base.parquet",
    delta: [
      { file: "jan.parquet", start: "2023-01-01T00:00:00.000Z", end: "2023-01-31T23:59:59.999Z" },
      { file: "feb.parquet", start: "2023-02-01T00:00:00.000Z", end: "2023-02-28T23:59:59.999Z" },
    ],
  }]);
  const cases: [string, string[]][] = [
    ["2023-01-01T00:00:00.000Z", ["jan.parquet", "base.parquet"]],
    ["2023-01-31T23:59:59.999Z", ["jan.parquet", "base.parquet"]],
    ["2023-02-01T00:00:00.000Z", ["feb.parquet", "jan.parquet", "base.parquet"]],
    // A delta that ended before the instant is still read: it holds the keys' later events.
    ["2023-07-01T00:00:00.000Z", ["feb.parquet", "jan.parquet", "base.parquet"]],
  ];
  for (const [instant, expected] of cases) {
    await t.step(
      `as of ${instant}`,
      () => assert.deepEqual(filesAt(snapshot, ms(instant)), expected),
    );
  }
  await t.step("the current state reads every delta of an open segment, even future ones", () => {
    const future = snapshotOf([{
      id: "s",
      start: "2023-01-01T00:00:00.000Z",
      delta: [
        {
          file: "later.parquet",
          start: "2999-01-01T00:00:00.000Z",
          end: "2999-12-31T00:00:00.000Z",
        },
        { file: "now.parquet", start: "2023-01-01T00:00:00.000Z", end: "2023-12-31T00:00:00.000Z" },
      ],
    }]);
    assert.deepEqual(filesAt(future), ["later.parquet", "now.parquet"]);
    assert.deepEqual(filesAt(future, ms("2500-01-01T00:00:00.000Z")), ["now.parquet"]);
  });
});

Deno.test("planScan() reads children first, then deltas newest first, then the base", async (t) => {
  const snapshot = snapshotOf([{
    id: "root",
    start: "2020-01-01T00:00:00.000Z",
    file: "root_base.parquet",
    delta: [
      {
        file: "root_d2.parquet",
        start: "2020-06-01T00:00:00.000Z",
        end: "2020-12-31T23:59:59.999Z",
      },
      {
        file: "root_d1.parquet",
        start: "2020-01-01T00:00:00.000Z",
        end: "2020-05-31T23:59:59.999Z",
      },
      {
        file: "root_d3.parquet",
        start: "2021-01-01T00:00:00.000Z",
        end: "2099-12-31T23:59:59.999Z",
      },
    ],
    segments: [
      {
        id: "a",
        start: "2020-03-01T00:00:00.000Z",
        end: "2020-09-30T23:59:59.999Z",
        file: "a_base.parquet",
        delta: [
          {
            file: "a_d1.parquet",
            start: "2020-03-01T00:00:00.000Z",
            end: "2020-09-30T23:59:59.999Z",
          },
        ],
        segments: [{
          id: "a1",
          start: "2020-04-01T00:00:00.000Z",
          end: "2020-04-30T23:59:59.999Z",
          file: "a1_base.parquet",
          delta: [
            {
              file: "a1_d2.parquet",
              start: "2020-04-15T00:00:00.000Z",
              end: "2020-04-30T23:59:59.999Z",
            },
            {
              file: "a1_d1.parquet",
              start: "2020-04-01T00:00:00.000Z",
              end: "2020-04-14T23:59:59.999Z",
            },
          ],
        }],
      },
      // Overlaps "a": both children are in range in April, and listing order decides.
      {
        id: "b",
        start: "2020-04-01T00:00:00.000Z",
        end: "2020-12-31T23:59:59.999Z",
        file: "b_base.parquet",
      },
      { id: "c", start: "2021-01-01T00:00:00.000Z", file: "c_base.parquet" },
    ],
  }]);
  await t.step("three levels deep, two overlapping children in listing order", () => {
    assert.deepEqual(filesAt(snapshot, ms("2020-04-20T00:00:00.000Z")), [
      "a1_d2.parquet",
      "a1_d1.parquet",
      "a1_base.parquet",
      "a_d1.parquet",
      "a_base.parquet",
      "b_base.parquet",
      "root_d1.parquet",
      "root_base.parquet",
    ]);
  });
  await t.step("deltas newest start first whatever the listing order", () => {
    assert.deepEqual(filesAt(snapshot, ms("2020-07-01T00:00:00.000Z")), [
      "a_d1.parquet",
      "a_base.parquet",
      "b_base.parquet",
      "root_d2.parquet",
      "root_d1.parquet",
      "root_base.parquet",
    ]);
  });
  await t.step("the current state reads open children and every delta of open segments", () => {
    assert.deepEqual(filesAt(snapshot), [
      "c_base.parquet",
      "root_d3.parquet",
      "root_d2.parquet",
      "root_d1.parquet",
      "root_base.parquet",
    ]);
  });
  await t.step("before any child starts, only the parent's files", () => {
    assert.deepEqual(filesAt(snapshot, ms("2020-02-29T23:59:59.999Z")), [
      "root_d1.parquet",
      "root_base.parquet",
    ]);
  });
  await t.step("a child is out of range the millisecond after its end", () => {
    assert.deepEqual(filesAt(snapshot, ms("2020-05-01T00:00:00.000Z")), [
      "a_d1.parquet",
      "a_base.parquet",
      "b_base.parquet",
      "root_d1.parquet",
      "root_base.parquet",
    ]);
  });
  await t.step("an out-of-range child hides its own children even when they would match", () => {
    const odd = snapshotOf([{
      id: "p",
      start: "2020-01-01T00:00:00.000Z",
      file: "p.parquet",
      segments: [{
        id: "q",
        start: "2020-01-01T00:00:00.000Z",
        end: "2020-01-31T23:59:59.999Z",
        file: "q.parquet",
        segments: [{ id: "r", start: "2020-01-01T00:00:00.000Z", file: "r.parquet" }],
      }],
    }]);
    assert.deepEqual(filesAt(odd, ms("2020-03-01T00:00:00.000Z")), ["p.parquet"]);
    assert.deepEqual(filesAt(odd), ["p.parquet"]);
  });
});

Deno.test("planScan() says why each file is read", () => {
  const snapshot = snapshotOf([{
    id: "10",
    start: "2024-01-01T00:00:00.000Z",
    file: "base10.parquet",
    delta: [{
      file: "d.parquet",
      start: "2024-02-01T00:00:00.000Z",
      end: "2024-02-29T23:59:59.999Z",
    }],
    segments: [{
      id: "12",
      start: "2024-01-01T00:00:00.000Z",
      end: "2024-12-31T23:59:59.999Z",
      file: "base12.parquet",
    }],
  }]);
  for (const asOf of [ms("2024-03-01T00:00:00.000Z"), undefined]) {
    const plan = planScan(snapshot, { asOf });
    const expected: Omit<PlannedFile, "reason">[] = asOf === undefined
      ? [
        { file: "d.parquet", kind: "delta", segment: "10" },
        { file: "base10.parquet", kind: "base", segment: "10" },
      ]
      : [
        { file: "base12.parquet", kind: "base", segment: "10/12" },
        { file: "d.parquet", kind: "delta", segment: "10" },
        { file: "base10.parquet", kind: "base", segment: "10" },
      ];
    assert.deepEqual(plan.files.map(({ reason: _, ...rest }) => rest), expected);
    for (const file of plan.files) {
      assert.equal(typeof file.reason, "string");
      assert.ok(file.reason.length > 10, `reason of ${file.file}: ${file.reason}`);
      assert.ok(file.reason.includes(file.segment), `reason names the segment: ${file.reason}`);
    }
    const delta = plan.files.find((f) => f.kind === "delta")!;
    assert.match(delta.reason, /2024-02-01T00:00:00\.000Z/);
  }
});

Deno.test("planScan() reports the instant, snapshot and output columns", async (t) => {
  const snapshot = snapshotOf([{ id: "1", start: "2024-01-01T00:00:00.000Z", file: "b.parquet" }], [
    { name: "price", data_type: "Float", nullable: false },
    { name: "name", data_type: "String", nullable: true },
  ]);
  await t.step("defaults to key, event_time and the schema columns", () => {
    const plan = planScan(snapshot);
    assert.equal(plan.asOf, null);
    assert.equal(plan.snapshot, 7);
    assert.deepEqual(plan.columns, ["key", "event_time", "price", "name"]);
  });
  await t.step("keeps the requested order and the instant", () => {
    const plan = planScan(snapshot, { asOf: 5, columns: ["name", "key"] });
    assert.equal(plan.asOf, 5);
    assert.deepEqual(plan.columns, ["name", "key"]);
  });
  await t.step("an instant of 0 (the epoch) is an instant, not the current state", () => {
    assert.equal(planScan(snapshot, { asOf: 0 }).asOf, 0);
    assert.deepEqual(planScan(snapshot, { asOf: 0 }).files, []);
  });
  await t.step("rejects an unknown column, naming it and the known ones", () => {
    assert.throws(
      () => planScan(snapshot, { columns: ["key", "volume"] }),
      (error: unknown) => {
        assert.ok(error instanceof AzofError);
        assert.equal(error.code, "InputInvalid");
        assert.match(error.message, /"volume"/);
        assert.match(error.message, /price/);
        return true;
      },
    );
  });
  await t.step("rejects _deleted, which is not an output column", () => {
    assert.throws(() => planScan(snapshot, { columns: ["_deleted"] }), AzofError);
  });
});
