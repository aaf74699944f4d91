/**
 * DuckDB computing an as-of answer, run as its own process so its start-up counts: reads a job file
 * (`{ files, asOf, columns, out }`) and writes the answer as CSV in azof's text forms.
 *
 * Per key among rows with `event_time <= asOf`: the greatest `event_time`, then the file earlier in
 * read order, then the later row (`QUALIFY row_number() ... = 1`); rows ordered by key.
 *
 * @module
 */

import { DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";

/** What to compute. */
export interface DuckJob {
  /** Absolute paths of the planned files, in read order. */
  readonly files: readonly string[];
  /** The instant (ms), or `null` for no bound. */
  readonly asOf: number | null;
  /** Schema columns after `key` and `event_time`, with azof types. */
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  /** Where the CSV goes. */
  readonly out: string;
}

/**
 * The SQL for a job.
 *
 * @param job The job.
 * @returns One `COPY ... TO` statement.
 */
export function duckSql(job: DuckJob): string {
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  const id = (s: string) => `"${s.replaceAll('"', '""')}"`;
  const list = `[${job.files.map(q).join(", ")}]`;
  const ts = (c: string) => `strftime(${c}::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%gZ')`;
  const out = [
    "key",
    `${ts("event_time")} AS event_time`,
    ...job.columns.map((c) =>
      c.type === "DateTime" ? `${ts(id(c.name))} AS ${id(c.name)}` : id(c.name)
    ),
  ];
  const where = job.asOf === null ? "" : `WHERE epoch_ms(event_time) <= ${job.asOf}`;
  return `COPY (
    SELECT ${out.join(", ")} FROM (
      SELECT * FROM read_parquet(${list}, filename = true, file_row_number = true)
      ${where}
      QUALIFY row_number() OVER (
        PARTITION BY key
        ORDER BY event_time DESC, list_position(${list}, filename), file_row_number DESC
      ) = 1
    ) ORDER BY key
  ) TO ${q(job.out)} (FORMAT csv, HEADER true)`;
}

if (import.meta.main) {
  const job = JSON.parse(await Deno.readTextFile(Deno.args[0]!)) as DuckJob;
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  await connection.run(duckSql(job));
  connection.closeSync();
  instance.closeSync();
}
