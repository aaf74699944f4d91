/**
 * `azof write --evolve`: before the write, one alter commit adds the input's columns the table
 * lacks, as nullable columns typed from the first MiB of the input (lib/input/new_columns.ts).
 *
 * @module
 */

import type { Snapshot } from "../lib/format/snapshot.ts";
import type { Table } from "../lib/format/table.ts";
import { inputFile } from "../lib/input/file_pieces.ts";
import { NEW_COLUMNS_SAMPLE_BYTES, newColumns } from "../lib/input/new_columns.ts";
import { alterTable } from "../lib/write/alter.ts";
import type { Context } from "./context.ts";

/** The input as `azof write` reads it: a file path, or standard input as a stream. */
export type EvolveInput = { readonly path: string } | {
  readonly stream: ReadableStream<Uint8Array>;
};

/**
 * Adds the input's new columns to the table (one alter commit) when there are any.
 *
 * @param table The table.
 * @param snapshot The snapshot the write starts from.
 * @param input The input; a stream is read ahead and handed back whole.
 * @param format The input format.
 * @param context For the message naming the added columns.
 * @returns The snapshot to write against and the stream to read (standard input).
 */
export async function evolveForInput(
  table: Table,
  snapshot: Snapshot,
  input: EvolveInput,
  format: "csv" | "ndjson",
  context: Context,
): Promise<{ snapshot: Snapshot; stream?: ReadableStream<Uint8Array> }> {
  const peeked = "stream" in input
    ? await _peek(input.stream, NEW_COLUMNS_SAMPLE_BYTES)
    : undefined;
  const sample = peeked?.head ?? await _head(input as { path: string }, NEW_COLUMNS_SAMPLE_BYTES);
  const stream = peeked ? { stream: peeked.stream } : {};
  const added = newColumns(sample, format, snapshot.schema);
  if (added.length === 0) return { snapshot, ...stream };
  const result = await alterTable(table, { add: added });
  if (!context.quiet) {
    const names = added.map((c) => `${c.name}:${c.type}?`).join(", ");
    context.message(`added ${names} to ${table.name}: snapshot ${result.version}`);
  }
  return { snapshot: await table.snapshot(result.version), ...stream };
}

async function _head(input: { path: string }, bytes: number): Promise<Uint8Array> {
  const file = await inputFile(input.path, Deno.open);
  try {
    const out = new Uint8Array(bytes);
    let filled = 0;
    while (filled < bytes) {
      const n = await file.read(out.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    return out.subarray(0, filled);
  } finally {
    file.close();
  }
}

/** Reads at least `bytes` bytes of a stream (or all of it) and returns them and the whole stream. */
async function _peek(
  input: ReadableStream<Uint8Array>,
  bytes: number,
): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array> }> {
  const reader = input.getReader();
  const seen: Uint8Array[] = [];
  let length = 0;
  while (length < bytes) {
    const { done, value } = await reader.read();
    if (done) break;
    seen.push(value);
    length += value.length;
  }
  const head = new Uint8Array(length);
  seen.reduce((at, chunk) => (head.set(chunk, at), at + chunk.length), 0);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      if (length > 0) controller.enqueue(head);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { head, stream };
}
