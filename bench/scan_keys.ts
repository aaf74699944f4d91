/**
 * The key-scaling benchmark of issue 15: tables written by azof itself (`azof create` + `azof write`
 * of a generated CSV, so every file is key-ordered) with 1,000,000 and 10,000,000 keys (1.2 rows
 * per key: every fifth key updated later), scanned as of an instant to CSV, beside DuckDB computing
 * the same answer over the same files. Peak RSS shows whether memory grows with the keys. On each
 * table also a point lookup (`--key`) and `--limit 10` as of the same instant, checked against
 * DuckDB's full answer.
 *
 * `AZOF_BENCH_KEYS` (comma-separated) overrides the key counts. Inputs and tables live in
 * `bench/out/keys/` (git-ignored) and are generated once.
 *
 * @module
 */

import { DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";
import { AZOF, duckCommand, exists, OUT, sha256File } from "./common.ts";
import { measure } from "./measure.ts";
import type { Row } from "./report.ts";

const _DIR = `${OUT}keys`;
const _SCHEMA = "name:String?,amount:Int,price:Float";
const _START = Date.UTC(2024, 0, 1);
const _SPAN = 365 * 86_400_000;

/** The instant read as of: 11/12 of the year, so most updates are in and some are not. */
export const KEYS_AS_OF: number = _START + Math.floor(_SPAN * 11 / 12);

/**
 * Measures scans of azof-written tables of each key count.
 *
 * @param runs Measured runs each (after a warm-up run).
 * @returns One row per key count.
 */
export async function benchKeys(runs: number): Promise<Row[]> {
  const counts = (Deno.env.get("AZOF_BENCH_KEYS") ?? "1000000,10000000").split(",").map(Number);
  const rows: Row[] = [];
  for (const keys of counts) {
    const root = await _table(keys);
    rows.push(await asOfScanRow(root, _DIR, keys, "azof-written", runs, { ratio: 1, mib: 500 }));
    rows.push(...await _small(root, keys, `${_DIR}/duckdb_${keys}.csv`, runs));
  }
  return rows;
}

/**
 * The whole-table as-of scan of a key-scaling table to CSV, by azof and by DuckDB from the same
 * files, as a report row ("same CSV": byte-identical outputs, kept in `dir`).
 *
 * @param root The table's root folder (table `t`).
 * @param dir Where the outputs and DuckDB's job go.
 * @param keys The number of keys (the table has 1.2 rows a key).
 * @param written Who wrote the files, for the row's name.
 * @param runs Measured runs each (after a warm-up run).
 * @param target The row's target.
 * @returns The row.
 */
export async function asOfScanRow(
  root: string,
  dir: string,
  keys: number,
  written: string,
  runs: number,
  target: Row["target"],
): Promise<Row> {
  const azofCsv = `${dir}/azof_${keys}.csv`;
  const duckCsv = `${dir}/duckdb_${keys}.csv`;
  const asOf = new Date(KEYS_AS_OF).toISOString();
  const azof = await measure(
    [...AZOF, "scan", "-p", root, "-t", "t", "--as-of", asOf, "--format", "csv"],
    { runs, warmupStdout: azofCsv },
  );
  const duckdb = await measure(
    await duckCommand(root, "t", {
      asOf: KEYS_AS_OF,
      job: `${dir}/job_${keys}.json`,
      csv: duckCsv,
    }),
    { runs },
  );
  return {
    name: `${keys.toLocaleString("en-US")} keys (${
      (keys * 1.2).toLocaleString("en-US")
    } rows, ${written}), scan --as-of to CSV`,
    azof,
    duckdb,
    same: await sha256File(azofCsv) === await sha256File(duckCsv),
    target,
  };
}

/**
 * A point lookup (`--key`) and `--limit 10` on the table, whole process; "same CSV": the output is
 * the header and the lines of DuckDB's full answer for that key (or its first ten lines).
 */
async function _small(root: string, keys: number, duckCsv: string, runs: number): Promise<Row[]> {
  const asOf = new Date(KEYS_AS_OF).toISOString();
  const key = `k${Math.floor(keys / 3)}`;
  const cases = [
    { name: `scan --key ${key}`, args: ["--key", key], ms: 300, pick: _keyLines(key) },
    { name: "scan --limit 10", args: ["--limit", "10"], ms: 500, pick: _firstLines(10) },
  ];
  const rows: Row[] = [];
  for (const c of cases) {
    const out = `${_DIR}/azof_${keys}_${c.args[0]!.slice(2)}.csv`;
    const azof = await measure(
      [...AZOF, "scan", "-p", root, "-t", "t", "--as-of", asOf, ...c.args, "--format", "csv"],
      { runs: Math.max(runs, 3), warmupStdout: out },
    );
    const same = await Deno.readTextFile(out) === await _lines(duckCsv, c.pick);
    rows.push({
      name: `${keys.toLocaleString("en-US")} keys, ${c.name} --as-of to CSV`,
      azof,
      same,
      target: { ms: c.ms },
    });
  }
  return rows;
}

/** Picks the header and the lines of one key. */
function _keyLines(key: string): (line: string, n: number) => boolean | "stop" {
  return (line, n) => n === 0 || line.startsWith(`${key},`);
}

/** Picks the header and the first `count` lines, then stops. */
function _firstLines(count: number): (line: string, n: number) => boolean | "stop" {
  return (_line, n) => n <= count ? true : "stop";
}

/** The picked lines of a CSV file (each with its line break), read as a stream. */
async function _lines(
  path: string,
  pick: (line: string, n: number) => boolean | "stop",
): Promise<string> {
  using file = await Deno.open(path);
  const decoder = new TextDecoder();
  let rest = "";
  let out = "";
  let n = 0;
  for await (const chunk of file.readable) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = lines.pop()!;
    for (const line of lines) {
      const picked = pick(line, n++);
      if (picked === "stop") return out;
      if (picked) out += line + "\n";
    }
  }
  return out;
}

/** Builds the table of `keys` keys unless it exists; returns its root folder. */
async function _table(keys: number): Promise<string> {
  const root = `${_DIR}/t${keys}`;
  if (await exists(`${root}/t/version.txt`)) return root;
  await Deno.mkdir(_DIR, { recursive: true });
  const csv = `${_DIR}/rows_${keys}.csv`;
  if (!await exists(csv)) {
    console.error(`generating ${csv} with DuckDB...`);
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(_genSql(keys, csv));
    connection.closeSync();
    instance.closeSync();
  }
  console.error(`writing ${root} with azof...`);
  await Deno.remove(root, { recursive: true }).catch(() => {});
  await _run([...AZOF, "create", "-q", "-p", root, "-t", "t", "--schema", _SCHEMA]);
  const started = performance.now();
  await _run([...AZOF, "write", "-q", "-p", root, "-t", "t", "-i", csv]);
  console.error(`  written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return root;
}

/**
 * Rows `0 .. 1.2 K`: row `i` has key `k<i mod K>` (keys in a scrambled order: `i * 7919 mod K`),
 * an event time advancing evenly over 2024 (so the updates, rows past K, come last), a name null
 * for every 101st key, an Int up to ±2^52 and a Float ending in .25 or .75.
 */
function _genSql(keys: number, out: string): string {
  const n = Math.round(keys * 1.2);
  const step = _SPAN / n;
  return `COPY (
    SELECT
      'k' || ((i * 7919) % ${keys})::VARCHAR AS key,
      strftime(epoch_ms(${_START} + floor(i * ${step})::BIGINT)::TIMESTAMP,
        '%Y-%m-%dT%H:%M:%S.%gZ') AS event_time,
      CASE WHEN (i % ${keys}) % 101 = 0 THEN NULL ELSE 'name_' || (i % 50000)::VARCHAR END AS name,
      (i * 2654435761) % 9007199254740993 - 4503599627370496 AS amount,
      ((i * 7919) % 400000) * 0.5::DOUBLE + 0.25 AS price
    FROM range(${n}) t(i)
  ) TO '${out}' (FORMAT csv, HEADER true)`;
}

async function _run(command: string[]): Promise<void> {
  const result = await new Deno.Command(command[0]!, { args: command.slice(1), stdout: "null" })
    .output();
  if (!result.success) throw new Error(`${command.join(" ")} exited with ${result.code}`);
}
