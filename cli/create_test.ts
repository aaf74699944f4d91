import { assertError, runCli } from "./fixture_test_util.ts";
import assert from "node:assert/strict";

Deno.test("azof create refuses a table inside another table, or around one, with exit 1", async () => {
  const root = await Deno.makeTempDir({ prefix: "azof-create-" });
  const create = (path: string, table: string) =>
    runCli(["create", "-p", path, "-t", table, "--schema", "v:Int"], { timeout: 60_000 });
  try {
    assert.equal((await create(root, "outer")).code, 0);
    assertError(await create(root, "outer/data/in"), 1, /Cannot create table .*inside table/);
    assertError(await create(`${root}/outer/data`, "in"), 1, /inside table .*outer;/);
    assert.equal((await create(root, "a/inner")).code, 0);
    assertError(await create(root, "a"), 1, /Cannot create table a: .*holds table .*a\/inner/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
