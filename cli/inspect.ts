/**
 * `azof inspect`: the segment layout of a table, for people (an indented tree with layout statistics,
 * or an SVG picture) or scripts (JSON).
 *
 * @module
 */

import { inspectTable, type SegmentReport, type TableReport } from "../lib/inspect/inspect.ts";
import type { LayoutStats } from "../lib/inspect/stats.ts";
import { renderSvg } from "../lib/inspect/svg.ts";
import { TextBuffer } from "../lib/output/sink.ts";
import { formatInstant } from "../lib/format/time.ts";
import type { Context } from "./context.ts";
import { jsonAnswer } from "./json_output.ts";
import { openOutput } from "./output_target.ts";
import { byteSize, count } from "../lib/output/units.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import {
  choiceFlag,
  instantFlag,
  parseFlags,
  SNAPSHOT_OPTIONS,
  snapshotFlag,
  withFlagValues,
} from "./usage.ts";

/** The flags `azof inspect` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  "as-of": { type: "string" },
  current: { type: "boolean" },
  ...SNAPSHOT_OPTIONS,
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
} as const;

const _FORMATS = ["text", "json", "svg"] as const;

/**
 * Runs `azof inspect`.
 *
 * @param args Arguments after `inspect`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("inspect", args, OPTIONS);
  const table = await tableFromFlags(values, "inspect");
  const asOf = instantFlag(values["as-of"], "--as-of");
  const version = snapshotFlag(values);
  const output = values.output;
  const byExtension = _FORMATS.find((f) => f !== "text" && output?.toLowerCase().endsWith(`.${f}`));
  const format = choiceFlag(values.format, "--format", _FORMATS) ?? byExtension ?? "text";
  const report = await withFlagValues(() =>
    inspectTable(table, { version, plan: asOf ?? (values.current ? "current" : undefined) })
  );
  const text = format === "json"
    ? _json(report)
    : format === "svg"
    ? renderSvg(report)
    : renderText(report);
  const target = await openOutput(output, context);
  try {
    const out = new TextBuffer(target.sink);
    out.append(text);
    await out.flush();
    await target.commit();
  } catch (error) {
    await target.abandon();
    throw error;
  }
}

function _json(report: TableReport): string {
  const instant = (ms: number | null) => ms === null ? null : formatInstant(ms);
  const segment = (s: SegmentReport): unknown => ({
    id: s.id,
    start: instant(s.start),
    end: instant(s.end),
    base: s.base,
    deltas: s.deltas.map((d) => ({ ...d, start: instant(d.start), end: instant(d.end) })),
    segments: s.children.map(segment),
  });
  const plan = report.plan && {
    asOf: report.plan.asOf === null ? "current" : instant(report.plan.asOf),
    files: report.plan.files,
  };
  return jsonAnswer(
    {
      table: report.table,
      location: report.location,
      snapshot: report.snapshot,
      latestSnapshot: report.latestSnapshot,
      schema: report.schema,
      totals: report.totals,
      stats: _statsJson(report.stats),
      segments: report.segments.map(segment),
      ...(plan ? { plan } : {}),
    },
  );
}

function _statsJson(stats: LayoutStats): unknown {
  const r = stats.reads;
  return {
    levels: stats.levels,
    deltasPerSegment: stats.deltasPerSegment,
    reads: {
      span: r.span && { start: formatInstant(r.span.start), end: formatInstant(r.span.end) },
      worst: r.worst && { files: r.worst.files, at: formatInstant(r.worst.at) },
      typical: r.typical,
      mean: r.mean,
      current: r.current,
      pieces: r.pieces.length,
    },
  };
}

/**
 * Renders a report as an indented tree for people.
 *
 * @param report The report.
 * @returns The text, ending with a newline.
 */
export function renderText(report: TableReport): string {
  const lines: string[] = [];
  const latest = report.snapshot === report.latestSnapshot
    ? "latest"
    : `latest is ${report.latestSnapshot}`;
  lines.push(`table ${report.table} at ${report.location}`);
  lines.push(`snapshot ${report.snapshot} (${latest})`);
  lines.push(
    `schema: key String, event_time DateTime${
      report.schema.map((c) => `, ${c.name} ${c.type}${c.nullable ? "?" : ""}`).join("")
    }`,
  );
  const t = report.totals;
  lines.push(`files: ${count(t.files)} · rows: ${count(t.rows)} · size: ${byteSize(t.bytes)}`);
  _statsLines(report.stats, lines);
  lines.push("segments:");
  if (report.segments.length === 0) lines.push("  (none)");
  for (const s of report.segments) _segmentLines(s, "  ", lines);
  if (report.plan) {
    const plan = report.plan;
    const at = plan.asOf === null ? "the current state" : formatInstant(plan.asOf);
    lines.push(
      `reading as of ${at} opens ${plan.files.length} ${
        plan.files.length === 1 ? "file" : "files"
      }, in order:`,
    );
    plan.files.forEach((f, i) => lines.push(`  ${i + 1}. ${f.file} (${f.reason})`));
  }
  return lines.join("\n") + "\n";
}

function _statsLines(stats: LayoutStats, lines: string[]): void {
  const r = stats.reads;
  if (r.span === null || r.worst === null) return;
  lines.push(
    `files an as-of read opens, ${formatInstant(r.span.start)} .. ${
      formatInstant(r.span.end - 1)
    }: worst ${r.worst.files} (first at ${
      formatInstant(r.worst.at)
    }), typical (median) ${r.typical}, mean ${r.mean.toFixed(2)}; current read ${r.current}`,
  );
  const d = stats.deltasPerSegment;
  lines.push(`deltas per segment: max ${d.max}, mean ${d.mean.toFixed(2)}`);
  lines.push(
    "level  segments  open  bases  base size  deltas  delta size  deltas/segment max   mean",
  );
  for (const l of stats.levels) {
    lines.push(
      [
        String(l.level).padEnd(5),
        count(l.segments).padStart(8),
        count(l.open).padStart(4),
        count(l.bases.files).padStart(5),
        byteSize(l.bases.bytes).padStart(9),
        count(l.deltas.files).padStart(6),
        byteSize(l.deltas.bytes).padStart(10),
        String(l.deltasPerSegment.max).padStart(18),
        l.deltasPerSegment.mean.toFixed(2).padStart(5),
      ].join("  "),
    );
  }
}

function _segmentLines(s: SegmentReport, indent: string, lines: string[]): void {
  const end = s.end === null ? "open" : formatInstant(s.end);
  lines.push(`${indent}${s.id}  ${formatInstant(s.start)} .. ${end}`);
  const inner = indent + "  ";
  if (s.base) {
    lines.push(
      `${inner}base   ${s.base.file}  ${count(s.base.rows)} rows  ${byteSize(s.base.bytes)}`,
    );
  }
  for (const d of s.deltas) {
    lines.push(
      `${inner}delta  ${d.file}  ${formatInstant(d.start)} .. ${formatInstant(d.end)}  ${
        count(d.rows)
      } rows  ${byteSize(d.bytes)}`,
    );
  }
  for (const c of s.children) _segmentLines(c, inner, lines);
}
