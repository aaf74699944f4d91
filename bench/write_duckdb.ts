/**
 * DuckDB helpers of the write benchmarks, run as their own processes:
 *
 * - `gen N OUT`: writes N synthetic CSV rows (header `key,event_time,name,amount,price`) to OUT
 *   (`/dev/stdout` streams them);
 * - `copy CSV PARQUET`: `COPY (SELECT * FROM read_csv(CSV)) TO PARQUET`, the baseline azof's ingest
 *   is compared with.
 *
 * @module
 */

import { DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";

/** First event time of generated rows: 2020-01-01T00:00:00Z. */
export const GEN_START = Date.UTC(2020, 0, 1);

/** Span of generated event times: five years of 365.25 days (ms). */
export const GEN_SPAN = 5 * 365.25 * 86_400_000;

/**
 * The SQL that writes N synthetic rows as CSV: row `i` has key `k<i mod K>` (K = min(1,000,000,
 * N / 5)), an event time advancing evenly over {@linkcode GEN_SPAN} from {@linkcode GEN_START} with
 * up to an hour of jitter (so rows arrive slightly out of order), a name that is null for every 101st
 * key, an Int up to ±2^52 and a Float ending in .25 or .75.
 *
 * @param n Rows.
 * @param out The CSV file.
 * @returns One `COPY ... TO` statement.
 */
export function genSql(n: number, out: string): string {
  const keys = Math.max(1, Math.min(1_000_000, Math.floor(n / 5)));
  const step = GEN_SPAN / n;
  return `COPY (
    SELECT
      'k' || (i % ${keys})::VARCHAR AS key,
      strftime(epoch_ms(${GEN_START} + floor(i * ${step})::BIGINT + (i * 7919) % 3600000)::TIMESTAMP,
        '%Y-%m-%dT%H:%M:%S.%gZ') AS event_time,
      CASE WHEN (i % ${keys}) % 101 = 0 THEN NULL ELSE 'name_' || (i % 50000)::VARCHAR END AS name,
      (i * 2654435761) % 9007199254740993 - 4503599627370496 AS amount,
      ((i * 7919) % 400000) * 0.5::DOUBLE + 0.25 AS price
    FROM range(${n}) t(i)
  ) TO '${out}' (FORMAT csv, HEADER true)`;
}

if (import.meta.main) {
  const [command, a, b] = Deno.args;
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  if (command === "gen") {
    await connection.run(genSql(Number(a), b!));
  } else if (command === "copy") {
    await connection.run(`COPY (SELECT * FROM read_csv('${a}')) TO '${b}' (FORMAT parquet)`);
  } else {
    throw new Error(`usage: write_duckdb.ts gen N OUT | copy CSV PARQUET`);
  }
  connection.closeSync();
  instance.closeSync();
}
