/**
 * CSV input from a file. A large file is read and parsed on a worker thread (lib/csv_worker.ts)
 * while the calling thread routes and writes the rows, so that the write uses two cores; a small
 * file, or any file when the worker cannot start (a bundle without the worker's file), is parsed
 * on the calling thread. The batches, and the errors (with their line and column), are the same
 * either way.
 *
 * @module
 */

import { type BufferMessage, ColumnBuffer } from "./column_buffer.ts";
import { AzofError, type AzofErrorCode } from "./errors.ts";
import { filePieces, inputFile } from "./file_pieces.ts";
import { csvBatches } from "./input_csv.ts";
import type { Schema } from "./schema.ts";

/** Options of {@linkcode csvFileBatches}. */
export interface CsvFileOptions {
  /** Called with the bytes read so far, after each batch. */
  readonly onRead?: ((bytes: number) => void) | undefined;
  /** Files smaller than this are parsed on the calling thread; 8 MiB by default. */
  readonly minBytes?: number | undefined;
  /** The worker module; lib/csv_worker.ts by default. */
  readonly worker?: URL | undefined;
}

type _Message =
  | { batch: BufferMessage; read: number }
  | { done: true; read: number }
  | { error: { code?: AzofErrorCode; message: string } }
  | { failed: string };

/**
 * Parses and validates a CSV file against a schema, as {@linkcode csvBatches} does.
 *
 * @param path The file.
 * @param schema The table schema.
 * @param options Progress, and when to use the worker.
 * @returns Batches of rows, in input order (each valid until the next is asked for).
 * @throws {AzofError} `InputInvalid` when the file cannot be read, or naming the line and column of
 * the first bad field.
 *
 * @example Read a small file
 * ```ts
 * import { csvFileBatches } from "./csv_file.ts";
 * import assert from "node:assert/strict";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(path, "key,event_time,price\na,2024-01-01,1.5\n");
 * const schema = { columns: [{ name: "price", type: "Float" as const, nullable: true }] };
 * const batches = await Array.fromAsync(csvFileBatches(path, schema));
 * assert.equal(batches[0]?.value(2, 0), 1.5);
 * await Deno.remove(path);
 * ```
 */
export async function* csvFileBatches(
  path: string,
  schema: Schema,
  options: CsvFileOptions = {},
): AsyncGenerator<ColumnBuffer> {
  const size = await inputFile(path, (p) => Deno.stat(p).then((info) => info.size));
  if (size >= (options.minBytes ?? 8 << 20)) {
    const worker = await _start(options.worker ?? new URL("./csv_worker.ts", import.meta.url));
    if (worker) {
      try {
        if (yield* _fromWorker(worker, path, schema, options)) return;
      } finally {
        worker.terminate();
      }
    }
  }
  const file = await inputFile(path, Deno.open);
  let read = 0;
  const pieces = (async function* () {
    for await (const piece of filePieces(file)) {
      read += piece.length;
      yield piece;
    }
  })();
  for await (const batch of csvBatches(pieces, schema)) {
    options.onRead?.(read);
    yield batch;
  }
}

/** The worker, or `undefined` when its module is not there (a bundle) or it cannot start. */
async function _start(url: URL): Promise<Worker | undefined> {
  try {
    if (url.protocol === "file:") await Deno.stat(url);
    return new Worker(url.href, { type: "module" });
  } catch {
    return undefined;
  }
}

/**
 * The batches the worker posts; `false` when it failed before posting any (parse here instead).
 */
async function* _fromWorker(
  worker: Worker,
  path: string,
  schema: Schema,
  options: CsvFileOptions,
): AsyncGenerator<ColumnBuffer, boolean> {
  const queue: _Message[] = [];
  let notify: (() => void) | undefined;
  const receive = (message: _Message) => {
    queue.push(message);
    notify?.();
  };
  worker.onmessage = (event) => receive(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    receive({ failed: event.message });
  };
  worker.onmessageerror = () => receive({ failed: "a message could not be read" });
  worker.postMessage({ path, schema });
  let received = 0;
  for (;;) {
    while (queue.length === 0) await new Promise<void>((resolve) => notify = resolve);
    const message = queue.shift()!;
    if ("failed" in message) {
      if (received === 0) return false;
      throw new Error(`the CSV reading worker failed: ${message.failed}`);
    }
    if ("error" in message) {
      const { code, message: text } = message.error;
      throw code ? new AzofError(code, text) : new Error(text);
    }
    options.onRead?.(message.read);
    if ("done" in message) return true;
    received++;
    yield ColumnBuffer.fromMessage(message.batch);
    worker.postMessage({ ack: true });
  }
}
