import assert from "node:assert/strict";
import { runCli } from "./fixture_test_util.ts";

const _TESTDATA = new URL("../testdata", import.meta.url).pathname;

Deno.test("create, write and gen print messages on stderr only, and nothing with --quiet", async (t) => {
  const cwd = await Deno.makeTempDir({ prefix: "azof-quiet-" });
  try {
    const commands = [
      ["create", "-t", "rates", "--schema", "rate:Float,note:String?", "--segment", "P1Y,P3M"],
      ["write", "-t", "rates", "--input", `${_TESTDATA}/rates.csv`],
      ["create", "-t", "sim", "--schema", "value:Int"],
      ["gen", "-t", "sim", "--keys", "50", "--events", "2", "--commits", "2"],
    ];
    for (const args of commands) {
      await t.step(`azof ${args[0]} (${args[2]})`, async () => {
        const loud = await runCli(args, { cwd, ffi: false });
        assert.equal(loud.code, 0, loud.stderr);
        assert.equal(loud.stdout, "");
        assert.match(loud.stderr, /^(created|wrote|snapshot) /);
        assert.doesNotMatch(loud.stderr, /error/);
        const quietArgs = args.map((a) => a === "rates" || a === "sim" ? `${a}_q` : a);
        const quiet = await runCli([...quietArgs, "--quiet"], { cwd, ffi: false });
        assert.equal(quiet.code, 0, quiet.stderr);
        assert.equal(quiet.stdout, "");
        assert.equal(quiet.stderr, "");
      });
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("scan --verbose adds its summary on stderr and keeps stdout to the rows", async () => {
  const args = ["scan", "-p", _TESTDATA, "-t", "prices", "--as-of", "2023-05-17"];
  const plain = await runCli(args, { ffi: false });
  const verbose = await runCli([...args, "--verbose"], { ffi: false });
  assert.equal(plain.stderr, "");
  assert.equal(verbose.stdout, plain.stdout);
  assert.match(verbose.stderr, /^[\d,]+ rows? from [\d,]+ files?\n$/);
  assert.equal(
    plain.stdout,
    await Deno.readTextFile(`${_TESTDATA}/prices/expected/2023-05-17T00:00:00.000Z.csv`),
  );
});

Deno.test("no output carries colour or escape codes when stdout and stderr are not terminals", async () => {
  for (const env of [{}, { NO_COLOR: "1" }, { TERM: "dumb" }]) {
    const run = await runCli(["scan", "-p", _TESTDATA, "-t", "prices", "-f", "table"], {
      ffi: false,
      env,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal((run.stdout + run.stderr).includes("\x1b"), false);
  }
});
