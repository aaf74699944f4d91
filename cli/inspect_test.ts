import assert from "node:assert/strict";
import { assertError, runCli } from "./fixture_test_util.ts";
import { planScan } from "../lib/read/plan.ts";
import { openTable } from "../lib/format/table.ts";

const _DATA = new URL("../testdata/", import.meta.url).pathname;

Deno.test("azof inspect reports layout statistics in text and JSON", async () => {
  const text = await runCli(["inspect", "-p", _DATA, "-t", "prices"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /files an as-of read opens, .*: worst \d+ .*typical \(median\) \d+/);
  assert.match(text.stdout, /^level +segments +open +bases/m);
  const json = JSON.parse(
    (await runCli(["inspect", "-p", _DATA, "-t", "prices", "-f", "json"])).stdout,
  );
  const snapshot = await openTable(_DATA, "prices").snapshot();
  // Independent of the statistics code: the plan at every day of the table's span.
  let worst = 0;
  for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2025, 0, 1); t += 86_400_000) {
    worst = Math.max(worst, planScan(snapshot, { asOf: t }).files.length);
  }
  assert.equal(json.stats.reads.worst.files, worst);
  assert.equal(json.stats.reads.current, planScan(snapshot).files.length);
  assert.equal(json.stats.levels.length, 2);
  assert.equal(
    json.stats.levels.reduce((n: number, l: { bases: { files: number } }) => n + l.bases.files, 0),
    json.segments.flatMap(function bases(s: { base: unknown; segments: unknown[] }): unknown[] {
      return [...(s.base ? [s.base] : []), ...s.segments.flatMap((c) => bases(c as typeof s))];
    }).length,
  );
});

Deno.test("azof inspect --output FILE.svg writes a picture; --format svg writes it to stdout", async () => {
  const dir = await Deno.makeTempDir({ prefix: "azof-inspect-" });
  try {
    const run = await runCli(["inspect", "-p", _DATA, "-t", "prices", "-o", `${dir}/layout.svg`]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "");
    const svg = await Deno.readTextFile(`${dir}/layout.svg`);
    assert.match(svg, /^<svg xmlns/);
    assert.match(svg, /data-segment="year_2023\/year_2023_q2"/);
    const stdout = await runCli(["inspect", "-p", _DATA, "-t", "prices", "-f", "svg"]);
    assert.equal(stdout.stdout, svg);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["layout.svg"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("azof inspect --format svg --as-of marks the instant and the files that read opens", async () => {
  const run = await runCli([
    "inspect",
    "-p",
    _DATA,
    "-t",
    "prices",
    "--as-of",
    "2023-09-15",
    "-f",
    "svg",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /<line class="as-of" /);
  const snapshot = await openTable(_DATA, "prices").snapshot();
  const files = planScan(snapshot, { asOf: Date.UTC(2023, 8, 15) }).files.map((f) => f.file);
  const marked = [...run.stdout.matchAll(/class="(?:base|delta) read" data-file="([^"]*)"/g)]
    .map((m) => m[1]!);
  assert.deepEqual(marked.sort(), [...new Set(files)].sort());
});

Deno.test("azof inspect and scan --snapshot N of a missing snapshot are the same usage error", async () => {
  for (const command of ["inspect", "scan"]) {
    assertError(
      await runCli([command, "-p", _DATA, "-t", "prices", "--snapshot", "99"]),
      2,
      /^error: Cannot read snapshot s99\.json: it is not in .*prices$/,
    );
  }
});
