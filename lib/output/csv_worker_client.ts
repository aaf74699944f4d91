/**
 * CSV lines formatted on a second thread (lib/output/csv_worker.ts) while the calling thread
 * merges and produces the next batches: each batch's typed columns are copied to the worker, which
 * formats them with the same code as the calling thread (`writeCsvBatch`) and moves the bytes
 * back in chunks of about 1 MiB; the calling thread writes them to the sink in order. At most two
 * batches wait on the worker and a few chunks on the sink, so memory stays bounded when either is
 * slower. A worker that fails, or a sink that fails, ends the write with that error; the worker is
 * terminated when the write ends in any way (`terminate`, called by `writeCsv`).
 *
 * Off unless `AZOF_CSV_WORKER=1`: on the shared 2-core machine it gained no wall time and cost
 * 0.3 s more CPU and 20-40 MiB more at 1M keys (docs/BENCHMARKS.md, "Key-ordered files and merge
 * scans"), so it is an opt-in for machines with an idle core. Without the worker's module (a
 * single-file bundle) the calling thread formats as before.
 *
 * @module
 */

import type { RowBatch } from "../read/batch.ts";
import type { Sink } from "./sink.ts";

/** Batches posted to the worker and not yet formatted, at most. */
const _BATCHES_AHEAD = 2;

/** Chunks handed to the sink and not yet written, at most. */
const _CHUNKS_AHEAD = 4;

/** What the worker posts. */
type _Message =
  | { readonly chunk: Uint8Array }
  | { readonly batched: true }
  | { readonly ended: true }
  | { readonly failed: string };

/** The CSV formatting worker of one write. */
export class CsvWorker {
  readonly #worker: Worker;
  readonly #sink: Sink;
  #writing: Promise<void> = Promise.resolve();
  #chunks = 0;
  #batches = 0;
  #ended = false;
  #failure: { readonly error: unknown } | undefined;
  #wake: (() => void) | undefined;

  private constructor(worker: Worker, sink: Sink) {
    this.#worker = worker;
    this.#sink = sink;
    worker.onmessage = (event: MessageEvent<_Message>) => this.#receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(new Error(`Cannot write CSV: its formatting worker failed (${event.message})`));
    };
    worker.onmessageerror = () =>
      this.#fail(new Error("Cannot write CSV: a message of its formatting worker did not arrive"));
  }

  /**
   * Starts a worker writing to a sink.
   *
   * @param sink Where the formatted bytes go.
   * @param url The worker module; lib/output/csv_worker.ts by default.
   * @param enabled Whether to start it (by default: whether `AZOF_CSV_WORKER=1`).
   * @returns The worker, or `undefined` when not enabled or its module is not there.
   */
  static start(
    sink: Sink,
    url: URL = new URL("./csv_worker.ts", import.meta.url),
    enabled: boolean = _mode() === "1",
  ): CsvWorker | undefined {
    if (!enabled) return undefined;
    try {
      if (url.protocol === "file:") Deno.statSync(url);
      return new CsvWorker(new Worker(url.href, { type: "module" }), sink);
    } catch {
      return undefined;
    }
  }

  /**
   * Hands a batch to the worker (its columns copied), waiting while too many are ahead.
   *
   * @param batch The rows.
   * @throws What the worker or the sink failed with.
   */
  async send(batch: RowBatch): Promise<void> {
    this.#check();
    const columns = batch.columns.map((c) =>
      c.data ? { type: c.type, data: c.data } : { type: c.type, values: c.values }
    );
    this.#worker.postMessage({ batch: { rows: batch.rows, columns } });
    this.#batches++;
    await this.#until(() => this.#batches < _BATCHES_AHEAD && this.#chunks <= _CHUNKS_AHEAD);
  }

  /**
   * Waits for the worker's last bytes and their writing.
   *
   * @throws What the worker or the sink failed with.
   */
  async end(): Promise<void> {
    this.#check();
    this.#worker.postMessage({ end: true });
    await this.#until(() => this.#ended);
    await this.#writing;
    this.#check();
  }

  /** Stops the worker (at once; safe to call more than once). */
  terminate(): void {
    this.#worker.terminate();
    this.#fail(new Error("Cannot write CSV: its formatting worker was stopped"));
  }

  #receive(message: _Message): void {
    if ("chunk" in message) {
      this.#chunks++;
      this.#writing = this.#writing.then(() => this.#sink.write(message.chunk)).then(() => {
        this.#chunks--;
        this.#wake?.();
      });
      this.#writing.catch((error) => this.#fail(error));
      return;
    }
    if ("batched" in message) this.#batches--;
    else if ("ended" in message) this.#ended = true;
    else this.#fail(new Error(message.failed));
    this.#wake?.();
  }

  #fail(error: unknown): void {
    this.#failure ??= { error };
    this.#wake?.();
  }

  #check(): void {
    if (this.#failure) throw this.#failure.error;
  }

  /** Waits until `ready()` holds, or throws once the worker or the sink has failed. */
  async #until(ready: () => boolean): Promise<void> {
    while (!ready()) {
      this.#check();
      await new Promise<void>((resolve) => this.#wake = resolve);
    }
    this.#check();
  }
}

/** `AZOF_CSV_WORKER`, when the process may read it. */
function _mode(): string | undefined {
  const variable = "AZOF_CSV_WORKER";
  const state = Deno.permissions.querySync?.({ name: "env", variable }).state;
  return state === "granted" ? Deno.env.get(variable) : undefined;
}
