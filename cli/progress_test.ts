import assert from "node:assert/strict";
import { memoryContext } from "./context_test_util.ts";
import { REDRAW_MS, renderProgress, startProgress } from "./progress.ts";
import { byteSize, count } from "../lib/output/units.ts";

Deno.test("renderProgress() shows count, bytes, rate and the time left from the share done", () => {
  assert.equal(
    renderProgress(
      { label: "writing", done: 1000, total: 4000, bytes: 2 * 1024 * 1024 },
      2000,
    ),
    "writing · 1,000/4,000 rows · 2.0 MiB · 500 rows/s · ~6s left · 2.0s",
  );
  assert.equal(
    renderProgress({ label: "reading file 2/4", done: 300, fraction: 0.25 }, 60_000),
    "reading file 2/4 · 300 rows · 5 rows/s · ~3m00s left · 1m00s",
  );
  assert.equal(
    renderProgress({ done: 3, unit: "files", bytes: 512, totalBytes: 2048 }, 1500),
    "3 files · 512 B/2.0 KiB · 2 files/s · ~5s left · 1.5s",
  );
});

Deno.test("renderProgress() leaves out the rate early on and the time left when it is unknown", () => {
  assert.equal(renderProgress({ done: 10 }, 100), "10 rows · 0.1s");
  assert.equal(renderProgress({ done: 10, total: 10 }, 5000), "10/10 rows · 2 rows/s · 5.0s");
  assert.equal(renderProgress({ done: 0, total: 10 }, 5000), "0/10 rows · 5.0s");
});

Deno.test("renderProgress() counts one thing in the singular, and a part of one in the plural", () => {
  assert.equal(renderProgress({ done: 1 }, 100), "1 row · 0.1s");
  assert.equal(renderProgress({ done: 1, total: 1, unit: "files" }, 100), "1/1 file · 0.1s");
  assert.equal(renderProgress({ done: 1, total: 3, unit: "files" }, 100), "1/3 files · 0.1s");
  assert.equal(renderProgress({ done: 0, total: 1 }, 100), "0/1 row · 0.1s");
});

Deno.test("startProgress() draws on a terminal, at most every 200 ms, and erases at the end", () => {
  let clock = 0;
  const run = memoryContext({ stderrIsTerminal: true });
  const progress = startProgress(run.context, () => clock);
  progress.update({ done: 1 });
  clock = REDRAW_MS - 1;
  progress.update({ done: 2 });
  clock = 1000;
  progress.update("text as given");
  progress.done();
  assert.equal(
    run.stderr(),
    "\r\x1b[2K1 row · 0.0s" + "\r\x1b[2Ktext as given · 1.0s" + "\r\x1b[2K",
  );
  assert.equal(run.stdout(), "");
});

Deno.test("startProgress() overwrites with spaces instead of escape sequences when TERM=dumb", () => {
  let clock = 0;
  const run = memoryContext({
    stderrIsTerminal: true,
    env: (name) => name === "TERM" ? "dumb" : undefined,
  });
  const progress = startProgress(run.context, () => clock);
  progress.update("abc");
  clock = 500;
  progress.update("d");
  progress.done();
  assert.equal(run.stderr(), "\rabc · 0.0s" + "\r          \rd · 0.5s" + "\r          \r");
  assert.equal(run.stderr().includes("\x1b"), false);
});

Deno.test("startProgress() prints nothing when stderr is not a terminal or with --quiet", () => {
  for (const overrides of [{ stderrIsTerminal: false }, { stderrIsTerminal: true, quiet: true }]) {
    const run = memoryContext(overrides);
    const progress = startProgress(run.context, () => 10_000);
    progress.update({ done: 5 });
    progress.done();
    assert.equal(run.stderr(), "");
  }
});

Deno.test("count() and byteSize() format for people", () => {
  assert.equal(count(1234567), "1,234,567");
  assert.equal(byteSize(1023), "1023 B");
  assert.equal(byteSize(57 * 1024 * 1024), "57.0 MiB");
});
