/**
 * Idempotency keys and commit ids (docs/SPEC.md §9.1, §9 rule 8): a write whose key one of the last
 * 100 snapshots carries commits nothing and leaves no file; older keys are not looked for.
 */

import assert from "node:assert/strict";
import { createTable } from "./create.ts";
import { MemoryStore } from "../store/memory.ts";
import { unreferencedFiles } from "../testing/race_table.ts";
import { writeRows } from "./write.ts";

const _row = (i: number) => ({ key: `k${i}`, event_time: Date.UTC(2024, 0, 1 + i), v: BigInt(i) });

Deno.test("writeRows() with a key one of the last 100 snapshots carries commits nothing", async () => {
  const table = await createTable(new MemoryStore(), "t", {
    columns: [{ name: "v", type: "Int", nullable: false }],
  });
  const first = await writeRows(table, [_row(0)], { idempotencyKey: "load-1" });
  assert.deepEqual([first.version, first.alreadyCommitted], [2, false]);
  for (let i = 1; i <= 99; i++) await writeRows(table, [_row(i)]);
  const again = await writeRows(table, [_row(0)], { idempotencyKey: "load-1" });
  assert.deepEqual([again.version, again.alreadyCommitted, again.files], [2, true, 0]);
  assert.equal(await table.currentVersion(), 101);
  const snapshots = await Promise.all(Array.from({ length: 101 }, (_, i) => table.snapshot(i + 1)));
  assert.deepEqual(await unreferencedFiles(table, snapshots), [], "its files were deleted");
  assert.equal(new Set(snapshots.map((s) => s.extra.commit_id)).size, 101, "one commit_id each");
  assert.deepEqual(
    snapshots.map((s) => s.extra.idempotency_key).filter((k) => k !== undefined),
    ["load-1"],
    "a key is not carried over to later snapshots",
  );
  await writeRows(table, [_row(100)]);
  const late = await writeRows(table, [_row(0)], { idempotencyKey: "load-1" });
  assert.deepEqual([late.version, late.alreadyCommitted], [103, false], "s2 is now 101 back");
});
