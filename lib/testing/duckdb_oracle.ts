/**
 * An oracle for as-of reads that shares no code with azof's resolver: DuckDB reads the planned
 * Parquet files and picks each key's winner with a window function.
 *
 * Per key, among rows with `event_time <= T`: greatest `event_time`, then the file earlier in read
 * order, then the later row of the file (`file_row_number`); a winner whose `_deleted` is true is
 * dropped; rows come out ordered by key (DuckDB compares VARCHAR by bytes, i.e. code points).
 *
 * @module
 */

import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { ColumnType } from "../schema.ts";
import type { Cell } from "./cells.ts";

/** A column to read back: its name and azof type. */
export interface OracleColumn {
  /** Column name. */
  readonly name: string;
  /** Its type, which decides how the value is converted to a cell. */
  readonly type: ColumnType;
}

/**
 * Quotes a string as an SQL literal.
 *
 * @param text The string.
 * @returns `'text'` with single quotes doubled.
 */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** One DuckDB in-memory database and connection, reused for many queries. */
export class DuckOracle {
  readonly #instance: DuckDBInstance;
  /** The open connection, for tests that run their own SQL. */
  readonly connection: DuckDBConnection;

  private constructor(instance: DuckDBInstance, connection: DuckDBConnection) {
    this.#instance = instance;
    this.connection = connection;
  }

  /**
   * Starts an in-memory DuckDB with its time zone set to UTC.
   *
   * @returns The oracle.
   */
  static async open(): Promise<DuckOracle> {
    const instance = await DuckDBInstance.create(":memory:", { threads: "2" });
    const connection = await instance.connect();
    const oracle = new DuckOracle(instance, connection);
    try {
      await oracle.rows("SET TimeZone = 'UTC'");
    } catch {
      // Without ICU, DuckDB has no session time zone and treats TIMESTAMPTZ as UTC anyway.
    }
    return oracle;
  }

  /**
   * Runs SQL and returns all rows as JavaScript values.
   *
   * @param sql The statement.
   * @returns The rows.
   */
  async rows(sql: string): Promise<unknown[][]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRows() as unknown[][];
  }

  /**
   * Resolves an as-of read over data files given in read order.
   *
   * @param files Absolute paths of the files, in read order (earlier wins ties).
   * @param asOf The instant in ms, or `null` for no upper bound on `event_time`.
   * @param columns The output columns after `key` and `event_time`.
   * @returns Rows `[key, event_time ms, ...columns]` as cells, sorted by key.
   */
  async resolve(
    files: readonly string[],
    asOf: number | null,
    columns: readonly OracleColumn[],
  ): Promise<Cell[][]> {
    if (files.length === 0) return [];
    const list = `[${files.map(sqlString).join(", ")}]`;
    const source =
      `read_parquet(${list}, filename = true, file_row_number = true, union_by_name = true)`;
    const described = await this.rows(`DESCRIBE SELECT * FROM ${source}`);
    const hasDeleted = described.some((r) => r[0] === "_deleted");
    const order = files.map((f, i) => `(${sqlString(f)}, ${i})`).join(", ");
    const where = asOf === null ? "" : `WHERE epoch_ms(p.event_time) <= ${asOf}`;
    const exprs = [
      "w.key",
      "epoch_ms(w.event_time)",
      ...columns.map((c) => _cellExpr(`w."${c.name.replaceAll('"', '""')}"`, c.type)),
    ];
    const sql = `
      SELECT ${exprs.join(", ")}
      FROM (
        SELECT p.*
        FROM ${source} AS p
        JOIN (VALUES ${order}) AS o(fname, file_order) ON p.filename = o.fname
        ${where}
        QUALIFY row_number() OVER (
          PARTITION BY p.key
          ORDER BY p.event_time DESC, o.file_order ASC, p.file_row_number DESC
        ) = 1
      ) AS w
      ${hasDeleted ? "WHERE NOT coalesce(w._deleted, false)" : ""}
      ORDER BY w.key`;
    const rows = await this.rows(sql);
    return rows.map((row) => row.map(_cell));
  }

  /** Closes the connection and the database. */
  close(): void {
    this.connection.closeSync();
    this.#instance.closeSync();
  }
}

function _cellExpr(column: string, type: ColumnType): string {
  switch (type) {
    case "Int":
      return `CAST(${column} AS VARCHAR)`;
    case "DateTime":
      return `epoch_ms(${column})`;
    case "Float":
      return `CAST(${column} AS DOUBLE)`;
    default:
      return column;
  }
}

function _cell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value); // epoch_ms: exact below 2^53 ms
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  throw new TypeError(`Unexpected DuckDB value ${String(value)}`);
}
