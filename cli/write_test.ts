/**
 * CLI tests of create, write, history and gen, run as subprocesses: every bad input fails with exit
 * code 1, an `error:` line naming the line and column, and leaves every file of the table unchanged.
 */

import assert from "node:assert/strict";
import { hasUpstreamTable, UPSTREAM_ROOT, upstreamTestName } from "../lib/testing/upstream.ts";
import { outputWithin } from "../lib/testing/deadline.ts";
import { folderHashes } from "./fixture_test_util.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;

async function azof(args: string[], stdin?: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", MAIN, ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = await outputWithin(child, `azof ${args.join(" ")}`.slice(0, 200), { stdin });
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

const BAD: [string, "csv" | "ndjson", string, RegExp][] = [
  [
    "unknown column",
    "csv",
    "key,event_time,price,n,bogus\na,2024-01-01,1,1,x\n",
    /header line 1, column "bogus": unknown column/,
  ],
  [
    "missing non-nullable column",
    "csv",
    "key,event_time,n\na,2024-01-01,1\n",
    /header line 1, column "price" is missing/,
  ],
  [
    "missing key column",
    "csv",
    "event_time,price,n\n2024-01-01,1,1\n",
    /header line 1, column "key" is missing/,
  ],
  [
    "wrong type Float",
    "csv",
    "key,event_time,price,n\na,2024-01-01,1,1\nb,2024-01-02,abc,2\n",
    /line 3, column "price": expected a Float, found "abc"/,
  ],
  [
    "wrong type Int",
    "csv",
    "key,event_time,price,n\na,2024-01-01,1,1.5\n",
    /line 2, column "n": expected an Int/,
  ],
  [
    "bad timestamp",
    "csv",
    "key,event_time,price,n\na,2024-13-01,1,1\n",
    /line 2, column "event_time": expected a timestamp/,
  ],
  [
    "empty key",
    "csv",
    "key,event_time,price,n\n,2024-01-01,1,1\n",
    /line 2, column "key": a key must not be empty/,
  ],
  [
    "null in non-nullable",
    "csv",
    "key,event_time,price,n\na,2024-01-01,,1\n",
    /line 2, column "price": a value is required/,
  ],
  ["malformed CSV", "csv", 'key,event_time,price,n\na,2024-01-01,"1,1\n', /malformed CSV/],
  [
    "wrong field count",
    "csv",
    "key,event_time,price,n\na,2024-01-01,1\n",
    /line 2, malformed CSV: Invalid Record Length/,
  ],
  [
    "unknown field ndjson",
    "ndjson",
    '{"key":"a","event_time":"2024-01-01","price":1,"n":1,"x":2}\n',
    /line 1, column "x": unknown column/,
  ],
  [
    "missing column ndjson",
    "ndjson",
    '{"key":"a","event_time":"2024-01-01","n":1}\n',
    /line 1, column "price": a value is required/,
  ],
  [
    "wrong type ndjson",
    "ndjson",
    '{"key":"a","event_time":"2024-01-01","price":1,"n":1}\n{"key":"b","event_time":"2024-01-01","price":"x","n":1}\n',
    /line 2, column "price": expected a Float, found "x"/,
  ],
  [
    "bad timestamp ndjson",
    "ndjson",
    '{"key":"a","event_time":"yesterday","price":1,"n":1}\n',
    /line 1, column "event_time": expected a timestamp/,
  ],
  [
    "empty key ndjson",
    "ndjson",
    '{"key":"","event_time":"2024-01-01","price":1,"n":1}\n',
    /line 1, column "key": a key must not be empty/,
  ],
  [
    "Float beyond range csv",
    "csv",
    "key,event_time,price,n\na,2024-01-01,1,1\nb,2024-01-01,1e400,1\n",
    /line 3, column "price": 1e400 is out of range of a Float/,
  ],
  [
    "Float of 400 digits csv",
    "csv",
    `key,event_time,price,n\na,2024-01-01,-1${"0".repeat(400)},1\n`,
    /line 2, column "price": -10+ is out of range of a Float/,
  ],
  [
    "Float beyond range ndjson",
    "ndjson",
    '{"key":"a","event_time":"2024-01-01","price":-1e400,"n":1}\n',
    /line 1, column "price": -1e400 is out of range of a Float/,
  ],
  [
    "Int beyond int64 csv",
    "csv",
    "key,event_time,price,n\na,2024-01-01,1,9223372036854775808\n",
    /line 2, column "n": expected an Int \(64-bit whole number\), found "9223372036854775808"/,
  ],
  [
    "Int beyond int64 ndjson",
    "ndjson",
    '{"key":"a","event_time":"2024-01-01","price":1,"n":-9223372036854775809}\n',
    /line 1, column "n": expected an Int \(64-bit whole number\), found "-9223372036854775809"/,
  ],
  [
    "a JSON string as an Int ndjson",
    "ndjson",
    '{"key":"a","event_time":"2024-01-01","price":1,"n":"1"}\n',
    /line 1, column "n": expected a JSON number, found "1" \(--coerce converts it\)/,
  ],
  [
    "a number as event_time ndjson",
    "ndjson",
    '{"key":"a","event_time":"2024-01-01","price":1,"n":1}\n{"key":"a","event_time":1704067200000,"price":1,"n":1}\n',
    /line 2, column "event_time": expected a timestamp as a JSON string, found 1704067200000/,
  ],
  [
    "a JSON string as a Float ndjson",
    "ndjson",
    '{"key":"a","event_time":"2024-01-01","price":"1.5","n":1}\n',
    /line 1, column "price": expected a JSON number \(or "Infinity", "-Infinity", "NaN"\), found "1.5"/,
  ],
  [
    "malformed JSON",
    "ndjson",
    '{"key":"a","event_time":"2024-01-01","price":1,"n":1}\n{"key":\n',
    /line 2, malformed JSON/,
  ],
];

Deno.test("azof write rejects bad input with line and column and leaves the table unchanged", async (t) => {
  const root = await Deno.makeTempDir();
  assert.equal(
    (await azof([
      "create",
      "-p",
      root,
      "-t",
      "p",
      "--schema",
      "price:Float,n:Int,note:String?",
      "--segment",
      "P1Y,P3M",
    ])).code,
    0,
  );
  const good = "key,event_time,price,n\na,2024-01-01,1,1\nb,2023-06-01,2,2\n";
  assert.equal((await azof(["write", "-p", root, "-t", "p", "-i", "-", "-q"], good)).code, 0);
  for (const [name, format, input, message] of BAD) {
    await t.step(name, async () => {
      // Many rows before the bad one so that files are written (and must be removed) first.
      const before = await folderHashes(root);
      const r = await azof(
        ["write", "-p", root, "-t", "p", "-i", "-", "--input-format", format],
        input,
      );
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^error: Cannot write: /);
      assert.match(r.stderr, message);
      assert.deepEqual(await folderHashes(root), before);
    });
  }
  await t.step("--coerce reads NDJSON strings as numbers and numbers as timestamps", async () => {
    const input = '{"key":"c1","event_time":1704067200000,"price":"2.5","n":"7"}\n' +
      '{"key":"c2","event_time":"2024-01-02","price":"NaN","n":8}\n';
    const args = ["write", "-q", "-p", root, "-t", "p", "-i", "-", "--input-format", "ndjson"];
    const r = await azof([...args, "--coerce"], input);
    assert.equal(r.code, 0, r.stderr);
    const scan = await azof(["scan", "-p", root, "-t", "p", "--format", "ndjson"]);
    const rows = scan.stdout.trim().split("\n").map((l) => JSON.parse(l));
    const c1 = rows.find((row) => row.key === "c1");
    assert.equal(c1.event_time, "2024-01-01T00:00:00.000Z");
    assert.equal(c1.price, 2.5);
    assert.equal(`${c1.n}`, "7");
    assert.ok(rows.some((row) => row.key === "c2"));
  });
  await t.step("a bad row after many good ones commits nothing", async () => {
    const before = await folderHashes(root);
    let text = "key,event_time,price,n\n";
    for (let i = 0; i < 70_000; i++) text += `k${i},2024-02-01,${i},${i}\n`;
    text += "bad,2024-02-01,x,1\n";
    const r = await azof(["write", "-p", root, "-t", "p", "-i", "-"], text);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 70002, column "price"/);
    assert.deepEqual(await folderHashes(root), before);
  });
  await Deno.remove(root, { recursive: true });
});

Deno.test("azof create, write, history and scan --version work together", async () => {
  const root = await Deno.makeTempDir();
  const a = ["-p", root, "-t", "p"];
  assert.equal((await azof(["create", ...a, "--schema", "price:Float"])).code, 0);
  const again = await azof(["create", ...a, "--schema", "price:Float"]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists/);
  await azof(["write", ...a, "-i", "-"], "key,event_time,price\nx,2024-01-01,1\n");
  await azof(
    ["write", ...a, "-i", "-", "--input-format", "ndjson"],
    '{"key":"x","event_time":"2024-01-01","price":2}\n',
  );
  const now = await azof(["scan", ...a, "-f", "csv"]);
  assert.equal(now.stdout, "key,event_time,price\nx,2024-01-01T00:00:00.000Z,2\n");
  const v2 = await azof(["scan", ...a, "-f", "csv", "--version", "2"]);
  assert.equal(v2.stdout, "key,event_time,price\nx,2024-01-01T00:00:00.000Z,1\n");
  const history = JSON.parse((await azof(["history", ...a, "-f", "json"])).stdout);
  assert.deepEqual(history.snapshots.map((h: { operation: string }) => h.operation), [
    "create",
    "write",
    "write",
  ]);
  assert.equal(history.snapshots[2].summary.rows, 1);
  await Deno.remove(root, { recursive: true });
});

Deno.test({
  name: upstreamTestName("azof gen --file converts an upstream sample CSV like upstream", "table1"),
  ignore: !hasUpstreamTable("table1"),
}, async () => {
  const root = await Deno.makeTempDir();
  const upstream = `${UPSTREAM_ROOT}table1`;
  await Deno.mkdir(`${root}/table1`);
  for (const f of ["s1.json", "version.txt", "delta1.csv"]) {
    await Deno.copyFile(`${upstream}/${f}`, `${root}/table1/${f}`);
  }
  const r = await azof(["gen", "-p", root, "-t", "table1", "--file", "delta1"]);
  assert.equal(r.code, 0, r.stderr);
  const bytes = await Deno.readFile(`${root}/table1/delta1.parquet`);
  assert.equal(new TextDecoder().decode(bytes.slice(0, 4)), "PAR1");
  await Deno.remove(root, { recursive: true });
});
