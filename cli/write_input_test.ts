import assert from "node:assert/strict";
import { assertError, runCli } from "./fixture_test_util.ts";

const CSV = "key,event_time,v\na,2024-01-01,1\nb,2024-01-02,2\n";
const NDJSON =
  '{"key":"a","event_time":"2024-01-01","v":1}\n{"key":"b","event_time":"2024-01-02","v":2}\n';
const WANT = "key,event_time,v\na,2024-01-01T00:00:00.000Z,1\nb,2024-01-02T00:00:00.000Z,2\n";

/** A fresh table `t` (v:Int) in a temporary root; removed afterwards. */
async function withTable(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "azof-input-" });
  try {
    const run = await runCli(["create", "-p", root, "-t", "t", "--schema", "v:Int"]);
    assert.equal(run.code, 0, run.stderr);
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const scanCsv = async (root: string) =>
  (await runCli(["scan", "-p", root, "-t", "t", "-f", "csv"])).stdout;

Deno.test("azof write reads stdin without --input, and tells NDJSON from CSV by its first byte", async () => {
  const inputs: [string, string][] = [
    ["CSV", CSV],
    ["NDJSON", NDJSON],
    ["NDJSON after blanks", ` \n${NDJSON}`],
  ];
  for (const [name, text] of inputs) {
    await withTable(async (root) => {
      for (const args of [[], ["-i", "-"]]) {
        const run = await runCli(["write", "-p", root, "-t", "t", ...args], { stdin: text });
        assert.equal(run.code, 0, `${name} ${args}: ${run.stderr}`);
      }
      assert.equal(await scanCsv(root), WANT, name);
    });
  }
});

Deno.test("azof write takes NDJSON from .ndjson and .jsonl files, and --input-format overrides", async () => {
  await withTable(async (root) => {
    for (const name of ["rows.ndjson", "rows.jsonl"]) {
      await Deno.writeTextFile(`${root}/${name}`, NDJSON);
      const run = await runCli(["write", "-p", root, "-t", "t", "-i", `${root}/${name}`]);
      assert.equal(run.code, 0, run.stderr);
    }
    assert.equal(await scanCsv(root), WANT);
    const forced = await runCli(["write", "-p", root, "-t", "t", "--input-format", "csv"], {
      stdin: NDJSON,
    });
    assertError(forced, 1, /line 1/);
  });
});
