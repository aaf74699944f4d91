/**
 * Layout benchmark of issue 15 item 6, through the library on a local table folder:
 *
 * - `late`: a table of `--keys` keys with `--updates` updates a year over `--years` years, written
 *   through `appendRows` and compacted with `P1Y,P3M`; then `--late` late rows (random keys, random
 *   instants before the newest year) are written. Reported: the files and rows that write added, and
 *   the copies the layout holds (rows across the snapshot's files minus the distinct (key,
 *   event_time) facts written) before and after it.
 * - `far`: one batch with rows in years 0001 and 9999, compacted with `P1Y,P3M` by `azof compact`
 *   under GNU time: files written, segments, peak RSS.
 *
 * ```sh
 * deno run --allow-all bench/late_rows.ts --years 40 --keys 2000 --updates 500 --late 1000
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { appendRows, compactTable, createTable, LocalStore } from "../mod.ts";
import { countRows, newFiles } from "../lib/testing/copies.ts";
import { walkSegments } from "../lib/format/segments.ts";
import { Prng } from "../lib/write/prng.ts";
import { AZOF } from "./common.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    years: { type: "string" },
    keys: { type: "string" },
    updates: { type: "string" },
    late: { type: "string" },
    only: { type: "string" },
  },
});
const years = Number(values.years ?? 40);
const keys = Number(values.keys ?? 2000);
const updates = Number(values.updates ?? 500);
const late = Number(values.late ?? 1000);
const only = new Set((values.only ?? "late,far").split(","));
const load = () => Deno.loadavg().map((l) => l.toFixed(1)).join(" ");

if (only.has("late")) await _late();
if (only.has("far")) await _far();

async function _late(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "azof_late_" });
  const table = await createTable(new LocalStore(dir), "t", {
    columns: [{ name: "v", type: "Int", nullable: false }],
  }, { segment: ["P1Y"] });
  const prng = new Prng(15);
  const first = Date.UTC(2000, 0, 1);
  const facts = new Set<string>();
  const row = (k: number, t: number, v: number) => {
    facts.add(`k${k}\u0000${t}`);
    return { key: `k${k}`, event_time: t, v: BigInt(v) };
  };
  await appendRows(table, Array.from({ length: keys }, (_, k) => row(k, first, k)));
  for (let y = 0; y < years; y++) {
    const from = Date.UTC(2000 + y, 0, 1);
    const span = Date.UTC(2001 + y, 0, 1) - from;
    const batch = Array.from(
      { length: updates },
      (_, i) =>
        row(Math.floor(prng.next() * keys), from + 1 + Math.floor(prng.next() * (span - 1)), i),
    );
    await appendRows(table, batch);
  }
  await compactTable(table, { policy: { segment: ["P1Y", "P3M"] }, savePolicy: true });
  const compacted = await table.snapshot();
  const before = await countRows(table, compacted);
  const newest = Date.UTC(2000 + years - 1, 0, 1);
  const rows = Array.from({ length: late }, (_, i) =>
    row(
      Math.floor(prng.next() * keys),
      first + 1 + Math.floor(prng.next() * (newest - first - 1)),
      -i,
    ));
  const started = performance.now();
  await appendRows(table, rows);
  const ms = performance.now() - started;
  const after = await table.snapshot();
  const added = await countRows(table, after, newFiles(compacted, after));
  const total = await countRows(table, after);
  console.log(
    `late rows: ${years} years, ${keys} keys, ${updates} updates a year, ${facts.size} facts; ` +
      `${late} late rows wrote ${added.rows} rows (${
        added.rows - late
      } copies) in ${added.files} ` +
      `files, ${ms.toFixed(0)} ms; copies held: ${before.rows - (facts.size - late)} before, ` +
      `${total.rows - facts.size} after (load ${load()})`,
  );
  await Deno.remove(dir, { recursive: true });
}

async function _far(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "azof_far_" });
  const table = await createTable(new LocalStore(dir), "t", {
    columns: [{ name: "v", type: "Int", nullable: false }],
  });
  await appendRows(table, [
    { key: "a", event_time: "0001-03-01T00:00:00Z", v: 1n },
    { key: "b", event_time: "0001-07-01T00:00:00Z", v: 2n },
    { key: "a", event_time: "9999-05-01T00:00:00Z", v: 3n },
  ]);
  const times = await Deno.makeTempFile();
  const out = await new Deno.Command("/usr/bin/time", {
    args: [
      "-f",
      "%e %M",
      "-o",
      times,
      ...AZOF,
      "compact",
      "-p",
      dir,
      "-t",
      "t",
      "--segment",
      "P1Y,P3M",
    ],
    stdout: "null",
  }).output();
  if (!out.success) throw new Error(`azof compact failed: ${new TextDecoder().decode(out.stderr)}`);
  const [wall, kib] = (await Deno.readTextFile(times)).trim().split("\n").at(-1)!.split(" ");
  const snapshot = await table.snapshot();
  const segments = [...walkSegments(snapshot.segments)].length;
  const { files } = await countRows(table, snapshot);
  console.log(
    `years 0001 and 9999: compaction ${wall} s, peak RSS ${(Number(kib) / 1024).toFixed(0)} MiB, ` +
      `${files} files, ${segments} segments (load ${load()})`,
  );
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(times);
}
