/**
 * `azof scan`: read a table as of an event-time instant and write the rows.
 *
 * @module
 */

import { AzofError } from "../lib/errors.ts";
import { scan, type ScanResult } from "../lib/scan.ts";
import type { Context } from "./context.ts";
import { chooseFormat, writeOutput } from "./output_target.ts";
import { count, startProgress } from "./progress.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import { instantFlag, integerFlag, listFlag, parseFlags, UsageError } from "./usage.ts";

/** The flags `azof scan` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  "as-of": { type: "string" },
  version: { type: "string" },
  columns: { type: "string", short: "c" },
  limit: { type: "string" },
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
} as const;

/**
 * Runs `azof scan`.
 *
 * @param args Arguments after `scan`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("scan", args, OPTIONS);
  const table = await tableFromFlags(values, "scan");
  const asOf = instantFlag(values["as-of"], "--as-of");
  const version = integerFlag(values.version, "--version", 1);
  const limit = integerFlag(values.limit, "--limit", 0);
  const columns = listFlag(values.columns, "--columns");
  const format = chooseFormat(values.format, values.output, context);
  const progress = startProgress(context);
  let result: ScanResult;
  try {
    result = await scan(table, {
      asOf,
      columns,
      version,
      limit,
      onProgress: (p) =>
        progress.update(
          `reading file ${Math.min(p.filesDone + 1, p.files)}/${p.files}, ${
            count(p.rowsRead)
          } rows`,
        ),
    });
  } catch (error) {
    if (error instanceof AzofError && error.code === "InputInvalid") {
      throw new UsageError(`${error.message[0]!.toLowerCase()}${error.message.slice(1)}`);
    }
    throw error;
  }
  try {
    const rows = await writeOutput(format, result.columns, result.batches, values.output, context);
    if (context.verbose) {
      context.message(`${count(rows)} rows from ${result.plan.files.length} files`);
    }
  } finally {
    progress.done();
  }
}
