import assert from "node:assert/strict";
import { ColumnBuffer } from "./column_buffer.ts";
import type { Value } from "../format/schema.ts";
import { Prng } from "../write/prng.ts";
import type { ColumnType } from "../format/schema.ts";

Deno.test("ColumnBuffer returns what was set, through growth, overwrites and nulls", () => {
  const types: ColumnType[] = ["String", "Int", "Float", "Boolean", "DateTime"];
  const columns = types.flatMap((type) => [
    { type, nullable: false },
    { type, nullable: true },
  ]);
  const prng = new Prng(9);
  const make = (type: ColumnType, nullable: boolean): Value => {
    if (nullable && prng.next() < 0.2) return null;
    switch (type) {
      case "String":
        return `s${prng.int(0, 99)}é`;
      case "Int":
        return prng.next() < 0.5
          ? BigInt(prng.int(-1000, 1000)) * 9007199254740993n
          : prng.int(-(2 ** 53) + 1, 2 ** 53 - 1);
      case "Float":
        return (prng.next() - 0.5) * 1e300;
      case "Boolean":
        return prng.next() < 0.5;
      case "DateTime":
        return prng.int(-62167219200000, 253402300799999);
    }
  };
  const buffer = new ColumnBuffer(columns, 4);
  const oracle: Value[][] = [];
  for (let step = 0; step < 5000; step++) {
    const row = step > 10 && prng.next() < 0.1 ? prng.int(0, oracle.length - 1) : oracle.length;
    const values = columns.map((c) => make(c.type, c.nullable));
    buffer.setRow(row, values);
    oracle[row] = values;
  }
  buffer.length = oracle.length;
  oracle.forEach((values, r) => {
    values.forEach((v, c) => {
      const expected = typeof v === "number" && columns[c]!.type === "Int" ? BigInt(v) : v;
      assert.equal(buffer.value(c, r), expected, `row ${r} column ${c}`);
    });
  });
});
