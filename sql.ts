/**
 * SQL over azof tables, with event-time travel per table reference, run by DuckDB
 * (`npm:@duckdb/node-api`, a native addon: Deno needs `--allow-ffi`). This entry is separate from
 * `mod.ts` so that programs that do not use SQL never load DuckDB.
 *
 * In a query, tables are named by their folder under the root. A reference reads the current state,
 * or the state as of an instant with `AT ('<time>')`, `FOR SYSTEM_TIME AS OF '<time>'` or
 * `AT (TIMESTAMP => '<time>')` after the table name, or snapshot n with `AT (VERSION => n)`.
 *
 * @example Run a query and print its rows
 * ```ts
 * import { query } from "./sql.ts";
 * const root = await Deno.makeTempDir();
 * const result = await query(root, "SELECT 40 + 2 AS answer");
 * for await (const batch of result.batches) console.log(batch.columns[0]!.values); // [42n]
 * await Deno.remove(root);
 * ```
 *
 * @module
 */

export { query } from "./lib/sql/query.ts";
export type { QueryOptions, QueryResult } from "./lib/sql/query.ts";
export { queryToArrow } from "./lib/sql/arrow.ts";
export { listTables, registerTables } from "./lib/sql/tables.ts";
export type { RegisterOptions } from "./lib/sql/tables.ts";
export { createAsOfView, tableRelation } from "./lib/sql/relation.ts";
export type { AsOfOptions, TableRelation } from "./lib/sql/relation.ts";
export type { EngineOptions } from "./lib/sql/engine.ts";
export type { SqlConnection } from "./lib/sql/relation.ts";
export { liftTimeTravel } from "./lib/sql/time_travel.ts";
export type { LiftedQuery, TimeTravelRef } from "./lib/sql/time_travel.ts";
export type { BatchColumn, RowBatch } from "./lib/read/batch.ts";
export type { Value } from "./lib/format/schema.ts";
export type { PlannedFile, ScanPlan } from "./lib/read/plan.ts";
export type { Delta, Segment, Snapshot } from "./lib/format/snapshot.ts";
export type { Column, ColumnType, Schema as TableSchema } from "./lib/format/schema.ts";
