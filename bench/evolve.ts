/**
 * The benchmarks of issue 17 (`deno task bench --only evolve`). A table written by azof (K keys, 1.2
 * rows per key over 2024, as in bench/scan_keys.ts), then one late batch updating 1% of the keys at
 * event times in the first half of the year (snapshot 3). Measured:
 *
 * - `azof diff --from-snapshot 2 --as-of T` against one `azof scan --as-of T` (target: ≤ 2x);
 * - `changes()` from snapshot 2 to 3: bytes read from the store against the bytes of the files
 *   snapshot 3 added (target: ≤ 1.2x).
 *
 * `AZOF_BENCH_EVOLVE_KEYS` sets K (default 1,000,000). Inputs and tables live in
 * `bench/out/evolve/` (git-ignored) and are generated once.
 *
 * @module
 */

import { DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";
import { AZOF, exists, OUT } from "./common.ts";
import { measure } from "./measure.ts";
import { changes } from "../lib/read/changes.ts";
import { addedFiles } from "../lib/read/changes.ts";
import { openTable } from "../lib/format/table.ts";
import { LocalStore } from "../lib/store/local.ts";
import type { Store } from "../lib/store/store.ts";

const _DIR = `${OUT}evolve`;
const _START = Date.UTC(2024, 0, 1);
const _SPAN = 365 * 86_400_000;
const _AS_OF = new Date(_START + Math.floor(_SPAN * 11 / 12)).toISOString();

/**
 * Builds the table once and measures diff, scan and the change feed's bytes.
 *
 * @param runs Measured runs of each command (after a warm-up).
 * @returns A Markdown report.
 */
export async function benchEvolve(runs: number): Promise<string> {
  const keys = Number(Deno.env.get("AZOF_BENCH_EVOLVE_KEYS") ?? 1_000_000);
  const root = await _table(keys);
  const scan = await measure(
    [...AZOF, "scan", "-p", root, "-t", "t", "--as-of", _AS_OF, "-f", "csv"],
    { runs },
  );
  const diff = await measure(
    [
      ...AZOF,
      "diff",
      "-p",
      root,
      "-t",
      "t",
      "--from-snapshot",
      "2",
      "--as-of",
      _AS_OF,
      "-f",
      "csv",
    ],
    { runs },
  );
  const feed = await _changesBytes(root);
  const k = keys.toLocaleString("en-US");
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return [
    `| issue 17 (${k} keys, late batch of 1% of them) | azof | baseline | target |`,
    "| --- | ---: | ---: | --- |",
    `| diff --as-of vs one scan --as-of | ${s(diff.wallMs)} / ${diff.rssMiB.toFixed(0)} MiB | ${
      s(scan.wallMs)
    } / ${scan.rssMiB.toFixed(0)} MiB | ≤ 2x: ${
      diff.wallMs <= 2 * scan.wallMs ? "pass" : "FAIL"
    } (${(diff.wallMs / scan.wallMs).toFixed(2)}x) |`,
    `| changes 2..3: bytes read vs bytes of the files added | ${
      feed.read.toLocaleString("en-US")
    } B | ${feed.added.toLocaleString("en-US")} B | ≤ 1.2x: ${
      feed.read <= 1.2 * feed.added ? "pass" : "FAIL"
    } (${(feed.read / feed.added).toFixed(3)}x; ${feed.rows.toLocaleString("en-US")} rows) |`,
  ].join("\n");
}

/** Reads the change feed through a store that counts the bytes it hands out. */
async function _changesBytes(root: string): Promise<{ read: number; added: number; rows: number }> {
  const local = new LocalStore(root);
  let read = 0;
  const counting: Store = {
    location: local.location,
    size: (k) => local.size(k),
    read: async (k, start, stop) => {
      const bytes = await local.read(k, start, stop);
      read += bytes.length;
      return bytes;
    },
    exists: (k) => local.exists(k),
    list: (p) => local.list(p),
    put: (k, d) => local.put(k, d),
    putIfAbsent: (k, d) => local.putIfAbsent(k, d),
    delete: (k) => local.delete(k),
  };
  const table = openTable(counting, "t");
  const files = addedFiles(await table.snapshot(2), await table.snapshot(3));
  let added = 0;
  for (const f of files) added += await local.size(table.key(f));
  read = 0;
  let rows = 0;
  const feed = await changes(table, { fromSnapshot: 2, toSnapshot: 3 });
  for await (const batch of feed.batches) rows += batch.rows;
  return { read, added, rows };
}

/** Builds the table unless it exists: the base write (snapshot 2) and the late batch (3). */
async function _table(keys: number): Promise<string> {
  const root = `${_DIR}/t${keys}`;
  if (await exists(`${root}/t/s3.json`)) return root;
  await Deno.mkdir(_DIR, { recursive: true });
  const base = `${_DIR}/base_${keys}.csv`;
  const late = `${_DIR}/late_${keys}.csv`;
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  await connection.run(_sql(keys, Math.round(keys * 1.2), 0, _SPAN, base));
  await connection.run(_sql(keys, Math.round(keys / 100), 1, _SPAN / 2, late));
  connection.closeSync();
  instance.closeSync();
  await Deno.remove(root, { recursive: true }).catch(() => {});
  await _run([
    ...AZOF,
    "create",
    "-q",
    "-p",
    root,
    "-t",
    "t",
    "--schema",
    "amount:Int,price:Float",
  ]);
  await _run([...AZOF, "write", "-q", "-p", root, "-t", "t", "-i", base]);
  await _run([...AZOF, "write", "-q", "-p", root, "-t", "t", "-i", late]);
  return root;
}

/** `rows` rows over `keys` scrambled keys (seeded by `salt`), event times spread over `span`. */
function _sql(keys: number, rows: number, salt: number, span: number, out: string): string {
  return `COPY (
    SELECT
      'k' || ((i * 7919 + ${salt} * 104729) % ${keys})::VARCHAR AS key,
      strftime(epoch_ms(${_START} + floor(i * ${
    span / rows
  } + ${salt} * 3600000)::BIGINT)::TIMESTAMP,
        '%Y-%m-%dT%H:%M:%S.%gZ') AS event_time,
      (i * 2654435761 + ${salt}) % 1000000007 AS amount,
      ((i * 7919) % 400000) * 0.5::DOUBLE + 0.25 AS price
    FROM range(${rows}) t(i)
  ) TO '${out}' (FORMAT csv, HEADER true)`;
}

async function _run(command: string[]): Promise<void> {
  const result = await new Deno.Command(command[0]!, { args: command.slice(1), stdout: "null" })
    .output();
  if (!result.success) throw new Error(`${command.join(" ")} exited with ${result.code}`);
}
