/**
 * Crash test of compaction with real processes: `azof compact --force` killed with SIGKILL at random
 * moments leaves a table whose every snapshot parses and that reads, at every instant checked,
 * exactly as before (a compaction commits whole or not at all, and never changes an answer).
 */

import assert from "node:assert/strict";
import { createTable } from "../write/create.ts";
import { parseSnapshot } from "../format/snapshot.ts";
import { scanMap } from "../testing/scan_map.ts";
import { outputWithin } from "../testing/deadline.ts";
import { writeRows } from "../write/write.ts";
import { Prng } from "../write/prng.ts";

const MAIN = new URL("../../cli/main.ts", import.meta.url).pathname;

function compactor(root: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      MAIN,
      "compact",
      "-p",
      root,
      "-t",
      "t",
      "--force",
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

function history(seed: number, n: number): Record<string, unknown>[] {
  const prng = new Prng(seed);
  const from = Date.UTC(2015, 0, 1);
  const span = Date.UTC(2024, 0, 1) - from;
  return Array.from({ length: n }, () => ({
    key: `k${prng.int(0, 2000)}`,
    event_time: from + Math.floor(prng.next() * span),
    n: BigInt(prng.int(0, 1e9)),
    _deleted: prng.chance(0.05),
  }));
}

Deno.test("azof compact killed with SIGKILL at any moment leaves the table reading as before", async (t) => {
  const root = await Deno.makeTempDir();
  const table = await createTable(root, "t", {
    columns: [{ name: "n", type: "Int", nullable: false }],
  }, { segment: ["P1Y", "P3M"] });
  for (let c = 0; c < 4; c++) await writeRows(table, history(c + 1, 5000));
  const instants = [
    undefined,
    ...Array.from({ length: 12 }, (_, i) => Date.UTC(2014 + i, i % 12, 1) - (i % 2)),
  ];
  const want = await Promise.all(instants.map((asOf) => scanMap(table, asOf)));
  const started = performance.now();
  await outputWithin(compactor(root), "azof compact warming the cache"); // warm the module cache, and a first full compaction
  const duration = performance.now() - started;
  const prng = new Prng(7);
  for (let round = 0; round < 5; round++) {
    await t.step(`kill ${round}`, async () => {
      const before = await table.currentVersion();
      const child = compactor(root);
      await new Promise((r) => setTimeout(r, prng.next() * duration));
      try {
        child.kill("SIGKILL");
      } catch (error) {
        // The run finished before the kill: a whole commit, which the checks below accept too.
        if (!(error instanceof TypeError)) throw error;
      }
      await outputWithin(child, "azof compact, killed");
      const version = await table.currentVersion();
      assert.ok(version === before || version === before + 1, `version ${version} after ${before}`);
      for (let v = 1; v <= version; v++) {
        parseSnapshot(await Deno.readTextFile(`${root}/t/s${v}.json`), v); // never torn
      }
      for (const [i, asOf] of instants.entries()) {
        assert.deepEqual(await scanMap(table, asOf), want[i], `as of ${asOf}`);
      }
    });
  }
  await Deno.remove(root, { recursive: true });
});
