import assert from "node:assert/strict";
import { parquetReadObjects } from "npm:hyparquet@1.31.5";
import { hasUpstreamTable, UPSTREAM_ROOT, upstreamTestName } from "../lib/testing/upstream.ts";
import {
  assertError,
  cliOutput,
  runCli as azof,
  spawnCli,
  withFixture,
} from "./fixture_test_util.ts";

const README_QUERY = `SELECT key AS symbol, revenue, net_income
  FROM financials AT ('2019-01-17T00:00:00.000Z')
 WHERE industry IN ('Software')
 ORDER BY revenue DESC
 LIMIT 5`;

Deno.test({
  name: upstreamTestName("azof sql prints the README query as the golden CSV", "financials"),
  ignore: !hasUpstreamTable("financials"),
  async fn() {
    const golden = await Deno.readTextFile(
      new URL("../lib/sql/testdata/financials_readme.csv", import.meta.url),
    );
    const run = await azof(["sql", "--path", UPSTREAM_ROOT, README_QUERY]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, golden);
    assert.equal(run.stderr, "");
  },
});

Deno.test("azof sql takes the query as an argument, from --file or on stdin", async () => {
  await withFixture(async (root) => {
    const query = "SELECT key, n FROM t AT ('2024-01-31') ORDER BY key";
    const expected = "key,n\na,1\nb,9007199254740993\n";
    assert.equal((await azof(["sql", "-p", root, query])).stdout, expected);
    const file = `${root}/q.sql`;
    await Deno.writeTextFile(file, `-- the query\n${query};\n`);
    assert.equal((await azof(["sql", "-p", root, "--file", file])).stdout, expected);
    assert.equal((await azof(["sql", "-p", root], { stdin: query })).stdout, expected);
  });
});

Deno.test("azof sql writes every output format", async (t) => {
  await withFixture(async (root) => {
    const query =
      "SELECT a.key, a.value AS jan, b.value AS now, b.event_time FROM t AT ('2024-01-31') a JOIN t b USING (key) ORDER BY key";
    await t.step("ndjson", async () => {
      const run = await azof(["sql", "-p", root, "-f", "ndjson", query]);
      assert.equal(
        run.stdout,
        '{"key":"a","jan":"a0","now":"a1","event_time":"2024-02-10T00:00:00.000Z"}\n' +
          '{"key":"b","jan":"say \\"hi\\",\\nbye","now":"say \\"hi\\",\\nbye","event_time":"2024-01-01T00:00:00.000Z"}\n',
      );
    });
    await t.step("parquet file", async () => {
      const out = `${root}/out.parquet`;
      const run = await azof([
        "sql",
        "-p",
        root,
        "-o",
        out,
        "SELECT key, n, event_time FROM t ORDER BY key",
      ]);
      assert.equal(run.code, 0, run.stderr);
      const bytes = await Deno.readFile(out);
      const rows = await parquetReadObjects({ file: bytes.buffer as ArrayBuffer });
      assert.deepEqual(rows.map((r) => [r.key, r.n]), [["a", 2n], ["b", 9007199254740993n], [
        "c",
        null,
      ]]);
    });
    await t.step("json and table", async () => {
      const json = await azof(["sql", "-p", root, "-f", "json", "SELECT count(*) AS n FROM t"]);
      assert.deepEqual(JSON.parse(json.stdout), [{ n: 3 }]);
      const table = await azof(["sql", "-p", root, "-f", "table", "SELECT 1 AS one"]);
      assert.match(table.stdout, /one/);
    });
  });
});

Deno.test("azof sql errors: one error line each", async (t) => {
  await withFixture(async (root) => {
    await t.step("syntax error with position", async () =>
      assertError(
        await azof(["sql", "-p", root, "SELECT key\nFROM t AT ('2024-01-01') WHER n > 1"]),
        1,
        /SQL syntax error at line 2, column 31/,
      ));
    await t.step(
      "unknown table",
      async () =>
        assertError(
          await azof(["sql", "-p", root, "SELECT * FROM prices"]),
          1,
          /Unknown table "prices"/,
        ),
    );
    await t.step("bad time literal", async () =>
      assertError(
        await azof(["sql", "-p", root, "SELECT * FROM t AT ('2024-02-30')"]),
        1,
        /Invalid time '2024-02-30' after t/,
      ));
    await t.step(
      "no query",
      async () => assertError(await azof(["sql", "-p", root]), 2, /needs a query/),
    );
    await t.step(
      "two query arguments",
      async () =>
        assertError(
          await azof(["sql", "-p", root, "SELECT 1", "SELECT 2"]),
          2,
          /one query argument/,
        ),
    );
    await t.step("without --allow-ffi: a clear error for sql only", async () => {
      assertError(await azof(["sql", "-p", root, "SELECT 1"], { ffi: false }), 1, /--allow-ffi/);
      const scan = await azof(["scan", "-p", root, "-t", "t", "-c", "key"], { ffi: false });
      assert.equal(scan.code, 0, scan.stderr);
      assert.equal(scan.stdout, "key\na\nb\nc\n");
    });
  });
});

Deno.test("azof sql --help shows the time-travel forms and examples", async () => {
  const run = await azof(["sql", "--help"]);
  assert.equal(run.code, 0);
  for (
    const text of ["AT ('", "FOR SYSTEM_TIME AS OF", "TIMESTAMP =>", "VERSION =>", "Examples:"]
  ) {
    assert.ok(run.stdout.includes(text), text);
  }
});

Deno.test("azof sql interrupted (SIGINT, SIGTERM) removes its staging folder and exits 130 or 143", async (t) => {
  await withFixture(async (root) => {
    for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
      await t.step(signal, async () => {
        const tmp = await Deno.makeTempDir({ prefix: "azof-sql-signal-" });
        const slow = "SELECT sum(r.range + length(t.key)) FROM t, range(100000000000) r";
        const child = spawnCli(["sql", "-p", root, slow], { env: { TMPDIR: tmp } });
        let exited = false;
        const running = cliOutput(child).finally(() => exited = true);
        while (!exited && [...Deno.readDirSync(tmp)].length === 0) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await new Promise((resolve) => setTimeout(resolve, 300));
        child.kill(signal);
        const run = await running;
        assert.equal(run.code, code, run.stderr);
        assert.deepEqual([...Deno.readDirSync(tmp)].map((e) => e.name), []);
        await Deno.remove(tmp);
      });
    }
  });
});
