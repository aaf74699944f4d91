/**
 * The 5M-row benchmark: a synthetic single-file table (5,000,000 rows, 1,000,000 keys × 5 events,
 * columns `key`, `event_time`, `name` String nullable, `amount` Int, `price` Float; snappy; written
 * by DuckDB) scanned as of a mid instant to CSV, beside DuckDB computing the same answer.
 *
 * @module
 */

import { DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";
import { AZOF, duckCommand, exists, OUT, sha256File } from "./common.ts";
import { measure } from "./measure.ts";
import type { Row } from "./report.ts";

/** The instant the benchmark reads as of: the middle of the third of five event days. */
export const AS_OF = "2024-01-03T12:00:00.000Z";

const _ROOT = `${OUT}synth`;
const _TABLE = "t5m";

const _SNAPSHOT = {
  schema: {
    columns: [
      { name: "name", data_type: "String", nullable: true },
      { name: "amount", data_type: "Int", nullable: false },
      { name: "price", data_type: "Float", nullable: false },
    ],
  },
  segments: [{ id: "all", start: "2024-01-01T00:00:00.000Z", file: "data.parquet" }],
};

/**
 * Writes the table unless it exists: row `i` has key `k<i mod 1e6>`, event day `i div 1e6`, Int
 * values up to ±2^52 (exactness), prices ending in .25/.75 (same text in both engines), and a
 * null name for every 101st key.
 *
 * @returns The table folder.
 */
export async function generate5m(): Promise<string> {
  const dir = `${_ROOT}/${_TABLE}`;
  if (await exists(`${dir}/version.txt`)) return dir;
  await Deno.mkdir(dir, { recursive: true });
  console.error(`generating ${dir}/data.parquet (5,000,000 rows) with DuckDB...`);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  await connection.run(`COPY (
    SELECT
      'k' || (i % 1000000)::VARCHAR AS key,
      epoch_ms((i // 1000000) * 86400000 + (i % 1000000) * 7919 % 86400000
        + 1704067200000)::TIMESTAMPTZ AS event_time,
      CASE WHEN (i % 1000000) % 101 = 0 THEN NULL ELSE 'name_' || (i % 50000)::VARCHAR END AS name,
      (i * 2654435761) % 9007199254740993 - 4503599627370496 AS amount,
      ((i * 7919) % 400000) * 0.5::DOUBLE + 0.25 AS price
    FROM range(5000000) t(i)
  ) TO '${dir}/data.parquet' (FORMAT parquet, COMPRESSION snappy)`);
  connection.closeSync();
  instance.closeSync();
  await Deno.writeTextFile(`${dir}/s1.json`, JSON.stringify(_SNAPSHOT, null, 2) + "\n");
  await Deno.writeTextFile(`${dir}/version.txt`, "1\n");
  return dir;
}

/**
 * Measures azof and DuckDB on the 5M table, and checks that their CSV outputs are byte-identical.
 *
 * @param runs Measured runs each.
 * @returns One result row.
 */
export async function bench5m(runs: number): Promise<Row[]> {
  await generate5m();
  const azofCsv = `${OUT}t5m_azof.csv`;
  const duckCsv = `${OUT}t5m_duckdb.csv`;
  const azof = await measure(
    [...AZOF, "scan", "--path", _ROOT, "--table", _TABLE, "--as-of", AS_OF, "--format", "csv"],
    { runs, warmupStdout: azofCsv },
  );
  const duck = await measure(
    await duckCommand(_ROOT, _TABLE, {
      asOf: Date.parse(AS_OF),
      job: `${OUT}t5m_job.json`,
      csv: duckCsv,
    }),
    { runs },
  );
  const same = await sha256File(azofCsv) === await sha256File(duckCsv);
  return [{
    name: `5M rows, 1 file, scan --as-of ${AS_OF} to CSV`,
    azof,
    duckdb: duck,
    same,
    target: { ratio: 2, mib: 800 },
  }];
}
