import assert from "node:assert/strict";
import { alterTable } from "../write/alter.ts";
import { createTable } from "../write/create.ts";
import { writeRows } from "../write/write.ts";
import { LocalStore } from "../store/local.ts";
import { scan } from "../read/scan.ts";
import { collectRows, sqlRows } from "./test_util.ts";

Deno.test("azof sql reads an altered table as scan does: renamed, widened, dropped and added columns, and older snapshots with their schema", async () => {
  const root = await Deno.makeTempDir({ prefix: "azof-sql-evolve-" });
  try {
    const table = await createTable(new LocalStore(root), "t", {
      columns: [
        { name: "p", type: "Int", nullable: false },
        { name: "gone", type: "String", nullable: true },
      ],
    });
    await writeRows(table, [
      { key: "a", event_time: "2024-01-01", p: 9007199254740993n, gone: "x" },
      { key: "b", event_time: "2024-01-02", p: 2n, gone: "y" },
    ]);
    await alterTable(table, {
      drop: ["gone"],
      rename: [{ from: "p", to: "price" }],
      widen: [{ name: "price", type: "Float", nullable: true }],
      add: [{ name: "gone", type: "String", nullable: true }],
    });
    await writeRows(table, [{ key: "c", event_time: "2024-01-03", price: 3.5, gone: "new" }]);
    for (
      const [version, sql] of [[4, "SELECT * FROM t"], [
        2,
        "SELECT * FROM t AT (VERSION => 2)",
      ]] as const
    ) {
      const expected = await collectRows((await scan(table, { version })).batches);
      const rows = await sqlRows(root, `${sql} ORDER BY key`);
      assert.deepEqual(rows, expected, `snapshot ${version}`);
    }
    assert.deepEqual(await sqlRows(root, "SELECT price, gone FROM t ORDER BY key"), [
      [9007199254740992, null],
      [2, null],
      [3.5, "new"],
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
