/**
 * `azof ls`: the tables under a root, with their snapshot, rows, files, bytes and time span.
 *
 * @module
 */

import { AzofError } from "../lib/errors.ts";
import { listTables, type TableListing } from "../lib/inspect/list_tables.ts";
import type { RowBatch } from "../lib/read/batch.ts";
import { formatInstant } from "../lib/format/time.ts";
import type { Context } from "./context.ts";
import { jsonAnswer } from "./json_output.ts";
import { writeOutput } from "./output_target.ts";
import { choiceFlag, parseFlags } from "./usage.ts";

/** The flags `azof ls` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  path: { type: "string", short: "p" },
  format: { type: "string", short: "f" },
} as const;

const _FORMATS = ["table", "csv", "json"] as const;

/**
 * Runs `azof ls`.
 *
 * @param args Arguments after `ls`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("ls", args, OPTIONS);
  const format = choiceFlag(values.format, "--format", _FORMATS) ?? "table";
  const root = values.path ?? ".";
  const tables = await listTables(root);
  if (format === "json") {
    const answer = jsonAnswer({ root, tables: tables.map(_json) });
    await context.stdout.write(new TextEncoder().encode(answer));
  } else {
    const batch = _batch(tables);
    await writeOutput(format, batch.columns, _once(batch), undefined, context);
  }
  const failed = tables.filter((t) => t.error !== undefined);
  if (failed.length > 0) {
    throw new AzofError(
      "DataInvalid",
      `Cannot read ${failed.length} of ${tables.length} tables under ${root}: ${
        failed.map((t) => `${t.name} (${t.error})`).join("; ")
      }`,
    );
  }
}

async function* _once(batch: RowBatch): AsyncGenerator<RowBatch> {
  yield batch;
}

function _json(t: TableListing): Record<string, unknown> {
  const instant = (ms: number | null) => ms === null ? null : formatInstant(ms);
  return { ...t, start: instant(t.start), end: instant(t.end) };
}

function _batch(tables: readonly TableListing[]): RowBatch {
  const int = (name: string, values: (number | null)[]) => ({
    name,
    type: "Int" as const,
    nullable: true,
    values: values.map((v) => v === null ? null : BigInt(v)),
  });
  const time = (name: string, values: (number | null)[]) => ({
    name,
    type: "DateTime" as const,
    nullable: true,
    values,
  });
  const errors = tables.some((t) => t.error !== undefined)
    ? [{
      name: "error",
      type: "String" as const,
      nullable: true,
      values: tables.map((t) => t.error ?? null),
    }]
    : [];
  return {
    rows: tables.length,
    columns: [
      { name: "table", type: "String", nullable: false, values: tables.map((t) => t.name) },
      int("snapshot", tables.map((t) => t.snapshot)),
      int("rows", tables.map((t) => t.rows)),
      int("files", tables.map((t) => t.files)),
      int("bytes", tables.map((t) => t.bytes)),
      time("start", tables.map((t) => t.start)),
      time("end", tables.map((t) => t.end)),
      ...errors,
    ],
  };
}
