/**
 * Segment layout policies: the calendar periods a table's segments cover, level by level, written as
 * ISO 8601 durations (`P1Y` yearly segments, `P1Y,P3M` yearly segments with quarterly children).
 *
 * @module
 */

import { AzofError } from "../errors.ts";

/** One level of a policy: a calendar period of `count` years, months or days, aligned to the epoch. */
export interface Period {
  /** The duration as written (`P3M`). */
  readonly text: string;
  /** The calendar unit. */
  readonly unit: "Y" | "M" | "D";
  /** How many units one period spans (at least 1). */
  readonly count: number;
}

/** The default policy of tables created without one, and of tables that record none: yearly. */
export const DEFAULT_POLICY: readonly string[] = ["P1Y"];

/**
 * Parses an ISO 8601 duration of one calendar unit: `PnY`, `PnM` or `PnD`.
 *
 * @param text The duration, such as `P1Y` or `P3M`.
 * @returns The period.
 * @throws {AzofError} `InputInvalid` for any other form.
 *
 * @example Parse a quarter
 * ```ts
 * import { parsePeriod } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parsePeriod("P3M"), { text: "P3M", unit: "M", count: 3 });
 * ```
 */
export function parsePeriod(text: string): Period {
  const m = /^P([1-9]\d{0,3})([YMD])$/.exec(text);
  if (!m) {
    throw new AzofError(
      "InputInvalid",
      `Invalid segment period "${text}": expected an ISO 8601 duration of years, months or days such as P1Y, P3M, P1M or P1D`,
    );
  }
  return { text, unit: m[2] as Period["unit"], count: Number(m[1]) };
}

/**
 * Parses a policy: one period per level, each level refining the one before (`P1Y,P3M`).
 *
 * @param levels The periods, outermost first.
 * @returns The parsed periods.
 * @throws {AzofError} `InputInvalid` when a period is malformed or a level does not refine its parent.
 *
 * @example A yearly policy with quarterly children
 * ```ts
 * import { parsePolicy } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parsePolicy(["P1Y", "P3M"]).length, 2);
 * ```
 */
export function parsePolicy(levels: readonly string[]): Period[] {
  if (levels.length === 0 || levels.length > 4) {
    throw new AzofError("InputInvalid", `Invalid segment policy: expected 1 to 4 periods`);
  }
  const periods = levels.map(parsePeriod);
  for (let i = 1; i < periods.length; i++) {
    const outer = periods[i - 1]!;
    const inner = periods[i]!;
    if (!_divides(inner, outer)) {
      throw new AzofError(
        "InputInvalid",
        `Invalid segment policy ${
          levels.join(",")
        }: ${inner.text} does not divide ${outer.text} into whole periods`,
      );
    }
  }
  return periods;
}

function _divides(inner: Period, outer: Period): boolean {
  const months = (p: Period) => p.unit === "Y" ? p.count * 12 : p.count;
  if (outer.unit === "D") return inner.unit === "D" && outer.count % inner.count === 0;
  if (inner.unit === "D") return inner.count === 1;
  return months(outer) % months(inner) === 0;
}

/**
 * The period containing an instant: its first and last millisecond, and a segment id naming it
 * (`2019` for a year, `2019-04` for a month or quarter, `2019-04-01` for a day).
 *
 * @param period The period.
 * @param t The instant (ms since the epoch).
 * @returns `{ start, end, id }` with `end` inclusive.
 *
 * @example The quarter of a date
 * ```ts
 * import { parsePeriod, periodOf } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const q = periodOf(parsePeriod("P3M"), Date.UTC(2019, 4, 17));
 * assert.equal(q.id, "2019-04");
 * assert.equal(q.start, Date.UTC(2019, 3, 1));
 * assert.equal(q.end, Date.UTC(2019, 6, 1) - 1);
 * ```
 */
export function periodOf(
  period: Period,
  t: number,
): { start: number; end: number; id: string } {
  const date = new Date(t);
  if (period.unit === "D") {
    const day = Math.floor(t / 86_400_000);
    const first = day - _mod(day, period.count);
    const start = first * 86_400_000;
    return { start, end: start + period.count * 86_400_000 - 1, id: _iso(start).slice(0, 10) };
  }
  const months = period.unit === "Y" ? period.count * 12 : period.count;
  const index = date.getUTCFullYear() * 12 + date.getUTCMonth();
  const first = index - _mod(index, months);
  const start = _monthStart(first);
  const end = _monthStart(first + months) - 1;
  return { start, end, id: _iso(start).slice(0, period.unit === "Y" ? 4 : 7) };
}

function _monthStart(index: number): number {
  const date = new Date(0);
  date.setUTCFullYear(Math.floor(index / 12), _mod(index, 12), 1);
  date.setUTCHours(0, 0, 0, 0);
  return date.getTime();
}

function _iso(ms: number): string {
  return new Date(ms).toISOString();
}

function _mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
