/**
 * The late-data diff summarised over a range of event time: per calendar period, how many answers
 * (as of the period's last instant) changed between two snapshots, as a text table, JSON or an SVG
 * bar chart, so that a user sees at a glance which past periods a backfill rewrote.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { type Period, periodOf } from "../format/policy.ts";
import type { Table } from "../format/table.ts";
import { formatInstant } from "../format/time.ts";
import { count } from "../output/units.ts";
import { type DiffCounts, diffRows, snapshotPair } from "../read/diff.ts";

/** The changed answers of one period. */
export interface DiffPeriod extends DiffCounts {
  /** The period's id (`2024-03`). */
  readonly id: string;
  /** Its first instant (ms). */
  readonly start: number;
  /** The instant whose answers were compared: the period's last, or the range's end. */
  readonly asOf: number;
  /** `insert + update + delete`. */
  readonly changed: number;
}

/** Options of {@linkcode diffSummary}. */
export interface DiffSummaryOptions {
  /** The older snapshot. */
  readonly fromSnapshot: number;
  /** The newer snapshot; the current one when omitted. */
  readonly toSnapshot?: number | undefined;
  /** The range's first instant (ms). */
  readonly from: number;
  /** The range's last instant (ms), inclusive. */
  readonly to: number;
  /** The period length. */
  readonly every: Period;
}

/** The most periods one summary covers. */
export const DIFF_MAX_PERIODS = 1000;

/**
 * Counts, per period of the range, the keys whose answer as of the period's last instant (the
 * range's end for the last period) differs between the snapshots.
 *
 * @param table The table.
 * @param options The snapshots, the range and the period.
 * @returns One entry per period, oldest first.
 * @throws {AzofError} `InputInvalid` when the range ends before it starts or spans more than
 *   {@linkcode DIFF_MAX_PERIODS} periods.
 *
 * @example Which months a late batch changed
 * ```ts
 * import { appendRows, createTable, diffSummary, MemoryStore, parsePeriod } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = await createTable(new MemoryStore(), "t", {
 *   columns: [{ name: "v", type: "Int", nullable: false }],
 * });
 * await appendRows(table, [{ key: "a", event_time: "2024-01-10", v: 1n }]);
 * await appendRows(table, [{ key: "a", event_time: "2024-02-10", v: 2n }]);
 * const periods = await diffSummary(table, {
 *   fromSnapshot: 2,
 *   from: Date.UTC(2024, 0, 1),
 *   to: Date.UTC(2024, 2, 31),
 *   every: parsePeriod("P1M"),
 * });
 * assert.deepEqual(periods.map((p) => [p.id, p.changed]), [["2024-01", 0], ["2024-02", 1], ["2024-03", 1]]);
 * ```
 */
export async function diffSummary(
  table: Table,
  options: DiffSummaryOptions,
): Promise<DiffPeriod[]> {
  if (options.to < options.from) {
    throw new AzofError(
      "InputInvalid",
      `Cannot summarise the diff: the range ends before it starts`,
    );
  }
  const { older, newer } = await snapshotPair(table, options.fromSnapshot, options.toSnapshot);
  const out: DiffPeriod[] = [];
  for (let p = periodOf(options.every, options.from); p.start <= options.to;) {
    if (out.length === DIFF_MAX_PERIODS) {
      throw new AzofError(
        "InputInvalid",
        `Cannot summarise the diff: the range spans more than ${DIFF_MAX_PERIODS} periods of ${options.every.text}`,
      );
    }
    const asOf = Math.min(p.end, options.to);
    const counts = { insert: 0, update: 0, delete: 0 };
    for await (const rows of diffRows(table, older, newer, asOf)) {
      for (const row of rows) counts[row.change]++;
    }
    out.push({
      id: p.id,
      start: p.start,
      asOf,
      ...counts,
      changed: counts.insert + counts.update + counts.delete,
    });
    p = periodOf(options.every, p.end + 1);
  }
  return out;
}

/**
 * The summary as an aligned text table with a bar per period.
 *
 * @param periods The summary.
 * @returns The text, one line per period after a header.
 */
export function diffSummaryText(periods: readonly DiffPeriod[]): string {
  const most = Math.max(1, ...periods.map((p) => p.changed));
  const rows = [
    ["period", "as_of", "changed", "insert", "update", "delete", ""],
    ...periods.map((p) => [
      p.id,
      formatInstant(p.asOf),
      count(p.changed),
      count(p.insert),
      count(p.update),
      count(p.delete),
      "#".repeat(Math.ceil((p.changed / most) * 40)),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r.map((cell, c) => c >= 2 && c <= 5 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))
      .join("  ").trimEnd()
  ).join("\n") + "\n";
}

/**
 * The summary as JSON: `{ "periods": [{ id, start, as_of, changed, insert, update, delete }] }`.
 *
 * @param periods The summary.
 * @returns The JSON text, ending with a newline.
 */
export function diffSummaryJson(periods: readonly DiffPeriod[]): string {
  const json = periods.map((p) => ({
    id: p.id,
    start: formatInstant(p.start),
    as_of: formatInstant(p.asOf),
    changed: p.changed,
    insert: p.insert,
    update: p.update,
    delete: p.delete,
  }));
  return JSON.stringify({ periods: json }, null, 2) + "\n";
}

/**
 * The summary as a self-contained SVG bar chart: one bar per period, stacked by kind of change.
 *
 * @param periods The summary.
 * @param title The chart's title.
 * @returns The SVG document.
 */
export function diffSummarySvg(periods: readonly DiffPeriod[], title: string): string {
  const bar = 28;
  const gap = 8;
  const height = 220;
  const left = 60;
  const top = 40;
  const width = left + periods.length * (bar + gap) + 20;
  const most = Math.max(1, ...periods.map((p) => p.changed));
  const y = (n: number) => (n / most) * height;
  const colours = { insert: "#2e7d32", update: "#f9a825", delete: "#c62828" } as const;
  const bars = periods.map((p, i) => {
    const x = left + i * (bar + gap);
    let base = top + height;
    const parts = (["insert", "update", "delete"] as const).map((kind) => {
      const h = y(p[kind]);
      base -= h;
      return h === 0
        ? ""
        : `<rect x="${x}" y="${base.toFixed(1)}" width="${bar}" height="${h.toFixed(1)}" fill="${
          colours[kind]
        }"><title>${_escape(p.id)}: ${p[kind]} ${kind}</title></rect>`;
    }).join("");
    const label = `<text x="${x + bar / 2}" y="${top + height + 14}" font-size="10" ` +
      `text-anchor="end" transform="rotate(-45 ${x + bar / 2} ${top + height + 14})">${
        _escape(p.id)
      }</text>`;
    const total =
      `<text x="${x + bar / 2}" y="${top + height - y(p.changed) - 4}" font-size="10" ` +
      `text-anchor="middle">${p.changed}</text>`;
    return parts + label + total;
  }).join("\n");
  const legend = (["insert", "update", "delete"] as const).map((kind, i) =>
    `<rect x="${left + i * 80}" y="${top - 22}" width="10" height="10" fill="${colours[kind]}"/>` +
    `<text x="${left + i * 80 + 14}" y="${top - 13}" font-size="11">${kind}</text>`
  ).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${
    top + height + 70
  }" font-family="sans-serif">
<text x="${left}" y="14" font-size="13">${_escape(title)}</text>
${legend}
<line x1="${left - 4}" y1="${top + height}" x2="${width - 10}" y2="${top + height}" stroke="#555"/>
<text x="${left - 8}" y="${top + 4}" font-size="10" text-anchor="end">${most}</text>
<text x="${left - 8}" y="${top + height}" font-size="10" text-anchor="end">0</text>
${bars}
</svg>
`;
}

function _escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
