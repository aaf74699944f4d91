/**
 * A picture of a table's layout: the segments of an inspect report on an event-time axis, one band
 * per level of the tree, with base and delta files drawn inside each segment. The SVG is
 * self-contained (no fonts, scripts or links); hovering an element shows its details.
 *
 * @module
 */

import type { DeltaReport, SegmentReport, TableReport } from "./inspect.ts";
import { formatInstant } from "./time.ts";

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
  .label { font-size: 9px; paint-order: stroke; stroke: #ffffff; stroke-width: 2.5px; }
`;

interface _Placed {
  readonly segment: SegmentReport;
  readonly path: string;
  readonly lane: number;
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
 * import { inspectTable } from "./inspect.ts";
 * import { renderSvg } from "./inspect_svg.ts";
 * import { openTable } from "./table.ts";
 * import assert from "node:assert/strict";
 * const svg = renderSvg(await inspectTable(openTable("testdata", "prices")));
 * assert.ok(svg.startsWith("<svg "));
 * ```
 */
export function renderSvg(report: TableReport, options: SvgOptions = {}): string {
  const width = options.width ?? 1400;
  const levels = _placeLevels(report.segments);
  const domain = _domain(report);
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
      body.push(_segmentSvg(p, y + 4 + p.lane * laneHeight, laneHeight - 2, x, domain.to));
    }
    y += height + 6;
  }
  if (levels.length === 0) {
    body.push(`<text class="note" x="${_LEFT}" y="${y + 20}">(no segments)</text>`);
    y += 32;
  }
  const axis = _axis(domain.from, domain.to, x, bandsTop, y);
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
  ];
  let lx = Math.max(8, width - 640);
  const items = legend.map(([shape, label]) => {
    const item =
      `<g transform="translate(${lx},62)">${shape}<text class="note" x="28" y="0">${label}</text></g>`;
    lx += 34 + label!.length * 6;
    return item;
  });
  return [
    `<text class="title" x="8" y="22">${
      _esc(`${report.table} · snapshot ${report.snapshot}`)
    }</text>`,
    `<text class="note" x="8" y="40">${
      _esc(`${_count(t.files)} files, ${_count(t.rows)} rows, ${_bytes(t.bytes)} · ${opened}`)
    }</text>`,
    ...items,
  ];
}

/** Segments per depth, each in the first lane where it overlaps nothing placed before it. */
function _placeLevels(segments: readonly SegmentReport[]): _Placed[][] {
  const byDepth: { segment: SegmentReport; path: string }[][] = [];
  const visit = (s: SegmentReport, depth: number, parent: string) => {
    const path = parent === "" ? s.id : `${parent}/${s.id}`;
    (byDepth[depth] ??= []).push({ segment: s, path });
    s.children.forEach((c) => visit(c, depth + 1, path));
  };
  segments.forEach((s) => visit(s, 0, ""));
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
): string {
  const s = p.segment;
  const x0 = x(s.start);
  const x1 = s.end === null ? x(right) : Math.max(x(s.end + 1), x0 + 1);
  const w = x1 - x0;
  const out = [
    `<g class="segment" data-segment="${_esc(p.path)}">`,
    `<title>${_esc(_segmentTitle(p))}</title>`,
    `<rect class="seg${s.end === null ? " open" : ""}" x="${_n(x0)}" y="${top}" width="${
      _n(w)
    }" height="${height}"/>`,
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
      `<rect class="base" data-file="${_esc(s.base.file)}" x="${_n(x0)}" y="${
        _n(top + 1)
      }" width="${_n(w)}" height="${_n(Math.max(1.5, height * 0.25))}"><title>${
        _esc(`base ${s.base.file}: ${s.base.rows} rows, ${_bytes(s.base.bytes)}`)
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
): string[] {
  const per = Math.max(1.5, Math.min(5, height / Math.max(1, deltas.length)));
  const rows = Math.max(1, Math.floor(height / per));
  return deltas.map((d, i) => {
    const x0 = x(d.start);
    const x1 = Math.max(x(Math.min(d.end + 1, limit)) - 1, x0 + 2);
    const y = top + (i % rows) * per;
    return `<rect class="delta" data-file="${_esc(d.file)}" x="${_n(x0)}" y="${_n(y)}" width="${
      _n(x1 - x0)
    }" height="${_n(per * 0.8)}"><title>${
      _esc(
        `delta ${d.file}: ${formatInstant(d.start)} .. ${formatInstant(d.end)}, ${d.rows} rows, ${
          _bytes(d.bytes)
        }`,
      )
    }</title></rect>`;
  });
}

function _segmentTitle(p: _Placed): string {
  const s = p.segment;
  const end = s.end === null ? "open" : formatInstant(s.end);
  const base = s.base ? `base ${s.base.file}` : "no base";
  return `${p.path}: ${formatInstant(s.start)} .. ${end}; ${base}; ${s.deltas.length} deltas`;
}

/** Vertical grid lines and date labels at round instants, at least ~90 px apart. */
function _axis(
  from: number,
  to: number,
  x: (t: number) => number,
  top: number,
  bottom: number,
): { grid: string[]; labels: string[] } {
  const pxPerMs = (x(to) - x(from)) / (to - from);
  const step = _STEPS.find((s) => s.approx * pxPerMs >= 90) ?? _STEPS.at(-1)!;
  const grid: string[] = [];
  const labels = [
    `<line class="axis" x1="${_LEFT}" y1="${bottom}" x2="${_n(x(to))}" y2="${bottom}"/>`,
  ];
  for (let t = step.floor(from); t <= to; t = step.next(t)) {
    if (t < from) continue;
    const tx = _n(x(t));
    grid.push(`<line class="grid" x1="${tx}" y1="${top}" x2="${tx}" y2="${bottom}"/>`);
    labels.push(
      `<line class="axis" x1="${tx}" y1="${bottom}" x2="${tx}" y2="${bottom + 5}"/>`,
      `<text class="tick" x="${tx}" y="${bottom + 18}" text-anchor="middle">${
        step.label(t)
      }</text>`,
    );
  }
  return { grid, labels };
}

interface _Step {
  readonly approx: number;
  floor(t: number): number;
  next(t: number): number;
  label(t: number): string;
}

function _calendar(months: number): _Step {
  const label = months >= 12
    ? (t: number) => formatInstant(t).slice(0, 4)
    : (t: number) => formatInstant(t).slice(0, 7);
  return {
    approx: months * 30.44 * 86_400_000,
    floor: (t) => {
      const d = new Date(t);
      const index = d.getUTCFullYear() * 12 + d.getUTCMonth();
      const start = index - (((index % months) + months) % months);
      return Date.UTC(Math.floor(start / 12), start % 12, 1);
    },
    next: (t) => {
      const d = new Date(t);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
    },
    label,
  };
}

function _fixed(ms: number, label: (t: number) => string): _Step {
  return {
    approx: ms,
    floor: (t) => Math.floor(t / ms) * ms,
    next: (t) => t + ms,
    label,
  };
}

const _DAY = 86_400_000;
const _STEPS: readonly _Step[] = [
  ...[1, 10, 100].map((ms) => _fixed(ms, (t) => formatInstant(t).slice(17, 23))),
  ...[1000, 10_000, 60_000, 600_000].map((ms) => _fixed(ms, (t) => formatInstant(t).slice(11, 19))),
  ...[3_600_000, 6 * 3_600_000].map((ms) => _fixed(ms, (t) => formatInstant(t).slice(5, 16))),
  _fixed(_DAY, (t) => formatInstant(t).slice(0, 10)),
  _fixed(7 * _DAY, (t) => formatInstant(t).slice(0, 10)),
  ...[1, 3, 6, 12, 24, 60, 120, 240, 600, 1200].map(_calendar),
];

function _count(n: number): string {
  return n.toLocaleString("en-US");
}

function _n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function _bytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function _esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
