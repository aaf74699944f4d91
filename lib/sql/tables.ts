/**
 * Finding the tables under a root and registering them in a caller's DuckDB connection.
 *
 * @module
 */

import { openStore } from "../store/open.ts";
import { createAsOfView, type SqlConnection } from "./relation.ts";

/**
 * Lists the tables directly under a folder (or `s3://bucket/prefix`): sub-folders holding
 * `version.txt` or `s1.json`.
 *
 * @param root The folder or `s3://` URL.
 * @returns Table names, sorted.
 *
 * @example List the tables of a folder
 * ```ts
 * import { listTables } from "../../sql.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/t`);
 * await Deno.writeTextFile(`${root}/t/version.txt`, "1");
 * console.log(await listTables(root)); // ["t"]
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function listTables(root: string): Promise<string[]> {
  if (/^s3:\/\//i.test(root)) {
    const keys = (await (await openStore(root)).list()).map((e) => e.key);
    const names = keys.flatMap((k) => /^([^/]+)\/(?:version\.txt|s1\.json)$/.exec(k)?.[1] ?? []);
    return [...new Set(names)].sort();
  }
  const names: string[] = [];
  for await (const entry of Deno.readDir(root)) {
    if (!entry.isDirectory) continue;
    for (const file of ["version.txt", "s1.json"]) {
      try {
        await Deno.stat(`${root}/${entry.name}/${file}`);
        names.push(entry.name);
        break;
      } catch {
        // not this one
      }
    }
  }
  return names.sort();
}

/** Options of {@linkcode registerTables}. */
export interface RegisterOptions {
  /** The tables to register (default: every table under the root). */
  readonly tables?: readonly string[] | undefined;
  /** Register each table as of this instant (ms) instead of its current state. */
  readonly asOf?: number | undefined;
  /** A local folder for copies of the data files of `s3://` tables (see `AsOfOptions`). */
  readonly stagingDir?: string | undefined;
}

/**
 * Registers azof tables in a caller's DuckDB connection as temporary views named by table, each the
 * table's current state (or its state as of `asOf`): `key`, `event_time` (TIMESTAMPTZ) and the
 * schema's columns, one row per live key. The views list the files read when they are created;
 * register again after the tables change.
 *
 * Set the connection's `TimeZone` to `UTC` first, as `azof sql` does.
 *
 * @param connection The caller's connection.
 * @param root The folder (or `s3://bucket/prefix`) holding the tables.
 * @param options Which tables, an instant, and a staging folder for `s3://` tables.
 * @returns The names registered.
 *
 * @example Register every table of a folder
 * ```ts
 * import { DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";
 * import { registerTables } from "../../sql.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/empty`);
 * await Deno.writeTextFile(`${root}/empty/s1.json`, JSON.stringify({
 *   schema: { columns: [{ name: "price", data_type: "Float", nullable: true }] },
 *   segments: [],
 * }));
 * const instance = await DuckDBInstance.create(":memory:");
 * const connection = await instance.connect();
 * await connection.run("SET TimeZone = 'UTC'");
 * console.log(await registerTables(connection, root)); // ["empty"]
 * console.log((await connection.runAndReadAll("SELECT count(*) FROM empty")).getRows());
 * connection.closeSync();
 * instance.closeSync();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function registerTables(
  connection: SqlConnection,
  root: string,
  options: RegisterOptions = {},
): Promise<string[]> {
  const names = options.tables ?? await listTables(root);
  for (const name of names) {
    await createAsOfView(connection, root, name, {
      asOf: options.asOf,
      stagingDir: options.stagingDir,
    });
  }
  return [...names];
}
