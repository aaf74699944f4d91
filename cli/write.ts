/**
 * `azof write`: append rows from CSV or NDJSON to a table in one atomic commit.
 *
 * @module
 */

import { csvFileBatches, csvStreamBatches } from "../lib/input/csv_parallel.ts";
import { countPieces, filePieces, inputFile } from "../lib/input/file_pieces.ts";
import { ndjsonRows } from "../lib/input/ndjson.ts";
import { writeBatches } from "../lib/write/write.ts";
import type { Context } from "./context.ts";
import { startProgress } from "./progress.ts";
import { counted } from "../lib/output/units.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import { choiceFlag, parseFlags, required } from "./usage.ts";
import { evolveForInput } from "./write_evolve.ts";

/** The flags `azof write` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  input: { type: "string", short: "i" },
  "input-format": { type: "string" },
  "idempotency-key": { type: "string" },
  coerce: { type: "boolean" },
  evolve: { type: "boolean" },
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
  const input = values.input ??
    (context.stdinIsTerminal === false
      ? "-"
      : required(values.input, "--input FILE (or - for stdin)", "write"));
  let stdin = input === "-" ? await _sniff(context.stdin) : undefined;
  const format = choiceFlag(values["input-format"], "--input-format", ["csv", "ndjson"] as const) ??
    (stdin?.json || /\.(nd)?jsonl?$/i.test(input) ? "ndjson" : "csv");
  let snapshot = await table.snapshot();
  if (values.evolve) {
    const evolved = await evolveForInput(
      table,
      snapshot,
      stdin ?? { path: input },
      format,
      context,
    );
    snapshot = evolved.snapshot;
    if (stdin && evolved.stream) stdin = { ...stdin, stream: evolved.stream };
  }
  let read = 0;
  const onRead = (bytes: number) => read = bytes;
  const size = input === "-" ? undefined : (await inputFile(input, Deno.stat)).size;
  const rows = format === "ndjson"
    ? ndjsonRows(
      countPieces(stdin ? stdin.stream : await _file(input), onRead),
      snapshot.schema,
      { coerce: values.coerce },
    )
    : stdin
    ? csvStreamBatches(stdin.stream, snapshot.schema, { onRead })
    : csvFileBatches(input, snapshot.schema, { onRead });
  const progress = startProgress(context);
  try {
    const result = await writeBatches(table, snapshot, rows, {
      idempotencyKey: values["idempotency-key"],
      onProgress: (n) =>
        progress.update({ label: "writing", done: n, bytes: read, totalBytes: size }),
    });
    progress.done();
    if (!context.quiet) {
      context.message(
        result.alreadyCommitted
          ? `already committed: snapshot ${result.version} of ${table.name} carries idempotency key ${
            values["idempotency-key"]
          }; nothing written`
          : result.files === 0
          ? `nothing to write: the input has no rows`
          : `wrote ${counted(result.rows, "row")} (${counted(result.deletes, "deletion")}, ${
            counted(result.carriedRows, "late copy", "late copies")
          }) in ${counted(result.files, "file")} to ${table.name}: snapshot ${result.version}`,
      );
    }
  } catch (error) {
    progress.done();
    throw error;
  }
}

/**
 * Looks at standard input up to its first byte that is not white space: `{` means NDJSON. Returns
 * a stream that yields every byte again, the ones looked at first.
 */
async function _sniff(
  input: ReadableStream<Uint8Array>,
): Promise<{ json: boolean; stream: ReadableStream<Uint8Array> }> {
  const reader = input.getReader();
  const seen: Uint8Array[] = [];
  let first: number | undefined;
  while (first === undefined) {
    const { done, value } = await reader.read();
    if (done) break;
    seen.push(value);
    first = value.find((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
  }
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of seen) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { json: first === 0x7b, stream };
}

async function _file(path: string): Promise<AsyncIterable<Uint8Array>> {
  return filePieces(await inputFile(path, Deno.open));
}
