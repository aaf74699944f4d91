/**
 * The one walker over a snapshot's segment tree: every segment in listing order, parents before
 * their children, without recursion (so a tree of any depth walks in constant stack).
 *
 * @module
 */

import type { Segment, Snapshot } from "./snapshot.ts";

/** A node of a segment tree: a {@linkcode Segment}, or a report shaped like one. */
export interface SegmentNode<S> {
  /** The node's children, in listing order. */
  readonly children: readonly S[];
}

/** A segment met by {@linkcode walkSegments}, with where it sits in the tree. */
export interface SegmentVisit<S = Segment> {
  /** The segment. */
  readonly segment: S;
  /** 0 for a top-level segment, 1 for its children, and so on. */
  readonly depth: number;
  /** The segments above it, outermost first (empty for a top-level segment). */
  readonly ancestors: readonly S[];
}

/**
 * Yields every segment of a tree, depth first in listing order: a segment, then its children.
 *
 * @typeParam S The node type: {@linkcode Segment}, or any tree of the same shape.
 * @param segments The top-level segments (a snapshot's `segments`, or any segment's `children`).
 * @returns The segments with their depth and ancestors.
 *
 * @example Count the segments of a two-level tree
 * ```ts
 * import { walkSegments } from "./segments.ts";
 * import assert from "node:assert/strict";
 * const leaf = { id: "2019-04", start: 0, deltas: [], children: [] };
 * const top = { id: "2019", start: 0, deltas: [], children: [leaf] };
 * assert.deepEqual([...walkSegments([top])].map((v) => `${v.depth}:${v.segment.id}`), ["0:2019", "1:2019-04"]);
 * ```
 */
export function* walkSegments<S extends SegmentNode<S>>(
  segments: readonly S[],
): Generator<SegmentVisit<S>> {
  const stack: SegmentVisit<S>[] = segments.toReversed().map((segment) => ({
    segment,
    depth: 0,
    ancestors: [],
  }));
  while (stack.length > 0) {
    const visit = stack.pop()!;
    yield visit;
    const ancestors = [...visit.ancestors, visit.segment];
    for (let i = visit.segment.children.length - 1; i >= 0; i--) {
      stack.push({ segment: visit.segment.children[i]!, depth: visit.depth + 1, ancestors });
    }
  }
}

/**
 * The data files a snapshot names (bases and deltas), each once, in tree order.
 *
 * @param snapshot The snapshot.
 * @returns The file paths relative to the table folder.
 *
 * @example List the files of a one-segment snapshot
 * ```ts
 * import { snapshotFiles } from "./segments.ts";
 * import assert from "node:assert/strict";
 * const segment = {
 *   id: "2019", start: 0, base: "b.parquet", deltas: [{ file: "d.parquet", start: 0, end: 5 }], children: [],
 * };
 * const snapshot = { version: 1, schema: { columns: [] }, segments: [segment], extra: {} };
 * assert.deepEqual(snapshotFiles(snapshot), ["b.parquet", "d.parquet"]);
 * ```
 */
export function snapshotFiles(snapshot: Pick<Snapshot, "segments">): string[] {
  const out = new Set<string>();
  for (const { segment } of walkSegments(snapshot.segments)) {
    if (segment.base !== undefined) out.add(segment.base);
    for (const d of segment.deltas) out.add(d.file);
  }
  return [...out];
}
