/**
 * SQL query results as Apache Arrow.
 *
 * @module
 */

import type { RecordBatch, Table } from "npm:apache-arrow@21.2.0";
import { Table as ArrowTable } from "npm:apache-arrow@21.2.0";
import { arrowSchema, toRecordBatch } from "../read/arrow.ts";
import { query, type QueryOptions } from "./query.ts";

/**
 * Runs a SQL query over the tables under a folder (see {@linkcode query}) and collects the answer
 * into one Arrow table (int64, float64, bool, UTF-8 and timestamp-ms-UTC columns).
 *
 * @param root The local folder holding the tables.
 * @param sql One query in DuckDB's dialect, with time-travel clauses.
 * @param options DuckDB threads and memory limit.
 * @returns The Arrow table.
 *
 * @example Collect a query into Arrow
 * ```ts
 * import { queryToArrow } from "../../sql.ts";
 * const root = await Deno.makeTempDir();
 * const table = await queryToArrow(root, "SELECT 1 AS one, 'x' AS letter");
 * console.log(table.numRows, table.schema.fields.map((f) => String(f.type)));
 * await Deno.remove(root);
 * ```
 */
export async function queryToArrow(
  root: string,
  sql: string,
  options: QueryOptions = {},
): Promise<Table> {
  const result = await query(root, sql, options);
  const schema = arrowSchema(result.columns);
  const batches: RecordBatch[] = [];
  for await (const batch of result.batches) batches.push(toRecordBatch(schema, batch));
  return new ArrowTable(schema, batches);
}
