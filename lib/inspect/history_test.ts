import assert from "node:assert/strict";
import { createTable } from "../write/create.ts";
import { tableHistory } from "./history.ts";
import { MemoryStore } from "../store/memory.ts";
import { writeRows } from "../write/write.ts";

Deno.test("tableHistory() lists the snapshots still present, oldest first", async () => {
  const store = new MemoryStore();
  const table = await createTable(store, "t", {
    columns: [{ name: "n", type: "Int", nullable: true }],
  });
  await writeRows(table, [{ key: "a", event_time: "2024-01-01", n: 1n }]);
  await writeRows(table, [{ key: "b", event_time: "2024-02-01", n: 2n }]);
  assert.deepEqual((await tableHistory(table)).map((e) => [e.version, e.operation]), [
    [1, "create"],
    [2, "write"],
    [3, "write"],
  ]);
  await store.delete(table.key("s1.json"));
  await store.delete(table.key("s2.json"));
  assert.deepEqual((await tableHistory(table)).map((e) => [e.version, e.parent]), [[3, 2]]);
});
