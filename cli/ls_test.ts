/**
 * CLI tests of `azof ls`: tables at any depth under a local root and an `s3://` root, with rows
 * checked against DuckDB's count of the files each snapshot names, bytes against the files' sizes,
 * and the span against the snapshot JSON; csv and json forms; an unreadable table is listed with its
 * error and makes the run exit 1; a missing root is one error line.
 */

import assert from "node:assert/strict";
import { DuckOracle, sqlString } from "../lib/testing/duckdb_oracle.ts";
import { assertError, runCli } from "./fixture_test_util.ts";
import {
  S3RVER_ENDPOINT,
  S3RVER_SKIP,
  s3rverEnv,
  s3rverRoot,
  s3rverTestName,
} from "../lib/testing/s3rver.ts";

const _DATA = new URL("../testdata/", import.meta.url).pathname;

async function _copy(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (entry.isDirectory) await _copy(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else await Deno.copyFile(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/** What ls should say of a table folder, from its s1.json, the file sizes and DuckDB. */
async function _expected(folder: string): Promise<{ rows: number; files: number; bytes: number }> {
  const text = await Deno.readTextFile(`${folder}/s1.json`);
  const files = [...new Set([...text.matchAll(/"file": "([^"]+)"/g)].map((m) => m[1]!))];
  let bytes = 0;
  for (const f of files) bytes += (await Deno.stat(`${folder}/${f}`)).size;
  const oracle = await DuckOracle.open();
  try {
    const list = files.map((f) => sqlString(`${folder}/${f}`)).join(", ");
    const [[count]] = await oracle.rows(`SELECT count(*) FROM read_parquet([${list}])`) as [
      [bigint],
    ];
    return { rows: Number(count), files: files.length, bytes };
  } finally {
    oracle.close();
  }
}

Deno.test("azof ls lists the tables at any depth with rows, files, bytes and time span", async () => {
  const root = await Deno.makeTempDir({ prefix: "azof-ls-" });
  try {
    await _copy(`${_DATA}prices`, `${root}/prices`);
    await _copy(`${_DATA}prices`, `${root}/eu/sales/prices`);
    const expected = await _expected(`${root}/prices`);
    const json = await runCli(["ls", "-p", root, "-f", "json"]);
    assert.equal(json.code, 0, json.stderr);
    const answer = JSON.parse(json.stdout);
    assert.equal(answer.formatVersion, 1);
    assert.deepEqual(
      answer.tables,
      ["eu/sales/prices", "prices"].map((name) => ({
        name,
        snapshot: 1,
        ...expected,
        start: "2023-01-01T00:00:00.000Z",
        end: "2024-12-31T23:59:59.999Z",
      })),
    );
    const csv = await runCli(["ls", "-p", root, "-f", "csv"]);
    assert.equal(csv.code, 0, csv.stderr);
    const line = `1,${expected.rows},${expected.files},${expected.bytes},2023-01-01T00:00:00.000Z`;
    assert.equal(
      csv.stdout,
      "table,snapshot,rows,files,bytes,start,end\n" +
        `eu/sales/prices,${line},2024-12-31T23:59:59.999Z\n` +
        `prices,${line},2024-12-31T23:59:59.999Z\n`,
    );
    const text = await runCli(["ls", "-p", root]);
    assert.match(text.stdout, /^table +snapshot +rows +files +bytes +start +end$/m);
    assert.match(text.stdout, /^\(2 rows\)$/m);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("azof ls lists an unreadable table with its error and exits 1; a missing root is an error", async () => {
  const root = await Deno.makeTempDir({ prefix: "azof-ls-bad-" });
  try {
    await _copy(`${_DATA}prices`, `${root}/prices`);
    await Deno.mkdir(`${root}/broken`);
    await Deno.writeTextFile(`${root}/broken/version.txt`, "3");
    const run = await runCli(["ls", "-p", root, "-f", "csv"]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^broken,,0,0,0,,,Cannot read snapshot s3\.json/m);
    assert.match(run.stdout, /^prices,1,/m);
    assert.match(run.stderr, /^error: Cannot read 1 of 2 tables under .*: broken \(/);
    assertError(
      await runCli(["ls", "-p", `${root}/nope`]),
      1,
      /Cannot list tables under .*nope: no such folder/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test({
  name: s3rverTestName("azof ls lists the tables under an s3:// root as under a local one"),
  ignore: S3RVER_SKIP !== undefined,
  fn: async () => {
    const env = s3rverEnv(S3RVER_ENDPOINT!);
    const s3 = s3rverRoot("ls");
    const local = await Deno.makeTempDir({ prefix: "azof-ls-s3-" });
    try {
      for (const path of [s3, `${s3}/nested`, local, `${local}/nested`]) {
        const steps = [
          ["create", "-p", path, "-t", "rates", "--schema", "rate:Float,note:String?"],
          ["write", "-p", path, "-t", "rates", "-i", `${_DATA}rates.csv`],
        ];
        for (const args of steps) {
          const run = await runCli(args, { env });
          assert.equal(run.code, 0, run.stderr);
        }
      }
      const list = async (path: string) => {
        const run = await runCli(["ls", "-p", path, "-f", "json"], { env });
        assert.equal(run.code, 0, run.stderr);
        const { tables } = JSON.parse(run.stdout);
        assert.deepEqual(tables.map((t: { name: string }) => t.name), ["nested/rates", "rates"]);
        // Compaction-free tables written the same way have the same rows, files and span.
        return tables.map((
          t: Record<string, unknown>,
        ) => [t.snapshot, t.rows, t.files, t.start, t.end]);
      };
      assert.deepEqual(await list(s3), await list(local));
    } finally {
      await Deno.remove(local, { recursive: true });
    }
  },
});
