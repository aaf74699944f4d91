/**
 * The segment policy a table's existing segment tree follows, for tables that record none (tables
 * written by other tools, such as the upstream `financials` sample with years split into quarters):
 * compaction keeps that layout instead of flattening it into the default.
 *
 * @module
 */

import { parsePeriod, parsePolicy, type Period, periodOf } from "./policy.ts";
import type { Segment, Snapshot } from "./snapshot.ts";

const _CANDIDATES = ["P1Y", "P6M", "P3M", "P1M", "P1D"].map(parsePeriod);

/**
 * Infers the segment policy of a segment tree: per depth, the longest calendar period (of P1Y, P6M,
 * P3M, P1M, P1D) that every segment of that depth starts on, ends on (when closed: the end of that
 * period or of a later one) and does not overlap the next sibling's start. Depths that fit no period (and those below) are left out.
 *
 * @param segments The top-level segments.
 * @returns The periods, outermost first, or `undefined` when the top level fits none (or is empty).
 *
 * @example Years split into quarters
 * ```ts
 * import { inferSegmentPolicy } from "./layout_policy.ts";
 * import assert from "node:assert/strict";
 * const q = (m: number) => ({
 *   id: `q${m}`, start: Date.UTC(2020, m, 1), end: Date.UTC(2020, m + 3, 1) - 1, deltas: [], children: [],
 * });
 * const year = { id: "2020", start: Date.UTC(2020, 0, 1), deltas: [], children: [q(0), q(3), q(6), q(9)] };
 * assert.deepEqual(inferSegmentPolicy([year]), ["P1Y", "P3M"]);
 * ```
 */
export function inferSegmentPolicy(segments: readonly Segment[]): string[] | undefined {
  const out: Period[] = [];
  let level: Segment[][] = [[...segments]];
  while (out.length < 4 && level.some((siblings) => siblings.length > 0)) {
    const outer = out.at(-1);
    const fit = _CANDIDATES.find((p) => _finer(p, outer) && level.every((s) => _fits(p, s)));
    if (fit === undefined) break;
    out.push(fit);
    level = level.flatMap((siblings) => siblings.map((s) => [...s.children]));
  }
  return out.length === 0 ? undefined : out.map((p) => p.text);
}

function _finer(period: Period, outer: Period | undefined): boolean {
  if (outer === undefined) return true;
  if (period === outer) return false;
  try {
    parsePolicy([outer.text, period.text]);
    return true;
  } catch {
    return false;
  }
}

function _fits(period: Period, siblings: readonly Segment[]): boolean {
  const sorted = siblings.toSorted((a, b) => a.start - b.start);
  return sorted.every((s, i) => {
    const p = periodOf(period, s.start);
    if (p.start !== s.start) return false;
    const next = sorted[i + 1];
    // A closed segment may reach over whole periods after its own (compaction extends one over
    // periods without rows): it must end where a period ends, before the next one starts.
    if (s.end !== undefined) {
      return periodOf(period, s.end).end === s.end && (next === undefined || next.start > s.end);
    }
    return next === undefined || next.start > p.end;
  });
}

/**
 * A snapshot's `"policy"` field as compaction reads it: as stored when it names `segment`; else with
 * `segment` inferred from the segment tree ({@linkcode inferSegmentPolicy}), so that compaction keeps
 * the layout a table has unless asked for another.
 *
 * @param snapshot The snapshot.
 * @returns The field (any JSON value, as `readCompactionPolicy` takes it).
 */
export function storedOrInferredPolicy(snapshot: Snapshot): unknown {
  const stored = snapshot.extra.policy;
  const json = typeof stored === "object" && stored !== null
    ? stored as Record<string, unknown>
    : {};
  if (Array.isArray(json.segment)) return stored;
  const segment = inferSegmentPolicy(snapshot.segments);
  return segment === undefined ? stored : { ...json, segment };
}
