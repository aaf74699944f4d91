/**
 * CLI tests that `azof compact` keeps a table's layout: the upstream `financials` table (years split
 * into quarters, no stored policy) stays quarterly and answers as before at several instants (the
 * oracle: scans of the untouched upstream copy); `--horizon` creates no segments before the data;
 * `--dry-run` shows file counts and the worst read before and after, and writes nothing.
 */

import assert from "node:assert/strict";
import { runCli } from "./fixture_test_util.ts";

const _UPSTREAM = new URL("../../shared/upstream-testdata", import.meta.url).pathname;
const _INSTANTS = [
  "2000-02-15",
  "2003-06-30T23:59:59.999Z",
  "2003-07-01",
  "2010-12-31T23:59:59.999Z",
  "2019-01-17",
];

async function _financialsCopy(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "azof-compact-layout-" });
  await Deno.mkdir(`${root}/financials`);
  for await (const entry of Deno.readDir(`${_UPSTREAM}/financials`)) {
    await Deno.copyFile(
      `${_UPSTREAM}/financials/${entry.name}`,
      `${root}/financials/${entry.name}`,
    );
  }
  return root;
}

async function _ok(args: string[]): Promise<string> {
  const run = await runCli(args, { timeout: 120_000 });
  assert.equal(run.code, 0, `azof ${args.join(" ")}: ${run.stderr}`);
  return run.stdout;
}

async function _inspect(root: string): Promise<{ segments: { segments: unknown[] }[] }> {
  return JSON.parse(await _ok(["inspect", "-p", root, "-t", "financials", "-f", "json"]));
}

Deno.test("azof compact keeps financials quarterly and answers as before at every instant tried", async (t) => {
  const root = await _financialsCopy();
  try {
    await t.step(
      "by default, nothing is rewritten: the quarterly layout is the policy",
      async () => {
        const plan = JSON.parse(
          await _ok(["compact", "-p", root, "-t", "financials", "--dry-run", "-f", "json"]),
        );
        assert.deepEqual(plan.policy.segment, ["P1Y", "P3M"]);
        assert.ok(plan.periods.every((p: { action: string }) => p.action === "keep"));
        assert.equal(plan.preview.before.files, 169);
        assert.equal(plan.preview.after.files, 169);
      },
    );
    await t.step(
      "--force rewrites every year into quarters, and reads answer as before",
      async () => {
        await _ok(["compact", "-p", root, "-t", "financials", "--force", "-q"]);
        const report = await _inspect(root);
        assert.equal(report.segments.length, 22);
        for (const year of report.segments.slice(0, -1)) assert.equal(year.segments.length, 4);
        for (const asOf of _INSTANTS) {
          const args = ["scan", "-t", "financials", "--as-of", asOf, "-f", "csv"];
          const before = await _ok([...args, "-p", _UPSTREAM]);
          const after = await _ok([...args, "-p", root]);
          assert.ok(before.split("\n").length > 100, `rows as of ${asOf}`);
          assert.equal(after, before, `answer as of ${asOf}`);
        }
        assert.equal(await Deno.readTextFile(`${root}/financials/version.txt`), "2");
      },
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("azof compact --horizon creates no segments before the table's first data", async () => {
  const root = await Deno.makeTempDir({ prefix: "azof-compact-horizon-" });
  try {
    await _ok(["create", "-p", root, "-t", "r", "--schema", "v:Int", "--segment", "P1Y,P3M"]);
    const rows = "key,event_time,v\na,2022-03-01,1\nb,2023-05-01,2\na,2024-02-01,3\n";
    const wrote = await runCli(["write", "-p", root, "-t", "r", "--input", "-"], {
      stdin: rows,
    });
    assert.equal(wrote.code, 0, wrote.stderr);
    const dry = await _ok(["compact", "-p", root, "-t", "r", "--horizon", "P10Y", "--dry-run"]);
    assert.match(dry, /^region from 2022-01-01T00:00:00.000Z/m);
    assert.match(dry, /^data files: 3 now, about \d+ after$/m);
    assert.match(dry, /^files an as-of read opens at worst: \d+ \(as of [^)]+\) now, about /m);
    assert.equal(await Deno.readTextFile(`${root}/r/version.txt`), "2");
    await _ok(["compact", "-p", root, "-t", "r", "--horizon", "P10Y", "-q"]);
    const report = JSON.parse(await _ok(["inspect", "-p", root, "-t", "r", "-f", "json"]));
    assert.deepEqual(report.segments.map((s: { id: string }) => s.id), ["2022", "2023", "2024"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
