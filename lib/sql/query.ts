/**
 * SQL over azof tables: a query's table references become views of the tables' states (current,
 * as of an instant, or of a snapshot), and DuckDB runs the query, streaming its result.
 *
 * @module
 */

import type { DuckDBConnection } from "npm:@duckdb/node-api@1.5.6-r.1";
import { AzofError } from "../errors.ts";
import type { BatchColumn, RowBatch } from "../read/batch.ts";
import { LocalStore } from "../store/local.ts";
import { openStore } from "../store/open.ts";
import type { Store } from "../store/store.ts";
import { openTable } from "../format/table.ts";
import { resultConverter } from "./convert.ts";
import { type Engine, type EngineOptions, openEngine } from "./engine.ts";
import { parseRefs } from "./refs.ts";
import { createViewOf } from "./relation.ts";
import { listTables } from "./tables.ts";
import { type LiftedQuery, liftTimeTravel } from "./time_travel.ts";

/** Options of {@linkcode query}. */
export interface QueryOptions extends EngineOptions {
  /**
   * An existing folder, owned and removed by the caller, for the copies of data files of tables
   * that are not in a local folder (`s3://`). By default a private temp folder is made and removed
   * when the result is closed or ends.
   */
  readonly stagingDir?: string | undefined;
}

/** A query's answer: its columns and a one-shot stream of batches. */
export interface QueryResult {
  /** The output columns (without values). */
  readonly columns: readonly Omit<BatchColumn, "values">[];
  /** The rows in DuckDB's chunks (2,048 rows at most each); the engine closes when they end. */
  readonly batches: AsyncIterable<RowBatch>;
  /** Closes the engine early (when the batches are not read to the end). */
  close(): void;
}

/**
 * Runs a SQL query over the tables under a folder. Tables are named by folder; a reference reads the
 * current state, or the table as of an instant with `AT ('<time>')`, `FOR SYSTEM_TIME AS OF
 * '<time>'` or `AT (TIMESTAMP => '<time>')` after its name, or snapshot n with `AT (VERSION => n)`.
 *
 * Tables in `s3://` are read by copying the data files the query's plans need into a private
 * temporary folder (DuckDB reads local files), which is removed when the result ends or is closed,
 * or when the query fails.
 *
 * @param root The folder (or `s3://bucket/prefix`) holding the tables.
 * @param sql One query in DuckDB's dialect.
 * @param options DuckDB threads and memory limit.
 * @returns The columns and the batches.
 * @throws {AzofError} `InputInvalid` for a syntax error, a bad time literal, an unknown table or
 *   column; `Unsupported` when DuckDB cannot be loaded; table errors (`SnapshotInvalid`, ...).
 *
 * @example Query a table as of an instant
 * ```ts
 * import { query } from "../../sql.ts";
 * import { appendRows, createTable } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const root = await Deno.makeTempDir();
 * const table = await createTable(root, "t", {
 *   columns: [{ name: "n", type: "Int", nullable: false }],
 * });
 * await appendRows(table, [
 *   { key: "a", event_time: "2024-01-01", n: 1n },
 *   { key: "a", event_time: "2024-03-01", n: 2n },
 * ]);
 * const result = await query(root, "SELECT key, n FROM t AT ('2024-02-01')");
 * const rows = [];
 * for await (const batch of result.batches) rows.push(...batch.columns[1]!.values);
 * assert.deepEqual(rows, [1n]);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function query(
  root: string,
  sql: string,
  options: QueryOptions = {},
): Promise<QueryResult> {
  const lifted = liftTimeTravel(sql);
  const store = await openStore(root);
  const engine = _withStaging(await openEngine(options), store, options.stagingDir);
  try {
    const aliased = await _registerRefs({ root, store, session: engine }, lifted, sql);
    const text = lifted.text(aliased);
    let result;
    try {
      result = await engine.connection.stream(text);
    } catch (error) {
      throw _queryError(error, lifted);
    }
    const converter = resultConverter(result);
    return {
      columns: converter.columns,
      batches: _batches(engine, result, converter, lifted),
      close: () => engine.close(),
    };
  } catch (error) {
    engine.close();
    throw error;
  }
}

interface _Session {
  readonly connection: DuckDBConnection;
  /** The staging folder for copies of data files: made on first use; none for a local folder. */
  stagingDir(): Promise<string | undefined>;
  /** Closes the engine and removes the staging folder (again: nothing). */
  close(): void;
}

/** The engine and, for a store that is not a local folder, a staging folder: the caller's, or a private one removed with it. */
function _withStaging(engine: Engine, store: Store, given: string | undefined): _Session {
  let made: Promise<string> | undefined = given === undefined ? undefined : Promise.resolve(given);
  let path: string | undefined;
  let closed = false;
  const remove = (dir: string) => Deno.removeSync(dir, { recursive: true });
  return {
    connection: engine.connection,
    stagingDir: () => {
      if (store instanceof LocalStore) return Promise.resolve(undefined);
      made ??= Deno.makeTempDir({ prefix: "azof-sql-" }).then((dir) => {
        if (closed) remove(dir);
        return path = dir;
      });
      return made;
    },
    close() {
      if (closed) return;
      closed = true;
      engine.close();
      if (path !== undefined) remove(path);
    },
  };
}

async function* _batches(
  engine: { close(): void },
  result: Awaited<ReturnType<DuckDBConnection["stream"]>>,
  converter: ReturnType<typeof resultConverter>,
  lifted: LiftedQuery,
): AsyncGenerator<RowBatch> {
  try {
    while (true) {
      let chunk;
      try {
        chunk = await result.fetchChunk();
      } catch (error) {
        throw _queryError(error, lifted);
      }
      if (chunk === null || chunk.rowCount === 0) return;
      yield converter.batch(chunk);
    }
  } finally {
    engine.close();
  }
}

/** Where a query's tables are: the root as given, its store, and the session. */
interface _Tables {
  readonly root: string;
  readonly store: Store;
  readonly session: _Session;
}

/** Creates a view per table reference; returns the placeholders that need an alias. */
async function _registerRefs(
  tables: _Tables,
  lifted: LiftedQuery,
  sql: string,
): Promise<Set<string>> {
  const parsed = await parseRefs(tables.session.connection, lifted, sql);
  const aliased = new Set<string>();
  const done = new Set<string>();
  for (const ref of parsed.tables) {
    if (ref.qualified || done.has(ref.name)) continue;
    const travel = lifted.refs.find((r) => r.placeholder === ref.name);
    if (travel !== undefined) {
      if (ref.alias === "") aliased.add(travel.placeholder);
      await _view(tables, travel.table, {
        view: travel.placeholder,
        asOf: travel.asOf,
        version: travel.version,
      });
    } else if (!parsed.ctes.has(ref.name)) {
      await _view(tables, ref.name, {});
    }
    done.add(ref.name);
  }
  const stray = lifted.refs.find((r) => !done.has(r.placeholder));
  if (stray !== undefined) {
    throw new AzofError(
      "InputInvalid",
      `The time-travel clause ${stray.clause} does not follow a table name in FROM or JOIN`,
    );
  }
  return aliased;
}

async function _view(
  tables: _Tables,
  name: string,
  options: { view?: string; asOf?: number | undefined; version?: number | undefined },
): Promise<void> {
  let table;
  try {
    table = openTable(tables.store, name);
  } catch {
    throw await _unknownTable(tables.root, name);
  }
  try {
    const stagingDir = await tables.session.stagingDir();
    await createViewOf(tables.session.connection, table, { ...options, stagingDir });
  } catch (error) {
    if (error instanceof AzofError && error.code === "TableNotFound") {
      throw await _unknownTable(tables.root, name);
    }
    throw error;
  }
}

async function _unknownTable(root: string, table: string): Promise<AzofError> {
  const names = await listTables(root).catch(() => []);
  return new AzofError(
    "TableNotFound",
    `Unknown table "${table}": no table folder ${table} in ${root} (tables there: ${
      names.length === 0 ? "none" : names.join(", ")
    })`,
  );
}

function _queryError(error: unknown, lifted: LiftedQuery): AzofError {
  let message = (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
  message = message.replace(/^Failed to extract statements: /, "");
  for (const ref of lifted.refs) {
    message = message.replaceAll(ref.placeholder, `${ref.table} ${ref.clause}`);
  }
  return new AzofError("InputInvalid", `Query failed: ${message}`, { cause: error });
}
