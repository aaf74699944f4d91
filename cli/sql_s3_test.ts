import assert from "node:assert/strict";
import { LocalStore } from "../lib/store/local.ts";
import { S3Store } from "../lib/store/s3.ts";
import { resolveS3Config } from "../lib/store/s3_config.ts";
import { hasUpstreamTable, UPSTREAM_ROOT } from "../lib/testing/upstream.ts";
import { assertError, runCli } from "./fixture_test_util.ts";
import { S3RVER_ENDPOINT, S3RVER_SKIP, s3rverEnv, s3rverRoot } from "../lib/testing/s3rver.ts";

const skip = S3RVER_SKIP ??
  (!hasUpstreamTable("financials") ? "../shared/upstream-testdata is absent" : undefined);

const QUERIES = [
  `SELECT key AS symbol, revenue, net_income FROM financials AT ('2019-01-17T00:00:00.000Z')
    WHERE industry IN ('Software') ORDER BY revenue DESC LIMIT 5`,
  `SELECT a.key, a.revenue AS r2018, b.revenue AS r2019, b.event_time
    FROM financials AT ('2018-06-30') a JOIN financials AT ('2019-06-30') b USING (key) ORDER BY key`,
  `SELECT count(*) AS n, sum(revenue) AS revenue FROM financials FOR SYSTEM_TIME AS OF '2008-07-01'`,
  `SELECT * FROM financials AT (TIMESTAMP => '2012-03-31T23:59:59.999Z') ORDER BY key LIMIT 40`,
  `SELECT industry, count(*) AS n FROM financials GROUP BY industry ORDER BY industry`,
  `SELECT count(*) AS n FROM financials AT (VERSION => 1)`,
];
/** Before the table's first segment: the plan reads no file. */
const EMPTY = `SELECT key FROM financials AT ('1999-12-31') ORDER BY key`;

Deno.test({
  name: `azof sql on an s3:// table answers as on the local copy and leaves no staging folder${
    skip ? ` (skipped: ${skip})` : ""
  }`,
  ignore: skip !== undefined,
  fn: async (t) => {
    const env = s3rverEnv(S3RVER_ENDPOINT!);
    const s3 = s3rverRoot("sql");
    const store = new S3Store(s3, { config: resolveS3Config(env, () => undefined) });
    const local = new LocalStore(UPSTREAM_ROOT);
    for (const entry of await local.list("financials/")) {
      await store.put(entry.key, await local.read(entry.key));
    }
    const tmp = await Deno.makeTempDir({ prefix: "azof-sql-s3-tmp-" });
    const left = () => [...Deno.readDirSync(tmp)].map((e) => e.name);
    try {
      for (const [i, sql] of [...QUERIES, EMPTY].entries()) {
        await t.step(`query ${i + 1}`, async () => {
          const remote = await runCli(["sql", "-p", s3, sql], { env: { ...env, TMPDIR: tmp } });
          const disk = await runCli(["sql", "-p", UPSTREAM_ROOT, sql]);
          assert.equal(remote.code, 0, remote.stderr);
          assert.equal(remote.stdout, disk.stdout);
          assert.equal(remote.stdout.split("\n").length > 2, sql !== EMPTY, remote.stdout);
          assert.deepEqual(left(), [], "the staging folder is removed");
        });
      }
      await t.step("a failing query removes its staging folder too", async () => {
        const sql = "SELECT nope FROM financials AT ('2019-01-17')";
        const run = await runCli(["sql", "-p", s3, sql], { env: { ...env, TMPDIR: tmp } });
        assertError(run, 1, /nope/);
        assert.deepEqual(left(), []);
      });
      await t.step("an unknown table is named with the tables there", async () => {
        const run = await runCli(["sql", "-p", s3, "SELECT * FROM nosuch"], { env });
        assertError(run, 1, /Unknown table "nosuch": .*tables there: financials/);
      });
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
