/**
 * Routing rows to segments (pure, no I/O): which segment's new delta each row goes to (its **home**)
 * and which later segments with a base need a **carry** copy of it so that every as-of read after the
 * row sees it. See docs/SPEC.md §9 "Writing" for the rules and why they keep the resolution contract.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { type Period, periodOf } from "../format/policy.ts";
import type { Delta, Segment } from "../format/snapshot.ts";

/** One step of a path from the top level down to a segment: its id and start. */
export interface SegmentRef {
  /** The segment id. */
  readonly id: string;
  /** The segment start (ms). */
  readonly start: number;
}

/** Where rows go: a new delta of a segment, with the `start` it must be listed with. */
export interface Slot {
  /** A unique text key of the slot. */
  readonly id: string;
  /** The path to the segment, top level first. */
  readonly path: readonly SegmentRef[];
  /**
   * `home`: the row's own segment; `up`: a copy for an ancestor that outlives a closed home;
   * `carry`: a copy for a later segment that has a base.
   */
  readonly kind: "home" | "up" | "carry";
  /** The delta's `start`. */
  readonly start: number;
}

/** A data file written for a slot, ready to be added to a snapshot. */
export interface Part {
  /** The slot. */
  readonly slot: Slot;
  /** The file name, relative to the table folder. */
  readonly file: string;
  /** Greatest `event_time` of its rows. */
  readonly maxEventTime: number;
}

interface _Node {
  id: string;
  start: number;
  end?: number;
  base?: string;
  baseFrom?: number;
  deltas: Delta[];
  children: _Node[];
}

/**
 * Routes instants to slots against one snapshot's segment tree, creating (in its own copy) the
 * segments the policy asks for when none covers an instant.
 *
 * @example Route into a new yearly segment
 * ```ts
 * import { Router } from "./route.ts";
 * import { parsePolicy } from "../format/policy.ts";
 * import assert from "node:assert/strict";
 * const router = new Router([], parsePolicy(["P1Y"]));
 * const [home] = router.route(Date.UTC(2019, 4, 1));
 * assert.equal(home?.path[0]?.id, "2019");
 * assert.equal(router.created, 1);
 * ```
 */
export class Router {
  readonly #roots: _Node[];
  readonly #policy: readonly Period[];
  /** The segments with a base, each with its path and the nodes from the top level down to it. */
  readonly #based: { path: SegmentRef[]; node: _Node; chain: _Node[] }[] = [];
  /** Every base's start and `base_from`, ascending: carry targets change only across these. */
  readonly #thresholds: number[];
  readonly #homeCache = new Map<number, Slot[]>();
  readonly #carryCache = new Map<number, Slot[]>();
  // The deepest policy period last routed to a cached home (tables without bases): its slots.
  #lastStart = Infinity;
  #lastEnd = -Infinity;
  #lastSlots: Slot[] = [];
  /** Segments created so far. */
  created = 0;

  /**
   * @param segments The snapshot's top-level segments.
   * @param policy The table's segment policy.
   */
  constructor(segments: readonly Segment[], policy: readonly Period[]) {
    this.#roots = segments.map(_clone);
    this.#policy = policy;
    const walk = (nodes: _Node[], path: SegmentRef[], above: _Node[]) => {
      for (const node of nodes) {
        const here = [...path, { id: node.id, start: node.start }];
        const chain = [...above, node];
        if (node.base !== undefined) this.#based.push({ path: here, node, chain });
        walk(node.children, here, chain);
      }
    };
    walk(this.#roots, [], []);
    this.#based.sort((a, b) => a.node.start - b.node.start);
    const thresholds = this.#based.flatMap(({ node }) => [node.start, node.baseFrom ?? -Infinity]);
    this.#thresholds = [...new Set(thresholds)].sort((a, b) => a - b);
  }

  /**
   * The slots of a row at instant `t`: its home first, then its up and carry copies.
   *
   * @param t The row's event time.
   * @returns The slots.
   */
  route(t: number): Slot[] {
    if (t >= this.#lastStart && t <= this.#lastEnd) return this.#lastSlots;
    const home = this.#home(t);
    if (this.#based.length === 0) return home;
    return [...home, ...this.#carries(t)];
  }

  #home(t: number): Slot[] {
    const deepest = periodOf(this.#policy[this.#policy.length - 1]!, t);
    const cached = this.#homeCache.get(deepest.start);
    if (cached) {
      if (this.#based.length === 0) {
        this.#lastStart = deepest.start;
        this.#lastEnd = deepest.end;
        this.#lastSlots = cached;
      }
      return cached;
    }
    const nodes: _Node[] = [];
    let siblings = this.#roots;
    for (const period of this.#policy) {
      const parent = nodes.at(-1);
      const node = this.#pick(siblings, periodOf(period, t), t, parent?.end !== undefined);
      if (!node) break;
      nodes.push(node);
      siblings = node.children;
    }
    for (let child = _closedCovering(siblings, t); child; child = _closedCovering(siblings, t)) {
      nodes.push(child);
      siblings = child.children;
    }
    const path = nodes.map((n) => ({ id: n.id, start: n.start }));
    const home = nodes[nodes.length - 1]!;
    const slots = [_slot(path, "home", _bucketStart(home, t))];
    // A closed segment inside a parent that outlives it: reads after its end plan the parent but
    // not it, so the parent gets a copy too ("up" delta).
    for (let i = nodes.length - 2; i >= 0; i--) {
      const child = nodes[i + 1]!;
      const parent = nodes[i]!;
      if (child.end !== undefined && (parent.end === undefined || parent.end > child.end)) {
        slots.push(_slot(path.slice(0, i + 1), "up", _bucketStart(parent, t)));
      }
    }
    const simple = nodes.every((n) => n.deltas.every((d) => d.start <= n.start)) &&
      home.start <= deepest.start && (home.end === undefined || home.end >= deepest.end);
    if (simple) {
      this.#homeCache.set(deepest.start, slots);
      if (this.#based.length === 0) {
        this.#lastStart = deepest.start;
        this.#lastEnd = deepest.end;
        this.#lastSlots = slots;
      }
    }
    return slots;
  }

  /** The sibling for `t` at one policy level (made if missing, never below a closed parent). */
  #pick(
    siblings: _Node[],
    period: { start: number; end: number; id: string },
    t: number,
    closedParent: boolean,
  ): _Node | undefined {
    const match =
      siblings.find((s) => s.start === period.start && (s.end === undefined || s.end >= t)) ??
        _closedCovering(siblings, t);
    if (match || closedParent) return match;
    const node: _Node = { id: period.id, start: period.start, deltas: [], children: [] };
    const at = siblings.findIndex((s) => s.start > period.start);
    siblings.splice(at < 0 ? siblings.length : at, 0, node);
    this.created++;
    return node;
  }

  #carries(t: number): Slot[] {
    let lo = 0;
    let hi = this.#thresholds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#thresholds[mid]! > t) hi = mid;
      else lo = mid + 1;
    }
    let slots = this.#carryCache.get(lo);
    if (!slots) {
      slots = this.#based.filter(({ chain }) => _needsCarry(chain, t)).map(({ path, node }) =>
        _slot(path, "carry", _bucketStart(node, node.start))
      );
      this.#carryCache.set(lo, slots);
    }
    return slots;
  }
}

/**
 * Whether the last segment of a chain (top level first; it has a base) needs a carry copy of a row
 * at `t` (SPEC §9.3): its start is after `t`, unless an ancestor gets a copy and every base from
 * there down to it has `base_from > t`, so that none of the files read before that copy holds a row
 * at `t`.
 */
function _needsCarry(chain: readonly _Node[], t: number): boolean {
  let covered: boolean = false;
  for (const [i, node] of chain.entries()) {
    if (node.base === undefined) continue;
    const spared: boolean = covered && (node.baseFrom ?? -Infinity) > t;
    if (i === chain.length - 1) return node.start > t && !spared;
    covered = spared || node.start > t;
  }
  return false;
}

function _slot(path: SegmentRef[], kind: Slot["kind"], start: number): Slot {
  const id = `${path.map((p) => `${p.id}@${p.start}`).join("/")}|${kind}|${start}`;
  return { id, path, kind, start };
}

function _closedCovering(siblings: _Node[], t: number): _Node | undefined {
  return siblings.find((s) => s.end !== undefined && s.start <= t && t <= s.end);
}

function _clone(segment: Segment): _Node {
  return {
    id: segment.id,
    start: segment.start,
    ...(segment.end === undefined ? {} : { end: segment.end }),
    ...(segment.base === undefined ? {} : { base: segment.base }),
    ...(segment.baseFrom === undefined ? {} : { baseFrom: segment.baseFrom }),
    deltas: [...segment.deltas],
    children: segment.children.map(_clone),
  };
}

/**
 * The `start` a new delta of a segment gets for rows at `t` or later: the greatest of the segment's
 * start and the starts of its deltas that are `<= t`. Any older delta that may hold a row at `t` then
 * has a start no greater, so the new delta (listed first) is read before it and wins ties.
 *
 * @param segment The segment.
 * @param t The smallest event time of the rows.
 * @returns The start.
 */
function _bucketStart(segment: Pick<Segment, "start" | "deltas">, t: number): number {
  let start = segment.start;
  for (const d of segment.deltas) if (d.start <= t && d.start > start) start = d.start;
  return start;
}

/**
 * A fingerprint of what routing depends on besides the segments azof creates: closed segments,
 * bases (and their `base_from`), and delta starts other than their segment's start. Two snapshots
 * with equal fingerprints route every row the same way, so files written against one can be
 * committed onto the other.
 *
 * @param segments The top-level segments.
 * @returns The fingerprint text.
 */
export function layoutFingerprint(segments: readonly Segment[]): string {
  const parts: string[] = [];
  const walk = (nodes: readonly Segment[], path: string) => {
    for (const s of nodes) {
      const here = `${path}/${s.id}@${s.start}`;
      const starts = [...new Set(s.deltas.map((d) => d.start).filter((x) => x !== s.start))];
      if (s.end !== undefined || s.base !== undefined || starts.length > 0) {
        const base = `${s.base ?? ""}:${s.baseFrom ?? ""}`;
        parts.push(`${here}:${s.end ?? ""}:${base}:${starts.sort().join(",")}`);
      }
      walk(s.children, here);
    }
  };
  walk(segments, "");
  return parts.sort().join("\n");
}

/**
 * Adds written parts to a segment tree: each becomes a delta listed **first** in its segment (parts
 * in creation order, so the last written ends up first), creating the open segments their paths name
 * when missing.
 *
 * @param segments The top-level segments of the snapshot being committed onto.
 * @param parts The parts, in the order they were written.
 * @returns The new top-level segments.
 * @throws {AzofError} `CommitConflict` when a path names a segment with a base or end that is gone.
 */
export function addParts(segments: readonly Segment[], parts: readonly Part[]): Segment[] {
  const roots = segments.map(_clone);
  for (const part of parts) {
    let siblings = roots;
    let node: _Node | undefined;
    for (const ref of part.slot.path) {
      node = siblings.find((s) => s.id === ref.id && s.start === ref.start);
      if (!node) {
        if (part.slot.kind === "carry") {
          throw new AzofError(
            "CommitConflict",
            `Cannot commit: segment ${ref.id} was removed by a concurrent change`,
          );
        }
        node = { id: ref.id, start: ref.start, deltas: [], children: [] };
        const at = siblings.findIndex((s) => s.start > ref.start);
        siblings.splice(at < 0 ? siblings.length : at, 0, node);
      }
      siblings = node.children;
    }
    const end = Math.max(part.maxEventTime, part.slot.start);
    node!.deltas.unshift({ file: part.file, start: part.slot.start, end });
  }
  return roots;
}
