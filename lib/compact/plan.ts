/**
 * Compaction planning, as data and without I/O: which top-level periods of a table compaction
 * rewrites (and why), which it keeps, and which files the new layout stops naming. See docs/SPEC.md
 * "Compaction" for the layout compaction writes.
 *
 * @module
 */

import { walkSegments } from "../format/segments.ts";
import type { CompactionPolicy } from "../format/compact_policy.ts";
import { minusPeriod } from "../format/compact_policy.ts";
import { parsePeriod, parsePolicy, type Period, periodOf } from "../format/policy.ts";
import type { Segment, Snapshot } from "../format/snapshot.ts";
import { formatInstant } from "../format/time.ts";

/** Options of {@linkcode planCompaction}. */
export interface CompactPlanOptions {
  /** Leave top-level periods before the one holding this instant untouched (overrides the horizon). */
  readonly since?: number | undefined;
  /** Rewrite periods even when they already have the policy's layout. */
  readonly force?: boolean | undefined;
}

/**
 * One span of the compacted region: a top-level period that may hold rows, with the periods after it
 * that cannot (docs/SPEC.md "Compaction", spans).
 */
export interface PlannedPeriod {
  /** The segment id compaction gives it (its first period's name, `2019`). */
  readonly id: string;
  /** First instant of the span. */
  readonly start: number;
  /** Last instant, inclusive; `undefined` for the newest span, which stays open. */
  readonly end?: number | undefined;
  /** Keep the existing segment as it is, or write the period anew. */
  readonly action: "keep" | "rewrite";
  /** Why, in words. */
  readonly reason: string;
  /** Files of the old layout that the period's new segment no longer names. */
  readonly remove: readonly string[];
  /** The files a rewrite writes, described (those that would hold no rows are skipped). */
  readonly write: readonly string[];
}

/** What a compaction will do: {@linkcode planCompaction}'s result. */
export interface CompactionPlan {
  /** The snapshot planned against. */
  readonly snapshot: number;
  /** The policy applied. */
  readonly policy: CompactionPolicy;
  /** First instant of the region compaction looks at; `null` when there is nothing to compact. */
  readonly regionStart: number | null;
  /** Top-level segments before the region, kept untouched. */
  readonly before: readonly Segment[];
  /** The old top-level segments of the region (replaced by the periods' segments). */
  readonly region: readonly Segment[];
  /** The region's spans in time order; the last one is open. */
  readonly periods: readonly PlannedPeriod[];
}

/**
 * Plans a compaction: the region from `since` (or the policy's horizon, else the table's first
 * period) on is divided into spans, one per top-level period that may hold rows (by the segment
 * tree: segment starts and delta ranges), each reaching to the next; a span whose only segment
 * already has the policy's layout, with at most `maxDeltas` deltas on any read path, is kept; the
 * others are rewritten.
 *
 * @param snapshot The snapshot to compact.
 * @param policy The compaction policy.
 * @param options `since` and `force`.
 * @returns The plan.
 *
 * @example A write-path table's open yearly segments are all rewritten
 * ```ts
 * import { parseSnapshot, planCompaction, readCompactionPolicy } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const snapshot = parseSnapshot(JSON.stringify({
 *   schema: { columns: [] },
 *   segments: [
 *     { id: "2019", start: "2019-01-01T00:00:00.000Z", delta: [{ file: "a.parquet", start: "2019-01-01T00:00:00.000Z", end: "2019-05-01T00:00:00.000Z" }] },
 *     { id: "2020", start: "2020-01-01T00:00:00.000Z", delta: [{ file: "b.parquet", start: "2020-01-01T00:00:00.000Z", end: "2020-02-01T00:00:00.000Z" }] },
 *   ],
 * }), 3);
 * const plan = planCompaction(snapshot, readCompactionPolicy({ segment: ["P1Y"] }));
 * assert.deepEqual(plan.periods.map((p) => [p.id, p.action, p.end === undefined]), [
 *   ["2019", "rewrite", false],
 *   ["2020", "rewrite", true],
 * ]);
 * ```
 */
export function planCompaction(
  snapshot: Snapshot,
  policy: CompactionPolicy,
  options: CompactPlanOptions = {},
): CompactionPlan {
  const levels = parsePolicy(policy.segment);
  const top = levels[0]!;
  const maxT = _maxInstant(snapshot.segments);
  const empty = { snapshot: snapshot.version, policy, before: snapshot.segments, region: [] };
  if (maxT === undefined) return { ...empty, regionStart: null, periods: [] };
  const start = _regionStart(snapshot.segments, top, maxT, policy, options.since);
  const before = snapshot.segments.filter((s) => s.start < start);
  const region = snapshot.segments.filter((s) => s.start >= start);
  if (region.length === 0) return { ...empty, regionStart: null, periods: [] };
  const periods: PlannedPeriod[] = [];
  const starts = _spanStarts(region, top, start, maxT);
  for (const [i, spanStart] of starts.entries()) {
    const next = starts[i + 1];
    const range = {
      id: periodOf(top, spanStart).id,
      start: spanStart,
      ...(next === undefined ? {} : { end: next - 1 }),
    };
    const first = before.length === 0 && periods.length === 0;
    periods.push(_period(range, region, levels, policy, options.force === true, first));
  }
  return { snapshot: snapshot.version, policy, regionStart: start, before, region, periods };
}

function _period(
  range: { id: string; start: number; end?: number },
  region: readonly Segment[],
  levels: readonly Period[],
  policy: CompactionPolicy,
  force: boolean,
  first: boolean,
): PlannedPeriod {
  const end = range.end ?? Infinity;
  const overlapping = region.filter((s) => s.start <= end && (s.end ?? Infinity) >= range.start);
  const owned = region.filter((s) => s.start >= range.start && s.start <= end);
  const remove = owned.flatMap(_segmentFiles);
  const verdict = force ? "--force" : _verdict(overlapping, range, levels, policy.maxDeltas, first);
  if (verdict === undefined) {
    return {
      ...range,
      action: "keep",
      reason: "already in the policy's layout",
      remove: [],
      write: [],
    };
  }
  return { ...range, action: "rewrite", reason: verdict, remove, write: _writes(range, levels) };
}

/** Why a period must be rewritten, or `undefined` when its segment can stay. */
function _verdict(
  overlapping: readonly Segment[],
  range: { id: string; start: number; end?: number },
  levels: readonly Period[],
  maxDeltas: number,
  first: boolean,
): string | undefined {
  if (overlapping.length === 0) return "no segment covers it yet";
  if (overlapping.length > 1) return `${overlapping.length} segments overlap it`;
  const s = overlapping[0]!;
  if (s.start !== range.start) {
    return `segment ${s.id} (from ${formatInstant(s.start)}) reaches into it`;
  }
  if (s.end !== range.end) {
    return s.end === undefined
      ? "open segment of a finished period"
      : "range differs from the period";
  }
  if (s.base === undefined && !first) return "no base, after an earlier segment";
  if (range.end === undefined && levels.length === 1) {
    if (s.children.length > 0) return "open segment with child segments";
    if (s.deltas.length > maxDeltas) {
      return `${s.deltas.length} deltas, more than max_deltas ${maxDeltas}`;
    }
    return undefined;
  }
  if (range.end === undefined && s.children.length === 0 && s.deltas.length > 0) {
    return "open segment without child segments";
  }
  if (!_shaped(s, levels, 0)) return "layout differs from the policy";
  const deltas = _maxPathDeltas(s);
  return deltas > maxDeltas
    ? `${deltas} deltas on a read path, more than max_deltas ${maxDeltas}`
    : undefined;
}

/**
 * Whether a segment's children follow the policy's next level: each starts on a sub-period, closed
 * ones end where a sub-period ends, before the next child and within the parent; only the last
 * child of an open segment may be open (recursively).
 */
function _shaped(s: Segment, levels: readonly Period[], level: number): boolean {
  if (level === levels.length - 1) return s.children.length === 0;
  const sub = levels[level + 1]!;
  for (const [i, c] of s.children.entries()) {
    const next = s.children[i + 1];
    if (c.start !== periodOf(sub, c.start).start || c.start < s.start) return false;
    if (c.end === undefined) {
      if (next !== undefined || s.end !== undefined) return false;
    } else {
      if (periodOf(sub, c.end).end !== c.end || c.end > (s.end ?? Infinity)) return false;
      if (next !== undefined && next.start <= c.end) return false;
    }
    if (!_shaped(c, levels, level + 1)) return false;
  }
  return true;
}

function _maxPathDeltas(s: Segment): number {
  return s.deltas.length + Math.max(0, ...s.children.map(_maxPathDeltas));
}

/** The files a rewrite writes, described level by level (children depend on the rows found). */
function _writes(
  range: { id: string; start: number; end?: number },
  levels: readonly Period[],
): string[] {
  const since = range.end === undefined ? "rows since" : "rows of the span";
  const out = [`${range.id}: base (state before ${formatInstant(range.start)})`];
  if (levels.length === 1) return [`${out[0]}, delta (${since})`];
  let path = range.id;
  for (const [level, period] of levels.entries()) {
    if (level === 0) continue;
    path += `/<${period.text}>`;
    const parts = ["base (keys changed since parent start, except the first)"];
    if (level === levels.length - 1) parts.push("delta");
    const open = range.end === undefined ? "; the last one open" : "";
    out.push(`${path}: one child per ${period.text} with rows${open}: ${parts.join(", ")}`);
  }
  return out;
}

/**
 * The starts of the region's spans: every top-level period that may hold rows (the region's start,
 * a segment start, an instant of a delta's range) and the newest one, ascending.
 */
function _spanStarts(
  region: readonly Segment[],
  top: Period,
  start: number,
  maxT: number,
): number[] {
  const ranges: [number, number][] = [[start, start], [maxT, maxT]];
  for (const { segment: s } of walkSegments(region)) {
    ranges.push([s.start, s.start]);
    for (const d of s.deltas) ranges.push([d.start, Math.max(d.start, d.end)]);
  }
  const out: number[] = [];
  let covered = -Infinity;
  for (const [from, to] of ranges.sort((a, b) => a[0] - b[0])) {
    for (let t = Math.max(from, start, covered + 1); t <= Math.min(to, maxT);) {
      const p = periodOf(top, t);
      out.push(p.start);
      covered = p.end;
      t = p.end + 1;
    }
  }
  return out;
}

/**
 * Every data file a segment subtree names.
 *
 * @param segment The segment.
 * @returns Base and delta files, the segment's first, then its children's.
 */
function _segmentFiles(segment: Segment): string[] {
  return [...walkSegments([segment])].flatMap(({ segment: s }) => [
    ...(s.base === undefined ? [] : [s.base]),
    ...s.deltas.map((d) => d.file),
  ]);
}

function _maxInstant(segments: readonly Segment[]): number | undefined {
  let max: number | undefined;
  for (const { segment: s } of walkSegments(segments)) {
    max = Math.max(max ?? -Infinity, s.start, ...s.deltas.map((d) => d.end));
  }
  return max;
}

function _regionStart(
  segments: readonly Segment[],
  top: Period,
  maxT: number,
  policy: CompactionPolicy,
  since: number | undefined,
): number {
  const first = Math.min(...segments.map((s) => s.start));
  const wanted = since ??
    (policy.horizon === undefined
      ? first
      : minusPeriod(periodOf(top, maxT).start, parsePeriod(policy.horizon)));
  let start = periodOf(top, Math.max(wanted, first)).start;
  for (let moved = true; moved;) {
    moved = false;
    for (const s of segments) {
      if (s.start < start && (s.end ?? Infinity) >= start) {
        start = periodOf(top, s.start).start;
        moved = true;
      }
    }
  }
  return start;
}
