import assert from "node:assert/strict";
import { fromValues, toValues, type Utf8Data } from "../columns/column_data.ts";
import {
  concatRows,
  firstOfRuns,
  gatherRows,
  mergeNewer,
  newestPerKey,
  type RowSet,
  rowsInRange,
  sortRows,
} from "./rows.ts";
import { compareKeys } from "../read/resolve.ts";
import { random } from "../testing/random_history.ts";

const _KEYS = [
  "a",
  "ab",
  "ab\u0000",
  "abc",
  "é",
  "\uFFFD",
  "\u{1F600}",
  "k1234567890123",
  "k1234567890124",
  "",
];

function _set(keys: string[], t: number[], values: (bigint | null)[]): RowSet {
  return {
    rows: keys.length,
    key: fromValues(keys, "utf8") as Utf8Data,
    t: Float64Array.from(t),
    deleted: new Uint8Array(keys.length),
    columns: [fromValues(values, "i64")],
  };
}

function _random(seed: number, n: number): { keys: string[]; t: number[]; v: (bigint | null)[] } {
  const rnd = random(seed);
  const keys = Array.from({ length: n }, () => _KEYS[Math.floor(rnd() * _KEYS.length)]!);
  const t = Array.from({ length: n }, () => Math.floor(rnd() * 4));
  const v = Array.from({ length: n }, (_, i) => (rnd() < 0.2 ? null : BigInt(i) - 5n));
  return { keys, t, v };
}

Deno.test("sortRows() orders by key code point, time, rank, then later row first", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const { keys, t, v } = _random(seed, 40);
    const set = _set(keys, t, v);
    const rank = Int32Array.from(keys, (_, i) => i % 3);
    for (const newestFirst of [false, true]) {
      const expected = keys.map((_, i) => i).sort((a, b) =>
        compareKeys(keys[a]!, keys[b]!) || (t[a]! - t[b]!) * (newestFirst ? -1 : 1) ||
        rank[a]! - rank[b]! || b - a
      );
      assert.deepEqual([...sortRows(set, rank, newestFirst)], expected);
    }
  }
});

Deno.test("firstOfRuns(), newestPerKey() and mergeNewer() agree with a fold over rows", () => {
  for (let seed = 1; seed <= 20; seed++) {
    const { keys, t, v } = _random(seed, 30);
    const set = _set(keys, t, v);
    const sorted = gatherRows(set, firstOfRuns(set, sortRows(set), true));
    const byKeyTime = new Map<string, number>();
    keys.forEach((k, i) => byKeyTime.set(`${k}\u0001${t[i]}`, i));
    assert.equal(sorted.rows, byKeyTime.size);
    const newest = new Map<string, [number, bigint | null]>();
    for (let i = 0; i < sorted.rows; i++) {
      const key = toValues(sorted.key)[i] as string;
      const value = toValues(sorted.columns[0]!)[i] as bigint | null;
      assert.equal(value, v[byKeyTime.get(`${key}\u0001${sorted.t[i]}`)!]);
      if (sorted.t[i]! < 2) newest.set(key, [sorted.t[i]!, value]);
    }
    const early = gatherRows(sorted, newestPerKey(sorted, 2));
    assert.deepEqual(
      toValues(early.key).map((k, i) => [k, early.t[i], toValues(early.columns[0]!)[i]]),
      [...newest].sort((a, b) => compareKeys(a[0], b[0])).map(([k, [tt, vv]]) => [k, tt, vv]),
    );
    const lateRows = gatherRows(sorted, rowsInRange(sorted, 2, 3));
    const merged = mergeNewer(early, gatherRows(lateRows, newestPerKey(lateRows)));
    const all = gatherRows(sorted, newestPerKey(sorted));
    assert.deepEqual(toValues(merged.key), toValues(all.key));
    assert.deepEqual([...merged.t], [...all.t]);
    assert.deepEqual(toValues(merged.columns[0]!), toValues(all.columns[0]!));
  }
});

Deno.test("concatRows() puts sets one after another, nulls kept", () => {
  const a = _set(["x"], [1], [null]);
  const b = _set(["y", "z"], [2, 3], [4n, null]);
  const both = concatRows([a, b]);
  assert.deepEqual(toValues(both.key), ["x", "y", "z"]);
  assert.deepEqual([...both.t], [1, 2, 3]);
  assert.deepEqual(toValues(both.columns[0]!), [null, 4n, null]);
});
