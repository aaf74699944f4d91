/**
 * The worker of lib/parquet/decode_worker_client.ts: decodes whole row groups of data files while
 * the calling thread merges and writes others. The calling thread reads the bytes (any store, S3
 * included); the worker gets them moved to it, checks their page CRCs and decodes them with the same
 * code as the calling thread (hyparquet's page readers in decode_flat.ts, or parquet-wasm in
 * decode_wasm.ts) and moves the decoded columns back.
 *
 * Messages in: `{ file }` (a file's name, size, and footer when hyparquet decodes it), `{ decode }`
 * (a row group, its columns, their chunks and bytes; `urgent` ones, which the other side waits for,
 * go first), `{ bytes }` (the answer to a `{ read }` this worker posted for bytes it was not sent:
 * the footer and page index parquet-wasm reads).
 * Messages out: `{ done }` with the columns (their buffers transferred), `{ failed }` with the
 * error's code and message, `{ read }`.
 *
 * @module
 */

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

import type { FileMetaData } from "npm:hyparquet@1.31.5";
import { AzofError } from "../errors.ts";
import { DELETED, EVENT_TIME, KEY } from "../format/schema.ts";
import type { ColumnData, ColumnKind } from "../columns/column_data.ts";
import { decodeFlatRowGroup, TIME_PARSERS } from "./decode_flat.ts";
import { openWasmReader, type WasmReader } from "./decode_wasm.ts";
import { type Piece, PieceBuffer } from "./piece_buffer.ts";
import { checkPages } from "./integrity.ts";
import type { ChunkRange } from "./page_crc.ts";

/** A file the worker decodes row groups of. */
export interface WorkerFileMessage {
  /** The id the calling thread gave it. */
  readonly id: number;
  /** Its name, for messages. */
  readonly name: string;
  /** Its size in bytes. */
  readonly size: number;
  /** The footer, for the hyparquet decoder; absent: parquet-wasm reads the footer itself. */
  readonly metadata?: FileMetaData | undefined;
}

/** One row group to decode. */
export interface DecodeMessage {
  /** The request's id. */
  readonly id: number;
  /** The file's id. */
  readonly file: number;
  /** The row group. */
  readonly index: number;
  /** The file columns to decode, with their layouts. */
  readonly kinds: readonly [string, ColumnKind][];
  /** The column chunks, whose page CRCs are checked before they are decoded. */
  readonly ranges: readonly ChunkRange[];
  /** Their bytes (runs of adjacent chunks). */
  readonly pieces: readonly Piece[];
  /** Whether the calling thread is waiting for it (decoded before the others queued). */
  readonly urgent: boolean;
}

interface _File {
  readonly name: string;
  readonly size: number;
  readonly metadata: FileMetaData | undefined;
  readonly bytes: PieceBuffer;
  wasm?: Promise<WasmReader>;
}

const _files = new Map<number, _File>();
const _queue: DecodeMessage[] = [];
let _running = false;
const _reads = new Map<number, (bytes: ArrayBuffer | Error) => void>();
let _nextRead = 0;

self.onmessage = (event: MessageEvent) => {
  const { file, decode, bytes } = event.data;
  if (file) _addFile(file);
  else if (decode) {
    _queue.push(decode);
    if (!_running) _run();
  } else if (bytes) {
    const { id, data, error } = bytes;
    _reads.get(id)?.(data ?? new Error(error));
    _reads.delete(id);
  }
};

function _addFile(message: WorkerFileMessage): void {
  const bytes = new PieceBuffer(message.size, (start, end) => _ask(message.id, start, end));
  _files.set(message.id, {
    name: message.name,
    size: message.size,
    metadata: message.metadata,
    bytes,
  });
}

/** Asks the calling thread for bytes of a file it did not send. */
function _ask(file: number, start: number, end: number): Promise<ArrayBuffer> {
  const id = _nextRead++;
  self.postMessage({ read: { id, file, start, end } });
  return new Promise((resolve, reject) => {
    _reads.set(id, (data) => data instanceof Error ? reject(data) : resolve(data));
  });
}

/** Decodes the queued row groups one at a time, urgent ones first. */
async function _run(): Promise<void> {
  _running = true;
  while (_queue.length > 0) {
    const urgent = _queue.findIndex((d) => d.urgent);
    const [decode] = _queue.splice(Math.max(0, urgent), 1);
    await _decode(decode!);
  }
  _running = false;
}

async function _decode(message: DecodeMessage): Promise<void> {
  const file = _files.get(message.file)!;
  const added = file.bytes.add(message.pieces);
  try {
    const kinds = new Map(message.kinds);
    const read = (start: number, end: number) => file.bytes.slice(start, end);
    await checkPages(read, message.ranges, file.name);
    const columns = file.metadata
      ? await decodeFlatRowGroup(file.bytes, message.index, kinds, {
        metadata: file.metadata,
        parsers: TIME_PARSERS,
      })
      : await _wasmDecode(file.wasm ??= openWasmReader(read, file.size), message.index, kinds);
    self.postMessage({ done: { id: message.id, columns: [...columns] } }, _buffers(columns));
  } catch (error) {
    const code = error instanceof AzofError ? error.code : undefined;
    const text = error instanceof Error ? error.message : `${error}`;
    self.postMessage({ failed: { id: message.id, code, message: text } });
  } finally {
    file.bytes.remove(added);
    _free(added);
  }
}

/**
 * Frees the pieces' memory now (detaching a buffer releases it), not when this thread's garbage
 * collector next runs: it runs rarely, as little else is allocated here, and would hold tens of
 * MiB of used pieces. Buffers moved back with the columns (decoded values that are views of them)
 * are detached already.
 */
function _free(pieces: readonly Piece[]): void {
  for (const { bytes } of pieces) if (!bytes.detached) bytes.transfer(0);
}

/**
 * Decodes with parquet-wasm `key`, `event_time` and `_deleted` first, then the other columns, as
 * the calling thread's reads ask for them: all at once would grow WebAssembly memory (which never
 * shrinks) to hold every column of the row group.
 */
async function _wasmDecode(
  opening: Promise<WasmReader>,
  index: number,
  kinds: ReadonlyMap<string, ColumnKind>,
): Promise<Map<string, ColumnData>> {
  const reader = await opening;
  const first = new Set([KEY, EVENT_TIME, DELETED]);
  const parts = [
    [...kinds].filter(([n]) => first.has(n)),
    [...kinds].filter(([n]) => !first.has(n)),
  ];
  const out = new Map<string, ColumnData>();
  for (const part of parts) {
    if (part.length === 0) continue;
    for (const [name, data] of await reader.readRowGroup(index, new Map(part))) out.set(name, data);
  }
  return out;
}

/** The buffers of the decoded columns, each once, to transfer rather than copy. */
function _buffers(columns: ReadonlyMap<string, ColumnData>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const data of columns.values()) {
    const arrays = data.kind === "utf8" ? [data.offsets, data.bytes] : [data.values];
    if (data.nulls) arrays.push(data.nulls);
    for (const array of arrays) {
      if (array.buffer instanceof ArrayBuffer && !array.buffer.resizable) out.add(array.buffer);
    }
  }
  return [...out];
}
