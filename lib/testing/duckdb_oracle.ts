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

import { type DuckDBConnection, DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";
import type { ColumnType } from "../format/schema.ts";
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
    const exprs = [
      "w.key",
      "epoch_ms(w.event_time)",
      ...columns.map((c) => _cellExpr(_ident(c.name), c.type)),
    ];
    const sql = `SELECT ${exprs.join(", ")} FROM (${await this.#winners(files, asOf)}) AS w
      ORDER BY w.key`;
    const rows = await this.rows(sql);
    return rows.map((row) => row.map(_cell));
  }

  /**
   * Resolves like {@linkcode DuckOracle.resolve} but returns the whole answer as one text, for fast
   * comparison of large answers with {@linkcode rowsText}. Float columns are not supported.
   *
   * @param files Absolute paths of the files, in read order.
   * @param asOf The instant in ms, or `null`.
   * @param columns The output columns after `key` and `event_time`.
   * @returns The rows as text: cells joined by U+0001, null as U+0002, rows ended by U+0003.
   */
  async resolveText(
    files: readonly string[],
    asOf: number | null,
    columns: readonly OracleColumn[],
  ): Promise<string> {
    if (files.length === 0) return "";
    const cells = [
      "w.key",
      "CAST(epoch_ms(w.event_time) AS VARCHAR)",
      ...columns.map((c) => {
        if (c.type === "Float") throw new TypeError("resolveText() does not format Float");
        const e = _cellExpr(_ident(c.name), c.type);
        return `coalesce(CAST(${e} AS VARCHAR), chr(2))`;
      }),
    ];
    const sql = `SELECT coalesce(string_agg(concat_ws(chr(1), ${
      cells.join(", ")
    }) || chr(3), '' ORDER BY w.key), '')
      FROM (${await this.#winners(files, asOf)}) AS w`;
    const rows = await this.rows(sql);
    return rows[0]![0] as string;
  }

  async #winners(files: readonly string[], asOf: number | null): Promise<string> {
    const list = `[${files.map(sqlString).join(", ")}]`;
    const source =
      `read_parquet(${list}, filename = true, file_row_number = true, union_by_name = true)`;
    const described = await this.rows(`DESCRIBE SELECT * FROM ${source}`);
    const hasDeleted = described.some((r) => r[0] === "_deleted");
    const order = files.map((f, i) => `(${sqlString(f)}, ${i})`).join(", ");
    const where = asOf === null ? "" : `WHERE epoch_ms(p.event_time) <= ${asOf}`;
    return `
      SELECT * FROM (
        SELECT p.*
        FROM ${source} AS p
        JOIN (VALUES ${order}) AS o(fname, file_order) ON p.filename = o.fname
        ${where}
        QUALIFY row_number() OVER (
          PARTITION BY p.key
          ORDER BY p.event_time DESC, o.file_order ASC, p.file_row_number DESC
        ) = 1
      ) ${hasDeleted ? "WHERE NOT coalesce(_deleted, false)" : ""}`;
  }

  /** Closes the connection and the database. */
  close(): void {
    this.connection.closeSync();
    this.#instance.closeSync();
  }
}

function _ident(name: string): string {
  return `w."${name.replaceAll('"', '""')}"`;
}

/**
 * Renders rows of cells the way {@linkcode DuckOracle.resolveText} renders DuckDB's answer.
 *
 * @param rows Rows of cells (no Float cells).
 * @returns The text.
 */
export function rowsText(rows: readonly (readonly Cell[])[]): string {
  let out = "";
  for (const row of rows) {
    out += row.map((v) => v === null ? "\u0002" : String(v)).join("\u0001") + "\u0003";
  }
  return out;
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
