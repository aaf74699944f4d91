/**
 * `azof sql`: run a SQL query over the tables under a root, with event-time travel per table.
 * DuckDB is loaded here only (a dynamic import), so other commands start without it.
 *
 * @module
 */

import type { Context } from "./context.ts";
import { chooseFormat, writeOutput } from "./output_target.ts";
import { count } from "../lib/output/units.ts";
import { parseFlags, UsageError } from "./usage.ts";
import { cleanUpOnInterrupt } from "./interrupt.ts";

/** The flags `azof sql` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  path: { type: "string", short: "p" },
  file: { type: "string" },
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
} as const;

/**
 * Runs `azof sql`.
 *
 * @param args Arguments after `sql`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values, positionals } = parseFlags("sql", args, OPTIONS, true);
  if (positionals.length > 1) {
    throw new UsageError(
      `azof sql takes one query argument, found ${positionals.length} (quote the query)`,
    );
  }
  if (positionals.length === 1 && values.file !== undefined) {
    throw new UsageError("give the query as an argument or with --file, not both");
  }
  const format = chooseFormat(values.format, values.output, context);
  const sql = positionals[0] ?? await _readQuery(values.file, context);
  if (sql.trim() === "") throw new UsageError("the query is empty (see azof sql --help)");
  const { query } = await import("../lib/sql/query.ts");
  await _withStagingDir(async (stagingDir) => {
    const result = await query(values.path ?? ".", sql, { stagingDir });
    try {
      const rows = await writeOutput(
        format,
        result.columns,
        result.batches,
        values.output,
        context,
      );
      if (context.verbose) context.message(`${count(rows)} rows`);
    } finally {
      result.close();
    }
  });
}

/**
 * Runs `work` with a private temp folder for copies of `s3://` data files, removed afterwards, also
 * when the process is interrupted (Ctrl-C: exit code 130; SIGTERM: 143), so no copies are left.
 */
async function _withStagingDir(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "azof-sql-" });
  const remove = () => Deno.removeSync(dir, { recursive: true });
  try {
    await cleanUpOnInterrupt(remove, () => work(dir));
  } finally {
    remove();
  }
}

async function _readQuery(file: string | undefined, context: Context): Promise<string> {
  if (file !== undefined) {
    try {
      return await Deno.readTextFile(file);
    } catch (error) {
      throw new UsageError(`cannot read --file ${file}: ${(error as Error).message}`);
    }
  }
  if (Deno.stdin.isTerminal()) {
    throw new UsageError(
      "azof sql needs a query: as an argument, with --file, or on standard input (see azof sql --help)",
    );
  }
  const text = await new Response(context.stdin).text();
  if (text.trim() === "") {
    throw new UsageError(
      "azof sql needs a query: as an argument, with --file, or on standard input (see azof sql --help)",
    );
  }
  return text;
}
