/**
 * The worker of lib/input/csv_parallel.ts: answers `{ start }` with `{ started: true }`, then reads a CSV
 * file (`start` is `{ path, schema }`) or pieces posted to it (`start` is `{ schema }`, then
 * `{ piece }` messages, `null` at the end; each taken piece is answered `{ taken: true }`), parses
 * them with
 * {@linkcode csvBatches}, and posts each row batch (its arrays transferred) with the bytes read so
 * far, then `{ done: true }`, or an error. It stays at most three batches ahead of what the other
 * side has acknowledged (`{ ack: true }`), so that memory stays bounded when the writer is slower
 * than the parser.
 *
 * @module
 */

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

import { AzofError } from "../errors.ts";
import { countPieces, filePieces } from "./file_pieces.ts";
import { csvBatches } from "./csv.ts";
import type { Schema } from "../format/schema.ts";

// Batches posted and not yet acknowledged, at most.
let credit = 3;
let wake: (() => void) | undefined;
const pieces: (Uint8Array | null)[] = [];
let arrived: (() => void) | undefined;

self.onmessage = (
  event: MessageEvent<
    { ack?: true; piece?: Uint8Array | null; start?: { path?: string; schema: Schema } }
  >,
) => {
  const { ack, piece, start } = event.data;
  if (ack) {
    credit++;
    wake?.();
  } else if (piece !== undefined) {
    pieces.push(piece);
    arrived?.();
  } else if (start) {
    // Posted here, in answer: a message posted while the module is evaluated can be lost.
    self.postMessage({ started: true });
    const input = start.path === undefined ? _posted() : _file(start.path);
    _parse(input, start.schema).catch((error) => {
      const code = error instanceof AzofError ? error.code : undefined;
      const message = error instanceof Error ? error.message : `${error}`;
      self.postMessage({ error: { code, message } });
    });
  }
};

async function* _file(path: string): AsyncGenerator<Uint8Array> {
  yield* filePieces(await Deno.open(path));
}

async function* _posted(): AsyncGenerator<Uint8Array> {
  for (;;) {
    while (pieces.length === 0) await new Promise<void>((resolve) => arrived = resolve);
    const piece = pieces.shift()!;
    if (piece === null) return;
    self.postMessage({ taken: true });
    yield piece;
  }
}

async function _parse(input: AsyncIterable<Uint8Array>, schema: Schema): Promise<void> {
  let read = 0;
  const counted = countPieces(input, (bytes) => read = bytes);
  for await (const batch of csvBatches(counted, schema)) {
    while (credit === 0) await new Promise<void>((resolve) => wake = resolve);
    credit--;
    const { message, transfer } = batch.message();
    self.postMessage({ batch: message, read }, transfer);
  }
  self.postMessage({ done: true, read });
}
