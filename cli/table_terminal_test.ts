/**
 * CLI tests of `--format table`: under a real pseudo-terminal (`script`) the lines fit the
 * terminal's width and only the first and last rows are shown, with a `N rows (M shown)` footer;
 * piped, every row is printed. The oracle for the rows is the NDJSON output of the same scan.
 */

import assert from "node:assert/strict";
import { runCli } from "./fixture_test_util.ts";
import { HAS_PTY, runCliOnTerminal } from "./timed_test_util.ts";

const _UPSTREAM = new URL("../../shared/upstream-testdata", import.meta.url).pathname;
const _SCAN = ["scan", "-p", _UPSTREAM, "-t", "financials", "--as-of", "2019-01-17", "-q"];

/** The lines a terminal shows, without carriage returns and escape sequences. */
function _lines(text: string): string[] {
  // deno-lint-ignore no-control-regex
  const plain = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r/g, "");
  return plain.split("\n").filter((line) => line !== "");
}

Deno.test({
  name: "azof scan on a terminal fits its width and shows the first and last 20 rows" +
    (HAS_PTY ? "" : " (skipped: script from util-linux cannot open a pseudo-terminal here)"),
  ignore: !HAS_PTY,
  fn: async (t) => {
    const ndjson = await runCli([..._SCAN, "-f", "ndjson"]);
    assert.equal(ndjson.code, 0, ndjson.stderr);
    const keys = ndjson.stdout.trimEnd().split("\n").map((line) => JSON.parse(line).key);
    for (const columns of [60, 120]) {
      await t.step(`${columns} columns`, async () => {
        const run = await runCliOnTerminal(_SCAN, columns);
        assert.equal(run.code, 0, run.text);
        const lines = _lines(run.text);
        for (const line of lines) assert.ok([...line].length <= columns, `too wide: ${line}`);
        assert.equal(lines.at(-1), `${keys.length.toLocaleString("en-US")} rows (40 shown)`);
        const body = lines.slice(2, -1);
        assert.equal(body.length, 41, "20 rows, the · row, 20 rows");
        assert.match(body[20]!, /^·( +·)+$/);
        const shown = [...body.slice(0, 20), ...body.slice(21)].map((l) => l.split(/ +/)[0]);
        assert.deepEqual(shown, [...keys.slice(0, 20), ...keys.slice(-20)]);
        assert.match(lines[0]!, /^key +event/);
        if (columns === 60) assert.ok(lines.some((l) => l.includes("…")), "cells shortened");
      });
    }
    await t.step("a short answer is shown whole", async () => {
      const run = await runCliOnTerminal(["scan", "-p", "testdata", "-t", "prices", "-q"], 200);
      assert.equal(run.code, 0, run.text);
      const lines = _lines(run.text);
      assert.equal(lines.at(-1), "(7 rows)");
      assert.equal(lines.length, 2 + 7 + 1);
    });
  },
});

Deno.test("azof scan --format table piped prints every row, uncut", async () => {
  const run = await runCli([..._SCAN, "-f", "table"]);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split("\n");
  assert.equal(lines.at(-1), "(22697 rows)");
  assert.equal(lines.length, 2 + 22697 + 1);
  assert.ok(!lines.some((line) => line.startsWith("·")));
});
