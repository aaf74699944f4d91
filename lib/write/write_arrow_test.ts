/** Arrow input of `writeRows()`: apache-arrow `RecordBatch`es are taken row by row, like objects. */

import assert from "node:assert/strict";
import { tableFromArrays } from "npm:apache-arrow@21.2.0";
import { createTable } from "./create.ts";
import { MemoryStore } from "../store/memory.ts";
import { scanMap } from "../testing/scan_map.ts";
import { writeRows } from "./write.ts";

const SCHEMA = {
  columns: [
    { name: "price", type: "Float" as const, nullable: true },
    { name: "n", type: "Int" as const, nullable: false },
    { name: "note", type: "String" as const, nullable: true },
  ],
};

Deno.test("writeRows() takes Arrow RecordBatches, mixed with row objects", async () => {
  const table = await createTable(new MemoryStore(), "t", SCHEMA);
  const arrow = tableFromArrays({
    key: ["a", "b", "a"],
    event_time: new Float64Array([
      Date.UTC(2024, 0, 1),
      Date.UTC(2024, 0, 2),
      Date.UTC(2023, 5, 1),
    ]),
    price: new Float64Array([1.5, 2.5, 0.5]),
    n: new BigInt64Array([9007199254740993n, -2n, 3n]),
    note: ["x", "y", "z"],
  });
  assert.ok(arrow.batches.length >= 1);
  const result = await writeRows(table, [
    ...arrow.batches,
    { key: "c", event_time: "2024-03-01", n: 4n, _deleted: false },
  ]);
  assert.equal(result.rows, 4);
  const expected = new Map([
    ["a", [Date.UTC(2024, 0, 1), 1.5, 9007199254740993n, "x"]],
    ["b", [Date.UTC(2024, 0, 2), 2.5, -2n, "y"]],
    ["c", [Date.UTC(2024, 2, 1), null, 4n, null]],
  ]);
  assert.deepEqual(await scanMap(table, undefined), expected);
  // As of mid-2023 only the late row of "a" exists.
  assert.deepEqual(
    await scanMap(table, Date.UTC(2023, 11, 31)),
    new Map([["a", [Date.UTC(2023, 5, 1), 0.5, 3n, "z"]]]),
  );
});

Deno.test("writeRows() rejects an Arrow batch with an unknown column and commits nothing", async () => {
  const table = await createTable(new MemoryStore(), "t", SCHEMA);
  const arrow = tableFromArrays({
    key: ["a"],
    event_time: new Float64Array([Date.UTC(2024, 0, 1)]),
    n: new BigInt64Array([1n]),
    bogus: ["?"],
  });
  await assert.rejects(
    writeRows(table, arrow.batches),
    /row 1, column "bogus": unknown column/,
  );
  assert.equal((await table.snapshot()).version, 1);
});
