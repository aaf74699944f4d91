/**
 * A write whose data files fail to store: data files are stored in the background while rows go
 * on (lib/write/write.ts), so a failure must still fail the write, commit nothing and leave no file.
 */

import assert from "node:assert/strict";
import { createTable } from "./create.ts";
import { MemoryStore } from "../store/memory.ts";
import { openTable } from "../format/table.ts";
import { HookStore } from "../testing/hook_store.ts";
import { writeRows } from "./write.ts";

Deno.test("a write whose nth data file fails to store commits nothing and leaves no file", async () => {
  for (const failAt of [1, 2, 5]) {
    const memory = new MemoryStore();
    await createTable(memory, "t", { columns: [{ name: "n", type: "Int", nullable: false }] });
    const before = (await memory.list()).map((e) => e.key).sort();
    let puts = 0;
    const table = openTable(
      new HookStore(memory, ({ op, key }) => {
        if (op === "put" && key.includes("/data/") && ++puts === failAt) {
          throw new Error(`disk full at file ${failAt}`);
        }
      }),
      "t",
    );
    // Years 2001..2012, finished a file at a time (maxOpenRows), so that puts overlap the rows.
    const rows = Array.from({ length: 12_000 }, (_, i) => ({
      key: `k${i % 700}`,
      event_time: Date.UTC(2001 + Math.floor(i / 1000), 0, 1 + (i % 300)),
      n: i,
    }));
    await assert.rejects(
      writeRows(table, rows, { rowGroupRows: 256, maxOpenRows: 1000 }),
      new RegExp(`disk full at file ${failAt}`),
    );
    assert.ok(puts >= failAt, `${puts} puts`);
    assert.deepEqual((await memory.list()).map((e) => e.key).sort(), before, `fail at ${failAt}`);
  }
});
