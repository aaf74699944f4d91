import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { bundle, externalSpecifiers } from "./bundle.ts";
import { createTable, parseSchemaText } from "../lib/write/create.ts";
import { WASM_MIN_BYTES } from "../lib/parquet/data_file.ts";
import { writeRows } from "../lib/write/write.ts";
import { Prng } from "../lib/write/prng.ts";
import { commandOutput, within } from "../lib/testing/deadline.ts";
import denoJson from "../deno.json" with { type: "json" };

const _ROOT = new URL("../", import.meta.url);
const _PERMISSIONS = ["--allow-read", "--allow-write", "--allow-env", "--allow-net"];

Deno.test("externalSpecifiers() names the deno.json versions of the packages left out", () => {
  assert.deepEqual(externalSpecifiers(denoJson.imports), [
    denoJson.imports["parquet-wasm"],
    denoJson.imports["apache-arrow"],
    denoJson.imports["@duckdb/node-api"],
  ]);
  assert.throws(() => externalSpecifiers({}), /no npm: import for parquet-wasm/);
});

/** Runs a command and returns its exit code and output. */
async function _run(command: string, args: string[], cwd: string) {
  const out = await commandOutput(command, { args, cwd, env: { NO_COLOR: "1" } });
  const decoder = new TextDecoder();
  return { code: out.code, stdout: out.stdout, stderr: decoder.decode(out.stderr) };
}

/** A table with one data file large enough for the parquet-wasm decoder. */
async function _largeTable(root: string): Promise<void> {
  const table = await createTable(root, "large", parseSchemaText("note:String,n:Int"));
  const prng = new Prng(5);
  const rows = function* () {
    for (let i = 0; i < 110_000; i++) {
      const note = Array.from({ length: 6 }, () => prng.next().toString(36).slice(2)).join("");
      yield { key: `k${i}`, event_time: Date.UTC(2021, 0, 1) + i * 1000, note, n: BigInt(i) };
    }
  };
  await writeRows(table, rows());
}

Deno.test("the single-file bundle runs with deno run outside the checkout, as the CLI does", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "azof-bundle-" });
  try {
    const file = `${dir}/azof.js`;
    await within("deno bundle", (signal) => bundle(file, signal));
    await commandOutput("cp", { args: ["-r", new URL("testdata", _ROOT).pathname, dir] });
    await _largeTable(`${dir}/testdata`);
    let largest = 0;
    for await (const entry of Deno.readDir(`${dir}/testdata/large/data`)) {
      largest = Math.max(
        largest,
        (await Deno.stat(`${dir}/testdata/large/data/${entry.name}`)).size,
      );
    }
    assert.ok(largest >= WASM_MIN_BYTES, `largest data file ${largest} bytes`);
    const cases = [
      ["--version"],
      ["--help"],
      ["scan", "--help"],
      ["scan", "-p", "testdata", "-t", "prices", "--as-of", "2023-06-30"],
      ["inspect", "-p", "testdata", "-t", "prices", "--as-of", "2023-05-17"],
      ["scan", "-p", "testdata", "-t", "large", "-f", "ndjson"],
      ["scan", "-p", "testdata", "-t", "prices", "-f", "arrow"],
      ["history", "-p", "testdata", "-t", "large"],
      [
        "sql",
        "-p",
        "testdata",
        "SELECT count(*) AS n, max(price) AS top FROM prices AT ('2023-06-30')",
      ],
    ];
    for (const args of cases) {
      await t.step(`azof ${args.join(" ")}`, async () => {
        const ffi = args[0] === "sql" ? ["--allow-ffi"] : [];
        const bundled = await _run(
          Deno.execPath(),
          ["run", ..._PERMISSIONS, ...ffi, file, ...args],
          dir,
        );
        const script = await _run(
          Deno.execPath(),
          ["run", ..._PERMISSIONS, ...ffi, new URL("cli/main.ts", _ROOT).pathname, ...args],
          dir,
        );
        assert.equal(bundled.code, 0, bundled.stderr);
        assert.ok(bundled.stdout.length > 0);
        assert.equal(script.code, 0, script.stderr);
        assert.ok(Buffer.from(bundled.stdout).equals(script.stdout), "the outputs differ");
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
