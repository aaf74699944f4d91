import assert from "node:assert/strict";
import { KeyTable } from "./key_table.ts";
import { fromValues, type Utf8Data } from "./column_data.ts";
import { Prng } from "./prng.ts";

function _intern(table: KeyTable, keys: readonly string[]): number[] {
  const { offsets, bytes } = fromValues(keys, "utf8") as Utf8Data;
  return keys.map((_, i) => table.intern(bytes, offsets[i]!, offsets[i + 1]!));
}

Deno.test("KeyTable numbers distinct keys in order of first sight, like a Map", () => {
  const prng = new Prng(7);
  const alphabet = ["a", "b", "é", "日", "😀", "", "\u0000"];
  const keys = Array.from({ length: 50_000 }, () => {
    let k = "";
    const n = prng.int(0, 4);
    for (let j = 0; j < n; j++) k += prng.pick(alphabet);
    return k;
  });
  const table = new KeyTable();
  const expected = new Map<string, number>();
  const slots = _intern(table, keys);
  keys.forEach((k, i) => {
    if (!expected.has(k)) expected.set(k, expected.size);
    assert.equal(slots[i], expected.get(k), `key ${JSON.stringify(k)}`);
  });
  assert.equal(table.size, expected.size);
  assert.deepEqual(table.strings(), [...expected.keys()]);
  assert.equal(table.hasSupplementary, true);
});

Deno.test("KeyTable finds keys repeated in the same sequence and in any other order", () => {
  const keys = Array.from({ length: 3000 }, (_, i) => `k${i}`);
  const table = new KeyTable();
  const first = _intern(table, keys);
  assert.deepEqual(first, keys.map((_, i) => i));
  assert.deepEqual(_intern(table, keys), first);
  const reversed = [...keys].reverse();
  assert.deepEqual(_intern(table, reversed), [...first].reverse());
  assert.deepEqual(_intern(table, ["k5", "k5", "k6", "k6", "k1"]), [5, 5, 6, 6, 1]);
  assert.equal(table.hasSupplementary, false);
});

Deno.test("KeyTable keeps keys that differ only in a late byte or in length apart", () => {
  const table = new KeyTable();
  assert.deepEqual(_intern(table, ["abc", "abd", "ab", "abcd", "abc", "ab"]), [0, 1, 2, 3, 0, 2]);
});
