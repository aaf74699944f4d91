/**
 * `azof alter`: change a table's schema in one commit (add, rename, drop, widen columns).
 *
 * @module
 */

import { AzofError } from "../lib/errors.ts";
import { isColumnType } from "../lib/format/schema.ts";
import type { ColumnRename, ColumnSpec } from "../lib/format/schema_evolution.ts";
import { alterTable } from "../lib/write/alter.ts";
import type { Context } from "./context.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import { parseFlags, UsageError } from "./usage.ts";

/** The flags `azof alter` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  "add-column": { type: "string", multiple: true },
  "rename-column": { type: "string", multiple: true },
  "drop-column": { type: "string", multiple: true },
  "widen-column": { type: "string", multiple: true },
} as const;

/**
 * Runs `azof alter`.
 *
 * @param args Arguments after `alter`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("alter", args, OPTIONS);
  const table = await tableFromFlags(values, "alter");
  const changes = {
    drop: values["drop-column"],
    rename: values["rename-column"]?.map(_rename),
    widen: values["widen-column"]?.map((t) => columnSpec(t, "--widen-column")),
    add: values["add-column"]?.map((t) => columnSpec(t, "--add-column")),
  };
  if (Object.values(changes).every((c) => c === undefined)) {
    throw new UsageError(
      "azof alter needs --add-column, --rename-column, --drop-column or --widen-column (see azof alter --help)",
    );
  }
  let result;
  try {
    result = await alterTable(table, changes);
  } catch (error) {
    if (error instanceof AzofError && error.code === "InputInvalid") {
      throw new UsageError(error.message);
    }
    throw error;
  }
  if (!context.quiet) {
    const columns = result.schema.columns.map((c) => `${c.name}:${c.type}${c.nullable ? "?" : ""}`);
    context.message(
      `altered ${table.name}: snapshot ${result.version}, columns ${
        columns.join(", ") || "(none)"
      }`,
    );
  }
}

/**
 * Parses `NAME:TYPE` or `NAME:TYPE?` (nullable).
 *
 * @param text The flag's value.
 * @param flag The flag, for messages.
 * @returns The column spec.
 * @throws {UsageError} When the text is not of that form.
 */
export function columnSpec(text: string, flag: string): ColumnSpec {
  const m = /^([^:]+):([A-Za-z]+)(\?)?$/.exec(text.trim());
  if (!m || !isColumnType(m[2])) {
    throw new UsageError(
      `invalid ${flag} "${text}": expected NAME:TYPE or NAME:TYPE? with TYPE one of String, Int, Float, Boolean, DateTime`,
    );
  }
  return { name: m[1]!, type: m[2], nullable: m[3] === "?" };
}

function _rename(text: string): ColumnRename {
  const m = /^([^:]+):([^:]+)$/.exec(text.trim());
  if (!m) throw new UsageError(`invalid --rename-column "${text}": expected OLD:NEW`);
  return { from: m[1]!, to: m[2]! };
}
