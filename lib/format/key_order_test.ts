import assert from "node:assert/strict";
import { fromValues, type Utf8Data } from "../columns/column_data.ts";
import { isKeyOrdered, keyTimeOrder } from "./key_order.ts";
import { Prng } from "../write/prng.ts";
import { utf8Compare } from "../testing/utf8_compare.ts";

const ALPHABET = ["a", "b", "é", "\uFFFD", "\u{1F600}", "\u0000", "z"];

function randomKeys(random: Prng, n: number): string[] {
  return Array.from({ length: n }, () => {
    let key = "";
    for (let k = random.int(0, 14); k > 0; k--) key += random.pick(ALPHABET);
    return key;
  });
}

Deno.test("keyTimeOrder() sorts by UTF-8 bytes, then time, then row, like a plain sort", () => {
  const random = new Prng(5);
  for (let round = 0; round < 50; round++) {
    const keys = randomKeys(random, random.int(0, 300));
    const times = Float64Array.from(keys, () => random.int(0, 5));
    const { offsets, bytes } = fromValues(keys, "utf8") as Utf8Data;
    const lengths = Int32Array.from(keys, (_, i) => offsets[i + 1]! - offsets[i]!);
    const order = keyTimeOrder(bytes, offsets.subarray(0, -1), lengths, times, keys.length);
    const expected = keys.map((_, i) => i).sort((a, b) =>
      utf8Compare(keys[a]!, keys[b]!) || times[a]! - times[b]! || a - b
    );
    assert.deepEqual([...order], expected, `round ${round}`);
  }
});

Deno.test("keyTimeOrder() orders keys that share hundreds of bytes, and NUL-padded keys", () => {
  const random = new Prng(8);
  const shared = "p".repeat(300);
  for (let round = 0; round < 10; round++) {
    const keys = randomKeys(random, 200).map((k, i) => i % 3 === 0 ? k : shared + k);
    keys.push("", "\u0000", "\u0000\u0000", shared, shared + "\u0000");
    const times = Float64Array.from(keys, () => random.int(0, 2));
    const { offsets, bytes } = fromValues(keys, "utf8") as Utf8Data;
    const lengths = Int32Array.from(keys, (_, i) => offsets[i + 1]! - offsets[i]!);
    const order = keyTimeOrder(bytes, offsets.subarray(0, -1), lengths, times, keys.length);
    const expected = keys.map((_, i) => i).sort((a, b) =>
      utf8Compare(keys[a]!, keys[b]!) || times[a]! - times[b]! || a - b
    );
    assert.deepEqual([...order], expected, `round ${round}`);
  }
});

Deno.test("isKeyOrdered() accepts rows in key order and refuses a tie or a step back", () => {
  const check = (keys: string[], times: number[]) => {
    const key = fromValues(keys, "utf8") as Utf8Data;
    return isKeyOrdered(key, Float64Array.from(times), keys.length);
  };
  assert.equal(check([], []), true);
  assert.equal(check(["a", "a", "b", "\uFFFD", "\u{1F600}"], [1, 2, 0, 0, 0]), true);
  assert.equal(check(["a", "a"], [2, 2]), false, "two rows of one key and time");
  assert.equal(check(["a", "a"], [2, 1]), false, "time goes back");
  assert.equal(check(["\u{1F600}", "\uFFFD"], [0, 0]), false, "UTF-16 order is not byte order");
});
