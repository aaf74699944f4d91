import assert from "node:assert/strict";
import { runCli, withFixture } from "./fixture_test_util.ts";

Deno.test("azof scan --key and --key-prefix output only the selected keys, in key order", async () => {
  await withFixture(async (root) => {
    const run = await runCli([
      "scan",
      "--path",
      root,
      "--table",
      "t",
      "--key-prefix",
      "c",
      "--key",
      "a",
      "--key",
      "zz",
      "--columns",
      "key,event_time",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      "key,event_time\na,2024-02-10T00:00:00.000Z\nc,2024-03-05T00:00:00.000Z\n",
    );
  });
});
