/**
 * Layout statistics for inspect: files and bytes per level of the segment tree, deltas per segment,
 * and how many files an as-of read opens over the table's time span, computed exactly. Pure.
 *
 * @module
 */

import { walkSegments } from "../format/segments.ts";
import { planScan } from "../read/plan.ts";
import type { Snapshot } from "../format/snapshot.ts";

/** Count, bytes and rows of a group of files. */
export interface FileTotals {
  /** Files (a file named twice counts twice, as a read opens it twice). */
  readonly files: number;
  /** Their bytes. */
  readonly bytes: number;
  /** Their rows. */
  readonly rows: number;
}

/** Deltas per segment over a group of segments. */
export interface DeltaSpread {
  /** The most deltas one segment has. */
  readonly max: number;
  /** The mean number of deltas per segment (0 without segments). */
  readonly mean: number;
}

/** One level of the segment tree: 0 for top-level segments, 1 for their children, and so on. */
export interface LevelStats {
  /** The depth. */
  readonly level: number;
  /** Segments at this depth. */
  readonly segments: number;
  /** Of which open. */
  readonly open: number;
  /** Their base files. */
  readonly bases: FileTotals;
  /** Their delta files. */
  readonly deltas: FileTotals;
  /** Deltas per segment at this depth. */
  readonly deltasPerSegment: DeltaSpread;
}

/** One stretch of event time over which an as-of read opens the same files. */
export interface ReadPiece {
  /** First instant (ms). */
  readonly start: number;
  /** First instant after the piece (ms, exclusive). */
  readonly end: number;
  /** Files a read as of any instant of the piece opens. */
  readonly files: number;
}

/** How many files an as-of read opens, over the table's time span. */
export interface ReadStats {
  /** From the first segment start to just after the last instant a segment or delta names. */
  readonly span: { readonly start: number; readonly end: number } | null;
  /** The most files any instant in the span opens, and the first instant that does. */
  readonly worst: { readonly files: number; readonly at: number } | null;
  /** The median over the span, weighted by duration: half of the span opens at most this many. */
  readonly typical: number;
  /** The mean over the span, weighted by duration. */
  readonly mean: number;
  /** Files a read of the current state opens. */
  readonly current: number;
  /** The pieces the span falls into (the count is constant within each). */
  readonly pieces: readonly ReadPiece[];
}

/** What {@linkcode layoutStats} returns. */
export interface LayoutStats {
  /** Per level, top first. */
  readonly levels: readonly LevelStats[];
  /** Deltas per segment over every segment. */
  readonly deltasPerSegment: DeltaSpread;
  /** Files opened by as-of reads. */
  readonly reads: ReadStats;
}

/**
 * Computes layout statistics. The files an as-of read opens change only where a segment starts,
 * just after a segment ends, and where a delta starts, so the plan is evaluated once per piece
 * between those instants and weighted by the piece's duration.
 *
 * @param snapshot The snapshot.
 * @param sizes Bytes and rows of each data file (a missing file counts as 0).
 * @returns The statistics.
 *
 * @example Statistics of a one-segment table
 * ```ts
 * import { layoutStats, parseSnapshot } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const snapshot = parseSnapshot(JSON.stringify({
 *   schema: { columns: [] },
 *   segments: [{
 *     id: "10", start: "2024-01-01T00:00:00.000Z", file: "base.parquet",
 *     delta: [{ file: "d1.parquet", start: "2024-02-01T00:00:00.000Z", end: "2024-04-01T00:00:00.000Z" }],
 *   }],
 * }), 1);
 * const stats = layoutStats(snapshot, new Map());
 * assert.equal(stats.reads.worst?.files, 2); // from February on: the delta and the base
 * assert.equal(stats.reads.current, 2);
 * ```
 */
export function layoutStats(
  snapshot: Snapshot,
  sizes: ReadonlyMap<string, { readonly bytes: number; readonly rows: number }>,
): LayoutStats {
  const levels: _Level[] = [];
  for (const { segment: s, depth } of walkSegments(snapshot.segments)) {
    const level = levels[depth] ??= _emptyLevel();
    level.segments++;
    if (s.end === undefined) level.open++;
    if (s.base !== undefined) _add(level.bases, sizes.get(s.base));
    for (const d of s.deltas) _add(level.deltas, sizes.get(d.file));
    level.counts.push(s.deltas.length);
  }
  return {
    levels: levels.map((l, level) => ({
      level,
      segments: l.segments,
      open: l.open,
      bases: { ...l.bases },
      deltas: { ...l.deltas },
      deltasPerSegment: _spread(l.counts),
    })),
    deltasPerSegment: _spread(levels.flatMap((l) => l.counts)),
    reads: readStats(snapshot),
  };
}

/**
 * The files an as-of read opens over the table's time span, piece by piece, with the worst, the
 * duration-weighted median and mean, and the count for a current read.
 *
 * @param snapshot The snapshot.
 * @returns The read statistics.
 *
 * @example Files opened over time in a table with a yearly base and a later delta
 * ```ts
 * import { parseSnapshot, readStats } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const snapshot = parseSnapshot(JSON.stringify({
 *   schema: { columns: [] },
 *   segments: [{
 *     id: "2024", start: "2024-01-01T00:00:00.000Z", end: "2024-12-31T23:59:59.999Z", file: "b.parquet",
 *     delta: [{ file: "d.parquet", start: "2024-12-01T00:00:00.000Z", end: "2024-12-31T23:59:59.999Z" }],
 *   }],
 * }), 1);
 * const stats = readStats(snapshot);
 * assert.deepEqual(stats.pieces.map((p) => p.files), [1, 2]); // the base; then delta and base
 * assert.equal(stats.typical, 1); // most of the year opens one file
 * assert.equal(stats.current, 0); // the segment is closed
 * ```
 */
export function readStats(snapshot: Snapshot): ReadStats {
  const current = planScan(snapshot).files.length;
  if (snapshot.segments.length === 0) {
    return { span: null, worst: null, typical: 0, mean: 0, current, pieces: [] };
  }
  const bounds = new Set<number>();
  let last = -Infinity;
  for (const { segment: s } of walkSegments(snapshot.segments)) {
    bounds.add(s.start);
    last = Math.max(last, s.start, s.end ?? -Infinity);
    if (s.end !== undefined) bounds.add(s.end + 1);
    for (const d of s.deltas) {
      bounds.add(d.start);
      last = Math.max(last, d.start, d.end);
    }
  }
  const start = Math.min(...snapshot.segments.map((s) => s.start));
  const end = last + 1;
  const sorted = [...bounds].filter((b) => b > start && b < end).sort((a, b) => a - b);
  sorted.unshift(start);
  const pieces: ReadPiece[] = sorted.map((from, i) => ({
    start: from,
    end: sorted[i + 1] ?? end,
    files: planScan(snapshot, { asOf: from }).files.length,
  }));
  return { span: { start, end }, ..._summarizePieces(pieces), current, pieces };
}

/**
 * Worst, duration-weighted median and mean of a piecewise-constant count.
 *
 * @param pieces Non-empty pieces.
 * @returns The summary.
 */
function _summarizePieces(
  pieces: readonly ReadPiece[],
): { worst: { files: number; at: number }; typical: number; mean: number } {
  let worst = { files: -1, at: 0 };
  let total = 0;
  let weighted = 0;
  for (const p of pieces) {
    if (p.files > worst.files) worst = { files: p.files, at: p.start };
    total += p.end - p.start;
    weighted += p.files * (p.end - p.start);
  }
  let seen = 0;
  let typical = 0;
  for (const p of pieces.toSorted((a, b) => a.files - b.files)) {
    seen += p.end - p.start;
    typical = p.files;
    if (seen * 2 >= total) break;
  }
  return { worst, typical, mean: weighted / total };
}

interface _Level {
  segments: number;
  open: number;
  bases: { files: number; bytes: number; rows: number };
  deltas: { files: number; bytes: number; rows: number };
  counts: number[];
}

function _emptyLevel(): _Level {
  return {
    segments: 0,
    open: 0,
    bases: { files: 0, bytes: 0, rows: 0 },
    deltas: { files: 0, bytes: 0, rows: 0 },
    counts: [],
  };
}

function _add(
  totals: { files: number; bytes: number; rows: number },
  size: { readonly bytes: number; readonly rows: number } | undefined,
): void {
  totals.files++;
  totals.bytes += size?.bytes ?? 0;
  totals.rows += size?.rows ?? 0;
}

function _spread(counts: readonly number[]): DeltaSpread {
  if (counts.length === 0) return { max: 0, mean: 0 };
  return { max: Math.max(...counts), mean: counts.reduce((a, b) => a + b, 0) / counts.length };
}
