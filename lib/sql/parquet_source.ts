/**
 * The DuckDB source of a table's planned data files: one `read_parquet` over all of them, matched by
 * column name; for a table whose schema changed (docs/SPEC.md §3.7), one `SELECT` per file that
 * names each file column by the schema column its id maps to, joined with `UNION ALL BY NAME`.
 *
 * @module
 */

import type { Schema } from "../format/schema.ts";
import { DELETED, EVENT_TIME, KEY } from "../format/schema.ts";
import { fileColumnNames } from "../format/schema_evolution.ts";
import { CREATED_BY_PREFIX } from "../format/version.ts";
import { quoteIdentifier, quoteString } from "./tokens.ts";

/** The part of a DuckDB connection this file uses (a `SqlConnection` of relation.ts fits). */
interface _Reader {
  runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>;
}

const _OPTIONS = "filename = true, file_row_number = true, binary_as_string = true";

/**
 * The SQL source (a table expression) of the data files, with the columns `key`, `event_time`,
 * `_deleted` when some file has it, the schema columns the files hold (under their schema names),
 * `filename` and `file_row_number`.
 *
 * @param connection The DuckDB connection (to read the files' Parquet schemas).
 * @param paths The local paths of the files, in plan order.
 * @param schema The schema the files are read with.
 * @returns The table expression.
 */
export async function parquetSource(
  connection: _Reader,
  paths: readonly string[],
  schema: Schema,
): Promise<string> {
  const list = `[${paths.map(quoteString).join(", ")}]`;
  if (schema.ids === undefined) return `read_parquet(${list}, union_by_name = true, ${_OPTIONS})`;
  const selects = await Promise.all(paths.map(async (path) => {
    const rows = (await connection.runAndReadAll(
      `SELECT name, field_id FROM parquet_schema(${quoteString(path)})`,
    )).getRows();
    const createdBy = (await connection.runAndReadAll(
      `SELECT created_by FROM parquet_file_metadata(${quoteString(path)})`,
    )).getRows()[0]?.[0];
    const columns = rows.slice(1).map(([name, id]) => ({
      name: String(name),
      fieldId: id === null || id === undefined ? undefined : Number(id),
    }));
    const names = fileColumnNames(
      schema,
      columns,
      String(createdBy ?? "").startsWith(CREATED_BY_PREFIX),
    );
    const system = [KEY, EVENT_TIME, DELETED].filter((n) => columns.some((c) => c.name === n));
    const select = [
      ...system.map(quoteIdentifier),
      ...[...names].map(([name, file]) => `${quoteIdentifier(file)} AS ${quoteIdentifier(name)}`),
      "filename",
      "file_row_number",
    ];
    return `SELECT ${select.join(", ")} FROM read_parquet(${quoteString(path)}, ${_OPTIONS})`;
  }));
  return `(${selects.join("\nUNION ALL BY NAME\n")})`;
}
