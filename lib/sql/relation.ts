/**
 * An azof table as a DuckDB relation: the files our planner picks, read by DuckDB's Parquet reader,
 * and the resolution rule of docs/SPEC.md §7 written as SQL.
 *
 * Per key, among rows with `event_time <= T` (no bound for the current state): the greatest
 * `event_time` (floored to ms) wins; ties go to the file earlier in read order, then to the later
 * row of the same file; a winner whose `_deleted` is true removes the key.
 *
 * @module
 */

import { planScan, type ScanPlan } from "../read/plan.ts";
import type { ColumnType } from "../format/schema.ts";
import type { Snapshot } from "../format/snapshot.ts";
import { resolveTable, type Table } from "../format/table.ts";
import { localPaths } from "./staging.ts";
import { parquetSource } from "./parquet_source.ts";
import { quoteIdentifier, quoteString } from "./tokens.ts";

/**
 * The part of a DuckDB connection (`DuckDBConnection` of `@duckdb/node-api`) that registering tables
 * uses; pass your own connection.
 */
export interface SqlConnection {
  /** Runs a statement. */
  run(sql: string): Promise<unknown>;
  /** Runs a query and reads all its rows. */
  runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>;
}

/** Which state of a table to read. */
export interface AsOfOptions {
  /** The event-time instant, ms since the epoch; omitted for the current state. */
  readonly asOf?: number | undefined;
  /** The snapshot to read; omitted for the newest. */
  readonly version?: number | undefined;
  /**
   * A local folder to copy the planned data files into, for tables that are not in a local folder
   * (`s3://`): DuckDB reads local files. Copies already there are reused; the caller removes the
   * folder when done with the views. Not needed for local tables.
   */
  readonly stagingDir?: string | undefined;
}

/** A table state as SQL, with what it was built from. */
export interface TableRelation {
  /** A `SELECT` yielding `key`, `event_time` and the schema's columns, one row per live key. */
  readonly sql: string;
  /** The plan whose files the SQL reads, in read order. */
  readonly plan: ScanPlan;
  /** The snapshot planned against. */
  readonly snapshot: Snapshot;
}

const _SQL_TYPES: Record<ColumnType, string> = {
  String: "VARCHAR",
  Int: "BIGINT",
  Float: "DOUBLE",
  Boolean: "BOOLEAN",
  DateTime: "TIMESTAMPTZ",
};

/**
 * Builds the SQL of a table's state as of an instant. Reads the snapshot, and the data files' schemas
 * through DuckDB (to find columns and `_deleted` that some files lack). For a table in `s3://`, the
 * planned data files are first copied into `options.stagingDir`.
 *
 * @param connection A DuckDB connection (its `TimeZone` should be UTC).
 * @param root The folder (or `s3://bucket/prefix`) holding the tables.
 * @param name The table's folder name.
 * @param options The instant, snapshot and staging folder.
 * @returns The SQL and the plan.
 * @throws {AzofError} `TableNotFound`, `SnapshotInvalid`, `InputInvalid` (no such snapshot),
 *   `Unsupported` (a table outside a local folder without `stagingDir`).
 *
 * @example The SQL of a table as of a date
 * ```ts
 * import { DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";
 * import { tableRelation } from "../../sql.ts";
 * const instance = await DuckDBInstance.create(":memory:");
 * const connection = await instance.connect();
 * await connection.run("SET TimeZone = 'UTC'");
 * const relation = await tableRelation(connection, "testdata", "prices", {
 *   asOf: Date.UTC(2023, 5, 30),
 * });
 * const reader = await connection.runAndReadAll(`SELECT count(*) FROM (${relation.sql})`);
 * console.log(reader.getRows(), relation.plan.files.length);
 * connection.closeSync();
 * instance.closeSync();
 * ```
 */
export async function tableRelation(
  connection: SqlConnection,
  root: string,
  name: string,
  options: AsOfOptions = {},
): Promise<TableRelation> {
  return await _relationOf(connection, await resolveTable(root, name), options);
}

/**
 * {@linkcode tableRelation} of an opened table (`query()` opens the store once for all tables).
 *
 * @param connection A DuckDB connection (its `TimeZone` should be UTC).
 * @param table The table.
 * @param options The instant, snapshot and staging folder.
 * @returns The SQL and the plan.
 */
async function _relationOf(
  connection: SqlConnection,
  table: Table,
  options: AsOfOptions = {},
): Promise<TableRelation> {
  const snapshot = await table.snapshot(options.version);
  const plan = planScan(snapshot, { asOf: options.asOf });
  const columns = snapshot.schema.columns;
  if (plan.files.length === 0) {
    const empty = [
      "CAST(NULL AS VARCHAR) AS key",
      "CAST(NULL AS TIMESTAMPTZ) AS event_time",
      ...columns.map((c) => `CAST(NULL AS ${_SQL_TYPES[c.type]}) AS ${quoteIdentifier(c.name)}`),
    ];
    return { sql: `SELECT ${empty.join(", ")} WHERE false`, plan, snapshot };
  }
  const paths = await localPaths(table, plan.files.map((f) => f.file), options.stagingDir);
  const list = `[${paths.map(quoteString).join(", ")}]`;
  const source = await parquetSource(connection, paths, snapshot.schema);
  const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
  const present = new Set(described.getRows().map((r) => String(r[0])));
  const raw = [
    "CAST(key AS VARCHAR) AS key",
    `${_floorMs("event_time")} AS __azof_ms`,
    ...columns.filter((c) => present.has(c.name)).map((c) => quoteIdentifier(c.name)),
    `${
      present.has("_deleted") ? "coalesce(CAST(_deleted AS BOOLEAN), false)" : "false"
    } AS __azof_deleted`,
    `list_position(${list}, filename) AS __azof_file`,
    "file_row_number AS __azof_row",
  ];
  const output = [
    "key",
    `${_timestamptz("__azof_ms")} AS event_time`,
    ...columns.map((c) =>
      `${present.has(c.name) ? _cast(c.name, c.type) : `CAST(NULL AS ${_SQL_TYPES[c.type]})`} AS ${
        quoteIdentifier(c.name)
      }`
    ),
  ];
  const bound = options.asOf === undefined ? "" : `WHERE __azof_ms <= ${options.asOf}`;
  const sql = `SELECT ${output.join(", ")} FROM (
  SELECT * FROM (SELECT ${raw.join(", ")} FROM ${source})
  ${bound}
  QUALIFY row_number() OVER (
    PARTITION BY key ORDER BY __azof_ms DESC, __azof_file ASC, __azof_row DESC) = 1
) WHERE NOT __azof_deleted`;
  return { sql, plan, snapshot };
}

/**
 * Creates (or replaces) a temporary view of a table's state as of an instant in a DuckDB connection.
 *
 * @param connection The caller's DuckDB connection.
 * @param root The folder (or `s3://bucket/prefix`) holding the tables.
 * @param name The table's folder name.
 * @param options The view name (default: the table name), instant, snapshot and staging folder.
 * @returns The relation the view holds.
 *
 * @example Query a table as of a date in your own DuckDB connection
 * ```ts
 * import { DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";
 * import { createAsOfView } from "../../sql.ts";
 * const instance = await DuckDBInstance.create(":memory:");
 * const connection = await instance.connect();
 * await connection.run("SET TimeZone = 'UTC'");
 * await createAsOfView(connection, "testdata", "prices", {
 *   view: "prices_march",
 *   asOf: Date.UTC(2024, 2, 1),
 * });
 * const reader = await connection.runAndReadAll("SELECT count(*) FROM prices_march");
 * console.log(reader.getRows());
 * connection.closeSync();
 * instance.closeSync();
 * ```
 */
export async function createAsOfView(
  connection: SqlConnection,
  root: string,
  name: string,
  options: AsOfOptions & { readonly view?: string } = {},
): Promise<TableRelation> {
  return await createViewOf(connection, await resolveTable(root, name), options);
}

/**
 * {@linkcode createAsOfView} of an opened table.
 *
 * @param connection The caller's DuckDB connection.
 * @param table The table.
 * @param options The view name (default: the table name), instant, snapshot and staging folder.
 * @returns The relation the view holds.
 */
export async function createViewOf(
  connection: SqlConnection,
  table: Table,
  options: AsOfOptions & { readonly view?: string } = {},
): Promise<TableRelation> {
  const relation = await _relationOf(connection, table, options);
  await connection.run(
    `CREATE OR REPLACE TEMPORARY VIEW ${
      quoteIdentifier(options.view ?? table.name)
    } AS ${relation.sql}`,
  );
  return relation;
}

function _cast(name: string, type: ColumnType): string {
  if (type === "DateTime") return _timestamptz(_floorMs(quoteIdentifier(name)));
  return `CAST(${quoteIdentifier(name)} AS ${_SQL_TYPES[type]})`;
}

/** Milliseconds since the epoch of a timestamp column of any unit, floored (BIGINT). */
function _floorMs(column: string): string {
  return `(epoch_us(${column}) - ((epoch_us(${column}) % 1000 + 1000) % 1000)) // 1000`;
}

/** A TIMESTAMPTZ from BIGINT milliseconds. */
function _timestamptz(ms: string): string {
  return `CAST(make_timestamp(${ms} * 1000) AS TIMESTAMPTZ)`;
}
