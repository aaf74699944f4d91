/**
 * Shared pieces of the benchmarks: the azof and DuckDB command lines, planned files of a table, and
 * output hashing.
 *
 * @module
 */

import { planScan } from "../lib/read/plan.ts";
import { openTable } from "../lib/format/table.ts";
import type { DuckJob } from "./duckdb_asof.ts";
import { V8_FLAGS } from "../tools/compile.ts";

/** The folder for generated tables and outputs (git-ignored). */
export const OUT = new URL("./out/", import.meta.url).pathname;

/** The repository root. */
export const ROOT = new URL("../", import.meta.url).pathname;

/**
 * `azof` as a user runs it from source: `deno run` with the permissions a user grants and the V8
 * options of `deno task azof`, the README's install line and the binaries.
 */
export const AZOF: readonly string[] = [
  Deno.execPath(),
  "run",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  ...V8_FLAGS,
  `${ROOT}cli/main.ts`,
];

/** The upstream sample tables, when the shared folder is present. */
export const UPSTREAM = `${ROOT}../shared/upstream-testdata`;

/**
 * Whether a path exists.
 *
 * @param path A file or folder.
 * @returns `true` when it exists.
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a DuckDB job for a table read as of an instant: the files azof's plan would read, in read
 * order, and the schema columns.
 *
 * @param root The tables' root folder.
 * @param name The table.
 * @param options The instant and where the job and its CSV go.
 * @returns The command that runs DuckDB on the job.
 */
export async function duckCommand(
  root: string,
  name: string,
  options: { asOf: number; job: string; csv: string },
): Promise<string[]> {
  const table = openTable(root, name);
  const snapshot = await table.snapshot();
  const plan = planScan(snapshot, { asOf: options.asOf });
  const job: DuckJob = {
    files: plan.files.map((f) => `${root}/${table.key(f.file)}`),
    asOf: options.asOf,
    columns: snapshot.schema.columns.map((c) => ({ name: c.name, type: c.type })),
    out: options.csv,
  };
  await Deno.writeTextFile(options.job, JSON.stringify(job));
  return [Deno.execPath(), "run", "--allow-all", `${ROOT}bench/duckdb_asof.ts`, options.job];
}

/**
 * SHA-256 of a file, hex.
 *
 * @param path The file.
 * @returns The digest.
 */
export async function sha256File(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
