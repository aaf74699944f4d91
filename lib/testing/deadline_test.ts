/** Tests of lib/testing/deadline.ts: a hung process is killed and named, quickly, leaking nothing. */

import assert from "node:assert/strict";
import { commandOutput, within } from "./deadline.ts";

Deno.test("commandOutput() kills a process past its deadline and names it", async () => {
  const started = performance.now();
  await assert.rejects(
    commandOutput("sleep", { args: ["30"] }, { ms: 300 }),
    /^Error: sleep 30 hung: not done after 0\.3 s \(stopped\)$/,
  );
  assert.ok(performance.now() - started < 5_000, "killed at once, not after 30 s");
});

Deno.test("commandOutput() returns the output of a process that ends in time", async () => {
  const out = await commandOutput("cat", {}, { stdin: "hello" });
  assert.equal(new TextDecoder().decode(out.stdout), "hello");
  assert.ok(out.success);
});

Deno.test("within() fails naming the work, and passes on what the work throws", async () => {
  await assert.rejects(within("the worker", () => new Promise(() => {}), 50), /the worker hung/);
  await assert.rejects(within("x", () => Promise.reject(new Error("boom"))), /^Error: boom$/);
});
