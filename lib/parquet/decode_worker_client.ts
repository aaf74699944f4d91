/**
 * Row groups decoded on a second thread (lib/parquet/decode_worker.ts) while the calling thread
 * merges and writes: a merge scan of large files ({@linkcode decodeWorkerFor}) attaches a worker to
 * its files, and each file's `prefetch` then starts decoding the row group its stream needs next.
 * The calling thread still reads the bytes (through the table's store: local or S3; adjacent chunks
 * in one request, not kept in the file's cache); the worker gets them moved, not copied, checks
 * their page CRCs, decodes them and moves the columns back. Decoding errors
 * come back with their message and end as the same `AzofError` as on the calling thread. When the
 * worker cannot start (a bundle without its file) or fails, row groups are decoded here as before.
 *
 * Off unless `AZOF_DECODE_WORKER=1`, which uses it for any merge scan that reads whole row groups:
 * on an idle 2-core machine it gained no wall time and held ~100 MiB more at 10M keys
 * (docs/BENCHMARKS.md, "Decoding worker"), so it is an opt-in for machines where it pays.
 *
 * @module
 */

import type { FileMetaData } from "npm:hyparquet@1.31.5";
import { AzofError, type AzofErrorCode } from "../errors.ts";
import type { ColumnData, ColumnKind } from "../columns/column_data.ts";
import type { ReadRange } from "./integrity.ts";
import type { Piece } from "./piece_buffer.ts";
import type { ChunkRange } from "./page_crc.ts";

/** What a data file tells the worker about itself. */
export interface WorkerFileOptions {
  /** Its name, for messages. */
  readonly name: string;
  /** Its size in bytes. */
  readonly size: number;
  /** Its footer, when the worker decodes it with hyparquet; absent for parquet-wasm. */
  readonly metadata?: FileMetaData | undefined;
  /** Reads other bytes of it, when the worker asks for them. */
  readonly read: ReadRange;
}

/** One row group (or some of its columns) to decode on the worker. */
export interface DecodeRequest {
  /** The row group. */
  readonly index: number;
  /** The file columns and their layouts. */
  readonly kinds: ReadonlyMap<string, ColumnKind>;
  /** Their column chunks, whose page CRCs the worker checks. */
  readonly ranges: readonly ChunkRange[];
  /** The chunks' bytes (moved to the worker). */
  readonly pieces: readonly Piece[];
  /** Whether the caller waits for it (it goes before those decoded ahead). */
  readonly urgent: boolean;
}

/** A data file the worker knows. */
export interface WorkerFile {
  /**
   * Decodes columns of a row group on the worker.
   *
   * @param request The row group, its columns and their bytes.
   * @returns The columns by file column name, or `undefined` when the worker is gone (decode here).
   * @throws {Error} What checking or decoding threw on the worker (an `AzofError` when it was one).
   */
  decode(request: DecodeRequest): Promise<Map<string, ColumnData> | undefined>;
}

/** A file that can be decoded on a worker (lib/parquet/data_file.ts's `DataFile`). */
export interface WorkerDecodable {
  /** Its size in bytes. */
  readonly bytes: number;
  /** Decodes its whole row groups on the worker from now on. */
  decodeOn(worker: DecodeWorker): void;
}

type _Answer = (columns: Map<string, ColumnData> | undefined | Error) => void;

/** The decoding worker of one scan; terminate it (or `using` it) when the scan ends. */
export class DecodeWorker implements Disposable {
  #worker: Worker | undefined;
  readonly #pending = new Map<number, _Answer>();
  readonly #reads: ReadRange[] = [];
  #next = 0;
  #decoded = 0;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.onmessage = (event) => this.#receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.terminate();
    };
    worker.onmessageerror = () => this.terminate();
  }

  /**
   * Starts a worker.
   *
   * @param url The worker module; lib/parquet/decode_worker.ts by default.
   * @returns The worker, or `undefined` when its module is not there (a bundle).
   */
  static start(
    url: URL = new URL("./decode_worker.ts", import.meta.url),
  ): DecodeWorker | undefined {
    try {
      if (url.protocol === "file:") Deno.statSync(url);
      return new DecodeWorker(new Worker(url.href, { type: "module" }));
    } catch {
      return undefined;
    }
  }

  /**
   * Tells the worker about a file.
   *
   * @param options The file's size, footer and reader.
   * @returns The file, to decode its row groups.
   */
  register(options: WorkerFileOptions): WorkerFile {
    const id = this.#reads.length;
    this.#reads.push(options.read);
    const { name, size, metadata } = options;
    this.#post({ file: { id, name, size, metadata } }, []);
    return {
      decode: ({ index, kinds, ranges, pieces, urgent }) => {
        if (!this.#worker) return Promise.resolve(undefined);
        const request = this.#next++;
        const message = { id: request, file: id, index, kinds: [...kinds], ranges, pieces, urgent };
        return new Promise((resolve, reject) => {
          this.#pending.set(request, (got) => got instanceof Error ? reject(got) : resolve(got));
          this.#post({ decode: message }, pieces.map((p) => p.bytes));
        });
      },
    };
  }

  /** Row groups (or columns of one) the worker has decoded so far, or failed to (an error). */
  get decoded(): number {
    return this.#decoded;
  }

  /** Stops the worker; what it was decoding is decoded on the calling thread if still wanted. */
  terminate(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    for (const answer of this.#pending.values()) answer(undefined);
    this.#pending.clear();
  }

  /** Same as {@linkcode DecodeWorker.terminate}. */
  [Symbol.dispose](): void {
    this.terminate();
  }

  #post(message: unknown, transfer: ArrayBuffer[]): void {
    this.#worker?.postMessage(message, transfer);
  }

  #receive(message: _Message): void {
    if ("read" in message) {
      const { id, file, start, end } = message.read;
      this.#reads[file]!(start, end).then(
        (data) => this.#post({ bytes: { id, data } }, [data]),
        (error) => this.#post({ bytes: { id, error: `${error?.message ?? error}` } }, []),
      );
      return;
    }
    const id = "done" in message ? message.done.id : message.failed.id;
    const answer = this.#pending.get(id);
    this.#pending.delete(id);
    this.#decoded++;
    if ("done" in message) return answer?.(new Map(message.done.columns));
    const { code, message: text } = message.failed;
    answer?.(code ? new AzofError(code, text) : new Error(text));
  }
}

type _Message =
  | { done: { id: number; columns: [string, ColumnData][] } }
  | { failed: { id: number; code?: AzofErrorCode; message: string } }
  | { read: { id: number; file: number; start: number; end: number } };

/**
 * The worker for a merge of these files, attached to each of them, when `AZOF_DECODE_WORKER=1` and
 * the merge reads whole row groups (not a key selection or a limit, which read pages). Starting it
 * (its modules, and parquet-wasm compiled again in it) costs about 0.2 s of CPU on the other core.
 *
 * @param files The files the merge reads.
 * @param wholeRowGroups Whether it reads them whole row group by whole row group.
 * @returns The worker (terminate it when the merge ends), or `undefined`.
 */
export function decodeWorkerFor(
  files: readonly WorkerDecodable[],
  wholeRowGroups: boolean,
): DecodeWorker | undefined {
  if (_mode() !== "1" || !wholeRowGroups || files.length === 0) return undefined;
  const worker = DecodeWorker.start();
  if (worker) { for (const file of files) file.decodeOn(worker); }
  return worker;
}

/** `AZOF_DECODE_WORKER`, when the process may read it. */
function _mode(): string | undefined {
  const variable = "AZOF_DECODE_WORKER";
  const state = Deno.permissions.querySync?.({ name: "env", variable }).state;
  return state === "granted" ? Deno.env.get(variable) : undefined;
}
