/**
 * Tests of compaction planning as data: which periods are kept or rewritten and why, the region's
 * start, and the files the new layout stops naming. No data files are touched.
 */

import assert from "node:assert/strict";
import { planCompaction } from "./plan.ts";
import { readCompactionPolicy } from "../format/compact_policy.ts";
import { parseSnapshot } from "../format/snapshot.ts";

const _Y = (y: number, m = 0) => new Date(Date.UTC(y, m, 1)).toISOString();
const _END = (y: number, m = 12) => new Date(Date.UTC(y, m, 1) - 1).toISOString();

function _snapshot(segments: unknown[]) {
  return parseSnapshot(JSON.stringify({ schema: { columns: [] }, segments }), 7);
}

function _delta(file: string, y: number, m = 0) {
  return { file, start: _Y(y, m), end: _Y(y, m + 1) };
}

/** A closed year in the P1Y,P3M layout with the given number of up deltas on the year. */
function _compactedYear(y: number, ups: number) {
  return {
    id: String(y),
    start: _Y(y),
    end: _END(y),
    file: `b${y}.parquet`,
    delta: Array.from({ length: ups }, (_, i) => _delta(`up${y}_${i}.parquet`, y)),
    segments: [0, 3, 6, 9].map((m) => ({
      id: `${y}-${m}`,
      start: _Y(y, m),
      end: _END(y, m + 3),
      ...(m === 0 ? {} : { file: `b${y}_${m}.parquet` }),
      delta: [_delta(`d${y}_${m}.parquet`, y, m)],
    })),
  };
}

/** A delta of one day in January of a year written with four digits. */
function _far(file: string, year: string) {
  return { file, start: `${year}-01-01T00:00:00.000Z`, end: `${year}-01-02T00:00:00.000Z` };
}

/** The open year of the P1Y,P3M layout: a base, a closed first quarter, an open second quarter. */
function _openYear(y: number) {
  return {
    id: String(y),
    start: _Y(y),
    file: `b${y}.parquet`,
    segments: [
      { id: `${y}-0`, start: _Y(y), end: _END(y, 3), delta: [_delta(`d${y}_0.parquet`, y)] },
      {
        id: `${y}-3`,
        start: _Y(y, 3),
        file: `b${y}_3.parquet`,
        base_from: _Y(y),
        delta: [_delta(`d${y}_3.parquet`, y, 3)],
      },
    ],
  };
}

Deno.test("planCompaction() rewrites a write-path table's open periods, the newest stays open", () => {
  const snapshot = _snapshot([
    { id: "2019", start: _Y(2019), delta: [_delta("a.parquet", 2019)] },
    { id: "2021", start: _Y(2021), delta: [_delta("b.parquet", 2021, 5)] },
  ]);
  const plan = planCompaction(snapshot, readCompactionPolicy({ segment: ["P1Y", "P3M"] }));
  assert.equal(plan.regionStart, Date.UTC(2019, 0, 1));
  // 2020 may hold no rows (no segment or delta reaches it): the 2019 span reaches over it.
  assert.deepEqual(plan.periods.map((p) => [p.id, p.action, p.end === undefined]), [
    ["2019", "rewrite", false],
    ["2021", "rewrite", true],
  ]);
  assert.equal(plan.periods[0]!.end, Date.UTC(2021, 0, 1) - 1);
  assert.deepEqual(plan.periods[0]!.remove, ["a.parquet"]);
  assert.match(plan.periods[0]!.reason, /open segment of a finished period/);
  assert.equal(plan.periods[1]!.reason, "2 segments overlap it");
  assert.ok(plan.periods[0]!.write.some((w) => w.startsWith("2019/<P3M>: one child per P3M")));
});

Deno.test("planCompaction() gives a span to each period a segment or delta reaches, and to no other", () => {
  const far = _snapshot([
    { id: "0001", start: "0001-01-01T00:00:00.000Z", delta: [_far("a.parquet", "0001")] },
    { id: "9999", start: "9999-01-01T00:00:00.000Z", delta: [_far("b.parquet", "9999")] },
  ]);
  const plan = planCompaction(far, readCompactionPolicy({ segment: ["P1Y", "P3M"] }));
  assert.deepEqual(plan.periods.map((p) => [p.id, p.end && new Date(p.end).toISOString()]), [
    ["0001", "9998-12-31T23:59:59.999Z"],
    ["9999", undefined],
  ]);
  const wide = _snapshot([{
    id: "2019",
    start: _Y(2019),
    delta: [{ file: "a.parquet", start: _Y(2019), end: _Y(2021, 5) }],
  }, { id: "2024", start: _Y(2024), delta: [_delta("b.parquet", 2024)] }]);
  const spans = planCompaction(wide, readCompactionPolicy({ segment: ["P1Y"] })).periods;
  assert.deepEqual(spans.map((p) => p.id), ["2019", "2020", "2021", "2024"]);
  assert.equal(spans[2]!.end, Date.UTC(2024, 0, 1) - 1);
});

Deno.test("planCompaction() keeps periods already in the layout and rewrites those past max_deltas", () => {
  const snapshot = _snapshot([
    _compactedYear(2019, 0),
    _compactedYear(2020, 3),
    _openYear(2021),
  ]);
  const plan = planCompaction(
    snapshot,
    readCompactionPolicy({ segment: ["P1Y", "P3M"], max_deltas: 3 }),
  );
  assert.deepEqual(plan.periods.map((p) => [p.id, p.action]), [
    ["2019", "keep"],
    ["2020", "rewrite"],
    ["2021", "keep"],
  ]);
  assert.match(plan.periods[1]!.reason, /4 deltas on a read path, more than max_deltas 3/);
  assert.deepEqual(plan.periods[0]!.remove, []);
  const forced = planCompaction(snapshot, readCompactionPolicy({ segment: ["P1Y", "P3M"] }), {
    force: true,
  });
  assert.ok(forced.periods.every((p) => p.action === "rewrite"));
  const flat = _snapshot([
    _compactedYear(2019, 0),
    { id: "2020", start: _Y(2020), file: "b2020.parquet", delta: [_delta("c.parquet", 2020)] },
  ]);
  const children = planCompaction(flat, readCompactionPolicy({ segment: ["P1Y", "P3M"] }));
  assert.deepEqual(children.periods.map((p) => [p.id, p.action, p.reason]), [
    ["2019", "keep", "already in the policy's layout"],
    ["2020", "rewrite", "open segment without child segments"],
  ]);
});

Deno.test("planCompaction() leaves periods before --since untouched, unless a segment reaches past it", () => {
  const closed = _snapshot([
    _compactedYear(2018, 9),
    _compactedYear(2019, 9),
    { id: "2020", start: _Y(2020), delta: [_delta("c.parquet", 2020)] },
  ]);
  const policy = readCompactionPolicy({ segment: ["P1Y", "P3M"] });
  const plan = planCompaction(closed, policy, { since: Date.UTC(2019, 5, 1) });
  assert.deepEqual(plan.before.map((s) => s.id), ["2018"]);
  assert.deepEqual(plan.periods.map((p) => p.id), ["2019", "2020"]);
  const open = _snapshot([
    { id: "2018", start: _Y(2018), delta: [_delta("a.parquet", 2018)] },
    { id: "2020", start: _Y(2020), delta: [_delta("c.parquet", 2020)] },
  ]);
  const reached = planCompaction(open, policy, { since: Date.UTC(2020, 0, 1) });
  assert.equal(reached.regionStart, Date.UTC(2018, 0, 1));
  assert.deepEqual(reached.before, []);
});

Deno.test("planCompaction() counts the horizon back from the newest period", () => {
  const snapshot = _snapshot([
    _compactedYear(2017, 9),
    _compactedYear(2018, 9),
    _compactedYear(2019, 9),
    _openYear(2020),
  ]);
  const plan = planCompaction(
    snapshot,
    readCompactionPolicy({ segment: ["P1Y", "P3M"], horizon: "P1Y" }),
  );
  assert.deepEqual(plan.before.map((s) => s.id), ["2017", "2018"]);
  assert.deepEqual(plan.periods.map((p) => [p.id, p.action]), [["2019", "rewrite"], [
    "2020",
    "keep",
  ]]);
});

Deno.test("planCompaction() has nothing to do on an empty table", () => {
  const plan = planCompaction(_snapshot([]), readCompactionPolicy(undefined));
  assert.equal(plan.regionStart, null);
  assert.deepEqual(plan.periods, []);
});
