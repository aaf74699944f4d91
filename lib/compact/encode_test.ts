import assert from "node:assert/strict";
import { parquetMetadata, parquetReadObjects } from "npm:hyparquet@1.31.5";
import { type ColumnKind, fromValues, kindOf, type Utf8Data } from "../columns/column_data.ts";
import { encodeRowSet } from "./encode.ts";
import type { Value } from "../format/schema.ts";
import type { ColumnType, Schema } from "../format/schema.ts";
import { random } from "../testing/random_history.ts";

const _TYPES: ColumnType[] = ["String", "Int", "Float", "Boolean", "DateTime"];

function _value(type: ColumnType, rnd: () => number): Value {
  switch (type) {
    case "String":
      return ["", "a", "é", "\u{1F600}", "x".repeat(40)][Math.floor(rnd() * 5)]!;
    case "Int":
      return BigInt(Math.floor(rnd() * 2 ** 53)) * (rnd() < 0.5 ? -1n : 1n) * 1000n;
    case "Float":
      return rnd() * 1000 - 500;
    case "Boolean":
      return rnd() < 0.5;
    case "DateTime":
      return Math.floor(rnd() * 4e12) - 2e12;
  }
}

Deno.test("encodeRowSet() writes every type, nulls and deletions as hyparquet reads them back", async () => {
  for (let seed = 1; seed <= 10; seed++) {
    const rnd = random(seed);
    const rows = 1 + Math.floor(rnd() * 50);
    const schema: Schema = {
      columns: _TYPES.map((type, i) => ({ name: `c${i}`, type, nullable: i % 2 === 0 })),
    };
    const values = schema.columns.map((c) =>
      Array.from({ length: rows }, () => (c.nullable && rnd() < 0.3 ? null : _value(c.type, rnd)))
    );
    const keys = Array.from({ length: rows }, (_, i) => `k${i}é`);
    const t = Array.from({ length: rows }, () => Math.floor(rnd() * 4e12) - 2e12);
    const deleted = Uint8Array.from({ length: rows }, () => (rnd() < 0.2 ? 1 : 0));
    const bytes = encodeRowSet(
      {
        rows,
        key: fromValues(keys, "utf8") as Utf8Data,
        t: Float64Array.from(t),
        deleted,
        columns: schema.columns.map((c, i) => fromValues(values[i]!, kindOf(c.type) as ColumnKind)),
      },
      schema,
      1 + Math.floor(rnd() * 8),
    );
    const back = await parquetReadObjects({ file: bytes.slice().buffer });
    const hasDeleted = deleted.some((d) => d === 1);
    back.forEach((row, r) => {
      assert.equal(row.key, keys[r]);
      assert.equal((row.event_time as Date).getTime(), t[r]);
      schema.columns.forEach((c, i) => {
        const got = row[c.name];
        const want = values[i]![r];
        assert.deepEqual(got instanceof Date ? got.getTime() : got, want);
      });
      if (hasDeleted) assert.equal(row._deleted, deleted[r] === 1);
      else assert.equal("_deleted" in row, false);
    });
    assert.equal(back.length, rows);
    const meta = parquetMetadata(bytes.slice().buffer);
    let at = 0;
    for (const group of meta.row_groups) {
      const n = Number(group.num_rows);
      const stats = group.columns[1]!.meta_data!.statistics!;
      const slice = t.slice(at, at + n);
      assert.equal(Number(stats.min_value), Math.min(...slice));
      assert.equal(Number(stats.max_value), Math.max(...slice));
      at += n;
    }
  }
});
