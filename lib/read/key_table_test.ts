import assert from "node:assert/strict";
import { KeyTable } from "./key_table.ts";
import { fromValues, type Utf8Data } from "../columns/column_data.ts";
import { Prng } from "../write/prng.ts";

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

Deno.test("KeyTable numbers keys of sorted runs like a Map and knows their order", () => {
  const prng = new Prng(11);
  const alphabet = ["a", "b", "é", "😀", "\u0000"];
  const pool = Array.from({ length: 400 }, () => {
    let k = "";
    const n = prng.int(0, 5);
    for (let j = 0; j < n; j++) k += prng.pick(alphabet);
    return k;
  });
  const byBytes = (a: string, b: string) => {
    const x = new TextEncoder().encode(a);
    const y = new TextEncoder().encode(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };
  let sortedRounds = 0;
  for (let round = 0; round < 30; round++) {
    const table = new KeyTable();
    const expected = new Map<string, number>();
    // Runs of ascending keys (repeats allowed), as sorted files give them; sometimes an unsorted run.
    for (let run = prng.int(1, 6); run > 0; run--) {
      const keys = Array.from({ length: prng.int(0, 300) }, () => prng.pick(pool));
      if (prng.next() < 0.8) keys.sort(byBytes);
      _intern(table, keys).forEach((slot, i) => {
        const k = keys[i]!;
        if (!expected.has(k)) expected.set(k, expected.size);
        assert.equal(slot, expected.get(k), `key ${JSON.stringify(k)}`);
      });
    }
    assert.equal(table.size, expected.size);
    assert.deepEqual(table.strings(), [...expected.keys()]);
    const order = table.order();
    if (order) {
      sortedRounds++;
      const strings = table.strings();
      assert.deepEqual([...order].map((s) => strings[s]), [...expected.keys()].sort(byBytes));
    }
  }
  assert.ok(sortedRounds > 5 && sortedRounds < 30, `${sortedRounds} rounds stayed sorted`);
});

Deno.test("KeyTable leaves sorted mode for unsorted input", () => {
  const prng = new Prng(3);
  const keys = Array.from({ length: 5000 }, () => `k${prng.int(0, 2000)}`);
  const table = new KeyTable();
  _intern(table, keys);
  assert.equal(table.order(), undefined);
  const sorted = new KeyTable();
  _intern(sorted, ["a", "c", "e"]);
  _intern(sorted, ["b", "c", "d", "f"]);
  assert.deepEqual([...sorted.order()!], [0, 3, 1, 4, 2, 5]);
});

Deno.test("KeyTable sorts slots in UTF-8 byte order and copies their keys out in that order", () => {
  const prng = new Prng(5);
  // Long shared prefixes (ties of the 6-byte prefix), NUL, 2-, 3- and 4-byte characters.
  const alphabet = ["a", "b", "\u0000", "é", "\uffff", "日", "😀", "prefix_"];
  const keys = [
    ...new Set(Array.from({ length: 3000 }, () => {
      let k = "";
      for (let j = prng.int(0, 5); j > 0; j--) k += prng.pick(alphabet);
      return k;
    })),
  ];
  const table = new KeyTable();
  _intern(table, keys);
  assert.equal(table.order(), undefined, "unsorted input leaves sorted mode");
  const slots = Int32Array.from(keys.keys());
  table.sort(slots);
  const byBytes = (a: string, b: string) => {
    const x = new TextEncoder().encode(a);
    const y = new TextEncoder().encode(b);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };
  const expected = [...keys].sort(byBytes);
  assert.deepEqual([...slots].map((s) => keys[s]), expected);
  // A shuffled subset, as the live (not deleted) keys are; keys equal but for trailing NULs too.
  const subset = Int32Array.from(keys.keys()).filter(() => prng.next() < 0.5);
  for (let i = subset.length - 1; i > 0; i--) {
    const j = prng.int(0, i);
    [subset[i], subset[j]] = [subset[j]!, subset[i]!];
  }
  table.sort(subset);
  assert.deepEqual([...subset].map((s) => keys[s]), [...subset].map((s) => keys[s]!).sort(byBytes));
  assert.ok(keys.includes("a") && keys.includes("a\u0000"), "keys differing by a trailing NUL");
  const { offsets, bytes } = table.utf8(slots, 10, 60);
  assert.equal(offsets[0], 0);
  const decoded = Array.from(
    { length: 50 },
    (_, i) => new TextDecoder().decode(bytes.subarray(offsets[i]!, offsets[i + 1]!)),
  );
  assert.deepEqual(decoded, expected.slice(10, 60));
  table.freeze();
  assert.throws(() => _intern(table, ["a"]), TypeError);
  assert.deepEqual(table.utf8(slots, 0, 3).offsets.length, 4, "keys stay after freeze()");
});

Deno.test("KeyTable numbers keys the same when told ahead how many may come (reserve)", () => {
  const prng = new Prng(9);
  const batches = Array.from(
    { length: 6 },
    () => Array.from({ length: prng.int(0, 20_000) }, () => `k${prng.int(0, 30_000)}`),
  );
  const plain = new KeyTable();
  const reserved = new KeyTable();
  for (const keys of batches) {
    reserved.reserve(keys.length);
    assert.deepEqual(_intern(reserved, keys), _intern(plain, keys));
  }
  assert.equal(reserved.size, plain.size);
  assert.deepEqual(reserved.strings(), plain.strings());
});
