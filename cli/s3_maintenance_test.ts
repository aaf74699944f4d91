import assert from "node:assert/strict";
import { assertError, runCli } from "./fixture_test_util.ts";
import { openStore } from "../lib/store/open.ts";
import { resolveS3Config } from "../lib/store/s3_config.ts";
import {
  S3RVER_ENDPOINT,
  S3RVER_SKIP,
  s3rverEnv,
  s3rverRoot,
  s3rverTestName,
} from "../lib/testing/s3rver.ts";

const _DATA = new URL("../testdata/", import.meta.url).pathname;

Deno.test({
  name: s3rverTestName("azof vacuum and inspect work on s3:// as they do locally"),
  ignore: S3RVER_SKIP !== undefined,
  fn: async () => {
    const env = s3rverEnv(S3RVER_ENDPOINT!);
    const s3 = s3rverRoot("maint");
    const local = await Deno.makeTempDir({ prefix: "azof-s3-maint-" });
    try {
      const steps = [
        ["create", "-t", "rates", "--schema", "rate:Float,note:String?", "--segment", "P1Y,P3M"],
        ["write", "-t", "rates", "-i", `${_DATA}rates.csv`],
        ["write", "-t", "rates", "-i", `${_DATA}rates_fix.ndjson`],
      ];
      for (const args of steps) {
        for (const path of [s3, local]) {
          const run = await runCli([...args, "-p", path], { env });
          assert.equal(run.code, 0, run.stderr);
        }
      }
      const store = await openStore(s3, { s3: { config: resolveS3Config(env, () => undefined) } });
      await store.put(
        "rates/data/stray-0a1b2c3d-0000-4000-8000-000000000000.parquet",
        new Uint8Array(10),
      );

      // Inspect: the same statistics as the local table.
      const stats = async (path: string) =>
        JSON.parse(
          (await runCli(["inspect", "-t", "rates", "-p", path, "-f", "json"], { env })).stdout,
        )
          .stats;
      assert.deepEqual(await stats(s3), await stats(local));
      const svg = await runCli(["inspect", "-t", "rates", "-p", s3, "-f", "svg"], { env });
      assert.match(svg.stdout, /^<svg /);

      // Default grace: the fresh stray object stays; nothing is old enough to go.
      const dry = await runCli(["vacuum", "-t", "rates", "-p", s3, "-f", "json"], { env });
      assert.equal(dry.code, 0, dry.stderr);
      assert.deepEqual(JSON.parse(dry.stdout).remove, []);
      assert.deepEqual(JSON.parse(dry.stdout).young.map((y: { file: string }) => y.file), [
        "data/stray-0a1b2c3d-0000-4000-8000-000000000000.parquet",
      ]);

      const reads = [["-f", "csv"], ["--as-of", "2024-03-31", "-f", "csv"]];
      const scan = (path: string, args: string[]) =>
        runCli(["scan", "-t", "rates", "-p", path, ...args], { env });
      const vacuum = ["vacuum", "-t", "rates", "--keep", "1", "--grace", "0", "-f", "json"];
      const [a, b] = [
        await runCli([...vacuum, "-p", s3], { env }),
        await runCli([...vacuum, "-p", local]),
      ];
      assert.equal(a.code, 0, a.stderr);
      const removed = (run: { stdout: string }) =>
        JSON.parse(run.stdout).remove.map((r: { file: string }) => r.file);
      assert.deepEqual(removed(a), [
        "s1.json",
        "s2.json",
        "data/stray-0a1b2c3d-0000-4000-8000-000000000000.parquet",
      ]);
      assert.deepEqual(removed(b), ["s1.json", "s2.json"]);
      assert.ok(
        !(await store.exists("rates/s1.json")) &&
          !(await store.exists("rates/data/stray-0a1b2c3d-0000-4000-8000-000000000000.parquet")),
      );
      for (const args of reads) {
        const [x, y] = [await scan(s3, args), await scan(local, args)];
        assert.equal(x.code, 0, x.stderr);
        assert.equal(x.stdout, y.stdout, args.join(" "));
      }
      assertError(await scan(s3, ["--version", "2"]), 2, /s2\.json: it is not in s3:.*azof vacuum/);
    } finally {
      await Deno.remove(local, { recursive: true });
    }
  },
});
