/**
 * Random tables for property tests: a random schema and event history, laid out into a random but
 * *valid* segment tree, plus the plain fold that says what a read as of T must return.
 *
 * Validity, for every segment S with range [s, e] (e = far future when open):
 * - S's base holds, for the keys it covers, each key's winning event as of s - 1 with its own
 *   event_time. A top-level base covers every key (a deleted winner may be left out); a child's base
 *   covers the keys with events in [parent start, s - 1] and keeps deletion markers, since
 *   otherwise an ancestor's older row would come back.
 * - S's deltas partition [s, e] and each holds every event of its range; a segment may have no
 *   deltas only when its children tile its range with no gap.
 *
 * Ties: events are numbered in the order the history writes them, and the later one wins a tie.
 * Every file that holds any event of (key, event_time) holds all of them in history order (deltas
 * by range), or only the last of them (bases hold winners). So the later row of a file wins, and
 * whichever file comes first in read order holds the same winner: read order never decides a tie
 * between different events, and the fold and the scan agree.
 *
 * @module
 */

import { utf8Compare } from "./utf8_compare.ts";
import type { Column, ColumnType } from "../format/schema.ts";
import type { DataRow } from "./parquet_file.ts";
import type { Prng } from "../write/prng.ts";

/** A segment of the random layout, with the rows of each of its files. */
export interface RandomSegment {
  /** Id, unique among siblings. */
  readonly id: string;
  /** First instant. */
  readonly start: number;
  /** Last instant, inclusive; undefined when open. */
  readonly end?: number;
  /** Base rows, or undefined for no base file. */
  readonly base?: readonly DataRow[];
  /** Deltas with their rows, in listing order. */
  readonly deltas: readonly { start: number; end: number; rows: readonly DataRow[] }[];
  /** Child segments in listing order. */
  readonly children: readonly RandomSegment[];
}

/** A random table: schema, history, layout. */
export interface RandomTable {
  /** Schema columns. */
  readonly columns: readonly Column[];
  /** Events in history order (later wins ties). */
  readonly history: readonly DataRow[];
  /** Top-level segments. */
  readonly segments: readonly RandomSegment[];
}

const TYPES: ColumnType[] = ["String", "Int", "Float", "Boolean", "DateTime"];
const KEYS = ["a", "b", "B", "aa", "", "é", "z", "\u{1D4B3}", "\uFFFD", "k\n1", "k,2", "日本"];
const STRINGS = ["", "x", "a,b", "line\nbreak", 'quote"d', "ünï", "😀", "long ".repeat(20)];
const FLOATS = [0, 1.5, -2.25, 0.1, 1e300, -1e-300, Number.MAX_VALUE, Infinity, -Infinity, NaN];
const INTS = [
  0n,
  1n,
  -1n,
  42n,
  2147483647n,
  -2147483648n,
  9007199254740993n,
  2n ** 63n - 1n,
  -(2n ** 63n),
];

/** The far end of open segments' last delta. */
export const FAR_FUTURE = Date.UTC(2100, 0, 1);
const T0 = Date.UTC(2020, 0, 1);
/** Timeline origins: a recent year, just before the Unix epoch (negative ms), and 1900. */
const ORIGINS = [T0, T0, -30, Date.UTC(1900, 0, 1)];

function _value(random: Prng, type: ColumnType, nullable: boolean): DataRow["values"][string] {
  if (nullable && random.chance(0.2)) return null;
  switch (type) {
    case "String":
      return random.pick(STRINGS);
    case "Int":
      return random.chance(0.5) ? BigInt(random.int(-1000, 1000)) : random.pick(INTS);
    case "Float":
      return random.chance(0.5) ? random.int(-1000, 1000) / 8 : random.pick(FLOATS);
    case "Boolean":
      return random.chance(0.5);
    case "DateTime":
      return random.pick([0, -1, T0, Date.UTC(1969, 6, 20, 20, 17), random.int(-1e12, 4e12)]);
  }
}

/** Splits [start, end] into 1–4 consecutive ranges. */
function _split(random: Prng, start: number, end: number): [number, number][] {
  const cuts = new Set<number>();
  const n = random.int(0, Math.min(3, end - start));
  for (let i = 0; i < n; i++) cuts.add(random.int(start + 1, end));
  const points = [start, ...[...cuts].sort((a, b) => a - b), end + 1];
  return points.slice(0, -1).map((p, i) => [p, points[i + 1]! - 1]);
}

/**
 * Generates a random table.
 *
 * @param random The seeded generator.
 * @returns The table.
 */
export function randomTable(random: Prng): RandomTable {
  const columns: Column[] = Array.from({ length: random.int(0, 4) }, (_, i) => ({
    name: `c${i}`,
    type: random.pick(TYPES),
    nullable: random.chance(0.5),
  }));
  // Top-level ranges on a millisecond timeline, sometimes with gaps, the last one maybe open.
  const tops: [number, number | undefined][] = [];
  const origin = random.pick(ORIGINS);
  let at = origin + random.int(0, 20);
  const count = random.int(1, 3);
  for (let i = 0; i < count; i++) {
    const length = random.int(1, 60);
    const open = i === count - 1 && random.chance(0.6);
    tops.push([at, open ? undefined : at + length - 1]);
    at += length + (random.chance(0.3) ? random.int(1, 10) : 0);
  }
  const last = at + 20;
  // Events: times cluster on bounds so that boundaries and ties are hit often.
  const bounds = tops.flatMap((
    [s, e],
  ) => [s - 1, s, s + 1, ...(e === undefined ? [] : [e - 1, e, e + 1])]);
  const keys = random.shuffle(KEYS).slice(0, random.int(1, 8));
  const history: DataRow[] = [];
  for (let i = random.int(0, 50); i > 0; i--) {
    const previous = history.length > 0 && random.chance(0.15) ? random.pick(history) : undefined;
    const key = previous?.key ?? random.pick(keys);
    const eventTime = previous?.eventTime ??
      (random.chance(0.4) ? random.pick(bounds) : random.int(origin - 10, last));
    const values: Record<string, DataRow["values"][string]> = {};
    for (const c of columns) values[c.name] = _value(random, c.type, c.nullable);
    history.push({ key, eventTime, deleted: random.chance(0.15), values });
  }
  const segments = tops.map(([s, e], i) =>
    _segment(random, history, `top${i}`, s, e, undefined, 0)
  );
  return { columns, history, segments };
}

/** Each key's winner as of `at` among `keys` (all when undefined), deletions kept, key order. */
function _winners(history: readonly DataRow[], at: number, keys?: Set<string>): DataRow[] {
  const win = new Map<string, DataRow>();
  for (const e of history) {
    if (e.eventTime > at || (keys && !keys.has(e.key))) continue;
    const w = win.get(e.key);
    if (!w || e.eventTime >= w.eventTime) win.set(e.key, e);
  }
  return [...win.values()];
}

function _segment(
  random: Prng,
  history: readonly DataRow[],
  id: string,
  start: number,
  end: number | undefined,
  parentStart: number | undefined,
  depth: number,
): RandomSegment {
  const last = end ?? FAR_FUTURE;
  // Base: state as of start - 1.
  let base: DataRow[] | undefined;
  if (parentStart === undefined) {
    base = _winners(history, start - 1);
    if (random.chance(0.5)) base = base.filter((r) => !r.deleted);
  } else {
    const changed = new Set(
      history.filter((e) => parentStart <= e.eventTime && e.eventTime < start).map((e) => e.key),
    );
    base = _winners(history, start - 1, changed);
  }
  base = random.shuffle(base);
  // Children: consecutive pieces of the range, some dropped (gaps) when the parent has deltas.
  const children: RandomSegment[] = [];
  let tiled = false;
  if (depth < 2 && last - start >= 1 && random.chance(0.6)) {
    const pieces = _split(random, start, Math.min(last, start + 80));
    tiled = pieces.at(-1)![1] === last || end === undefined;
    const keepAll = random.chance(0.5);
    pieces.forEach(([s, e], i) => {
      const isLast = i === pieces.length - 1;
      if (!keepAll && pieces.length > 1 && random.chance(0.3)) {
        tiled = false;
        return;
      }
      const open = end === undefined && isLast;
      children.push(
        _segment(random, history, `${id}_${i}`, s, open ? undefined : e, start, depth + 1),
      );
    });
  }
  const deltas = tiled && children.length > 0 && random.chance(0.5) ? [] : random.shuffle(
    _split(random, start, Math.min(last, start + 80)).map(([s, e], i, all) => {
      const to = i === all.length - 1 ? last : e; // the last delta runs to the segment's end
      return {
        start: s,
        end: to,
        rows: history.filter((r) => s <= r.eventTime && r.eventTime <= to),
      };
    }),
  );
  return {
    id,
    start,
    ...(end === undefined ? {} : { end }),
    ...(base.length > 0 || random.chance(0.3) ? { base } : {}),
    deltas,
    children,
  };
}

/**
 * The answer a read as of `asOf` must give, by a plain fold over the history: per key the event
 * with the greatest event_time <= T, a tie won by the later event; deletions remove the key. Instants
 * outside every top-level segment (or the current state without an open one) read nothing.
 *
 * @param table The table.
 * @param asOf The instant, or null for the current state.
 * @returns The winning rows in key (UTF-8 byte) order.
 */
export function foldAsOf(table: RandomTable, asOf: number | null): DataRow[] {
  const covered = table.segments.some((s) =>
    asOf === null ? s.end === undefined : s.start <= asOf && (s.end === undefined || asOf <= s.end)
  );
  if (!covered) return [];
  return _winners(table.history, asOf ?? Infinity)
    .filter((r) => !r.deleted)
    .sort((a, b) => utf8Compare(a.key, b.key));
}

/**
 * Instants worth reading a random table at: every segment and delta boundary and every event time,
 * each -1, +0 and +1 ms, a few random instants around the first segment's start, and `null` (the
 * current state).
 *
 * @param table The table.
 * @param random Picks the random instants.
 * @returns The instants in ascending order, then `null`.
 */
export function boundaryInstants(table: RandomTable, random: Prng): (number | null)[] {
  const set = new Set<number>();
  const visit = (s: RandomSegment) => {
    for (const x of [s.start, s.end, ...s.deltas.flatMap((d) => [d.start, d.end])]) {
      if (x !== undefined) { for (const d of [-1, 0, 1]) set.add(x + d); }
    }
    s.children.forEach(visit);
  };
  table.segments.forEach(visit);
  for (const e of table.history) for (const d of [-1, 0, 1]) set.add(e.eventTime + d);
  const first = table.segments[0]!.start;
  for (let i = 0; i < 5; i++) set.add(first - 30 + random.int(0, 200));
  return [...[...set].sort((a, b) => a - b), null];
}
