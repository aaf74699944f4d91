/**
 * Crash and concurrency tests of the commit protocol with real processes: a writer killed with
 * SIGKILL at random moments leaves a table that reads exactly as after some whole number of its
 * commits; two writers racing on one table both succeed and lose nothing.
 */

import assert from "node:assert/strict";
import { createTable } from "./create.ts";
import { parseSnapshot } from "../format/snapshot.ts";
import { openTable } from "../format/table.ts";
import { scanMap } from "../testing/scan_map.ts";
import { outputWithin } from "../testing/deadline.ts";

const LOOP = new URL("../testing/write_loop.ts", import.meta.url).pathname;

function writer(root: string, prefix: string, count: number): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", LOOP, root, "t", prefix, String(count)],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** The expected current state after c commits of one prefix (see write_loop.ts). */
function expected(prefix: string, c: number): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  if (c === 0) return out;
  for (let k = 0; k < 10; k++) out.set(`${prefix}${k}`, [Date.UTC(2020, 0, c), BigInt(c - 1)]);
  out.set(`${prefix}tie`, [Date.UTC(2020, 5, 1), BigInt(c - 1)]);
  out.set(`${prefix}late`, [Date.UTC(2019, 11, 31), 0n]);
  return out;
}

Deno.test("a writer killed with SIGKILL at any moment leaves the table before or after a commit", async (t) => {
  const root = await Deno.makeTempDir();
  const table = await createTable(root, "t", {
    columns: [{ name: "n", type: "Int", nullable: false }],
  });
  // Warm the module cache so that kills land during writes, not during compilation.
  await outputWithin(writer(root, "warm", 0), "the write loop warming the cache");
  let want = new Map<string, unknown[]>();
  for (let round = 0; round < 6; round++) {
    await t.step(`kill ${round}`, async () => {
      const before = await table.currentVersion();
      const child = writer(root, `w${round}_`, 1000);
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 1200));
      child.kill("SIGKILL");
      await outputWithin(child, `writer ${round}, killed`);
      const version = await table.currentVersion();
      assert.ok(version >= before);
      for (let v = 1; v <= version; v++) {
        parseSnapshot(await Deno.readTextFile(`${root}/t/s${v}.json`), v); // never torn
      }
      // Exactly the state after `version - before` whole commits of this round.
      want = new Map([...want, ...expected(`w${round}_`, version - before)]);
      assert.deepEqual(await scanMap(table, undefined), want);
    });
  }
  await Deno.remove(root, { recursive: true });
});

Deno.test("two concurrent writer processes both commit and lose nothing", async () => {
  const root = await Deno.makeTempDir();
  const table = await createTable(root, "t", {
    columns: [{ name: "n", type: "Int", nullable: false }],
  });
  const n = 8;
  const [a, b] = await Promise.all([
    outputWithin(writer(root, "a", n), "racing writer a"),
    outputWithin(writer(root, "b", n), "racing writer b"),
  ]);
  assert.equal(a.code, 0, new TextDecoder().decode(a.stderr));
  assert.equal(b.code, 0, new TextDecoder().decode(b.stderr));
  assert.equal(await table.currentVersion(), 1 + 2 * n);
  const state = await scanMap(openTable(root, "t"), undefined);
  assert.deepEqual(state, new Map([...expected("a", n), ...expected("b", n)]));
  await Deno.remove(root, { recursive: true });
});
