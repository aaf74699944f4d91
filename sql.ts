/**
 * azof's SQL entry point (DuckDB), kept apart from `mod.ts` so that library users who do not query
 * with SQL never load DuckDB's native addon. Being built (issue 7).
 *
 * @module
 */

/** The SQL engine azof uses. */
export const SQL_ENGINE: string = "duckdb";
