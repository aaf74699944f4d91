import assert from "node:assert/strict";
import { assertError, runCli } from "./fixture_test_util.ts";
import { DuckOracle } from "../lib/testing/duckdb_oracle.ts";

const _T = { timeout: 60_000 };

/** A temporary root holding a copy of testdata/prices (files written before any schema change). */
async function _root(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "azof-evolve-" });
  await Deno.mkdir(`${root}/prices`);
  for await (const entry of Deno.readDir(new URL("../testdata/prices", import.meta.url))) {
    if (!entry.isFile) continue;
    await Deno.copyFile(
      new URL(`../testdata/prices/${entry.name}`, import.meta.url),
      `${root}/prices/${entry.name}`,
    );
  }
  return root;
}

function _rows(text: string): Record<string, unknown>[] {
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

async function _scan(root: string, ...flags: string[]): Promise<string> {
  const run = await runCli(["scan", "-p", root, "-t", "prices", "-f", "csv", ...flags], _T);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout;
}

Deno.test("azof alter reads old files with the new schema; scan --snapshot 1 keeps the old one", async () => {
  const root = await _root();
  try {
    const before = await _scan(root, "--as-of", "2023-08-01");
    const beforeRows = _rows(await _scan(root, "--as-of", "2023-08-01", "-f", "ndjson"));
    const run = await runCli([
      "alter",
      "-p",
      root,
      "-t",
      "prices",
      "--rename-column",
      "price:close",
      "--widen-column",
      "volume:Float",
      "--drop-column",
      "listed",
      "--add-column",
      "note:String?",
    ], _T);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /altered prices: snapshot 2, columns name:String, close:Float, volume:Float, updated:DateTime\?, note:String\?/,
    );
    const after = _rows(await _scan(root, "--as-of", "2023-08-01", "-f", "ndjson"));
    // The same rows: price renamed, volume a Float, listed gone, note null.
    const expected = beforeRows.map(({ price, listed: _, volume, updated, ...rest }) => ({
      ...rest,
      close: price,
      volume,
      updated,
      note: null,
    }));
    assert.deepEqual(after, expected);
    // An Int beyond 2^53 becomes the nearest binary64.
    assert.match(before, /,9007199254740993,/);
    assert.match(await _scan(root, "--as-of", "2023-08-01"), /,9007199254740992,/);
    assert.equal(await _scan(root, "--as-of", "2023-08-01", "--snapshot", "1"), before);
    assert.equal(await _scan(root, "--as-of", "2023-08-01", "--version", "1"), before);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("azof plan of an altered table maps each file's columns; --snapshot 1 plans with the old schema", async () => {
  const root = await _root();
  const oracle = await DuckOracle.open();
  try {
    const alter = await runCli([
      "alter",
      ...["-p", root, "-t", "prices", "--rename-column", "price:close", "--drop-column", "listed"],
      ...["--add-column", "listed:String?", "--widen-column", "volume:Float"],
    ], _T);
    assert.equal(alter.code, 0, alter.stderr);
    const plan = async (...flags: string[]) => {
      const run = await runCli(["plan", "-p", root, "-t", "prices", ...flags], _T);
      assert.equal(run.code, 0, run.stderr);
      return run.stdout;
    };
    const now = JSON.parse(await plan("--as-of", "2023-08-01"));
    assert.deepEqual(
      now.schema.columns.map((c: { name: string }) => c.name),
      ["name", "close", "volume", "updated", "listed"],
    );
    assert.ok(now.files.length > 0);
    for (const file of now.files) {
      // Written before the alter: close is the file's price; its Boolean listed was dropped.
      assert.equal(file.fileColumns.close, "price");
      assert.equal(file.fileColumns.volume, "volume");
      assert.ok(!file.columns.includes("listed") && !("listed" in file.fileColumns));
    }
    assert.match(now.resolution.columns, /fileColumns/);
    const old = JSON.parse(await plan("--as-of", "2023-08-01", "--snapshot", "1"));
    assert.equal(old.snapshot, 1);
    assert.deepEqual(
      old.schema.columns.map((c: { name: string }) => c.name),
      ["name", "price", "volume", "listed", "updated"],
    );
    assert.ok(old.files.every((f: { fileColumns: object }) => "listed" in f.fileColumns));
    // The DuckDB query reads close from price, volume as a Float, listed as null.
    const sql = await plan("--as-of", "2023-08-01", "-f", "sql", "--dialect", "duckdb");
    const got = await oracle.rows(
      `SELECT key, close, typeof(volume), volume, listed FROM (${sql}) q`,
    );
    const want = _rows(await _scan(root, "--as-of", "2023-08-01", "-f", "ndjson"));
    assert.deepEqual(got, want.map((r) => [r.key, r.close, "DOUBLE", r.volume, null]));
  } finally {
    oracle.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("azof alter refuses a bad change with exit 2 and commits nothing", async () => {
  const root = await _root();
  try {
    const alter = (...flags: string[]) =>
      runCli(["alter", "-p", root, "-t", "prices", ...flags], _T);
    assertError(await alter("--add-column", "x:Int"), 2, /cannot add column "x" as non-nullable/);
    assertError(await alter("--drop-column", "nope"), 2, /there is no column "nope"/);
    assertError(await alter("--rename-column", "price:name"), 2, /column "name" already exists/);
    assertError(await alter("--widen-column", "price:Int"), 2, /cannot widen column "price"/);
    assertError(await alter("--add-column", "key:String?"), 2, /"key" cannot name a column/);
    assertError(await alter(), 2, /azof alter needs --add-column/);
    assert.equal(await Deno.stat(`${root}/prices/s2.json`).catch(() => undefined), undefined);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("azof write --evolve adds the input's new columns, typed from the input; without it they are refused", async () => {
  const root = await _root();
  try {
    const ndjson = '{"key":"ZZZ","event_time":"2024-06-01","name":"z","price":1.5,"volume":3,' +
      '"rating":4,"score":0.5,"ok":true,"tag":"x"}\n';
    const refused = await runCli(["write", "-p", root, "-t", "prices"], { ..._T, stdin: ndjson });
    assertError(refused, 1, /column "rating": unknown column/);
    const run = await runCli(["write", "-p", root, "-t", "prices", "--evolve"], {
      ..._T,
      stdin: ndjson,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /added rating:Int\?, score:Float\?, ok:Boolean\?, tag:String\? to prices: snapshot 2/,
    );
    assert.match(run.stderr, /snapshot 3/);
    const out = await runCli(
      [
        "scan",
        "-p",
        root,
        "-t",
        "prices",
        "--key",
        "ZZZ",
        "-c",
        "key,rating,score,ok,tag",
        "-f",
        "ndjson",
      ],
      _T,
    );
    assert.equal(out.stdout, '{"key":"ZZZ","rating":4,"score":0.5,"ok":true,"tag":"x"}\n');
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("azof changes outputs the rows each write committed; azof diff the answers a late write changed", async () => {
  const root = await _root();
  try {
    const write = (csv: string) =>
      runCli(["write", "-p", root, "-t", "prices", "-i", "-", "--input-format", "csv"], {
        ..._T,
        stdin: csv,
      });
    const header = "key,event_time,name,price,volume,_deleted\n";
    assert.equal((await write(header + "NEW,2023-05-01,n,2.5,10,\n")).code, 0);
    assert.equal((await write(header + "NEW,2023-07-01,,,,true\n")).code, 0);
    const changes = await runCli(
      ["changes", "-p", root, "-t", "prices", "--from-snapshot", "1", "-c", "x", "-f", "csv"],
      _T,
    );
    assertError(changes, 2, /unknown|--columns|-c/);
    const feed = await runCli([
      "changes",
      "-p",
      root,
      "-t",
      "prices",
      "--from-snapshot",
      "1",
      "-f",
      "csv",
    ], _T);
    assert.equal(feed.code, 0, feed.stderr);
    assert.equal(
      feed.stdout,
      "key,event_time,name,price,volume,listed,updated,_snapshot,_op\n" +
        "NEW,2023-05-01T00:00:00.000Z,n,2.5,10,,,2,upsert\n" +
        "NEW,2023-07-01T00:00:00.000Z,,,,,,3,delete\n",
    );
    const filtered = await runCli([
      "changes",
      "-p",
      root,
      "-t",
      "prices",
      "--from-snapshot",
      "1",
      "--event-from",
      "2023-06-01",
      "-f",
      "csv",
    ], _T);
    assert.equal(filtered.stdout.split("\n").length, 3);
    const diff = await runCli([
      "diff",
      "-p",
      root,
      "-t",
      "prices",
      "--from-snapshot",
      "1",
      "--as-of",
      "2023-06-01",
      "--with-old",
      "-c",
      "x",
    ], _T);
    assertError(diff, 2, /-c|unknown/);
    const changed = await runCli([
      "diff",
      "-p",
      root,
      "-t",
      "prices",
      "--from-snapshot",
      "1",
      "--as-of",
      "2023-06-01",
      "-f",
      "csv",
    ], _T);
    assert.equal(
      changed.stdout,
      "key,_change,event_time,name,price,volume,listed,updated\n" +
        "NEW,insert,2023-05-01T00:00:00.000Z,n,2.5,10,,\n",
    );
    const summary = await runCli([
      "diff",
      "-p",
      root,
      "-t",
      "prices",
      "--from-snapshot",
      "1",
      "--as-of-range",
      "2023-04-01..2023-08-31",
      "--every",
      "P1M",
      "-f",
      "json",
    ], _T);
    const periods = JSON.parse(summary.stdout).periods.map((p: { id: string; changed: number }) =>
      `${p.id}:${p.changed}`
    );
    assert.deepEqual(periods, ["2023-04:0", "2023-05:1", "2023-06:1", "2023-07:0", "2023-08:0"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
