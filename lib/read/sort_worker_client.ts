/**
 * The sorting worker of a scan (lib/read/sort_worker.ts): sorts blocks of files that are not
 * key-ordered into runs on a second thread while the calling thread sorts others
 * (lib/read/sort_files.ts). The calling thread reads the bytes through the table's store and moves
 * them to the worker; errors come back with their code and message and end as the same
 * `AzofError`. When the worker cannot start (a bundle without its file, no workers) or dies, its
 * blocks are sorted on the calling thread.
 *
 * @module
 */

import { AzofError, type AzofErrorCode } from "../errors.ts";
import type { SortMessage } from "./sort_worker.ts";

/** A block to sort on the worker: {@linkcode SortMessage} without its id. */
export type SortRequest = Omit<SortMessage, "id">;

/** Reads bytes `[start, end)` of the block's file, for the worker's questions. */
export type ReadBytes = (start: number, end: number) => Promise<Uint8Array>;

type _Answer = (runs: Uint8Array[] | undefined | Error) => void;

type _Message =
  | { done: { id: number; runs: Uint8Array[] } }
  | { failed: { id: number; code?: AzofErrorCode; message: string } }
  | { cancelled: { id: number } }
  | { read: { id: number; request: number; start: number; end: number } };

/** The sorting worker of one scan; terminate it (or `using` it) once the runs are sorted. */
export class SortWorker implements Disposable {
  static #live = 0;
  static #blocks = 0;
  #worker: Worker | undefined;
  readonly #pending = new Map<number, { answer: _Answer; read: ReadBytes }>();
  #next = 0;

  private constructor(worker: Worker) {
    this.#worker = worker;
    SortWorker.#live++;
    worker.onmessage = (event) => this.#receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      this.terminate();
    };
    worker.onmessageerror = () => this.terminate();
  }

  /** Workers started in this process and not yet terminated. */
  static get live(): number {
    return SortWorker.#live;
  }

  /** Blocks sorted (or failed) on a worker in this process so far. */
  static get blocks(): number {
    return SortWorker.#blocks;
  }

  /**
   * Starts a worker.
   *
   * @param url The worker module; lib/read/sort_worker.ts by default.
   * @returns The worker, or `undefined` when its module is not there (a bundle) or workers are not.
   */
  static start(url: URL = new URL("./sort_worker.ts", import.meta.url)): SortWorker | undefined {
    try {
      if (url.protocol === "file:") Deno.statSync(url);
      return new SortWorker(new Worker(url.href, { type: "module" }));
    } catch {
      return undefined;
    }
  }

  /**
   * Sorts a block on the worker.
   *
   * @param request The block and its bytes (moved to the worker).
   * @param read Reads other bytes of the file, when the worker asks.
   * @returns The runs' bytes in file order, or `undefined` when the worker is gone (sort here).
   * @throws {Error} What reading or sorting threw on the worker (an `AzofError` when it was one).
   */
  sort(request: SortRequest, read: ReadBytes): Promise<Uint8Array[] | undefined> {
    const worker = this.#worker;
    if (!worker) return Promise.resolve(undefined);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const answer: _Answer = (got) => got instanceof Error ? reject(got) : resolve(got);
      this.#pending.set(id, { answer, read });
      const pieces = [request.footer, ...request.chunks.flat()];
      try {
        worker.postMessage({ sort: { ...request, id } }, pieces.map((p) => p.bytes));
      } catch {
        // Not sent (it could not be copied): sorted here instead.
        this.#pending.delete(id);
        resolve(undefined);
      }
    });
  }

  /** Drops the blocks the worker has not started: they answer `undefined` (sort them here). */
  cancelQueued(): void {
    this.#worker?.postMessage({ cancel: true });
  }

  /** Stops the worker; blocks it was sorting answer `undefined`. */
  terminate(): void {
    if (!this.#worker) return;
    this.#worker.terminate();
    this.#worker = undefined;
    SortWorker.#live--;
    for (const { answer } of this.#pending.values()) answer(undefined);
    this.#pending.clear();
  }

  /** Same as {@linkcode SortWorker.terminate}. */
  [Symbol.dispose](): void {
    this.terminate();
  }

  #receive(message: _Message): void {
    if ("read" in message) return this.#serve(message.read);
    if ("cancelled" in message) {
      this.#pending.get(message.cancelled.id)?.answer(undefined);
      this.#pending.delete(message.cancelled.id);
      return;
    }
    const id = "done" in message ? message.done.id : message.failed.id;
    const pending = this.#pending.get(id);
    this.#pending.delete(id);
    SortWorker.#blocks++;
    if ("done" in message) return pending?.answer(message.done.runs);
    const { code, message: text } = message.failed;
    pending?.answer(code ? new AzofError(code, text) : new Error(text));
  }

  #serve({ id, request, start, end }: { id: number; request: number; start: number; end: number }) {
    const read = this.#pending.get(request)?.read;
    const post = (bytes: unknown, transfer: ArrayBuffer[]) =>
      this.#worker?.postMessage({ bytes }, transfer);
    if (!read) return post({ id, error: "the block is no longer sorted" }, []);
    read(start, end).then(
      (data) => {
        // A copy: the store may hand out bytes it keeps (rare reads: a page index).
        const buffer = data.slice().buffer as ArrayBuffer;
        post({ id, data: buffer }, [buffer]);
      },
      (error) => post({ id, code: error?.code, error: `${error?.message ?? error}` }, []),
    );
  }
}
