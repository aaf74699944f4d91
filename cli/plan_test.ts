import assert from "node:assert/strict";
import { assertError, runCli, withFixture } from "./fixture_test_util.ts";

Deno.test("azof plan prints the plan as JSON with absolute paths from a relative --path", async () => {
  await withFixture(async (root) => {
    const run = await runCli([
      "plan",
      "-p",
      ".",
      "-t",
      "t",
      "--as-of",
      "2024-12-31",
      "--splits",
      "2",
    ], {
      cwd: root,
    });
    assert.equal(run.code, 0, run.stderr);
    const plan = JSON.parse(run.stdout);
    assert.equal(plan.formatVersion, 1);
    assert.equal(plan.asOf, "2024-12-31T00:00:00.000Z");
    assert.equal(plan.table, "t");
    assert.ok(plan.files.length > 0);
    for (const file of plan.files) {
      assert.ok(file.path.startsWith("/"), file.path);
      assert.ok((await Deno.stat(file.path)).isFile);
      assert.ok(file.role === "base" || file.role === "delta");
    }
    assert.deepEqual(
      plan.files.map((f: { rank: number }) => f.rank),
      plan.files.map((_: unknown, i: number) => plan.files.length - 1 - i),
    );
    assert.equal(plan.keyRanges[0].start, null);
    assert.equal(plan.keyRanges.at(-1).end, null);
    assert.equal(typeof plan.resolution.winner, "string");
  });
});

Deno.test("azof plan --format sql --dialect duckdb prints one query", async () => {
  await withFixture(async (root) => {
    const run = await runCli(["plan", "-p", root, "-t", "t", "-f", "sql", "--dialect", "duckdb"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^-- DuckDB/);
    assert.match(run.stdout, /read_parquet\('\//);
    assert.match(run.stdout, /ORDER BY "key"\n$/);
  });
});

Deno.test("azof plan refuses bad flags with one error line and exit code 2", async () => {
  await withFixture(async (root) => {
    const t = ["plan", "-p", root, "-t", "t"];
    assertError(await runCli([...t, "-f", "sql"]), 2, /--format sql needs --dialect/i);
    assertError(
      await runCli([...t, "--dialect", "duckdb"]),
      2,
      /--dialect goes with --format sql/i,
    );
    assertError(await runCli([...t, "-f", "sql", "--dialect", "mysql"]), 2, /invalid --dialect/i);
    assertError(await runCli([...t, "--splits", "0"]), 2, /invalid --splits "0"/i);
    assertError(await runCli([...t, "--columns", "key,nope"]), 2, /Unknown column "nope"/);
    assertError(await runCli([...t, "--as-of", "yesterday"]), 2, /invalid --as-of/i);
    assertError(await runCli(["plan", "-p", root, "-t", "missing"]), 1, /missing/);
  });
});
