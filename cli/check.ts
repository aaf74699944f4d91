/**
 * `azof check`: verifies a table snapshot's data files (lib/inspect/check.ts) and prints one problem per
 * line; a table with problems exits 1.
 *
 * @module
 */

import { checkTable } from "../lib/inspect/check.ts";
import { AzofError } from "../lib/errors.ts";
import type { Context } from "./context.ts";
import { count } from "../lib/output/units.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import { integerFlag, parseFlags } from "./usage.ts";

/** The flags `azof check` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  snapshot: { type: "string" },
  version: { type: "string" },
} as const;

const _encoder = new TextEncoder();

/**
 * Runs `azof check`.
 *
 * @param args Arguments after `check`.
 * @param context The command context.
 * @throws {AzofError} `DataCorrupt` when the table has problems (after printing them).
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("check", args, OPTIONS);
  const table = await tableFromFlags(values, "check");
  const version = integerFlag(values.snapshot, "--snapshot", 1) ??
    integerFlag(values.version, "--version", 1);
  const result = await checkTable(table, { version });
  const text = result.problems.map((p) => `${p.message}\n`).join("");
  if (text) await context.stdout.write(_encoder.encode(text));
  const what = `${count(result.files)} files, ${
    count(result.rows)
  } rows in snapshot ${result.version}`;
  if (result.problems.length > 0) {
    const files = new Set(result.problems.map((p) => p.file)).size;
    throw new AzofError(
      "DataCorrupt",
      `table ${table.name} has ${count(result.problems.length)} problems in ${
        count(files)
      } of ${what}`,
    );
  }
  if (!context.quiet) context.message(`ok: ${table.name}, ${what}`);
}
