/**
 * The time layout compaction leaves (issue 15 item 6, docs/SPEC.md §9.3 and §9.8): the open year
 * gets quarter children like the closed ones; a policy change followed by a late write puts no open
 * child into a closed year; a late row costs at most one copy per later top-level segment; far-apart
 * event times get no segments for the empty years between them. Answers are checked against the
 * fold of every row written.
 */

import assert from "node:assert/strict";
import { compactTable } from "./compact.ts";
import { createTable } from "../write/create.ts";
import { writeRows } from "../write/write.ts";
import { planScan } from "../read/plan.ts";
import { MemoryStore } from "../store/memory.ts";
import { walkSegments } from "../format/segments.ts";
import { formatInstant } from "../format/time.ts";
import type { Table } from "../format/table.ts";
import { scanMap } from "../testing/scan_map.ts";
import { foldMap, type OracleRow } from "../testing/random_history.ts";
import { countRows, lateRowBound, newFiles, openBelowClosed } from "../testing/copies.ts";

const _COLUMNS = [{ name: "v", type: "Int" as const, nullable: false }];

async function _table(segment: string[]): Promise<{ table: Table; written: OracleRow[] }> {
  const table = await createTable(new MemoryStore(), "t", { columns: _COLUMNS }, { segment });
  return { table, written: [] };
}

async function _write(
  h: { table: Table; written: OracleRow[] },
  rows: readonly [string, number][],
): Promise<void> {
  const batch = rows.map(([key, t], i) => ({
    key,
    t,
    values: [BigInt(h.written.length + i)],
    deleted: false,
  }));
  await writeRows(h.table, batch.map((r) => ({ key: r.key, event_time: r.t, v: r.values[0] })));
  h.written.push(...batch);
}

async function _assertFold(
  h: { table: Table; written: OracleRow[] },
  instants: readonly number[],
): Promise<void> {
  for (const asOf of [...instants, undefined]) {
    const at = asOf === undefined ? "current" : formatInstant(asOf);
    assert.deepEqual(await scanMap(h.table, asOf), foldMap(h.written, asOf), `as of ${at}`);
  }
}

const _D = (y: number, m: number, d = 1) => Date.UTC(y, m, d);

Deno.test("compactTable() gives the open year quarter children: a read inside it opens one quarter's files and the year's base", async () => {
  const h = await _table(["P1Y", "P3M"]);
  await _write(h, [["a", _D(2019, 2)], ["b", _D(2019, 8)]]);
  await _write(h, [["a", _D(2020, 1)], ["b", _D(2020, 4)], ["c", _D(2020, 7)], ["a", _D(2020, 8)]]);
  await compactTable(h.table);
  const snapshot = await h.table.snapshot();
  const open = snapshot.segments.at(-1)!;
  assert.equal(open.end, undefined);
  assert.deepEqual(
    open.children.map((c) => [c.id, c.end === undefined ? "open" : formatInstant(c.end)]),
    [["2020-01", "2020-03-31T23:59:59.999Z"], ["2020-04", "2020-06-30T23:59:59.999Z"], [
      "2020-07",
      "open",
    ]],
  );
  assert.deepEqual(open.children.map((c) => c.baseFrom), [undefined, _D(2020, 0), _D(2020, 0)]);
  const read = (asOf: number) => planScan(snapshot, { asOf }).files.map((f) => f.segment);
  assert.deepEqual(read(_D(2020, 1, 15)), ["2020/2020-01", "2020"]);
  assert.deepEqual(read(_D(2020, 4, 15)), ["2020/2020-04", "2020/2020-04", "2020"]);
  await _assertFold(h, [_D(2020, 1, 15), _D(2020, 4, 15), _D(2020, 7, 1) - 1, _D(2020, 8, 2)]);
  // Writes into the open quarter go to its open child, writes after it to a new open child.
  await _write(h, [["d", _D(2020, 8, 20)], ["e", _D(2020, 11, 5)]]);
  const after = await h.table.snapshot();
  assert.deepEqual(after.segments.at(-1)!.children.map((c) => c.id), [
    "2020-01",
    "2020-04",
    "2020-07",
    "2020-10",
  ]);
  assert.deepEqual(openBelowClosed(after.segments), []);
  await _assertFold(h, [_D(2020, 8, 21), _D(2020, 11, 6), _D(2020, 9, 30)]);
  await compactTable(h.table);
  await _assertFold(h, [_D(2020, 8, 21), _D(2020, 11, 6), _D(2020, 9, 30)]);
});

Deno.test("a policy change followed by a late write puts no open child into a closed year", async () => {
  const h = await _table(["P1Y"]);
  await _write(h, [["a", _D(2019, 2)], ["b", _D(2020, 5)]]);
  await compactTable(h.table);
  // The policy gains a quarter level; 2019 stays as P1Y left it (closed, no children).
  await compactTable(h.table, {
    policy: { segment: ["P1Y", "P3M"] },
    savePolicy: true,
    since: _D(2020, 0),
  });
  const changed = await h.table.snapshot();
  assert.deepEqual(changed.segments[0]!.children, []);
  assert.notEqual(changed.segments[0]!.end, undefined);
  await _write(h, [["a", _D(2019, 4)], ["c", _D(2019, 10)]]);
  const after = await h.table.snapshot();
  assert.deepEqual(openBelowClosed(after.segments), []);
  assert.deepEqual(after.segments[0]!.children, [], "the late rows go into the closed year itself");
  assert.equal(after.segments[0]!.deltas.length, changed.segments[0]!.deltas.length + 1);
  await _assertFold(h, [_D(2019, 4), _D(2019, 4) - 1, _D(2019, 11), _D(2020, 0), _D(2020, 6)]);
  await compactTable(h.table);
  assert.deepEqual(openBelowClosed((await h.table.snapshot()).segments), []);
  await _assertFold(h, [_D(2019, 4), _D(2019, 11), _D(2020, 0), _D(2020, 6)]);
});

Deno.test("a late row costs at most one copy per later top-level segment, none in their quarters", async () => {
  const h = await _table(["P1Y"]);
  for (let y = 2000; y < 2010; y++) {
    await _write(h, [["a", _D(y, 1)], ["b", _D(y, 4)], ["c", _D(y, 7)], ["d", _D(y, 10)]]);
  }
  await compactTable(h.table, { policy: { segment: ["P1Y", "P3M"] }, savePolicy: true });
  const compacted = await h.table.snapshot();
  const late = _D(2001, 2);
  await _write(h, [["b", late]]);
  const after = await h.table.snapshot();
  const written = newFiles(compacted, after);
  const added = await countRows(h.table, after, written);
  // Home (2001 Q1) and an up copy into 2001, carries into 2001's later quarters (their bases may
  // hold an older row of b at the same instant), and one into each of 2002…2009.
  assert.equal(added.rows, 1 + 1 + 3 + 8);
  assert.ok(added.rows <= lateRowBound(compacted.segments, late));
  const carried = [...walkSegments(after.segments)].filter(({ segment, ancestors }) =>
    segment.start > _D(2002, 0) - 1 && ancestors.length > 0 &&
    segment.deltas.some((d) => written.has(d.file))
  );
  assert.deepEqual(carried.map((v) => v.segment.id), [], "no copy below a later year");
  await _assertFold(h, [late - 1, late, _D(2001, 5), _D(2002, 0), _D(2005, 6), _D(2009, 11)]);
});

Deno.test("compactTable() writes no segment and no file for the empty years between 0001 and 9999", async () => {
  const h = await _table(["P1Y"]);
  await _write(h, [
    ["a", Date.parse("0001-03-01T00:00:00Z")],
    ["b", Date.parse("0001-07-01T00:00:00Z")],
    ["a", Date.parse("9999-05-01T00:00:00Z")],
  ]);
  await compactTable(h.table, { policy: { segment: ["P1Y", "P3M"] }, savePolicy: true });
  const snapshot = await h.table.snapshot();
  assert.deepEqual(
    [...walkSegments(snapshot.segments)].map(({ segment: s }) =>
      `${s.id} ${formatInstant(s.start)} ${s.end === undefined ? "open" : formatInstant(s.end)}`
    ),
    [
      "0001 0001-01-01T00:00:00.000Z 9998-12-31T23:59:59.999Z",
      "0001-01 0001-01-01T00:00:00.000Z 0001-06-30T23:59:59.999Z",
      "0001-07 0001-07-01T00:00:00.000Z 9998-12-31T23:59:59.999Z",
      "9999 9999-01-01T00:00:00.000Z open",
      "9999-04 9999-04-01T00:00:00.000Z open",
    ],
  );
  assert.equal((await countRows(h.table, snapshot)).files, 5);
  const instants = [
    "0001-03-01",
    "0001-12-31",
    "5000-01-01",
    "9998-12-31",
    "9999-04-30",
    "9999-05-01",
  ]
    .map((d) => Date.parse(`${d}T00:00:00Z`));
  await _assertFold(h, instants);
  // A late row in the empty stretch goes into the closed segment reaching over it; compacting
  // again splits the stretch there, still without segments for the empty years.
  await _write(h, [["c", Date.parse("5000-06-01T00:00:00Z")]]);
  await _assertFold(h, instants);
  await compactTable(h.table);
  const again = await h.table.snapshot();
  assert.deepEqual(again.segments.map((s) => s.id), ["0001", "5000", "9999"]);
  await _assertFold(h, [...instants, Date.parse("5000-06-01T00:00:00Z") - 1]);
});
