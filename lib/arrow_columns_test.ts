import assert from "node:assert/strict";
import * as arrow from "apache-arrow";
import { arrowColumn } from "./arrow_columns.ts";
import { type ColumnKind, fromValues, toValues } from "./column_data.ts";
import type { Value } from "./data_file.ts";

function _check(vector: arrow.Vector, kind: ColumnKind, expected: Value[]): void {
  const column = arrowColumn(vector.data, kind, arrow);
  assert.deepEqual(toValues(column), expected);
  // The same layout as plain values give (what the hyparquet path builds): nulls zeroed.
  assert.deepEqual(column, fromValues(expected, kind));
}

Deno.test("arrowColumn() reads strings, with nulls, slices and several chunks", () => {
  const words = ["a", null, "日本", "", "😀"];
  _check(arrow.vectorFromArray(words, new arrow.Utf8()), "utf8", words);
  _check(arrow.vectorFromArray(words, new arrow.Utf8()).slice(1, 4), "utf8", words.slice(1, 4));
  const two = arrow.vectorFromArray(["x", "yy"], new arrow.Utf8())
    .concat(arrow.vectorFromArray([null, "z"], new arrow.Utf8()));
  _check(two, "utf8", ["x", "yy", null, "z"]);
  _check(arrow.vectorFromArray(words, new arrow.LargeUtf8()), "utf8", words);
});

Deno.test("arrowColumn() expands dictionary-encoded strings", () => {
  const words = ["b", "a", null, "b", "c"];
  const type = new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
  _check(arrow.vectorFromArray(words, type), "utf8", words);
});

Deno.test("arrowColumn() floors timestamps of every unit to ms, exactly beyond 2^53", () => {
  const units: [arrow.Timestamp, bigint][] = [
    [new arrow.TimestampSecond(), 1n],
    [new arrow.TimestampMillisecond(), 1_000n],
    [new arrow.TimestampMicrosecond(), 1_000_000n],
    [new arrow.TimestampNanosecond(), 1_000_000_000n],
  ];
  const raw = [0n, -1n, 1n, 1_704_067_200_123n, -86_400_001n, 9_000_000_000_000_000_001n];
  for (const [type, perSecond] of units) {
    const values = raw.filter((v) => v * 1000n / perSecond < 8_640_000_000_000_000n);
    const data = arrow.makeData({ type, length: values.length, data: BigInt64Array.from(values) });
    const expected = values.map((v) => {
      const scaled = v * 1000n;
      const q = scaled / perSecond;
      return Number(scaled < 0n && q * perSecond !== scaled ? q - 1n : q);
    });
    _check(arrow.makeVector(data), "f64", expected);
  }
});

Deno.test("arrowColumn() reads Int of any width as exact int64, floats, and booleans", () => {
  _check(arrow.vectorFromArray([1, -2, null, 2 ** 31 - 1], new arrow.Int32()), "i64", [
    1n,
    -2n,
    null,
    2n ** 31n - 1n,
  ]);
  _check(arrow.vectorFromArray([2n ** 62n, null, -(2n ** 63n)], new arrow.Int64()), "i64", [
    2n ** 62n,
    null,
    -(2n ** 63n),
  ]);
  _check(arrow.vectorFromArray([1.5, null, -0], new arrow.Float64()), "f64", [1.5, null, -0]);
  _check(arrow.vectorFromArray([0.25, null], new arrow.Float32()), "f64", [0.25, null]);
  _check(arrow.vectorFromArray([true, null, false, true], new arrow.Bool()).slice(1), "bool", [
    null,
    false,
    true,
  ]);
});

Deno.test("arrowColumn() refuses a type that does not fit the layout", () => {
  const vector = arrow.vectorFromArray([1.5], new arrow.Float64());
  assert.throws(() => arrowColumn(vector.data, "utf8", arrow), /Cannot decode Arrow type/);
});
