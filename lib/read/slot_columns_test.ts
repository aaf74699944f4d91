import assert from "node:assert/strict";
import { type ColumnKind, fromValues, toValues } from "../columns/column_data.ts";
import type { Value } from "../format/schema.ts";
import { Prng } from "../write/prng.ts";
import { slotColumn } from "./slot_columns.ts";

const _CASES: [ColumnKind, (p: Prng) => Value][] = [
  ["utf8", (p) => p.pick(["", "a", "é", "😀x", "long ".repeat(p.int(0, 20))])],
  ["i64", (p) => p.pick([0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), BigInt(p.int(-1e9, 1e9))])],
  ["f64", (p) => p.pick([0, -0.5, 1e300, NaN, -Infinity, p.next()])],
  ["bool", (p) => p.chance(0.5)],
];

for (const [kind, draw] of _CASES) {
  Deno.test(`slotColumn("${kind}") keeps the last value copied into each slot`, () => {
    const prng = new Prng(11);
    const column = slotColumn(kind);
    const expected = new Map<number, Value>();
    // Many batches of overwrites into few slots, so the string arena is compacted many times.
    for (let batch = 0; batch < 200; batch++) {
      const rows = prng.int(0, 300);
      const values = Array.from({ length: rows }, () => (prng.chance(0.1) ? null : draw(prng)));
      const slots = Int32Array.from(values, () => prng.int(0, 499));
      const order = Int32Array.from(values, (_, i) => i);
      const picked = Int32Array.from(order.filter(() => prng.chance(0.8)));
      const pickedSlots = Int32Array.from(picked, (r) => slots[r]!);
      column.copy(fromValues(values, kind), pickedSlots, picked, picked.length, 500);
      for (const r of picked) expected.set(slots[r]!, values[r]!);
    }
    const filled = Int32Array.from([...expected.keys()].sort((a, b) => b - a));
    assert.deepEqual(
      column.values(filled, 0, filled.length),
      [...filled].map((s) => expected.get(s)),
    );
    assert.deepEqual(
      column.values(filled, 3, 5),
      [...filled].slice(3, 5).map((s) => expected.get(s)),
    );
    assert.deepEqual(
      toValues(column.data(filled, 2, filled.length)),
      [...filled].slice(2).map((s) => expected.get(s)),
    );
  });
}
