/**
 * The foreign-file benchmark of issue 15: the rows of the key-scaling benchmark (bench/scan_keys.ts:
 * K keys, 1.2 K rows, keys scrambled) written by DuckDB as Parquet files of 1,000,000 rows each (in
 * row order, so not key-ordered and declaring no order), listed as the deltas of one open segment,
 * and scanned as of the same instant to CSV beside DuckDB computing the same answer over the same
 * files. azof sorts each file into spilled runs (lib/read/sort_runs.ts), on two threads
 * (lib/read/sort_files.ts; `AZOF_SORT_THREADS=1` in the environment of the bench measures one), and
 * merges them. The same rows are also written with each file sorted by key (`ORDER BY key`, as
 * users cluster files: still no declared order, but row groups whose key statistics follow each
 * other), which azof merges as they are, each row group sorted as it is read
 * (lib/read/group_order.ts).
 *
 * The CSV of rows comes from `bench/out/keys/rows_K.csv` (written by `--only keys`), or from the
 * folder `AZOF_BENCH_ROWS_DIR` names; `AZOF_BENCH_KEYS` (comma-separated) overrides the key counts.
 * Tables live in `bench/out/foreign/` and `bench/out/foreign_by_key/` (git-ignored) and are written
 * once.
 *
 * @module
 */

import { DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";
import { exists, OUT } from "./common.ts";
import { asOfScanRow } from "./scan_keys.ts";
import type { Row } from "./report.ts";

const _DIR = `${OUT}foreign`;
const _BY_KEY_DIR = `${OUT}foreign_by_key`;
const _FILE_ROWS = 1_000_000;

/**
 * Measures scans of DuckDB-written tables of each key count.
 *
 * @param runs Measured runs each (after a warm-up run).
 * @returns One row per key count.
 */
export async function benchForeign(runs: number): Promise<Row[]> {
  const counts = (Deno.env.get("AZOF_BENCH_KEYS") ?? "1000000,10000000").split(",").map(Number);
  const rows: Row[] = [];
  const target = { ratio: 1.5, mib: 1000 };
  for (const keys of counts) {
    const root = await _table(keys, _DIR, "i");
    rows.push(await asOfScanRow(root, _DIR, keys, "DuckDB-written, not key-ordered", runs, target));
  }
  for (const keys of counts) {
    const root = await _table(keys, _BY_KEY_DIR, "key, i");
    const written = "DuckDB-written, each file ORDER BY key";
    rows.push(await asOfScanRow(root, _BY_KEY_DIR, keys, written, runs, target));
  }
  return rows;
}

/**
 * Writes the table of `keys` keys into `dir` unless it exists, each file's rows in `order`; returns
 * its root folder.
 */
async function _table(keys: number, dir: string, order: string): Promise<string> {
  const root = `${dir}/t${keys}`;
  if (await exists(`${root}/t/version.txt`)) return root;
  const csv = `${Deno.env.get("AZOF_BENCH_ROWS_DIR") ?? `${OUT}keys`}/rows_${keys}.csv`;
  if (!await exists(csv)) {
    throw new Error(`${csv} is missing: run \`deno task bench --only keys\` first`);
  }
  console.error(`writing ${root} with DuckDB...`);
  await Deno.remove(root, { recursive: true }).catch(() => {});
  await Deno.mkdir(`${root}/t`, { recursive: true });
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  await connection.run(
    `CREATE TABLE rows AS SELECT row_number() OVER () - 1 AS i, * FROM read_csv('${csv}',
      columns = {'key': 'VARCHAR', 'event_time': 'TIMESTAMPTZ', 'name': 'VARCHAR',
        'amount': 'BIGINT', 'price': 'DOUBLE'}, header = true)`,
  );
  const total = Math.round(keys * 1.2);
  const deltas = [];
  for (let f = 0; f * _FILE_ROWS < total; f++) {
    const file = `f${f}.parquet`;
    await connection.run(
      `COPY (SELECT key, event_time, name, amount, price FROM rows
        WHERE i >= ${f * _FILE_ROWS} AND i < ${(f + 1) * _FILE_ROWS} ORDER BY ${order})
        TO '${root}/t/${file}' (FORMAT parquet)`,
    );
    const range = await connection.runAndReadAll(
      `SELECT strftime(min(event_time), '%Y-%m-%dT%H:%M:%S.%gZ'),
        strftime(max(event_time), '%Y-%m-%dT%H:%M:%S.%gZ')
        FROM rows WHERE i >= ${f * _FILE_ROWS} AND i < ${(f + 1) * _FILE_ROWS}`,
    );
    const [start, end] = range.getRows()[0]! as string[];
    deltas.push({ file, start, end });
  }
  connection.closeSync();
  instance.closeSync();
  const schema = {
    columns: [
      { name: "name", data_type: "String", nullable: true },
      { name: "amount", data_type: "Int", nullable: false },
      { name: "price", data_type: "Float", nullable: false },
    ],
  };
  const segment = { id: "all", start: "2024-01-01T00:00:00.000Z", delta: deltas };
  await Deno.writeTextFile(`${root}/t/s1.json`, JSON.stringify({ schema, segments: [segment] }));
  await Deno.writeTextFile(`${root}/t/version.txt`, "1");
  return root;
}
