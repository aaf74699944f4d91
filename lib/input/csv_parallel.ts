/**
 * CSV input parsed on a second thread: a worker (lib/input/csv_worker.ts) reads and parses while the
 * calling thread routes and writes the rows, so that a write uses two cores. A file of 8 MiB or
 * more is read by the worker itself; a stream (standard input) is read here and its pieces are moved
 * to the worker once 8 MiB have come. Smaller inputs, and any input when the worker cannot start (a
 * bundle without the worker's file), are parsed on the calling thread. The batches, and the errors
 * (with their line and column), are the same either way.
 *
 * @module
 */

import { type BufferMessage, ColumnBuffer } from "../columns/column_buffer.ts";
import { AzofError, type AzofErrorCode } from "../errors.ts";
import { countPieces, filePieces, inputFile } from "./file_pieces.ts";
import { csvBatches } from "./csv.ts";
import type { Schema } from "../format/schema.ts";

/** Options of {@linkcode csvFileBatches} and {@linkcode csvStreamBatches}. */
export interface CsvParallelOptions {
  /** Called with the bytes read so far, after each batch. */
  readonly onRead?: ((bytes: number) => void) | undefined;
  /** Inputs smaller than this are parsed on the calling thread; 8 MiB by default. */
  readonly minBytes?: number | undefined;
  /** The worker module; lib/input/csv_worker.ts by default. */
  readonly worker?: URL | undefined;
}

const _MIN_BYTES = 8 << 20;
// Pieces of a stream are moved to the worker by at least this many bytes, at most four ahead.
const _PIECE = 1 << 20;
const _PIECES_AHEAD = 4;

type _Message =
  | { started: true }
  | { batch: BufferMessage; read: number }
  | { done: true; read: number }
  | { error: { code?: AzofErrorCode; message: string } }
  | { failed: string }
  | { input: unknown };

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
 * import { csvFileBatches } from "./csv_parallel.ts";
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
  options: CsvParallelOptions = {},
): AsyncGenerator<ColumnBuffer> {
  const size = await inputFile(path, (p) => Deno.stat(p).then((info) => info.size));
  if (size >= (options.minBytes ?? _MIN_BYTES)) {
    const worker = await _start(options);
    if (worker) {
      try {
        if (yield* _fromWorker(worker, { path, schema }, options)) return;
      } finally {
        worker.terminate();
      }
    }
  }
  yield* _here(filePieces(await inputFile(path, Deno.open)), schema, options);
}

/**
 * Parses and validates CSV from a stream of pieces (standard input), as {@linkcode csvBatches}
 * does, on the worker once the input has passed {@linkcode CsvParallelOptions.minBytes}.
 *
 * @param input The CSV bytes, in pieces.
 * @param schema The table schema.
 * @param options Progress, and when to use the worker.
 * @returns Batches of rows, in input order (each valid until the next is asked for).
 * @throws {AzofError} `InputInvalid` naming the line and column of the first bad field; what
 * reading the input throws.
 *
 * @example Read two rows
 * ```ts
 * import { csvStreamBatches } from "./csv_parallel.ts";
 * import assert from "node:assert/strict";
 * const text = "key,event_time,price\na,2024-01-01,1.5\nb,2024-01-02,2\n";
 * const schema = { columns: [{ name: "price", type: "Float" as const, nullable: true }] };
 * const input = ReadableStream.from([new TextEncoder().encode(text)]);
 * const batches = await Array.fromAsync(csvStreamBatches(input, schema), (b) => b.length);
 * assert.deepEqual(batches, [2]);
 * ```
 */
export async function* csvStreamBatches(
  input: AsyncIterable<Uint8Array>,
  schema: Schema,
  options: CsvParallelOptions = {},
): AsyncGenerator<ColumnBuffer> {
  const pieces = input[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  while (size < (options.minBytes ?? _MIN_BYTES)) {
    const next = await pieces.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    size += next.value.length;
  }
  const all = (async function* () {
    yield* head.splice(0);
    if (ended) return;
    for (let next = await pieces.next(); !next.done; next = await pieces.next()) yield next.value;
  })();
  if (!ended) {
    const worker = await _start(options);
    if (worker) {
      try {
        const pump = (post: _Post) => _pump(all, post);
        if (yield* _fromWorker(worker, { schema }, options, pump)) return;
      } finally {
        worker.terminate();
      }
    }
  }
  yield* _here(all, schema, options);
}

/** On the calling thread, counting the bytes read. */
async function* _here(
  pieces: AsyncIterable<Uint8Array>,
  schema: Schema,
  options: CsvParallelOptions,
): AsyncGenerator<ColumnBuffer> {
  let read = 0;
  const counted = countPieces(pieces, (bytes) => read = bytes);
  for await (const batch of csvBatches(counted, schema)) {
    options.onRead?.(read);
    yield batch;
  }
}

/** The worker, or `undefined` when its module is not there (a bundle) or it cannot start. */
async function _start(options: CsvParallelOptions): Promise<Worker | undefined> {
  const url = options.worker ?? new URL("./csv_worker.ts", import.meta.url);
  try {
    if (url.protocol === "file:") await Deno.stat(url);
    return new Worker(url.href, { type: "module" });
  } catch {
    return undefined;
  }
}

/** Sends a piece (or `null`: the end) to the worker; resolves when it may take another. */
type _Post = (piece: Uint8Array | null) => Promise<void>;

/**
 * The batches the worker posts; `false` when it failed before it started (parse here instead:
 * nothing was taken from the input yet). `pump`, for a stream, sends it the input once it started.
 */
async function* _fromWorker(
  worker: Worker,
  start: { path?: string; schema: Schema },
  options: CsvParallelOptions,
  pump?: (post: _Post) => Promise<void>,
): AsyncGenerator<ColumnBuffer, boolean> {
  const queue: _Message[] = [];
  let notify: (() => void) | undefined;
  let ahead = 0;
  let room: (() => void) | undefined;
  const receive = (message: _Message | { taken: true }) => {
    if ("taken" in message) {
      ahead--;
      room?.();
      return;
    }
    queue.push(message);
    notify?.();
  };
  worker.onmessage = (event) => receive(event.data);
  worker.onerror = (event) => {
    event.preventDefault();
    receive({ failed: event.message });
  };
  worker.onmessageerror = () => receive({ failed: "a message could not be read" });
  const post: _Post = async (piece) => {
    if (piece === null) return worker.postMessage({ piece });
    worker.postMessage({ piece }, [piece.buffer as ArrayBuffer]);
    ahead++;
    while (ahead >= _PIECES_AHEAD) await new Promise<void>((resolve) => room = resolve);
  };
  // Sent at once, not on a first message of the worker: Deno (2.9) sometimes loses a message a
  // worker posts while its module is being evaluated, and both threads then wait for ever.
  worker.postMessage({ start });
  let started = false;
  for (;;) {
    while (queue.length === 0) await new Promise<void>((resolve) => notify = resolve);
    const message = queue.shift()!;
    if ("failed" in message) {
      if (!started) return false;
      throw new Error(`the CSV reading worker failed: ${message.failed}`);
    }
    if ("started" in message) {
      started = true;
      pump?.(post).catch((error) => receive({ input: error }));
    } else if ("input" in message) throw message.input;
    else if ("error" in message) {
      const { code, message: text } = message.error;
      throw code ? new AzofError(code, text) : new Error(text);
    } else {
      options.onRead?.(message.read);
      if ("done" in message) return true;
      yield ColumnBuffer.fromMessage(message.batch);
      worker.postMessage({ ack: true });
    }
  }
}

/** Sends a stream's bytes to the worker in pieces of at least 1 MiB, then the end. */
async function _pump(input: AsyncIterable<Uint8Array>, post: _Post): Promise<void> {
  let parts: Uint8Array[] = [];
  let size = 0;
  const send = async () => {
    const piece = new Uint8Array(size);
    let at = 0;
    for (const part of parts) {
      piece.set(part, at);
      at += part.length;
    }
    parts = [];
    size = 0;
    await post(piece);
  };
  for await (const part of input) {
    parts.push(part);
    size += part.length;
    if (size >= _PIECE) await send();
  }
  if (size > 0) await send();
  await post(null);
}
