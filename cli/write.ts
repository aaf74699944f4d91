/**
 * `azof write`: append rows from CSV or NDJSON to a table in one atomic commit.
 *
 * @module
 */

import { csvFileBatches, csvStreamBatches } from "../lib/csv_parallel.ts";
import { countPieces, filePieces, inputFile } from "../lib/file_pieces.ts";
import { ndjsonRows } from "../lib/input_ndjson.ts";
import { writeBatches } from "../lib/write.ts";
import type { Context } from "./context.ts";
import { count, startProgress } from "./progress.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import { choiceFlag, parseFlags, required } from "./usage.ts";

/** The flags `azof write` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  input: { type: "string", short: "i" },
  "input-format": { type: "string" },
  coerce: { type: "boolean" },
} as const;

/**
 * Runs `azof write`.
 *
 * @param args Arguments after `write`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("write", args, OPTIONS);
  const table = await tableFromFlags(values, "write");
  const input = required(values.input, "--input FILE (or - for stdin)", "write");
  const format = choiceFlag(values["input-format"], "--input-format", ["csv", "ndjson"] as const) ??
    (/\.(nd)?jsonl?$/i.test(input) ? "ndjson" : "csv");
  const snapshot = await table.snapshot();
  let read = 0;
  const onRead = (bytes: number) => read = bytes;
  const size = input === "-" ? undefined : (await inputFile(input, Deno.stat)).size;
  const rows = format === "ndjson"
    ? ndjsonRows(
      countPieces(input === "-" ? context.stdin : await _file(input), onRead),
      snapshot.schema,
      { coerce: values.coerce },
    )
    : input === "-"
    ? csvStreamBatches(context.stdin, snapshot.schema, { onRead })
    : csvFileBatches(input, snapshot.schema, { onRead });
  const progress = startProgress(context);
  try {
    const result = await writeBatches(table, snapshot, rows, {
      onProgress: (n) =>
        progress.update({ label: "writing", done: n, bytes: read, totalBytes: size }),
    });
    progress.done();
    if (!context.quiet) {
      context.message(
        result.files === 0
          ? `nothing to write: the input has no rows`
          : `wrote ${count(result.rows)} rows (${count(result.deletes)} deletions, ${
            count(result.carriedRows)
          } late copies) in ${result.files} files to ${table.name}: snapshot ${result.version}`,
      );
    }
  } catch (error) {
    progress.done();
    throw error;
  }
}

async function _file(path: string): Promise<AsyncIterable<Uint8Array>> {
  return filePieces(await inputFile(path, Deno.open));
}
