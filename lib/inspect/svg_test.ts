import assert from "node:assert/strict";
import { inspectTable, type SegmentReport, type TableReport } from "./inspect.ts";
import { layoutStats } from "./stats.ts";
import { renderSvg } from "./svg.ts";
import { parseSnapshot } from "../format/snapshot.ts";
import { openTable } from "../format/table.ts";
import { hasUpstreamTable, UPSTREAM_ROOT, upstreamTestName } from "../testing/upstream.ts";

/** Every segment path and file of a report, as the picture must name them. */
function expected(report: TableReport) {
  const paths: string[] = [];
  const bases: string[] = [];
  const deltas: string[] = [];
  const visit = (s: SegmentReport, parent: string) => {
    const path = parent === "" ? s.id : `${parent}/${s.id}`;
    paths.push(path);
    if (s.base) bases.push(s.base.file);
    deltas.push(...s.deltas.map((d) => d.file));
    s.children.forEach((c) => visit(c, path));
  };
  report.segments.forEach((s) => visit(s, ""));
  return { paths, bases, deltas };
}

const unescape = (text: string) =>
  text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/** Checks the SVG structure: balanced tags, nothing external, one element per segment and file. */
function assertPicture(svg: string, report: TableReport): void {
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
  assert.doesNotMatch(svg, /<script|href=|@import|url\(|@font-face/i, "self-contained");
  const stack: string[] = [];
  for (const [, close, name, selfClose] of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (selfClose) continue;
    if (close) assert.equal(stack.pop(), name, "balanced tags");
    else stack.push(name!);
  }
  assert.deepEqual(stack, []);
  const want = expected(report);
  const attr = (kind: string, name: string) =>
    [...svg.matchAll(new RegExp(`class="${kind}[^"]*" data-${name}="([^"]*)"`, "g"))].map((m) =>
      unescape(m[1]!)
    );
  assert.deepEqual(
    [...svg.matchAll(/<g class="segment" data-segment="([^"]*)"/g)].map((m) => unescape(m[1]!))
      .sort(),
    want.paths.toSorted(),
  );
  assert.deepEqual(attr("base", "file").sort(), want.bases.toSorted());
  assert.deepEqual(attr("delta", "file").sort(), want.deltas.toSorted());
  const open = report.segments.filter((s) => s.end === null).length;
  assert.ok((svg.match(/class="seg open"/g) ?? []).length >= open);
  assert.match(svg, want.paths.length > 0 ? /level 0/ : /no segments/);
  assert.match(svg, /class="tick"/, "a date axis");
  for (const legend of ["closed segment", "open segment", "base file", "delta file"]) {
    assert.ok(svg.includes(legend), `legend names ${legend}`);
  }
}

Deno.test("renderSvg() draws every segment, base and delta of the sample table, with axis and legend", async () => {
  const report = await inspectTable(openTable("testdata", "prices"));
  const svg = renderSvg(report);
  assertPicture(svg, report);
  assert.match(svg, />2023-07</, "month ticks for a two-year table");
});

Deno.test("renderSvg() escapes ids and file names and draws an empty table", () => {
  const snapshot = parseSnapshot(
    JSON.stringify({
      schema: { columns: [] },
      segments: [{
        id: `a<b&"c'`,
        start: "2024-01-01T00:00:00.000Z",
        file: "x&y.parquet",
        delta: [{
          file: "<d>.parquet",
          start: "2024-01-01T00:00:00.000Z",
          end: "2024-01-02T00:00:00.000Z",
        }],
      }],
    }),
    1,
  );
  const s = snapshot.segments[0]!;
  const report: TableReport = {
    table: "t&",
    location: "memory:t",
    snapshot: 1,
    latestSnapshot: 1,
    schema: [],
    segments: [{
      id: s.id,
      start: s.start,
      end: null,
      base: { file: s.base!, rows: 1, bytes: 10, rowGroups: 1 },
      deltas: [{ ...s.deltas[0]!, rows: 1, bytes: 10, rowGroups: 1 }],
      children: [],
    }],
    totals: { files: 2, rows: 2, bytes: 20 },
    stats: layoutStats(snapshot, new Map()),
  };
  assertPicture(renderSvg(report), report);
  const empty = {
    ...report,
    segments: [],
    stats: layoutStats({ ...snapshot, segments: [] }, new Map()),
  };
  assertPicture(renderSvg(empty), empty);
});

Deno.test({
  name: upstreamTestName(
    "renderSvg() draws all 106 segments and 169 files of financials",
    "financials",
  ),
  ignore: !hasUpstreamTable("financials"),
  fn: async () => {
    const report = await inspectTable(openTable(UPSTREAM_ROOT, "financials"));
    const svg = renderSvg(report);
    assertPicture(svg, report);
    assert.equal(expected(report).paths.length, 106);
    assert.match(svg, />2010</, "year ticks");
  },
});
