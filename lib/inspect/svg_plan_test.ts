/**
 * Tests of the as-of view of `renderSvg()`: the instant's line, the segments and files marked read
 * being exactly those `planScan()` names (on the sample table and on financials), and segments with
 * many deltas drawn as one bar with their count, rows and bytes.
 */

import assert from "node:assert/strict";
import { inspectTable, type TableReport } from "./inspect.ts";
import { layoutStats } from "./stats.ts";
import { renderSvg } from "./svg.ts";
import { planScan } from "../read/plan.ts";
import { parseSnapshot } from "../format/snapshot.ts";
import { openTable } from "../format/table.ts";
import { hasUpstreamTable, UPSTREAM_ROOT, upstreamTestName } from "../testing/upstream.ts";

const unescape = (text: string) =>
  text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/** The files and segment paths the picture marks as read. */
function marked(svg: string): { files: string[]; segments: string[] } {
  const files = [...svg.matchAll(/class="(?:base|delta) read" data-file="([^"]*)"/g)]
    .map((m) => unescape(m[1]!));
  const segments = [
    ...svg.matchAll(
      /<g class="segment" data-segment="([^"]*)"><title>[^<]*<\/title><rect class="seg[^"]* read"/g,
    ),
  ].map((m) => unescape(m[1]!));
  return { files: files.sort(), segments: segments.sort() };
}

async function assertAsOf(root: string, name: string, instants: readonly number[]): Promise<void> {
  const table = openTable(root, name);
  const snapshot = await table.snapshot();
  for (const asOf of instants) {
    const report = await inspectTable(table, { plan: asOf });
    const svg = renderSvg(report);
    const plan = planScan(snapshot, { asOf });
    assert.deepEqual(marked(svg), {
      files: [...new Set(plan.files.map((f) => f.file))].sort(),
      segments: [...new Set(plan.files.map((f) => f.segment))].sort(),
    });
    const line = /<line class="as-of" x1="([\d.]+)"/.exec(svg);
    assert.ok(line, "the as-of line");
    assert.match(
      svg,
      new RegExp(`read as of ${new Date(asOf).toISOString()}: opens ${plan.files.length} files`),
    );
    for (const legend of ["the as-of instant", "read by the plan"]) assert.ok(svg.includes(legend));
  }
}

Deno.test("renderSvg() marks the as-of instant and exactly the segments and files the plan reads", async () => {
  await assertAsOf("testdata", "prices", [
    Date.UTC(2023, 0, 1),
    Date.UTC(2023, 8, 15),
    Date.UTC(2023, 11, 31, 23, 59, 59, 999),
    Date.UTC(2024, 5, 30),
  ]);
  const svg = renderSvg(await inspectTable(openTable("testdata", "prices")));
  assert.doesNotMatch(svg, /class="as-of"| read"/, "no plan, no marks");
});

Deno.test({
  name: upstreamTestName("renderSvg() marks what an as-of read of financials opens", "financials"),
  ignore: !hasUpstreamTable("financials"),
  fn: async () => {
    await assertAsOf(UPSTREAM_ROOT, "financials", [Date.UTC(2010, 4, 17), Date.UTC(2021, 0, 1)]);
  },
});

Deno.test("renderSvg() draws more than 8 deltas of a segment as one bar with count, rows and bytes", () => {
  const delta = (i: number) => ({
    file: `d${i}.parquet`,
    start: `2024-01-${String(i + 1).padStart(2, "0")}T00:00:00.000Z`,
    end: `2024-02-${String(i + 1).padStart(2, "0")}T00:00:00.000Z`,
  });
  const build = (count: number): TableReport => {
    const snapshot = parseSnapshot(
      JSON.stringify({
        schema: { columns: [] },
        segments: [{
          id: "2024",
          start: "2024-01-01T00:00:00.000Z",
          delta: [...Array(count).keys()].map(delta),
        }],
      }),
      1,
    );
    const s = snapshot.segments[0]!;
    const deltas = s.deltas.map((d, i) => ({ ...d, rows: 10 + i, bytes: 1000, rowGroups: 1 }));
    return {
      table: "t",
      location: "memory:t",
      snapshot: 1,
      latestSnapshot: 1,
      schema: [],
      segments: [{ id: s.id, start: s.start, end: null, base: null, deltas, children: [] }],
      totals: { files: count, rows: 0, bytes: 0 },
      stats: layoutStats(snapshot, new Map()),
      plan: planScan(snapshot, { asOf: Date.UTC(2024, 0, 3, 12) }),
    };
  };
  const eight = renderSvg(build(8));
  assert.equal(eight.match(/class="delta[^"]*" data-file=/g)?.length, 8);
  assert.doesNotMatch(eight, /data-deltas=/);
  const twelve = renderSvg(build(12));
  assert.doesNotMatch(twelve, /class="delta[^"]*" data-file=/);
  const rows = Array.from({ length: 12 }, (_, i) => 10 + i).reduce((a, b) => a + b);
  assert.match(
    twelve,
    new RegExp(
      `<rect class="deltas read" data-deltas="12"[^>]*><title>12 deltas, ${rows} rows, 11\\.7 KiB: [^<]*; the plan reads 3 of them</title>`,
    ),
  );
});
