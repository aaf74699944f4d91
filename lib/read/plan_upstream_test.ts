/**
 * The upstream crate's plan tests (crates/azof/src/metadata.rs), reproduced on the same snapshots.
 */

import assert from "node:assert/strict";
import { filesAt, snapshotOf, startOfMonth } from "../testing/plan_snapshots.ts";

Deno.test("parseSnapshot() reads the upstream deserialization example", () => {
  const snapshot = snapshotOf([
    {
      id: "10",
      start: "2024-01-01T00:00:00.000Z",
      end: "2024-12-31T23:59:59.999Z",
      file: "base10.parquet",
      segments: [
        {
          id: "11",
          start: "2024-01-01T00:00:00.000Z",
          end: "2024-06-30T23:59:59.999Z",
          delta: [
            {
              file: "delta_111.parquet",
              start: "2024-01-01T00:00:00.000Z",
              end: "2024-03-31T23:59:59.999Z",
            },
            {
              file: "delta_112.parquet",
              start: "2024-04-01T00:00:00.000Z",
              end: "2024-06-30T23:59:59.999Z",
            },
          ],
        },
        {
          id: "12",
          start: "2024-07-01T00:00:00.000Z",
          end: "2024-12-31T23:59:59.999Z",
          file: "base12.parquet",
          delta: [
            {
              file: "delta_121.parquet",
              start: "2024-07-01T00:00:00.000Z",
              end: "2024-08-31T23:59:59.999Z",
            },
            {
              file: "delta_122.parquet",
              start: "2024-09-01T00:00:00.000Z",
              end: "2024-10-31T23:59:59.999Z",
            },
            {
              file: "delta_123.parquet",
              start: "2024-11-01T00:00:00.000Z",
              end: "2024-12-31T23:59:59.999Z",
            },
          ],
        },
      ],
    },
    {
      id: "20",
      start: "2025-01-01T00:00:00.000Z",
      file: "base20.parquet",
      delta: [
        {
          file: "delta_22.parquet",
          start: "2025-01-01T00:00:00.000Z",
          end: "2025-01-31T23:59:59.999Z",
        },
        {
          file: "delta_23.parquet",
          start: "2025-02-01T00:00:00.000Z",
          end: "2025-02-11T00:00:00.000Z",
        },
      ],
    },
  ]);
  assert.equal(snapshot.segments.length, 2);
  const s10 = snapshot.segments[0]!;
  assert.equal(s10.id, "10");
  assert.equal(s10.children.length, 2);
  const s11 = s10.children[0]!;
  assert.equal(s11.id, "11");
  assert.equal(s11.start, startOfMonth(2024, 1));
  assert.equal(s11.base, undefined);
  assert.equal(s11.end, startOfMonth(2024, 7) - 1);
  assert.equal(s11.deltas.length, 2);
  assert.equal(s11.deltas[0]!.file, "delta_111.parquet");
  assert.equal(s11.deltas[1]!.end, startOfMonth(2024, 7) - 1);
  assert.equal(snapshot.segments[1]!.end, undefined);
});

Deno.test("planScan() reads the base file of a current segment (upstream)", () => {
  const snapshot = snapshotOf([{
    id: "10",
    start: "2024-01-01T00:00:00.000Z",
    file: "base.parquet",
  }]);
  assert.deepEqual(filesAt(snapshot), ["base.parquet"]);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2023, 12)), []);
});

Deno.test("planScan() reads the base file of a historical segment (upstream)", () => {
  const snapshot = snapshotOf([{
    id: "10",
    start: "2024-01-01T00:00:00.000Z",
    end: "2024-03-01T00:00:00.000Z",
    file: "base.parquet",
  }]);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2024, 1)), ["base.parquet"]);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2024, 2)), ["base.parquet"]);
  assert.deepEqual(filesAt(snapshot), []);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2023, 2)), []);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2024, 4)), []);
});

Deno.test("planScan() reads nested segments of a historical segment (upstream)", () => {
  const snapshot = snapshotOf([{
    id: "10",
    start: "2010-01-01T00:00:00.000Z",
    end: "2020-01-01T00:00:00.000Z",
    file: "base10.parquet",
    segments: [
      {
        id: "11",
        start: "2013-01-01T00:00:00.000Z",
        end: "2016-01-01T00:00:00.000Z",
        file: "base11.parquet",
      },
      {
        id: "12",
        start: "2018-01-01T00:00:00.000Z",
        end: "2019-01-01T00:00:00.000Z",
        file: "base12.parquet",
        segments: [
          {
            id: "121",
            start: "2018-03-01T00:00:00.000Z",
            end: "2018-06-01T00:00:00.000Z",
            file: "base121.parquet",
          },
          {
            id: "122",
            start: "2018-07-01T00:00:00.000Z",
            end: "2019-01-01T00:00:00.000Z",
            file: "base112.parquet",
          },
        ],
      },
    ],
  }]);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2018, 4)), [
    "base121.parquet",
    "base12.parquet",
    "base10.parquet",
  ]);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2022, 4)), []);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2011, 4)), ["base10.parquet"]);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2017, 4)), ["base10.parquet"]);
  assert.deepEqual(filesAt(snapshot), []);
});

Deno.test("planScan() reads nested segments of a current segment (upstream)", () => {
  const snapshot = snapshotOf([{
    id: "10",
    start: "2010-01-01T00:00:00.000Z",
    file: "base10.parquet",
    segments: [
      {
        id: "11",
        start: "2013-01-01T00:00:00.000Z",
        end: "2016-01-01T00:00:00.000Z",
        file: "base11.parquet",
      },
      {
        id: "12",
        start: "2018-01-01T00:00:00.000Z",
        file: "base12.parquet",
        segments: [
          {
            id: "121",
            start: "2018-03-01T00:00:00.000Z",
            end: "2018-06-01T00:00:00.000Z",
            file: "base121.parquet",
          },
          { id: "122", start: "2018-07-01T00:00:00.000Z", file: "base122.parquet" },
        ],
      },
    ],
  }]);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2018, 4)), [
    "base121.parquet",
    "base12.parquet",
    "base10.parquet",
  ]);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2022, 4)), [
    "base122.parquet",
    "base12.parquet",
    "base10.parquet",
  ]);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2011, 4)), ["base10.parquet"]);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2017, 4)), ["base10.parquet"]);
  assert.deepEqual(filesAt(snapshot), ["base122.parquet", "base12.parquet", "base10.parquet"]);
});

Deno.test("planScan() reads delta files of a current segment newest first (upstream)", () => {
  const snapshot = snapshotOf([{
    id: "10",
    start: "2024-01-01T00:00:00.000Z",
    file: "base10.parquet",
    delta: [
      // One fractional digit, as upstream writes it: RFC 3339 allows any number.
      {
        file: "delta_100.parquet",
        start: "2024-02-01T00:00:00.000Z",
        end: "2024-06-01T00:00:00.0Z",
      },
      {
        file: "delta_101.parquet",
        start: "2024-10-01T00:00:00.000Z",
        end: "2024-11-30T23:59:59.999Z",
      },
      {
        file: "delta_102.parquet",
        start: "2024-07-01T00:00:00.000Z",
        end: "2024-09-30T23:59:59.999Z",
      },
    ],
    segments: [{ id: "211", start: "2024-11-01T00:00:00.000Z", file: "base211.parquet" }],
  }]);
  assert.deepEqual(filesAt(snapshot), [
    "base211.parquet",
    "delta_101.parquet",
    "delta_102.parquet",
    "delta_100.parquet",
    "base10.parquet",
  ]);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2024, 8)), [
    "delta_102.parquet",
    "delta_100.parquet",
    "base10.parquet",
  ]);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2024, 7)), [
    "delta_102.parquet",
    "delta_100.parquet",
    "base10.parquet",
  ]);
  assert.deepEqual(filesAt(snapshot, startOfMonth(2024, 6)), [
    "delta_100.parquet",
    "base10.parquet",
  ]);
});
