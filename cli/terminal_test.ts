/**
 * The CLI on a real terminal: `script` gives azof a pseudo-terminal for stdout and stderr, and the
 * test replays what azof drew to see the screen a user sees.
 *
 * @module
 */

import assert from "node:assert/strict";

const _MAIN = new URL("./main.ts", import.meta.url).pathname;
const _ESC = "\x1b";
const _TESTDATA = new URL("../testdata", import.meta.url).pathname;

function _hasScript(): boolean {
  try {
    return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

const SCRIPT = _hasScript();

/** Runs azof under `script` (stdout and stderr on one pseudo-terminal); killed after 60 s. */
async function _onTerminal(args: string[]): Promise<string> {
  const command = [Deno.execPath(), "run", "-A", _MAIN, ...args].map((a) => `'${a}'`).join(" ");
  const out = await new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { TERM: "xterm" },
    signal: AbortSignal.timeout(60_000),
  }).output().catch((error) => {
    throw new Error(`azof ${args.join(" ")} on a terminal hung (killed after 60 s)`, {
      cause: error,
    });
  });
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

/** The lines a terminal shows after replaying text with carriage returns and erase-line codes. */
function _screen(text: string): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let col = 0;
  const erase = `${_ESC}[2K`;
  for (const token of text.match(new RegExp(`${_ESC}\\[2K|\r|\n|[^\r\n${_ESC}]`, "gu")) ?? []) {
    if (token === erase) line = [];
    else if (token === "\r") col = 0;
    else if (token === "\n") [lines[lines.length], line, col] = [line.join(""), [], 0];
    else line[col++] = token;
  }
  if (line.length > 0) lines.push(line.join(""));
  return lines;
}

Deno.test({
  name: `azof scan on a terminal erases the progress line before the table${
    SCRIPT ? "" : " (skipped: no `script` command)"
  }`,
  ignore: !SCRIPT,
  fn: async () => {
    const args = ["scan", "-p", _TESTDATA, "-t", "prices", "-f", "table"];
    const raw = await _onTerminal(args);
    assert.match(raw, /reading file/, "progress was drawn");
    const screen = _screen(raw);
    assert.match(screen[0]!, /^key +event_time/);
    assert.equal(screen.some((l) => /reading|writing/.test(l)), false, screen.join("\n"));
    const quiet = await _onTerminal([...args, "--no-progress"]);
    assert.equal(quiet.includes(_ESC), false, "--no-progress draws nothing");
    assert.deepEqual(_screen(quiet), screen);
  },
});
