import assert from "node:assert/strict";
import { AzofError } from "../errors.ts";
import { createTable } from "../write/create.ts";
import { writeRows } from "../write/write.ts";
import { MemoryStore } from "../store/memory.ts";
import { changes } from "./changes.ts";
import { diffSnapshots } from "./diff.ts";
import type { Value } from "../format/schema.ts";
import type { RowBatch } from "./batch.ts";

async function collectRows(batches: AsyncIterable<RowBatch>): Promise<Value[][]> {
  const rows: Value[][] = [];
  for await (const b of batches) {
    for (let i = 0; i < b.rows; i++) rows.push(b.columns.map((c) => c.values[i]!));
  }
  return rows;
}

async function _table() {
  const store = new MemoryStore();
  const table = await createTable(store, "t", {
    columns: [{ name: "v", type: "Int", nullable: false }],
  });
  await writeRows(table, [
    { key: "a", event_time: "2024-01-01", v: 1n },
    { key: "b", event_time: "2024-01-01", v: 2n },
  ]); // snapshot 2
  await writeRows(table, [{ key: "a", event_time: "2024-01-05", v: 3n }]); // 3
  await writeRows(table, [{ key: "b", event_time: "2024-01-03", _deleted: true }]); // 4
  return { store, table };
}

Deno.test("diffSnapshots() compares every key when a snapshot between the two was vacuumed, with the same answer", async () => {
  const { store, table } = await _table();
  const asOf = Date.UTC(2024, 0, 10);
  const before = await collectRows((await diffSnapshots(table, { fromSnapshot: 2, asOf })).batches);
  assert.deepEqual(before, [
    ["a", "update", Date.UTC(2024, 0, 5), 3n],
    ["b", "delete", null, null],
  ]);
  await store.delete(table.key("s3.json"));
  await assert.rejects(
    async () => {
      for await (const _ of await changes(table, { fromSnapshot: 2 })) { /* drain */ }
    },
    (e: Error) => e instanceof AzofError && e.code === "InputInvalid",
  );
  const after = await collectRows((await diffSnapshots(table, { fromSnapshot: 2, asOf })).batches);
  assert.deepEqual(after, before);
});

Deno.test("diffSnapshots() refuses a from-snapshot after the to-snapshot", async () => {
  const { table } = await _table();
  await assert.rejects(
    () => diffSnapshots(table, { fromSnapshot: 4, toSnapshot: 2 }),
    /Cannot diff table t: --from-snapshot 4 is after snapshot 2/,
  );
});
