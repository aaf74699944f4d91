/**
 * The `--path ROOT --table NAME` pair every table command takes.
 *
 * @module
 */

import { resolveTable, type Table } from "../lib/format/table.ts";
import { required, UsageError } from "./usage.ts";

/** The flag definitions for `--path` and `--table`. */
export const TABLE_OPTIONS = {
  path: { type: "string", short: "p" },
  table: { type: "string", short: "t" },
} as const;

/**
 * Opens the table the flags name: `--path` is a folder or `s3://bucket/prefix` (default: the current
 * folder).
 *
 * @param values Parsed flags.
 * @param command The command name, for messages.
 * @returns The table.
 */
export async function tableFromFlags(
  values: { path?: string | undefined; table?: string | undefined },
  command: string,
): Promise<Table> {
  const name = required(values.table, "--table NAME", command);
  try {
    return await resolveTable(values.path ?? ".", name);
  } catch (error) {
    if (error instanceof TypeError) {
      throw new UsageError(`invalid --table "${name}": ${error.message}`);
    }
    throw error;
  }
}
