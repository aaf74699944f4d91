/**
 * `azof plan`: print the read plan of an as-of read as JSON (files, ranks, row-group statistics,
 * the resolution rule, key ranges) or as one SQL query for DuckDB, Spark or Trino.
 *
 * @module
 */

import { resolve } from "node:path";
import { AzofError } from "../lib/errors.ts";
import { type ExportedPlan, exportPlan } from "../lib/read/plan_export.ts";
import { planSql, SQL_DIALECTS } from "../lib/read/plan_sql.ts";
import type { Context } from "./context.ts";
import { jsonAnswer } from "./json_output.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import {
  choiceFlag,
  instantFlag,
  integerFlag,
  listFlag,
  parseFlags,
  SNAPSHOT_OPTIONS,
  snapshotFlag,
  UsageError,
} from "./usage.ts";

const _encoder = new TextEncoder();

/** The flags `azof plan` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  "as-of": { type: "string" },
  ...SNAPSHOT_OPTIONS,
  columns: { type: "string", short: "c" },
  key: { type: "string", multiple: true },
  "key-prefix": { type: "string", multiple: true },
  splits: { type: "string" },
  format: { type: "string", short: "f" },
  dialect: { type: "string" },
} as const;

/**
 * Runs `azof plan`.
 *
 * @param args Arguments after `plan`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("plan", args, OPTIONS);
  const format = choiceFlag(values.format, "--format", ["json", "sql"] as const) ?? "json";
  const dialect = choiceFlag(values.dialect, "--dialect", SQL_DIALECTS);
  if (format === "sql" && dialect === undefined) {
    throw new UsageError(`--format sql needs --dialect ${SQL_DIALECTS.join("|")}`);
  }
  if (format === "json" && dialect !== undefined) {
    throw new UsageError("--dialect goes with --format sql");
  }
  const path = values.path ?? ".";
  // Absolute file paths in the plan, so that other processes can open them from anywhere.
  const root = /^[a-z][a-z0-9+.-]+:\/\//i.test(path) ? path : resolve(path);
  const table = await tableFromFlags({ ...values, path: root }, "plan");
  let plan: ExportedPlan;
  try {
    plan = await exportPlan(table, {
      asOf: instantFlag(values["as-of"], "--as-of"),
      version: snapshotFlag(values),
      columns: listFlag(values.columns, "--columns"),
      keys: values.key,
      keyPrefixes: values["key-prefix"],
      splits: integerFlag(values.splits, "--splits", 1),
    });
  } catch (error) {
    if (error instanceof AzofError && error.code === "InputInvalid") {
      throw new UsageError(error.message);
    }
    throw error;
  }
  const text = format === "json" ? jsonAnswer({ ...plan }) : planSql(plan, dialect!);
  await context.stdout.write(_encoder.encode(text));
}
