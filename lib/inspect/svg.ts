/**
 * A picture of a table's layout: the segments of an inspect report on an event-time axis, one band
 * per level of the tree, with base and delta files drawn inside each segment. The SVG is
 * self-contained (no fonts, scripts or links); hovering an element shows its details.
 *
 * @module
 */

import { byteSize, count } from "../output/units.ts";
import { walkSegments } from "../format/segments.ts";
import type { DeltaReport, SegmentReport, TableReport } from "./inspect.ts";
import { timeAxis } from "./svg_axis.ts";
import { formatInstant } from "../format/time.ts";

/** Options of {@linkcode renderSvg}. */
export interface SvgOptions {
  /** Width in pixels (default 1400). */
  readonly width?: number | undefined;
}

const _LEFT = 120;
const _RIGHT = 24;
const _LEVEL_MAX = 220;
const _STYLE = `
  text { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; fill: #1f2933; }
  .title { font-size: 14px; font-weight: 600; }
  .note, .level { font-size: 11px; }
  .tick { font-size: 10px; fill: #52606d; }
  .grid { stroke: #d9e2ec; stroke-width: 1; }
  .axis { stroke: #52606d; stroke-width: 1; }
  .band { fill: #f8fafc; }
  .seg { fill: #e4e7eb; stroke: #52606d; stroke-width: 0.75; }
  .seg.open { fill: #e3f8ec; stroke: #2f8132; stroke-dasharray: 4 2; }
  .arrow { fill: #2f8132; }
  .base { fill: #2f6fbd; }
  .delta { fill: #e8833a; }
  .deltas { fill: #e8833a; fill-opacity: 0.55; stroke: #b35c1e; stroke-width: 0.75; }
  .label { font-size: 9px; paint-order: stroke; stroke: #ffffff; stroke-width: 2.5px; }
  .seg.read { fill: #fde2e2; stroke: #c81e1e; stroke-width: 1.5; }
  .base.read, .delta.read, .deltas.read { stroke: #c81e1e; stroke-width: 1.5; }
  .as-of { stroke: #c81e1e; stroke-width: 1.5; stroke-dasharray: 5 3; }
  .as-of-label { font-size: 11px; fill: #c81e1e; font-weight: 600; }
`;

/** Deltas of one segment drawn one by one; more are drawn as one grouped bar. */
const _GROUP_DELTAS = 8;

interface _Placed {
  readonly segment: SegmentReport;
  readonly path: string;
  readonly lane: number;
}

/** What the plan of the report reads: segment paths and file names. */
interface _Read {
  readonly segments: ReadonlySet<string>;
  readonly files: ReadonlySet<string>;
}

/**
 * Draws an inspect report as an SVG document.
 *
 * @param report The report from `inspectTable`.
 * @param options The width.
 * @returns The SVG text, ending with a newline.
 *
 * @example Draw the bundled sample table
 * ```ts
 * import { inspectTable, openTable, renderSvg } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const svg = renderSvg(await inspectTable(openTable("testdata", "prices")));
 * assert.ok(svg.startsWith("<svg "));
 * ```
 */
export function renderSvg(report: TableReport, options: SvgOptions = {}): string {
  const width = options.width ?? 1400;
  const levels = _placeLevels(report.segments);
  const domain = _domain(report);
  const read: _Read = {
    segments: new Set(report.plan?.files.map((f) => f.segment)),
    files: new Set(report.plan?.files.map((f) => f.file)),
  };
  const x = (t: number) =>
    _LEFT + (t - domain.from) / (domain.to - domain.from) * (width - _LEFT - _RIGHT);
  const body: string[] = [];
  let y = 78;
  const bandsTop = y;
  for (const [depth, placed] of levels.entries()) {
    const lanes = Math.max(1, ...placed.map((p) => p.lane + 1));
    const laneHeight = Math.max(6, Math.min(30, Math.floor(_LEVEL_MAX / lanes)));
    const height = Math.max(lanes * laneHeight + 8, 56);
    const stats = report.stats.levels[depth];
    body.push(`<rect class="band" x="0" y="${y}" width="${width}" height="${height}"/>`);
    body.push(`<text class="level" x="8" y="${y + 16}">level ${depth}</text>`);
    if (stats) {
      body.push(
        `<text class="note" x="8" y="${y + 30}">${stats.segments} segments</text>`,
        `<text class="note" x="8" y="${
          y + 44
        }">${stats.bases.files} bases, ${stats.deltas.files} deltas</text>`,
      );
    }
    for (const p of placed) {
      body.push(_segmentSvg(p, y + 4 + p.lane * laneHeight, laneHeight - 2, x, domain.to, read));
    }
    y += height + 6;
  }
  if (levels.length === 0) {
    body.push(`<text class="note" x="${_LEFT}" y="${y + 20}">(no segments)</text>`);
    y += 32;
  }
  const axis = timeAxis(domain.from, domain.to, x, bandsTop, y);
  const asOf = report.plan?.asOf ?? null;
  if (asOf !== null && asOf >= domain.from && asOf <= domain.to) {
    const ax = _n(x(asOf));
    const files = report.plan!.files.length;
    axis.labels.push(
      `<line class="as-of" x1="${ax}" y1="${bandsTop - 6}" x2="${ax}" y2="${y}"><title>${
        _esc(`as of ${formatInstant(asOf)}: a read opens ${files} files`)
      }</title></line>`,
    );
  }
  const height = y + 34;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${_esc(`azof table ${report.table}, snapshot ${report.snapshot}`)}</title>`,
    `<style>${_STYLE}</style>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    ..._header(report, width),
    ...axis.grid,
    ...body,
    ...axis.labels,
    `</svg>`,
  ].join("\n") + "\n";
}

function _header(report: TableReport, width: number): string[] {
  const reads = report.stats.reads;
  const t = report.totals;
  const opened = reads.worst === null
    ? "no segments"
    : `an as-of read opens ${reads.worst.files} files at worst, ${reads.typical} typically; a current read ${reads.current}`;
  const legend = [
    [`<rect class="seg" x="0" y="-9" width="22" height="11"/>`, "closed segment"],
    [`<rect class="seg open" x="0" y="-9" width="22" height="11"/>`, "open segment (to now)"],
    [`<rect class="base" x="0" y="-7" width="22" height="6"/>`, "base file"],
    [`<rect class="delta" x="0" y="-5" width="22" height="3"/>`, "delta file (its time range)"],
    [
      `<rect class="deltas" x="0" y="-6" width="22" height="5"/>`,
      `more than ${_GROUP_DELTAS} deltas (one bar)`,
    ],
    ..._planLegend(report),
  ];
  let lx = 8;
  const items = legend.map(([shape, label]) => {
    const item =
      `<g transform="translate(${lx},62)">${shape}<text class="note" x="28" y="0">${label}</text></g>`;
    lx += 40 + label!.length * 6.2;
    return item;
  });
  const plan = report.plan;
  const asOf = plan === undefined ? [] : [
    `<text class="as-of-label" x="${Math.max(8, width - 520)}" y="22">${
      _esc(
        `${
          plan.asOf === null ? "current read" : `read as of ${formatInstant(plan.asOf)}`
        }: opens ${plan.files.length} files`,
      )
    }</text>`,
  ];
  return [
    ...asOf,
    `<text class="title" x="8" y="22">${
      _esc(`${report.table} · snapshot ${report.snapshot}`)
    }</text>`,
    `<text class="note" x="8" y="40">${
      _esc(`${count(t.files)} files, ${count(t.rows)} rows, ${byteSize(t.bytes)} · ${opened}`)
    }</text>`,
    ...items,
  ];
}

function _planLegend(report: TableReport): string[][] {
  if (report.plan === undefined) return [];
  const read = [`<rect class="seg read" x="0" y="-9" width="22" height="11"/>`, "read by the plan"];
  if (report.plan.asOf === null) return [read];
  return [[`<line class="as-of" x1="11" y1="-12" x2="11" y2="4"/>`, "the as-of instant"], read];
}

/** Segments per depth, each in the first lane where it overlaps nothing placed before it. */
function _placeLevels(segments: readonly SegmentReport[]): _Placed[][] {
  const byDepth: { segment: SegmentReport; path: string }[][] = [];
  for (const { segment, depth, ancestors } of walkSegments(segments)) {
    const path = [...ancestors, segment].map((s) => s.id).join("/");
    (byDepth[depth] ??= []).push({ segment, path });
  }
  return byDepth.map((items) => {
    const laneEnds: number[] = [];
    return items.toSorted((a, b) => a.segment.start - b.segment.start).map((item) => {
      let lane = laneEnds.findIndex((end) => end < item.segment.start);
      if (lane < 0) lane = laneEnds.push(0) - 1;
      laneEnds[lane] = item.segment.end ?? Infinity;
      return { ...item, lane };
    });
  });
}

function _domain(report: TableReport): { from: number; to: number } {
  const span = report.stats.reads.span;
  if (span === null) return { from: 0, to: 86_400_000 };
  const length = Math.max(span.end - span.start, 1);
  const open = report.segments.some(function open(s): boolean {
    return s.end === null || s.children.some(open);
  });
  return { from: span.start, to: span.end + (open ? Math.ceil(length * 0.04) : 0) };
}

function _segmentSvg(
  p: _Placed,
  top: number,
  height: number,
  x: (t: number) => number,
  right: number,
  read: _Read,
): string {
  const s = p.segment;
  const x0 = x(s.start);
  const x1 = s.end === null ? x(right) : Math.max(x(s.end + 1), x0 + 1);
  const w = x1 - x0;
  const marks = `${s.end === null ? " open" : ""}${read.segments.has(p.path) ? " read" : ""}`;
  const out = [
    `<g class="segment" data-segment="${_esc(p.path)}">`,
    `<title>${_esc(_segmentTitle(p))}</title>`,
    `<rect class="seg${marks}" x="${_n(x0)}" y="${top}" width="${_n(w)}" height="${height}"/>`,
  ];
  if (s.end === null) {
    const mid = top + height / 2;
    out.push(
      `<path class="arrow" d="M${_n(x1)} ${_n(mid - 4)} L${_n(x1 + 7)} ${_n(mid)} L${_n(x1)} ${
        _n(mid + 4)
      } Z"/>`,
    );
  }
  if (s.base) {
    out.push(
      `<rect class="base${_readMark(read, s.base.file)}" data-file="${_esc(s.base.file)}" x="${
        _n(x0)
      }" y="${_n(top + 1)}" width="${_n(w)}" height="${_n(Math.max(1.5, height * 0.25))}"><title>${
        _esc(`base ${s.base.file}: ${count(s.base.rows)} rows, ${byteSize(s.base.bytes)}`)
      }</title></rect>`,
    );
  }
  out.push(
    ..._deltasSvg(
      s.deltas,
      top + height * 0.66,
      height * 0.32,
      x,
      s.end === null ? right : s.end + 1,
      read,
    ),
  );
  const label = [s.id, s.id.split(/[_\-/]/).at(-1)!].find((l) => l.length * 5.2 + 6 < w);
  if (height >= 11 && label !== undefined) {
    out.push(
      `<text class="label" x="${_n(x0 + 3)}" y="${_n(top + height * 0.62)}">${_esc(label)}</text>`,
    );
  }
  out.push(`</g>`);
  return out.join("");
}

function _deltasSvg(
  deltas: readonly DeltaReport[],
  top: number,
  height: number,
  x: (t: number) => number,
  limit: number,
  read: _Read,
): string[] {
  if (deltas.length > _GROUP_DELTAS) return [_deltaGroupSvg(deltas, top, height, x, limit, read)];
  const per = Math.max(1.5, Math.min(5, height / Math.max(1, deltas.length)));
  const rows = Math.max(1, Math.floor(height / per));
  return deltas.map((d, i) => {
    const x0 = x(d.start);
    const x1 = Math.max(x(Math.min(d.end + 1, limit)) - 1, x0 + 2);
    const y = top + (i % rows) * per;
    return `<rect class="delta${_readMark(read, d.file)}" data-file="${_esc(d.file)}" x="${
      _n(x0)
    }" y="${_n(y)}" width="${_n(x1 - x0)}" height="${_n(per * 0.8)}"><title>${
      _esc(
        `delta ${d.file}: ${formatInstant(d.start)} .. ${formatInstant(d.end)}, ${
          count(d.rows)
        } rows, ${byteSize(d.bytes)}`,
      )
    }</title></rect>`;
  });
}

/** Many deltas as one bar over their whole time range: count, rows, bytes, and how many are read. */
function _deltaGroupSvg(
  deltas: readonly DeltaReport[],
  top: number,
  height: number,
  x: (t: number) => number,
  limit: number,
  read: _Read,
): string {
  const start = Math.min(...deltas.map((d) => d.start));
  const end = Math.max(...deltas.map((d) => d.end));
  const rows = deltas.reduce((n, d) => n + d.rows, 0);
  const bytes = deltas.reduce((n, d) => n + d.bytes, 0);
  const opened = deltas.filter((d) => read.files.has(d.file)).length;
  const x0 = x(start);
  const x1 = Math.max(x(Math.min(end + 1, limit)) - 1, x0 + 2);
  const title = `${deltas.length} deltas, ${count(rows)} rows, ${byteSize(bytes)}: ${
    formatInstant(start)
  } .. ${formatInstant(end)}${opened > 0 ? `; the plan reads ${opened} of them` : ""}`;
  const bar = Math.max(2, height * 0.8);
  const text = `${deltas.length} deltas, ${count(rows)} rows, ${byteSize(bytes)}`;
  const label = x1 - x0 > text.length * 5.2 + 6 && bar >= 4
    ? `<text class="label" x="${_n(x1 - 3)}" y="${_n(top + bar - 1)}" text-anchor="end">${
      _esc(text)
    }</text>`
    : "";
  return `<rect class="deltas${opened > 0 ? " read" : ""}" data-deltas="${deltas.length}" x="${
    _n(x0)
  }" y="${_n(top)}" width="${_n(x1 - x0)}" height="${_n(bar)}"><title>${
    _esc(title)
  }</title></rect>${label}`;
}

function _readMark(read: _Read, file: string): string {
  return read.files.has(file) ? " read" : "";
}

function _segmentTitle(p: _Placed): string {
  const s = p.segment;
  const end = s.end === null ? "open" : formatInstant(s.end);
  const base = s.base
    ? `base ${s.base.file} (${count(s.base.rows)} rows, ${byteSize(s.base.bytes)})`
    : "no base";
  const rows = s.deltas.reduce((n, d) => n + d.rows, 0);
  const bytes = s.deltas.reduce((n, d) => n + d.bytes, 0);
  return `${p.path}: ${formatInstant(s.start)} .. ${end}; ${base}; ${s.deltas.length} deltas (${
    count(rows)
  } rows, ${byteSize(bytes)})`;
}

function _n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function _esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
