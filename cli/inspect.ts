/**
 * `azof inspect`: the segment layout of a table, for people (an indented tree) or scripts (JSON).
 *
 * @module
 */

import { inspectTable, type SegmentReport, type TableReport } from "../lib/inspect.ts";
import { TextBuffer } from "../lib/output/sink.ts";
import { formatInstant } from "../lib/time.ts";
import type { Context } from "./context.ts";
import { byteSize, count } from "./progress.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import { choiceFlag, instantFlag, integerFlag, parseFlags } from "./usage.ts";

/** The flags `azof inspect` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  "as-of": { type: "string" },
  current: { type: "boolean" },
  version: { type: "string" },
  format: { type: "string", short: "f" },
} as const;

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
  const version = integerFlag(values.version, "--version", 1);
  const format = choiceFlag(values.format, "--format", ["text", "json"] as const) ?? "text";
  const report = await inspectTable(table, {
    version,
    plan: asOf ?? (values.current ? "current" : undefined),
  });
  const out = new TextBuffer(context.stdout);
  out.append(format === "json" ? _json(report) : renderText(report));
  await out.flush();
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
  return JSON.stringify(
    {
      table: report.table,
      location: report.location,
      snapshot: report.snapshot,
      latestSnapshot: report.latestSnapshot,
      schema: report.schema,
      totals: report.totals,
      segments: report.segments.map(segment),
      ...(plan ? { plan } : {}),
    },
    null,
    2,
  ) + "\n";
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
