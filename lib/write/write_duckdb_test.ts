/**
 * Round trip through DuckDB: files written by the write path are read by DuckDB's `read_parquet`
 * with the right types (event_time and DateTime as TIMESTAMP WITH TIME ZONE, Int as exact BIGINT)
 * and the same values.
 */

import assert from "node:assert/strict";
import { createTable } from "./create.ts";
import { DuckOracle, sqlString } from "../testing/duckdb_oracle.ts";
import { writeRows } from "./write.ts";

Deno.test("DuckDB reads written data files with azof's types and values", async () => {
  const root = await Deno.makeTempDir();
  const table = await createTable(root, "t", {
    columns: [
      { name: "s", type: "String", nullable: true },
      { name: "i", type: "Int", nullable: false },
      { name: "f", type: "Float", nullable: true },
      { name: "b", type: "Boolean", nullable: true },
      { name: "d", type: "DateTime", nullable: true },
    ],
  });
  const big = 9007199254740993n; // not representable as a double
  await writeRows(table, [
    { key: "a", event_time: "2024-03-01T12:34:56.789Z", s: "x", i: big, f: 1.25, b: true, d: 0 },
    { key: "b", event_time: "2024-03-02", s: null, i: -big, f: null, b: null, d: null },
  ]);
  const snapshot = await table.snapshot();
  const file = `${root}/t/${snapshot.segments[0]!.deltas[0]!.file}`;
  const duck = await DuckOracle.open();
  try {
    const source = `read_parquet(${sqlString(file)})`;
    const types = new Map(
      (await duck.rows(`DESCRIBE SELECT * FROM ${source}`)).map((r) => [r[0], r[1]]),
    );
    assert.equal(types.get("key"), "VARCHAR");
    assert.equal(types.get("event_time"), "TIMESTAMP WITH TIME ZONE");
    assert.equal(types.get("d"), "TIMESTAMP WITH TIME ZONE");
    assert.equal(types.get("i"), "BIGINT");
    assert.equal(types.get("f"), "DOUBLE");
    assert.equal(types.get("b"), "BOOLEAN");
    const rows = await duck.rows(
      `SELECT key, epoch_ms(event_time), s, i::VARCHAR, f, b FROM ${source} ORDER BY key`,
    );
    assert.deepEqual(rows, [
      ["a", BigInt(Date.UTC(2024, 2, 1, 12, 34, 56, 789)), "x", String(big), 1.25, true],
      ["b", BigInt(Date.UTC(2024, 2, 2)), null, String(-big), null, null],
    ]);
  } finally {
    duck.close();
    await Deno.remove(root, { recursive: true });
  }
});
