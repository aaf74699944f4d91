/**
 * Loading DuckDB: the only place that imports `@duckdb/node-api` at run time, so that azof works
 * without it (and without `--allow-ffi`) everywhere but SQL.
 *
 * @module
 */

import type { DuckDBConnection, DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";
import { AzofError } from "../errors.ts";

/** An in-memory DuckDB database and one connection to it. */
export interface Engine {
  /** The database. */
  readonly instance: DuckDBInstance;
  /** The connection, with its time zone set to UTC. */
  readonly connection: DuckDBConnection;
  /** Closes the connection and the database (again: nothing). */
  close(): void;
}

/** Options of {@linkcode openEngine}. */
export interface EngineOptions {
  /** Worker threads (default: DuckDB's choice, the number of cores). */
  readonly threads?: number | undefined;
  /** DuckDB's memory limit, such as `"1GB"` (default: DuckDB's, 80% of RAM). */
  readonly memoryLimit?: string | undefined;
}

/**
 * Starts an in-memory DuckDB whose session time zone is UTC.
 *
 * @param options Threads and memory limit.
 * @returns The engine; close it when done.
 * @throws {AzofError} `Unsupported` when DuckDB cannot be loaded (no `--allow-ffi`, no native addon
 *   for this platform).
 *
 * @example Run a query
 * ```ts
 * import { openEngine } from "./engine.ts";
 * const engine = await openEngine({ threads: 1 });
 * const reader = await engine.connection.runAndReadAll("SELECT 42");
 * console.log(reader.getRows());
 * engine.close();
 * ```
 */
export async function openEngine(options: EngineOptions = {}): Promise<Engine> {
  let duckdb: typeof import("npm:@duckdb/node-api@1.5.6-r.1");
  try {
    duckdb = await import("npm:@duckdb/node-api@1.5.6-r.1");
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    const hint = /ffi/i.test(detail ?? "")
      ? "run Deno with --allow-ffi (deno task azof does)"
      : "the npm package @duckdb/node-api and its native addon for this platform are needed";
    throw new AzofError("Unsupported", `Cannot load the SQL engine DuckDB: ${hint} (${detail})`, {
      cause: error,
    });
  }
  const config: Record<string, string> = {};
  if (options.threads !== undefined) config.threads = String(options.threads);
  if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
  const instance = await duckdb.DuckDBInstance.create(":memory:", config);
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  let open = true;
  return {
    instance,
    connection,
    close() {
      if (!open) return;
      open = false;
      connection.closeSync();
      instance.closeSync();
    },
  };
}
