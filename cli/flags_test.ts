import assert from "node:assert/strict";
import { assertError, runCli } from "./fixture_test_util.ts";

const _TESTDATA = new URL("../testdata", import.meta.url).pathname;
const SCAN = ["scan", "-p", _TESTDATA, "-t", "prices", "-f", "csv"];

Deno.test("azof suggests the nearest command or flag for a typo", async () => {
  assertError(await runCli(["scna"]), 2, /^error: Unknown command "scna" \(did you mean scan\?\)/);
  assertError(await runCli(["help", "wirte"]), 2, /did you mean write\?/);
  assertError(await runCli(["frobnicate"]), 2, /^error: Unknown command "frobnicate" \(see/);
  assertError(await runCli([...SCAN, "--colums", "key"]), 2, /--colums .*did you mean --columns\?/);
  assertError(await runCli([...SCAN, "--as-off=2024-01-01"]), 2, /did you mean --as-of\?/);
});

Deno.test("azof takes --quiet, --verbose and --no-progress before or after the command", async () => {
  const root = await Deno.makeTempDir({ prefix: "azof-flags-" });
  try {
    const create = ["create", "-p", root, "--schema", "v:Int"];
    for (
      const [i, args] of [["-q", ...create], [...create, "-q"], ["--quiet", ...create]].entries()
    ) {
      const run = await runCli([...args, "-t", `t${i}`]);
      assert.deepEqual([run.code, run.stdout, run.stderr], [0, "", ""], args.join(" "));
    }
    const plain = await runCli(SCAN);
    for (
      const args of [["--verbose", ...SCAN], [...SCAN, "-v"], ["-v", "--no-progress", ...SCAN]]
    ) {
      const run = await runCli(args);
      assert.equal(run.stdout, plain.stdout, args.join(" "));
      assert.match(run.stderr, /^[\d,]+ rows? from [\d,]+ files?\n$/, args.join(" "));
    }
    assert.deepEqual((await runCli([...SCAN, "--no-progress"])).stdout, plain.stdout);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("azof scan and inspect take --snapshot N, with --version N as its alias", async () => {
  for (const command of [SCAN, ["inspect", "-p", _TESTDATA, "-t", "prices", "-f", "json"]]) {
    const snapshot = await runCli([...command, "--snapshot", "1"]);
    assert.equal(snapshot.code, 0, snapshot.stderr);
    assert.equal((await runCli([...command, "--version", "1"])).stdout, snapshot.stdout);
    const missing = await runCli([...command, "--snapshot", "9"]);
    assert.ok(missing.code !== 0 && /^error: .*s9\.json/.test(missing.stderr), missing.stderr);
    assertError(await runCli([...command, "--snapshot", "1", "--version", "2"]), 2, /not both/);
    assertError(await runCli([...command, "--snapshot", "x"]), 2, /Invalid --snapshot "x"/);
  }
  assert.match((await runCli(["--version"])).stdout, /^azof \d+\.\d+\.\d+\n$/);
});

Deno.test("azof accepts -c=key as well as -c key and --columns=key", async () => {
  const want = await runCli([...SCAN, "-c", "key,price"]);
  assert.equal(want.code, 0, want.stderr);
  assert.match(want.stdout, /^key,price\n/);
  for (const args of [["-c=key,price"], ["--columns=key,price"]]) {
    assert.equal((await runCli([...SCAN, ...args])).stdout, want.stdout, args.join(" "));
  }
});

Deno.test("azof scan -o refuses an unknown extension without -f, and says 1 file, 1 row", async () => {
  const dir = await Deno.makeTempDir({ prefix: "azof-output-" });
  try {
    for (const name of ["out.xlsx", "out"]) {
      assertError(
        await runCli([...SCAN, "-o", `${dir}/${name}`].filter((a) => a !== "-f" && a !== "csv")),
        2,
        /^error: Cannot tell the format of --output .*: give -f FORMAT, or name it .*\.csv, .*\.parquet/,
      );
    }
    assert.deepEqual([...Deno.readDirSync(dir)], [], "nothing written");
    const forced = await runCli([...SCAN, "-o", `${dir}/out.xlsx`]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(await Deno.readTextFile(`${dir}/out.xlsx`), (await runCli(SCAN)).stdout);

    const create = await runCli(["create", "-p", dir, "-t", "one", "--schema", "v:Int"]);
    assert.equal(create.code, 0, create.stderr);
    const write = await runCli(["write", "-p", dir, "-t", "one", "-i", "-"], {
      stdin: "key,event_time,v\na,2024-01-01,1\n",
    });
    assert.match(write.stderr, /^wrote 1 row \(0 deletions, 0 late copies\) in 1 file to one/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
