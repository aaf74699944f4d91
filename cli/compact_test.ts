/**
 * CLI tests of `azof compact`, run as subprocesses: dry-run output (text and JSON) changes nothing,
 * a real run commits a `compact` snapshot that reads as before (and the old one stays readable),
 * `--set-policy` stores the policy, `create` takes the policy flags, bad flags exit 2.
 */

import assert from "node:assert/strict";
import { assertError, runCli } from "./fixture_test_util.ts";

const _ROWS = `key,event_time,rate
a,2022-03-01,1.5
b,2022-09-01,2.5
a,2023-02-01,1.75
c,2023-08-01,3
b,2024-01-15,2.25
`;

async function _table(flags: string[] = []): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "azof-compact-" });
  const created = await runCli([
    "create",
    "-p",
    root,
    "-t",
    "r",
    "--schema",
    "rate:Float",
    "--segment",
    "P1Y,P3M",
    ...flags,
  ]);
  assert.equal(created.code, 0, created.stderr);
  const wrote = await runCli(["write", "-p", root, "-t", "r", "--input", "-"], { stdin: _ROWS });
  assert.equal(wrote.code, 0, wrote.stderr);
  return root;
}

Deno.test("azof compact --dry-run prints the plan and commits nothing", async () => {
  const root = await _table();
  const text = await runCli(["compact", "-p", root, "-t", "r", "--dry-run"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    /^compaction plan for r \(snapshot 2\), policy segment=P1Y,P3M max_deltas=4/,
  );
  assert.match(
    text.stdout,
    /^rewrite 2022 \[2022-01-01T00:00:00.000Z \.\. 2022-12-31T23:59:59.999Z\]: /m,
  );
  assert.match(text.stdout, /^rewrite 2024 \[2024-01-01T00:00:00.000Z \.\. open\]/m);
  assert.match(text.stdout, /^ {2}remove data\/.*\.parquet$/m);
  const json = await runCli(["compact", "-p", root, "-t", "r", "--dry-run", "-f", "json"]);
  const plan = JSON.parse(json.stdout);
  assert.deepEqual(plan.periods.map((p: { id: string }) => p.id), ["2022", "2023", "2024"]);
  assert.equal(plan.committed, false);
  assert.equal(await Deno.readTextFile(`${root}/r/version.txt`), "2");
  await Deno.remove(root, { recursive: true });
});

Deno.test("azof compact commits a snapshot that reads as before; the old one stays readable", async () => {
  const root = await _table();
  const instants = ["2022-06-30", "2023-01-31T23:59:59.999Z", "2023-12-31", "2024-02-01"];
  const scan = (asOf: string, version?: string) =>
    runCli([
      "scan",
      "-p",
      root,
      "-t",
      "r",
      "--as-of",
      asOf,
      "-f",
      "csv",
      ...(version ? ["--version", version] : []),
    ]);
  const before = await Promise.all(instants.map((t) => scan(t)));
  const run = await runCli(["compact", "-p", root, "-t", "r"]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stderr,
    /^compacted r: rewrote 3 of 3 periods, wrote \d+ rows in \d+ files .*: snapshot 3\n$/,
  );
  for (const [i, t] of instants.entries()) {
    assert.equal((await scan(t)).stdout, before[i]!.stdout, `as of ${t}`);
    assert.equal((await scan(t, "2")).stdout, before[i]!.stdout, `as of ${t}, snapshot 2`);
  }
  const again = await runCli(["compact", "-p", root, "-t", "r"]);
  assert.match(again.stderr, /^nothing to compact in r/);
  const history = await runCli(["history", "-p", root, "-t", "r"]);
  assert.match(history.stdout, /^3 .* compact /m);
  await Deno.remove(root, { recursive: true });
});

Deno.test("azof create and compact --set-policy store the compaction policy", async () => {
  const root = await _table(["--max-deltas", "2", "--horizon", "P2Y"]);
  const s1 = JSON.parse(await Deno.readTextFile(`${root}/r/s1.json`));
  assert.deepEqual(s1.policy, {
    segment: ["P1Y", "P3M"],
    max_deltas: 2,
    file_rows: 1000000,
    row_group_rows: 65536,
    horizon: "P2Y",
  });
  const run = await runCli([
    "compact",
    "-p",
    root,
    "-t",
    "r",
    "--max-deltas",
    "3",
    "--set-policy",
    "-q",
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, "");
  const s3 = JSON.parse(await Deno.readTextFile(`${root}/r/s3.json`));
  assert.equal(s3.policy.max_deltas, 3);
  assert.equal(s3.operation, "compact");
  await Deno.remove(root, { recursive: true });
});

Deno.test("azof compact refuses bad flags with exit code 2", async () => {
  const root = await _table();
  const cases: [string[], RegExp][] = [
    [["--max-deltas", "0"], /--max-deltas "0"/],
    [["--file-rows", "x"], /--file-rows "x"/],
    [["--segment", "P2X"], /P2X/],
    [["--segment", "P1M,P1Y"], /does not divide/],
    [["--horizon", "2Y"], /2Y/],
    [["--since", "yesterday"], /--since "yesterday"/],
    [["--format", "xml"], /--format "xml"/],
    [["--bogus"], /Unknown flag --bogus/],
  ];
  for (const [flags, mention] of cases) {
    assertError(await runCli(["compact", "-p", root, "-t", "r", ...flags]), 2, mention);
  }
  assertError(await runCli(["compact", "-p", root]), 2, /--table/);
  assert.equal(await Deno.readTextFile(`${root}/r/version.txt`), "2");
  await Deno.remove(root, { recursive: true });
});
