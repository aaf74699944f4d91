import assert from "node:assert/strict";
import { AzofError } from "../errors.ts";
import { MemoryStore } from "../store/memory.ts";
import { openTable } from "./table.ts";

const _text = new TextEncoder();
const _snapshot = '{"schema":{"columns":[]},"segments":[]}';

async function _table(hint: string | undefined, snapshots: number) {
  const store = new MemoryStore();
  for (let n = 1; n <= snapshots; n++) await store.put(`t/s${n}.json`, _text.encode(_snapshot));
  if (hint !== undefined) await store.put("t/version.txt", _text.encode(hint));
  return openTable(store, "t");
}

Deno.test("currentVersion() moves past a stale, absent or empty version.txt", async (t) => {
  for (const [label, hint] of [["stale", "1"], ["absent", undefined], ["empty", ""]] as const) {
    await t.step(label, async () => {
      assert.equal(await (await _table(hint, 3)).currentVersion(), 3);
    });
  }
});

Deno.test("currentVersion() refuses a version.txt that holds no snapshot number", async () => {
  await assert.rejects(
    async () => await (await _table("x1", 2)).currentVersion(),
    (e: unknown) => e instanceof AzofError && e.code === "SnapshotInvalid",
  );
});

Deno.test("currentVersion() of a folder with neither version.txt nor s1.json is TableNotFound", async () => {
  await assert.rejects(
    async () => await (await _table(undefined, 0)).currentVersion(),
    (e: unknown) => e instanceof AzofError && e.code === "TableNotFound",
  );
});
