/**
 * Table references of a query, found by DuckDB's own parser (`json_serialize_sql`).
 *
 * @module
 */

import type { DuckDBConnection } from "npm:@duckdb/node-api@1.5.6-r.1";
import { AzofError } from "../errors.ts";
import { describeOffset, type LiftedQuery } from "./time_travel.ts";

/** A base-table reference in a parsed query. */
export interface TableRef {
  /** The table name as written. */
  readonly name: string;
  /** The alias, or `""`. */
  readonly alias: string;
  /** Whether a schema or catalog qualifies the name (then it is not an azof table). */
  readonly qualified: boolean;
}

/** What the parser found. */
export interface ParsedRefs {
  /** Every base-table reference, in tree order. */
  readonly tables: readonly TableRef[];
  /** Names of common table expressions defined anywhere in the query. */
  readonly ctes: ReadonlySet<string>;
}

/**
 * Parses a (lifted) query with DuckDB and lists its base-table references and CTE names.
 *
 * @param connection A DuckDB connection.
 * @param lifted The query with time-travel clauses lifted out.
 * @param original The query as written, for error positions.
 * @returns The references.
 * @throws {AzofError} `InputInvalid` for a syntax error (with its line and column in the original
 *   query), a statement that is not a query, or more than one statement.
 */
export async function parseRefs(
  connection: DuckDBConnection,
  lifted: LiftedQuery,
  original: string,
): Promise<ParsedRefs> {
  const text = lifted.text();
  const reader = await connection.runAndReadAll("SELECT json_serialize_sql($1::VARCHAR)", [text]);
  const json = JSON.parse(String(reader.getRows()[0]![0]));
  if (json.error) {
    const message = String(json.error_message ?? "cannot parse the query");
    if (json.error_type === "parser") {
      const position = Number(json.position);
      const where = Number.isFinite(position)
        ? ` at ${describeOffset(original, lifted.originalOffset(position))}`
        : "";
      throw new AzofError("InputInvalid", `SQL syntax error${where}: ${message}`);
    }
    throw new AzofError(
      "InputInvalid",
      /Only SELECT/i.test(message)
        ? "azof sql runs queries only (SELECT, WITH, VALUES, ...), not other statements"
        : `Cannot parse the query: ${message}`,
    );
  }
  if (!Array.isArray(json.statements) || json.statements.length !== 1) {
    throw new AzofError(
      "InputInvalid",
      `azof sql runs one query at a time, found ${json.statements?.length ?? 0} statements`,
    );
  }
  const tables: TableRef[] = [];
  const ctes = new Set<string>();
  _walk(json.statements, tables, ctes);
  return { tables, ctes };
}

function _walk(node: unknown, tables: TableRef[], ctes: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) _walk(item, tables, ctes);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const object = node as Record<string, unknown>;
  if (object.type === "BASE_TABLE" && typeof object.table_name === "string") {
    tables.push({
      name: object.table_name,
      alias: typeof object.alias === "string" ? object.alias : "",
      qualified: Boolean(object.schema_name) || Boolean(object.catalog_name),
    });
  }
  const map = (object.cte_map as { map?: unknown } | undefined)?.map;
  if (Array.isArray(map)) {
    for (const entry of map) {
      const key = (entry as { key?: unknown }).key;
      if (typeof key === "string") ctes.add(key);
    }
  }
  for (const value of Object.values(object)) _walk(value, tables, ctes);
}
