/**
 * The decoding worker of merge scans (lib/parquet/decode_worker_client.ts, forced on with
 * `AZOF_DECODE_WORKER=1`) never keeps a process alive: a whole scan, a limited one, one whose
 * consumer stops early and one that fails on a corrupt file all end their process before the
 * deadline, with the same output as without the worker. A live worker keeps a Deno process running,
 * so a worker left behind makes these runs hang and fail.
 */

import assert from "node:assert/strict";
import { runCli } from "./fixture_test_util.ts";
import { commandOutput } from "../lib/testing/deadline.ts";

const DEADLINE_MS = 60_000;
const ON = { AZOF_DECODE_WORKER: "1" };
const OFF = { AZOF_DECODE_WORKER: "0" };

/** A table of two key-ordered files of 150,000 rows (3 row groups each). */
async function withTable(work: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "azof-decode-worker-" });
  try {
    const created = await runCli(["create", "-q", "-p", root, "-t", "t", "--schema", "v:Int"]);
    assert.equal(created.code, 0, created.stderr);
    for (const day of ["01", "02"]) {
      const lines = Array.from(
        { length: 150_000 },
        (_, i) => `k${i * 7 % 150_000},2024-01-${day},${i}`,
      );
      await Deno.writeTextFile(`${root}/rows.csv`, `key,event_time,v\n${lines.join("\n")}\n`);
      const wrote = await runCli(["write", "-q", "-p", root, "-t", "t", "-i", `${root}/rows.csv`], {
        timeout: DEADLINE_MS,
      });
      assert.equal(wrote.code, 0, wrote.stderr);
    }
    await work(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function scan(root: string, env: Record<string, string>, ...args: string[]) {
  return runCli(["scan", "-p", root, "-t", "t", "-f", "csv", ...args], {
    env,
    timeout: DEADLINE_MS,
  });
}

Deno.test("azof scan with the decoding worker exits after a whole, a limited and a failed scan, printing what it prints without", async () => {
  await withTable(async (root) => {
    for (const args of [[], ["--limit", "5"], ["--as-of", "2024-01-01"]]) {
      const on = await scan(root, ON, ...args);
      const off = await scan(root, OFF, ...args);
      assert.equal(on.code, 0, on.stderr);
      assert.equal(on.stdout, off.stdout, args.join(" "));
    }
    const data = `${root}/t/data`;
    const file = [...Deno.readDirSync(data)].map((e) => e.name).sort()[0]!;
    const bytes = await Deno.readFile(`${data}/${file}`);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x10;
    await Deno.writeFile(`${data}/${file}`, bytes);
    const on = await scan(root, ON);
    const off = await scan(root, OFF);
    assert.equal(on.code, off.code);
    assert.notEqual(on.code, 0);
    assert.match(on.stderr, /^error: .*corrupt/im);
    assert.equal(on.stderr, off.stderr);
  });
});

Deno.test("a library scan whose consumer stops after the first batch lets its process exit", async () => {
  await withTable(async (root) => {
    const mod = new URL("../mod.ts", import.meta.url).href;
    const script = `
      import { openTable, scan } from ${JSON.stringify(mod)};
      const result = await scan(openTable(${JSON.stringify(root)}, "t"), { batchSize: 1000 });
      for await (const batch of result.batches) { console.log(batch.rows); break; }
    `;
    const out = await commandOutput(Deno.execPath(), {
      args: ["eval", "--quiet", script],
      env: ON,
    }, { ms: DEADLINE_MS });
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(new TextDecoder().decode(out.stdout), "1000\n");
  });
});
