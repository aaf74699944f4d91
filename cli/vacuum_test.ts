import assert from "node:assert/strict";
import { assertError, folderHashes, runCli } from "./fixture_test_util.ts";
import { hasUpstreamTable, UPSTREAM_ROOT, upstreamTestName } from "../lib/testing/upstream.ts";
import { commandOutput } from "../lib/testing/deadline.ts";

const _DATA = new URL("../testdata/", import.meta.url).pathname;

/** A table `rates` with three snapshots, plus a stray data file and a temporary file. */
async function withRates(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "azof-vacuum-" });
  try {
    for (
      const args of [
        ["create", "-t", "rates", "--schema", "rate:Float,note:String?", "--segment", "P1Y,P3M"],
        ["write", "-t", "rates", "-i", `${_DATA}rates.csv`],
        ["write", "-t", "rates", "-i", `${_DATA}rates_fix.ndjson`],
      ]
    ) {
      const run = await runCli([...args, "-p", root]);
      assert.equal(run.code, 0, run.stderr);
    }
    await Deno.writeFile(
      `${root}/rates/data/stray-0a1b2c3d-0000-4000-8000-000000000000.parquet`,
      new Uint8Array(100),
    );
    await Deno.writeFile(`${root}/rates/s9.json.1234.tmp`, new Uint8Array(7));
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const scans = (root: string) =>
  Promise.all(
    [[], ["--as-of", "2024-03-31"], ["--as-of", "2024-01-19"]].map(async (extra) =>
      (await runCli(["scan", "-p", root, "-t", "rates", "-f", "csv", ...extra])).stdout
    ),
  );

Deno.test("azof vacuum --dry-run lists what it would remove with sizes and changes no file", async () => {
  await withRates(async (root) => {
    const before = await folderHashes(root);
    const run = await runCli([
      "vacuum",
      "-p",
      root,
      "-t",
      "rates",
      "--keep",
      "1",
      "--grace",
      "0",
      "--dry-run",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /dry run/);
    assert.match(run.stdout, /s1\.json +\d+ B +not one of the newest 1/);
    assert.match(run.stdout, /data\/stray-[0-9a-f-]{36}\.parquet +100 B +named by no snapshot/);
    assert.match(run.stdout, /s9\.json\.1234\.tmp +7 B +temporary file/);
    assert.deepEqual(await folderHashes(root), before);
  });
});

Deno.test("azof vacuum removes old snapshots and stray files, keeps reads, and --version N of a removed one fails clearly", async () => {
  await withRates(async (root) => {
    const before = await scans(root);
    const run = await runCli([
      "vacuum",
      "-p",
      root,
      "-t",
      "rates",
      "--keep",
      "1",
      "--grace",
      "0",
      "-f",
      "json",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.deepEqual(
      result.remove.map((r: { file: string }) => r.file),
      [
        "s1.json",
        "s2.json",
        "data/stray-0a1b2c3d-0000-4000-8000-000000000000.parquet",
        "s9.json.1234.tmp",
      ],
    );
    assert.equal(result.removed.files, 4);
    const left = await folderHashes(root);
    assert.ok(
      !left.has("rates/s1.json") && !left.has("rates/s2.json") && left.has("rates/s3.json"),
    );
    assert.deepEqual(await scans(root), before);
    assertError(
      await runCli(["scan", "-p", root, "-t", "rates", "--version", "1"]),
      2,
      /s1\.json: it is not in .*azof vacuum removes snapshots older than its retention/,
    );
    const again = await runCli([
      "vacuum",
      "-p",
      root,
      "-t",
      "rates",
      "--keep",
      "1",
      "--grace",
      "0",
    ]);
    assert.match(again.stdout, /removed 0 files/);
  });
});

Deno.test("azof vacuum leaves files younger than the grace period (default 1h) and recent snapshots", async () => {
  await withRates(async (root) => {
    const before = await folderHashes(root);
    const run = await runCli(["vacuum", "-p", root, "-t", "rates"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /kept 2 \(107 B\) unreferenced files younger than the grace period \(1h\)/,
    );
    assert.deepEqual(await folderHashes(root), before);
    // Made old, the stray files go; the snapshots, replaced minutes ago, stay under a 7-day retention.
    const old = new Date(Date.now() - 2 * 3_600_000);
    await Deno.utime(
      `${root}/rates/data/stray-0a1b2c3d-0000-4000-8000-000000000000.parquet`,
      old,
      old,
    );
    await Deno.utime(`${root}/rates/s9.json.1234.tmp`, old, old);
    const second = await runCli(["vacuum", "-p", root, "-t", "rates", "--retain", "P7D"]);
    assert.match(second.stdout, /removed 2 files/);
    assert.ok((await folderHashes(root)).has("rates/s1.json"));
  });
});

Deno.test("azof vacuum refuses bad flags with a usage error", async () => {
  await withRates(async (root) => {
    const base = ["vacuum", "-p", root, "-t", "rates"];
    assertError(
      await runCli([...base, "--keep", "1", "--retain", "1d"]),
      2,
      /either --retain or --keep/,
    );
    assertError(await runCli([...base, "--grace", "1y"]), 2, /Invalid --grace "1y"/);
    assertError(await runCli([...base, "--keep", "0"]), 2, /Invalid --keep/);
    assertError(await runCli(["vacuum", "-p", root, "-t", "nope"]), 1, /Cannot open table nope/);
  });
});

Deno.test({
  name: upstreamTestName(
    "azof vacuum on an upstream table removes nothing referenced and no other file",
    "table1",
  ),
  ignore: !hasUpstreamTable("table1"),
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "azof-vacuum-up-" });
    try {
      await commandOutput("cp", { args: ["-r", `${UPSTREAM_ROOT}/table1`, root] });
      const first = await folderHashes(root);
      const byAge = await runCli([
        "vacuum",
        "-p",
        root,
        "-t",
        "table1",
        "--retain",
        "0",
        "--grace",
        "0",
      ]);
      assert.equal(byAge.code, 0, byAge.stderr);
      assert.deepEqual(
        await folderHashes(root),
        first,
        "one snapshot without commit time: nothing to do",
      );
      // A write makes s2; --keep 1 then removes s1.json only: every file s2 names stays, CSVs too.
      const write = await runCli([
        "write",
        "-p",
        root,
        "-t",
        "table1",
        "--input",
        "-",
        "--input-format",
        "ndjson",
      ], {
        stdin: '{"key":"9","event_time":"2024-05-01","value":"new"}\n',
      });
      assert.equal(write.code, 0, write.stderr);
      const scan = () =>
        runCli(["scan", "-p", root, "-t", "table1", "-f", "csv", "--as-of", "2024-03-01"]);
      const before = (await scan()).stdout;
      const run = await runCli([
        "vacuum",
        "-p",
        root,
        "-t",
        "table1",
        "--keep",
        "1",
        "--grace",
        "0",
        "-f",
        "json",
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout).remove.map((r: { file: string }) => r.file), [
        "s1.json",
      ]);
      const after = await folderHashes(root);
      for (const [file, hash] of first) {
        if (file !== "table1/s1.json" && file !== "table1/version.txt") {
          assert.equal(after.get(file), hash, file);
        }
      }
      assert.equal((await scan()).stdout, before);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
