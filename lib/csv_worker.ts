/**
 * The worker of lib/csv_file.ts: reads and parses a CSV file with {@linkcode csvBatches} and posts
 * each row batch (its arrays transferred) with the bytes read so far, then `{ done: true }`, or an
 * error. It stays at most three batches ahead of what the other side has acknowledged
 * (`{ ack: true }`), so that memory stays bounded when the writer is slower than the parser.
 *
 * @module
 */

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

import { AzofError } from "./errors.ts";
import { filePieces } from "./file_pieces.ts";
import { csvBatches } from "./input_csv.ts";
import type { Schema } from "./schema.ts";

// Batches posted and not yet acknowledged, at most.
let credit = 3;
let wake: (() => void) | undefined;

self.onmessage = (event: MessageEvent<{ ack?: true; path?: string; schema?: Schema }>) => {
  if (event.data.ack) {
    credit++;
    wake?.();
    return;
  }
  _parse(event.data.path!, event.data.schema!).catch((error) => {
    const code = error instanceof AzofError ? error.code : undefined;
    self.postMessage({
      error: { code, message: error instanceof Error ? error.message : `${error}` },
    });
  });
};

async function _parse(path: string, schema: Schema): Promise<void> {
  let read = 0;
  const file = await Deno.open(path);
  const pieces = (async function* () {
    for await (const piece of filePieces(file)) {
      read += piece.length;
      yield piece;
    }
  })();
  for await (const batch of csvBatches(pieces, schema)) {
    while (credit === 0) await new Promise<void>((resolve) => wake = resolve);
    credit--;
    const { message, transfer } = batch.message();
    self.postMessage({ batch: message, read }, transfer);
  }
  self.postMessage({ done: true, read });
}
