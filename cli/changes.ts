/**
 * `azof changes`: the rows committed between two snapshots (the change feed).
 *
 * @module
 */

import { AzofError } from "../lib/errors.ts";
import { changes } from "../lib/read/changes.ts";
import { counted } from "../lib/output/units.ts";
import type { Context } from "./context.ts";
import { chooseFormat, writeOutput } from "./output_target.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import { instantFlag, integerFlag, parseFlags, required, UsageError } from "./usage.ts";

/** The flags `azof changes` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  "from-snapshot": { type: "string" },
  "to-snapshot": { type: "string" },
  "event-from": { type: "string" },
  "event-to": { type: "string" },
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
} as const;

/**
 * Runs `azof changes`.
 *
 * @param args Arguments after `changes`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("changes", args, OPTIONS);
  const table = await tableFromFlags(values, "changes");
  const fromSnapshot = integerFlag(
    required(values["from-snapshot"], "--from-snapshot A", "changes"),
    "--from-snapshot",
    0,
  )!;
  const toSnapshot = integerFlag(values["to-snapshot"], "--to-snapshot", 1);
  const eventFrom = instantFlag(values["event-from"], "--event-from");
  const eventTo = instantFlag(values["event-to"], "--event-to");
  const format = chooseFormat(values.format, values.output, context);
  let feed;
  try {
    feed = await changes(table, { fromSnapshot, toSnapshot, eventFrom, eventTo });
  } catch (error) {
    if (error instanceof AzofError && error.code === "InputInvalid") {
      throw new UsageError(error.message);
    }
    throw error;
  }
  const rows = await writeOutput(format, feed.columns, feed.batches, values.output, context);
  if (context.verbose) {
    context.message(
      `${counted(rows, "row")} committed after snapshot ${feed.from} up to ${feed.to}, from ${
        counted(feed.filesRead.length, "file")
      }`,
    );
  }
}
