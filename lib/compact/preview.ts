/**
 * What a compaction plan changes for readers, without reading or writing data: data files named by
 * the snapshot and the most files an as-of read opens (at the worst instant), before and after.
 * The layout after is the one the plan lays out, with a child for every sub-period of a span's
 * first period (the others cannot hold rows) and one delta per leaf segment, so its counts are
 * estimates from above unless `--file-rows` splits a delta.
 *
 * @module
 */

import type { CompactionPlan, PlannedPeriod } from "./plan.ts";
import { readStats } from "../inspect/stats.ts";
import { snapshotFiles } from "../format/segments.ts";
import { parsePolicy, type Period, periodOf } from "../format/policy.ts";
import type { Segment, Snapshot } from "../format/snapshot.ts";

/** Files of a layout and the most files an as-of read opens. */
export interface LayoutCost {
  /** Data files the snapshot names. */
  readonly files: number;
  /** The most files an as-of read opens, and the first instant that does; `null` without data. */
  readonly worstRead: { readonly files: number; readonly at: number } | null;
}

/** {@linkcode previewCompaction}'s result. */
export interface CompactionPreview {
  /** The layout now. */
  readonly before: LayoutCost;
  /** The layout the plan lays out (estimated: see the module documentation). */
  readonly after: LayoutCost;
}

/**
 * Compares the layout before and after a planned compaction.
 *
 * @param snapshot The snapshot the plan was made against.
 * @param plan The plan.
 * @returns File counts and worst-case files per read, before and after.
 *
 * @example A yearly table whose 2019 segment has five deltas
 * ```ts
 * import { planCompaction } from "./plan.ts";
 * import { readCompactionPolicy } from "../format/compact_policy.ts";
 * import { previewCompaction } from "./preview.ts";
 * import { parseSnapshot } from "../format/snapshot.ts";
 * import assert from "node:assert/strict";
 * const delta = (m: number) => ({
 *   file: `d${m}.parquet`, start: `2019-0${m}-01T00:00:00.000Z`, end: `2019-0${m}-02T00:00:00.000Z`,
 * });
 * const snapshot = parseSnapshot(JSON.stringify({
 *   schema: { columns: [] },
 *   segments: [{ id: "2019", start: "2019-01-01T00:00:00.000Z", delta: [1, 2, 3, 4, 5].map(delta) }],
 * }), 2);
 * const plan = planCompaction(snapshot, readCompactionPolicy({ segment: ["P1Y"] }));
 * const preview = previewCompaction(snapshot, plan);
 * assert.equal(preview.before.worstRead?.files, 5);
 * assert.equal(preview.after.worstRead?.files, 1);
 * ```
 */
export function previewCompaction(snapshot: Snapshot, plan: CompactionPlan): CompactionPreview {
  const before = _cost(snapshot);
  if (!plan.periods.some((p) => p.action === "rewrite")) return { before, after: before };
  const levels = parsePolicy(plan.policy.segment);
  const last = before.worstRead === null ? 0 : readStats(snapshot).span!.end - 1;
  const region = plan.periods.map((period, i) =>
    period.action === "keep"
      ? plan.region.find((s) => s.start === period.start)!
      : _skeleton(period, levels, 0, period.id, i > 0 || plan.before.length > 0, last)
  );
  const segments = [...plan.before, ...region].sort((a, b) => a.start - b.start);
  return { before, after: _cost({ ...snapshot, segments }) };
}

function _cost(snapshot: Snapshot): LayoutCost {
  return { files: snapshotFiles(snapshot).length, worstRead: readStats(snapshot).worst };
}

/** The segment compaction writes for a span, with every sub-period of its first period present. */
function _skeleton(
  range: Pick<PlannedPeriod, "id" | "start" | "end">,
  levels: readonly Period[],
  level: number,
  path: string,
  withBase: boolean,
  last: number,
): Segment {
  const head = {
    id: range.id,
    start: range.start,
    ...(range.end === undefined ? {} : { end: range.end }),
    ...(withBase ? { base: `${path}-base` } : {}),
  };
  if (level === levels.length - 1) {
    const end = Math.max(range.start, Math.min(range.end ?? last, last));
    return { ...head, deltas: [{ file: `${path}-delta`, start: range.start, end }], children: [] };
  }
  const children: Segment[] = [];
  const limit = Math.min(periodOf(levels[level]!, range.start).end, range.end ?? Infinity);
  for (let t = range.start; t <= limit;) {
    const p = periodOf(levels[level + 1]!, t);
    const end = p.end < limit ? p.end : range.end;
    const child = { id: p.id, start: p.start, ...(end === undefined ? {} : { end }) };
    children.push(_skeleton(child, levels, level + 1, `${path}_${p.id}`, t > range.start, last));
    t = p.end + 1;
  }
  return { ...head, deltas: [], children };
}
