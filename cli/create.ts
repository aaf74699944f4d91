/**
 * `azof create`: create an empty table with a schema and a segment policy.
 *
 * @module
 */

import { type CreateOptions, createTable, parseSchemaText } from "../lib/write/create.ts";
import { openStore } from "../lib/store/open.ts";
import type { Context } from "./context.ts";
import { POLICY_OPTIONS, policyFlags } from "./policy_flags.ts";
import { TABLE_OPTIONS } from "./table_flags.ts";
import { parseFlags, required, UsageError, withFlagValues } from "./usage.ts";

/** The flags `azof create` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  schema: { type: "string", short: "s" },
  ...POLICY_OPTIONS,
} as const;

/**
 * Runs `azof create`.
 *
 * @param args Arguments after `create`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("create", args, OPTIONS);
  const name = required(values.table, "--table NAME", "create");
  const schemaText = required(values.schema, "--schema 'name:Type,...'", "create");
  let table;
  try {
    const store = await openStore(values.path ?? ".");
    table = await withFlagValues(() =>
      createTable(store, name, parseSchemaText(schemaText), _createOptions(values))
    );
  } catch (error) {
    if (error instanceof TypeError) {
      throw new UsageError(`invalid --table "${name}": ${error.message}`);
    }
    throw error;
  }
  if (!context.quiet) context.message(`created table ${name} in ${table.location}`);
}

function _createOptions(values: Parameters<typeof policyFlags>[0]): CreateOptions {
  const { segment, ...compaction } = policyFlags(values);
  const given = Object.values(compaction).some((v) => v !== undefined);
  return { segment, ...(given ? { compaction } : {}) };
}
