import assert from "node:assert/strict";
import { inRange, overlaps, splitKeyRanges } from "./key_ranges.ts";

const group = (keyMin: string, keyMax: string, rows = 10) => ({ rows, keyMin, keyMax });

Deno.test("splitKeyRanges() cuts at row-group starts into ranges of roughly equal rows", () => {
  const groups = ["a", "c", "e", "g", "i", "k", "m", "o"].map((k) => group(k, `${k}z`));
  const ranges = splitKeyRanges(groups, 4);
  assert.deepEqual(ranges, [
    { start: null, end: "e", rows: 20 },
    { start: "e", end: "i", rows: 20 },
    { start: "i", end: "m", rows: 20 },
    { start: "m", end: null, rows: 20 },
  ]);
});

Deno.test("splitKeyRanges() gives one range for one split, no groups or no statistics", () => {
  const one = [{ start: null, end: null, rows: 0 }];
  assert.deepEqual(splitKeyRanges([], 3), one);
  assert.deepEqual(splitKeyRanges([{ rows: 5 }, { rows: 7 }], 3), one);
  assert.deepEqual(splitKeyRanges([group("a", "b"), group("c", "d")], 1), [
    { start: null, end: null, rows: 20 },
  ]);
});

Deno.test("splitKeyRanges() never makes more ranges than distinct row-group starts", () => {
  const groups = [group("a", "a"), group("a", "a"), group("b", "b")];
  const ranges = splitKeyRanges(groups, 10);
  assert.deepEqual(ranges.map((r) => [r.start, r.end]), [[null, "b"], ["b", null]]);
  assert.equal(ranges.reduce((n, r) => n + r.rows, 0), 30);
});

Deno.test("splitKeyRanges() orders keys by code point (UTF-8 bytes), not UTF-16 units", () => {
  // U+FFFF < U+1F600 in code points; in UTF-16 the surrogate 0xD83D comes first.
  const groups = [group("\u{1F600}", "\u{1F600}"), group("\uffff", "\uffff")];
  const ranges = splitKeyRanges(groups, 2);
  assert.deepEqual(ranges.map((r) => [r.start, r.end]), [[null, "\u{1F600}"], ["\u{1F600}", null]]);
  assert.ok(inRange("\uffff", ranges[0]!));
  assert.ok(!inRange("\uffff", ranges[1]!));
});

Deno.test("every key lies in exactly one range; row groups overlap the ranges their keys reach", () => {
  const groups = Array.from({ length: 20 }, (_, i) => group(`k${i * 5 + 10}`, `k${i * 5 + 14}`));
  const ranges = splitKeyRanges(groups, 6);
  assert.equal(ranges[0]!.start, null);
  assert.equal(ranges.at(-1)!.end, null);
  for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]!.start, ranges[i - 1]!.end);
  for (const key of ["", "a", "k10", "k50", "k55", "k99", "z", "\u{10FFFF}"]) {
    assert.equal(ranges.filter((r) => inRange(key, r)).length, 1, key);
  }
  assert.ok(overlaps(group("k10", "k60"), { start: "k55", end: "k70" }));
  assert.ok(!overlaps(group("k10", "k54"), { start: "k55", end: null }));
  assert.ok(!overlaps(group("k70", "k80"), { start: null, end: "k70" }));
  assert.ok(overlaps({ rows: 1 }, { start: "x", end: "y" }));
});

Deno.test("splitKeyRanges() refuses a number of splits below 1", () => {
  assert.throws(() => splitKeyRanges([], 0), RangeError);
  assert.throws(() => splitKeyRanges([], 1.5), RangeError);
});
