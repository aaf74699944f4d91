import assert from "node:assert/strict";
import { MergeBatch } from "./merge_batch.ts";
import { fromValues } from "../columns/column_data.ts";

const COLUMNS = [
  { name: "key", type: "String" as const, nullable: false },
  { name: "n", type: "Int" as const, nullable: true },
  { name: "x", type: "Float" as const, nullable: true },
  { name: "b", type: "Boolean" as const, nullable: true },
];

function group(
  keys: string[],
  ns: (bigint | null)[],
  xs: (number | null)[],
  bs: (boolean | null)[],
) {
  let loads = 0;
  return {
    columns: [
      fromValues(keys, "utf8"),
      fromValues(ns, "i64"),
      fromValues(xs, "f64"),
      fromValues(bs, "bool"),
    ],
    load: () => Promise.resolve(void loads++),
    get loads() {
      return loads;
    },
  };
}

Deno.test("MergeBatch copies winners of several row groups into typed columns", async () => {
  const a = group(["a", "cé"], [1n, null], [0.5, -0], [true, null]);
  const b = group(["b", "d"], [2n ** 63n - 1n, 3n], [null, NaN], [false, true]);
  const batch = new MergeBatch(COLUMNS);
  batch.push(a, 0);
  batch.push(b, 0);
  batch.push(a, 1);
  batch.push(b, 1);
  const taken = await batch.take();
  assert.equal(taken.rows, 4);
  assert.equal(batch.rows, 0);
  assert.deepEqual(taken.columns.map((c) => c.data?.kind), ["utf8", "i64", "f64", "bool"]);
  assert.deepEqual(taken.columns.map((c) => c.values), [
    ["a", "b", "cé", "d"],
    [1n, 2n ** 63n - 1n, null, 3n],
    [0.5, null, -0, NaN],
    [true, false, null, true],
  ]);
  assert.deepEqual(taken.columns[1]!.data!.nulls, new Uint8Array([0, 0, 1, 0]));
  assert.equal(a.loads, 1);
});

Deno.test("MergeBatch ends a batch early to keep a string column within the byte limit", async () => {
  const g = group(["aaaa", "bbbb", "cccc", "dd", "e"], [1n, 2n, 3n, 4n, 5n], [1, 2, 3, 4, 5], [
    true,
    false,
    true,
    false,
    true,
  ]);
  const batch = new MergeBatch(COLUMNS, 9);
  for (let row = 0; row < 5; row++) batch.push(g, row);
  const sizes: number[] = [];
  const keys: unknown[] = [];
  const ns: unknown[] = [];
  while (batch.rows > 0) {
    const taken = await batch.take();
    sizes.push(taken.rows);
    keys.push(...taken.columns[0]!.values);
    ns.push(...taken.columns[1]!.values);
  }
  assert.deepEqual(sizes, [2, 3]);
  assert.deepEqual(keys, ["aaaa", "bbbb", "cccc", "dd", "e"]);
  assert.deepEqual(ns, [1n, 2n, 3n, 4n, 5n]);
});

Deno.test("MergeBatch keeps the rows left over by the byte limit, from several row groups, in order", async () => {
  const rows = 3000;
  const groups = [0, 1, 2].map((g) => {
    const keys = Array.from({ length: rows }, (_, i) => `g${g}r${i}`);
    const ns = keys.map((_, i) => i % 7 === 0 ? null : BigInt(i) * 2n ** 40n * (g % 2 ? -1n : 1n));
    return group(keys, ns, keys.map((_, i) => i / 4), keys.map((_, i) => i % 3 === 0));
  });
  const pushed: [number, number][] = Array.from(
    { length: 2 * rows },
    (_, i) => [(i * 7) % 3, (i * 13) % rows],
  );
  // About 1,000 keys of 6-7 bytes fit a batch: the rest of each stays for the next.
  const batch = new MergeBatch(COLUMNS, 7000);
  const keys: unknown[] = [];
  const ns: unknown[] = [];
  for (const [g, row] of pushed) batch.push(groups[g]!, row);
  while (batch.rows > 0) {
    const taken = await batch.take();
    assert.ok(taken.rows < pushed.length);
    keys.push(...taken.columns[0]!.values);
    ns.push(...taken.columns[1]!.values);
  }
  assert.deepEqual(keys, pushed.map(([g, row]) => `g${g}r${row}`));
  assert.deepEqual(
    ns,
    pushed.map(([g, row]) => row % 7 === 0 ? null : BigInt(row) * 2n ** 40n * (g % 2 ? -1n : 1n)),
  );
});
