/**
 * `azof gen --keys` (the synthetic generator through the real write path) and the progress lines of
 * `write` and `gen`: drawn on a terminal, absent otherwise.
 */

import assert from "node:assert/strict";
import type { Value } from "../lib/format/schema.ts";
import { syntheticRows } from "../lib/write/gen.ts";
import { rowFromObject } from "../lib/input/row.ts";
import { openTable } from "../lib/format/table.ts";
import { scanMap } from "../lib/testing/scan_map.ts";
import { memoryContext } from "./context_test_util.ts";
import { runCli } from "./fixture_test_util.ts";
import { run as gen } from "./gen.ts";
import { run as write } from "./write.ts";

const SCHEMA = "price:Float?,n:Int,note:String?";
/** What a progress line starts with: carriage return, ANSI "erase line". */
const ERASE = "\r\x1b[2K";

async function withTable(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir();
  try {
    const created = await runCli(["create", "-p", root, "-t", "t", "--schema", SCHEMA]);
    assert.equal(created.code, 0, created.stderr);
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Per key, the last-written row with the greatest event time <= asOf; deletions remove keys. */
function fold(
  rows: readonly { key: string; eventTime: number; values: readonly Value[]; deleted: boolean }[],
  asOf: number | undefined,
): Map<string, Value[]> {
  const best = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    if (asOf !== undefined && row.eventTime > asOf) continue;
    const old = best.get(row.key);
    if (!old || row.eventTime >= old.eventTime) best.set(row.key, row);
  }
  const out = new Map<string, Value[]>();
  for (const [key, row] of best) if (!row.deleted) out.set(key, [row.eventTime, ...row.values]);
  return out;
}

Deno.test("azof gen --keys writes a seeded history that reads as a fold of its rows", async () => {
  await withTable(async (root) => {
    const args = ["--keys", "40", "--events", "5", "--late", "0.3", "--deleted", "0.1"];
    const range = ["--from", "2020-01-01", "--to", "2021-06-01", "--seed", "7", "--commits", "3"];
    const r = await runCli(["gen", "-p", root, "-t", "t", ...args, ...range]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.match(/^snapshot \d+: \d+ rows$/gm)?.length, 3, r.stderr);
    const table = openTable(root, "t");
    const schema = (await table.snapshot()).schema;
    const options = {
      keys: 40,
      eventsPerKey: 5,
      start: Date.UTC(2020, 0, 1),
      end: Date.UTC(2021, 5, 1),
      late: 0.3,
      deleted: 0.1,
      seed: 7,
    };
    const rows = [...syntheticRows(schema, options)].map((o, i) =>
      rowFromObject(o, schema, `row ${i}`)
    );
    assert.equal(rows.length, 200);
    assert.ok(rows.some((r) => r.deleted));
    for (const asOf of [undefined, Date.UTC(2020, 3, 1), Date.UTC(2020, 11, 31, 23, 59, 59, 999)]) {
      assert.deepEqual(await scanMap(table, asOf), fold(rows, asOf), `as of ${asOf}`);
    }
  });
});

Deno.test("write and gen print no progress when stderr is not a terminal", async () => {
  await withTable(async (root) => {
    let csv = "key,event_time,n\n";
    for (let i = 0; i < 70_000; i++) csv += `k${i},2024-01-01,${i}\n`;
    const w = await runCli(["write", "-p", root, "-t", "t", "-i", "-"], { stdin: csv });
    assert.equal(w.code, 0, w.stderr);
    assert.match(w.stderr, /^wrote 70,000 rows \(0 deletions, 0 late copies\) in 1 file /);
    assert.equal(w.stderr.split("\n").filter((l) => l !== "").length, 1, w.stderr);
    const g = await runCli(["gen", "-p", root, "-t", "t", "--keys", "70000"]);
    assert.equal(g.code, 0, g.stderr);
    assert.equal(g.stderr, "snapshot 3: 70,000 rows\n");
    for (const text of [w.stderr, g.stderr]) {
      assert.equal(text.includes("\r") || text.includes("\x1b"), false);
    }
  });
});

Deno.test("write and gen draw progress on a terminal: rows, bytes of the input, total", async () => {
  await withTable(async (root) => {
    const file = `${root}/in.csv`;
    let csv = "key,event_time,n\n";
    for (let i = 0; i < 70_000; i++) csv += `k${i},2024-01-01,${i}\n`;
    await Deno.writeTextFile(file, csv);
    const size = (await Deno.stat(file)).size;
    const w = memoryContext({ stderrIsTerminal: true });
    await write(["-p", root, "-t", "t", "-i", file], w.context);
    const drawn = w.stderr();
    assert.ok(drawn.startsWith(`${ERASE}writing · `), drawn);
    assert.match(
      drawn.slice(ERASE.length),
      /^writing · [\d,]+ rows · [\d.]+ [KM]iB\/[\d.]+ [KM]iB · /,
    );
    assert.ok(drawn.includes(`/${(size / 1024 / 1024).toFixed(1)} MiB`), drawn);
    // The line is erased before the closing message.
    assert.ok(drawn.includes(`${ERASE}wrote 70,000 rows`), drawn);
    const g = memoryContext({ stderrIsTerminal: true });
    await gen(["-p", root, "-t", "t", "--keys", "70000"], g.context);
    assert.ok(g.stderr().startsWith(`${ERASE}generating · 65,536/70,000 rows · `), g.stderr());
    assert.ok(g.stderr().endsWith(`${ERASE}snapshot 3: 70,000 rows\n`), g.stderr());
  });
});
