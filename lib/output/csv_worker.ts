/**
 * The worker of lib/output/csv_worker_client.ts: formats the batches posted to it as CSV lines with
 * the calling thread's code (`writeCsvBatch`), and moves the bytes back in chunks of about 1 MiB.
 *
 * Messages in: `{ batch }` (rows and columns: type, and typed arrays or values), `{ end }`.
 * Messages out: `{ chunk }` (bytes, transferred), `{ batched }` after each batch, `{ ended }` once
 * the last bytes are out, `{ failed }` with an error's message.
 *
 * @module
 */

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

import { type CsvColumn, writeCsvBatch } from "./csv.ts";
import { ByteBuffer } from "./sink.ts";

type _Message =
  | { readonly batch: { readonly rows: number; readonly columns: readonly CsvColumn[] } }
  | { readonly end: true };

const out = new ByteBuffer({
  write: (chunk) => {
    self.postMessage({ chunk }, [chunk.buffer as ArrayBuffer]);
    return Promise.resolve();
  },
});

let queue = Promise.resolve();

self.onmessage = (event: MessageEvent<_Message>) => {
  const message = event.data;
  queue = queue.then(() => _handle(message)).catch((error) =>
    self.postMessage({ failed: `${(error as Error)?.message ?? error}` })
  );
};

async function _handle(message: _Message): Promise<void> {
  if ("batch" in message) {
    await writeCsvBatch(out, message.batch);
    self.postMessage({ batched: true });
  } else {
    await out.flush();
    self.postMessage({ ended: true });
  }
}
