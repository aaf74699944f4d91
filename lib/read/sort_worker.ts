/**
 * The worker of lib/read/sort_worker_client.ts: sorts blocks of data files that are not key-ordered
 * into runs (sort_runs.ts's `sortBlock`) while the calling thread sorts others. The calling thread
 * reads the bytes (any store, S3 included) and moves them here with each block: the file's footer
 * and the column chunks of the block's row groups; bytes it did not send (a page index) are asked
 * for. The file is opened and decoded by the same code as on the calling thread (lib/parquet/
 * data_file.ts: footer checksum, page CRCs, column ids), so a damaged file fails with the same
 * error, and the runs, encoded by azof's one encoder, are moved back.
 *
 * Messages in: `{ sort }` (a {@linkcode SortMessage}; blocks are sorted one at a time, in the order
 * sent), `{ cancel }` (drop the blocks not started: the calling thread sorts them), `{ bytes }` (the
 * answer to a `{ read }`). Messages out: `{ done }` with the runs' bytes (transferred), `{ failed }`
 * with the error's code and message, `{ cancelled }` for each block dropped, `{ read }`.
 *
 * @module
 */

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

import { AzofError } from "../errors.ts";
import type { Column, Schema } from "../format/schema.ts";
import type { Table } from "../format/table.ts";
import type { Store } from "../store/store.ts";
import { type Decoder, openDataFile } from "../parquet/data_file.ts";
import { type Piece, PieceBuffer } from "../parquet/piece_buffer.ts";
import { KeyFilter } from "./key_filter.ts";
import { sortBlock } from "./sort_runs.ts";

/** One block of a file to sort into runs. */
export interface SortMessage {
  /** The request's id. */
  readonly id: number;
  /** The table's name and location, for messages. */
  readonly table: { readonly name: string; readonly location: string };
  /** The file's name in the table. */
  readonly file: string;
  /** Its size in bytes. */
  readonly size: number;
  /** The schema to read it with. */
  readonly schema: Schema;
  /** The decoder, as the calling thread would use it. */
  readonly decoder: Decoder;
  /** The block's row groups, in file order. */
  readonly groups: readonly number[];
  /** The value columns to carry. */
  readonly columns: readonly Column[];
  /** Rows with a later `event_time` are left out. */
  readonly asOf: number;
  /** The key selection (`--key`, `--key-prefix`), when there is one. */
  readonly keys?: { readonly keys: readonly string[]; readonly prefixes: readonly string[] };
  /** The most rows in one run. */
  readonly budgetRows: number;
  /** Bytes of the file's end: its footer. */
  readonly footer: Piece;
  /** The column chunks of each row group of the block, in `groups` order. */
  readonly chunks: readonly (readonly Piece[])[];
}

const _queue: SortMessage[] = [];
let _running = false;
const _reads = new Map<number, (bytes: ArrayBuffer | Error) => void>();
let _nextRead = 0;

self.onmessage = (event: MessageEvent) => {
  const { sort, cancel, bytes } = event.data;
  if (sort) {
    _queue.push(sort);
    if (!_running) _run();
  } else if (cancel) {
    for (const message of _queue.splice(0)) {
      for (const chunks of message.chunks) for (const { bytes } of chunks) bytes.transfer(0);
      self.postMessage({ cancelled: { id: message.id } });
    }
  } else if (bytes) {
    const { id, data, code, error } = bytes;
    _reads.get(id)?.(data ?? (code ? new AzofError(code, error) : new Error(error)));
    _reads.delete(id);
  }
};

/** Sorts the queued blocks one at a time. */
async function _run(): Promise<void> {
  _running = true;
  for (let message = _queue.shift(); message; message = _queue.shift()) await _sort(message);
  _running = false;
}

async function _sort(message: SortMessage): Promise<void> {
  const buffer = new PieceBuffer(message.size, (start, end) => _ask(message.id, start, end));
  buffer.add([message.footer]);
  for (const chunks of message.chunks) buffer.add(chunks);
  let decoded = 0;
  try {
    const table = _pieceTable(message, buffer);
    const file = await openDataFile(table, message.file, message.schema, {
      decoder: message.decoder,
      cacheBytes: _CACHE_BYTES,
    });
    const { keys } = message;
    const runs = await sortBlock(file, message.groups, {
      columns: message.columns,
      asOf: message.asOf,
      filter: keys ? new KeyFilter(keys.keys, keys.prefixes) : undefined,
      budgetRows: message.budgetRows,
      // A row group's bytes go once it is decoded, before the block is sorted.
      onRows: () => _free(buffer, message.chunks[decoded++]!),
    });
    const buffers = runs.map((run) => run.buffer as ArrayBuffer);
    self.postMessage({ done: { id: message.id, runs } }, buffers);
  } catch (error) {
    const code = error instanceof AzofError ? error.code : undefined;
    const text = error instanceof Error ? error.message : `${error}`;
    self.postMessage({ failed: { id: message.id, code, message: text } });
  } finally {
    for (const chunks of message.chunks) _free(buffer, chunks);
  }
}

/**
 * Bytes of the file the reader keeps once read: little, as the pieces sent hold them already (a
 * cache would copy them).
 */
const _CACHE_BYTES = 1024 * 1024;

/**
 * Drops pieces and frees their memory now (detaching a buffer releases it), not when this thread's
 * garbage collector next runs.
 */
function _free(buffer: PieceBuffer, pieces: readonly Piece[]): void {
  buffer.remove(pieces);
  for (const { bytes } of pieces) if (!bytes.detached) bytes.transfer(0);
}

/** Asks the calling thread for bytes of the block's file it did not send. */
function _ask(request: number, start: number, end: number): Promise<ArrayBuffer> {
  const id = _nextRead++;
  console.error("ask", request, start, end);
  self.postMessage({ read: { id, request, start, end } });
  return new Promise((resolve, reject) => {
    _reads.set(id, (data) => data instanceof Error ? reject(data) : resolve(data));
  });
}

/** The block's table as seen here: a store that reads the one file from the bytes sent. */
function _pieceTable(message: SortMessage, buffer: PieceBuffer): Table {
  const { name, location } = message.table;
  const only = (what: string) => () =>
    Promise.reject(new TypeError(`The sort worker cannot ${what} (table ${name})`));
  const store: Store = {
    location,
    size: () => Promise.resolve(message.size),
    read: async (_key, start = 0, end = message.size) =>
      new Uint8Array(await buffer.slice(start, end)),
    exists: () => Promise.resolve(true),
    list: only("list files"),
    put: only("write"),
    putIfAbsent: only("write"),
    delete: only("delete"),
  };
  return {
    store,
    name,
    location,
    key: (file) => file,
    currentVersion: only("read version.txt"),
    snapshot: only("read snapshots"),
  };
}
