/**
 * `azof write` of CSV input large enough (≥ 8 MiB) to be parsed on a worker thread
 * (lib/input/csv_parallel.ts), from a file and from stdin: late, tied and deleted rows read back as the
 * fold of the input at random instants, and a bad row near the end commits nothing.
 */

import assert from "node:assert/strict";
import { Prng } from "../lib/write/prng.ts";
import { openTable } from "../lib/format/table.ts";
import { foldMap, type OracleRow } from "../lib/testing/random_history.ts";
import { scanMap } from "../lib/testing/scan_map.ts";
import { assertError, runCli } from "./fixture_test_util.ts";

const ROWS = 130_000;
const START = Date.UTC(2018, 0, 1);
const SPAN = 4 * 365 * 86_400_000;

/** Rows over four years, 40% of them earlier than the row before (late), with ties and deletions. */
function input(seed: number): { text: string; rows: OracleRow[] } {
  const prng = new Prng(seed);
  const rows: OracleRow[] = [];
  const lines = ["key,event_time,_deleted,n,note"];
  let t = START;
  for (let i = 0; i < ROWS; i++) {
    const tie = i > 0 && prng.next() < 0.05
      ? rows[prng.int(Math.max(0, i - 70_000), i - 1)]!
      : undefined;
    const key = tie?.key ?? `key-${prng.int(0, 20_000)}`;
    t = Math.min(START + SPAN, t + prng.int(0, 2 * SPAN / ROWS));
    const at = tie?.t ?? (prng.next() < 0.4 ? START + prng.int(0, t - START) : t);
    const deleted = prng.next() < 0.05;
    const n = BigInt(prng.int(-1e9, 1e9)) * 1_000_003n;
    const note = prng.next() < 0.2 ? null : `note ${prng.int(0, 99)} with some words in it`;
    rows.push({ key, t: at, values: deleted ? [0n, null] : [n, note], deleted });
    lines.push(
      `${key},${new Date(at).toISOString()},${deleted},${deleted ? "" : n},${
        deleted ? "" : note ?? ""
      }`,
    );
  }
  return { text: lines.join("\n") + "\n", rows };
}

for (const source of ["file", "stdin"] as const) {
  Deno.test(`azof write of a large CSV ${source} (parsed on the worker) reads back as the fold of its rows`, async () => {
    const root = await Deno.makeTempDir();
    try {
      const { text, rows } = input(source === "file" ? 11 : 12);
      const csv = `${root}/rows.csv`;
      await Deno.writeTextFile(csv, text);
      assert.ok(text.length >= 8 << 20, `input of ${text.length} bytes`);
      const create = ["create", "-p", root, "-t", "t", "--schema", "n:Int,note:String?"];
      assert.equal((await runCli(create)).code, 0);
      const write = await runCli(
        ["write", "-q", "-p", root, "-t", "t", "-i", source === "file" ? csv : "-"],
        source === "file" ? {} : { stdin: text },
      );
      assert.equal(write.code, 0, write.stderr);
      assert.equal(write.stderr, "");
      const table = openTable(root, "t");
      const prng = new Prng(12);
      const instants = [
        undefined,
        START,
        START + SPAN,
        ...Array.from({ length: 6 }, () => START + prng.int(0, SPAN)),
      ];
      for (const asOf of instants) {
        const label = asOf === undefined ? "current" : new Date(asOf).toISOString();
        assert.deepEqual(await scanMap(table, asOf), foldMap(rows, asOf), label);
      }
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
}

Deno.test("azof write of a large CSV file with a bad row near the end commits nothing", async () => {
  const root = await Deno.makeTempDir();
  try {
    const { text } = input(13);
    const lines = text.split("\n");
    const bad = lines.length - 10;
    lines[bad] = lines[bad]!.replace(/,(true|false),[^,]*,/, ",$1,12.5,");
    const csv = `${root}/rows.csv`;
    await Deno.writeTextFile(csv, lines.join("\n"));
    const create = ["create", "-p", root, "-t", "t", "--schema", "n:Int,note:String?"];
    assert.equal((await runCli(create)).code, 0);
    const before = await Array.fromAsync(Deno.readDir(`${root}/t`), (e) => e.name);
    const write = await runCli(["write", "-q", "-p", root, "-t", "t", "-i", csv]);
    assertError(write, 1, new RegExp(`line ${bad + 1}, column "n": expected an Int`));
    const after = await Array.fromAsync(Deno.readDir(`${root}/t`), (e) => e.name);
    assert.deepEqual(after.sort(), before.sort());
    assert.deepEqual(await Array.fromAsync(Deno.readDir(`${root}/t/data`)).catch(() => []), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
