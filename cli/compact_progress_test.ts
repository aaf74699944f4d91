/**
 * Progress of `azof compact` (issue 4: "progress on stderr for long compactions when stderr is a
 * terminal"): `compactTable()` reports every rewritten period; the command draws those reports as a
 * progress line on a terminal's stderr and erases it before its summary; nothing is drawn when
 * stderr is not a terminal or with `--quiet`. The last test runs the real CLI under a
 * pseudo-terminal (`script` from util-linux) and is skipped where `script` is missing.
 */

import assert from "node:assert/strict";
import { type CompactProgress, compactTable } from "../lib/compact/compact.ts";
import { createTable } from "../lib/write/create.ts";
import { openTable } from "../lib/format/table.ts";
import { writeRows } from "../lib/write/write.ts";
import { commandOutput } from "../lib/testing/deadline.ts";
import { memoryContext } from "./context_test_util.ts";
import { runCli } from "./fixture_test_util.ts";
import { main } from "./main.ts";
import { HAS_PTY } from "./timed_test_util.ts";

const _MAIN = new URL("./main.ts", import.meta.url).pathname;
const _ERASE = "\r\x1b[2K";
/** Four yearly periods (2019 to 2022), each with rows in several quarters, and late rows. */
const _ROWS = Array.from({ length: 64 }, (_, i) => ({
  key: `k${i % 7}`,
  event_time: Date.UTC(2019 + (i % 4), (i * 5) % 12, 1 + (i % 27)),
  n: BigInt(i),
}));

async function _table(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "azof-compact-progress-" });
  const table = await createTable(root, "t", {
    columns: [{ name: "n", type: "Int", nullable: false }],
  }, { segment: ["P1Y", "P3M"] });
  await writeRows(table, _ROWS.slice(0, 40));
  await writeRows(table, _ROWS.slice(40));
  return root;
}

/** stderr holds the summary line and nothing else: no carriage return, no escape sequence. */
function _assertSummaryOnly(stderr: string): void {
  assert.match(stderr, /^compacted t: rewrote 4 of 4 periods, [^\n]*\n$/);
  assert.ok(!stderr.includes("\r") && !stderr.includes("\x1b"), JSON.stringify(stderr));
}

Deno.test("compactTable() reports each rewritten period, in order, with the rows written so far", async () => {
  const root = await _table();
  const reports: CompactProgress[] = [];
  const table = openTable(root, "t");
  const result = await compactTable(table, { onProgress: (p) => reports.push(p) });
  const rewritten = result.plan.periods.filter((p) => p.action === "rewrite").length;
  assert.equal(rewritten, 4);
  assert.deepEqual(reports.map((r) => [r.done, r.periods]), [[1, 4], [2, 4], [3, 4], [4, 4]]);
  for (let i = 1; i < reports.length; i++) assert.ok(reports[i]!.rows >= reports[i - 1]!.rows);
  assert.equal(reports.at(-1)!.rows, result.rows);
  await Deno.remove(root, { recursive: true });
});

Deno.test("azof compact draws progress on a terminal's stderr and erases it before its summary", async () => {
  const root = await _table();
  const run = memoryContext({ stderrIsTerminal: true });
  assert.equal(await main(["compact", "-p", root, "-t", "t"], run.context), 0, run.stderr());
  const err = run.stderr();
  const [before, ...lines] = err.split(_ERASE);
  const summary = lines.pop()!;
  assert.equal(before, "", JSON.stringify(err));
  assert.ok(lines.length >= 1, `no progress line in ${JSON.stringify(err)}`);
  assert.match(lines[0]!, /^compacting: 1\/4 periods, [\d,]+ rows written · \d+\.\ds$/);
  for (const line of lines) {
    assert.match(line, /^compacting: [1-4]\/4 periods, [\d,]+ rows written · \d+\.\ds$/);
  }
  assert.match(
    summary,
    /^compacted t: rewrote 4 of 4 periods, wrote [\d,]+ rows in \d+ files \([^)]*\): snapshot 4\n$/,
  );
  assert.equal(run.stdout(), "");
  await Deno.remove(root, { recursive: true });
});

Deno.test("azof compact draws no progress when stderr is not a terminal, and prints nothing with --quiet", async () => {
  const root = await _table();
  const piped = memoryContext({ stderrIsTerminal: false });
  assert.equal(await main(["compact", "-p", root, "-t", "t", "--force"], piped.context), 0);
  _assertSummaryOnly(piped.stderr());
  const quiet = memoryContext({ stderrIsTerminal: true, quiet: true });
  const args = ["compact", "-p", root, "-t", "t", "--force", "--quiet"];
  assert.equal(await main(args, quiet.context), 0, quiet.stderr());
  assert.equal(quiet.stderr(), "");
  const child = await runCli(["compact", "-p", root, "-t", "t", "--force"]);
  assert.equal(child.code, 0, child.stderr);
  _assertSummaryOnly(child.stderr);
  await Deno.remove(root, { recursive: true });
});

Deno.test({
  name: "azof compact under a pseudo-terminal shows progress on stderr, and none with --quiet" +
    (HAS_PTY ? "" : " (skipped: script from util-linux cannot open a pseudo-terminal here)"),
  ignore: !HAS_PTY,
  fn: async () => {
    const root = await _table();
    const under = async (...flags: string[]) => {
      const command = [
        Deno.execPath(),
        "run",
        "--quiet",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        _MAIN,
        "compact",
        "-p",
        root,
        "-t",
        "t",
        "--force",
        ...flags,
      ].map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
      const out = await commandOutput("script", {
        args: ["-qec", command, "/dev/null"],
        env: { TERM: "xterm", NO_COLOR: "1" },
      });
      return { code: out.code, text: new TextDecoder().decode(out.stdout) };
    };
    const shown = await under();
    assert.equal(shown.code, 0, shown.text);
    assert.ok(shown.text.includes(`${_ERASE}compacting: 1/4 periods, `), shown.text);
    assert.ok(shown.text.includes(`${_ERASE}compacted t: rewrote 4 of 4 periods`), shown.text);
    const quiet = await under("--quiet");
    assert.equal(quiet.code, 0, quiet.text);
    assert.equal(quiet.text, "");
    await Deno.remove(root, { recursive: true });
  },
});
