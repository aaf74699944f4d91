/**
 * A {@linkcode Store} wrapper for fault-injection tests: it counts the requests an operation makes
 * and, at the k-th, injects one kind of fault as a flaky network or object store would (nothing
 * stored, stored but no reply, stored and answered 5xx, stored and a client retry answered 412, a
 * late or slow request, the store going down). See lib/write/commit_fault_test.ts.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { type Store, type StoreEntry, WriteRefused } from "../store/store.ts";

/**
 * What happens to the armed request:
 * - `fail`: it never reaches the store; a network error.
 * - `refused`: the store answers with a refusal and stores nothing (`putIfAbsent` throws
 *   {@linkcode WriteRefused}, as for a 403; other requests fail as with `fail`).
 * - `lost`: it is carried out, then the reply is lost (connection reset).
 * - `error5xx`: it is carried out, then answered 503 (after the client's own retries).
 * - `retry412`: it is carried out, the reply is lost and the client's own re-send answers
 *   "exists" (`putIfAbsent` returns `false`; other requests answer normally).
 * - `late`: it times out at once and is carried out 30 ms later (after a first re-send).
 * - `slow`: it is answered correctly after 5 ms.
 * - `outageBefore`: the store goes down before the request reaches it (every request fails until
 *   {@linkcode FaultStore.heal}).
 * - `outageAfter`: the request is carried out, then the store goes down.
 */
export type FaultKind =
  | "fail"
  | "refused"
  | "lost"
  | "error5xx"
  | "retry412"
  | "late"
  | "slow"
  | "outageBefore"
  | "outageAfter";

/** Every {@linkcode FaultKind}, for a test matrix. */
export const FAULT_KINDS: readonly FaultKind[] = [
  "fail",
  "refused",
  "lost",
  "error5xx",
  "retry412",
  "late",
  "slow",
  "outageBefore",
  "outageAfter",
];

/** A store that passes requests to `inner`, injecting the armed fault at the armed request. */
export class FaultStore implements Store {
  readonly location: string;
  readonly #inner: Store;
  #requests = 0;
  #fault: { at: number; kind: FaultKind } | undefined;
  #down = false;
  readonly #late: Promise<void>[] = [];
  /** Each request as `"<n> <op> <key>"`, numbered from 1 since the last {@linkcode arm}. */
  readonly log: string[] = [];

  /** @param inner The store that holds the objects. */
  constructor(inner: Store) {
    this.#inner = inner;
    this.location = inner.location;
  }

  /** Requests since the last {@linkcode arm}. */
  get requests(): number {
    return this.#requests;
  }

  /**
   * Starts counting requests from 1 and arms a fault at request `at` (none when omitted).
   *
   * @param at The request to fault, counted from 1.
   * @param kind The fault.
   */
  arm(at?: number, kind?: FaultKind): void {
    this.#requests = 0;
    this.log.length = 0;
    this.#fault = at === undefined || kind === undefined ? undefined : { at, kind };
  }

  /** Ends an outage and disarms the fault; then waits for late requests to land. */
  async heal(): Promise<void> {
    this.#down = false;
    this.#fault = undefined;
    await Promise.all(this.#late.splice(0));
  }

  size(key: string): Promise<number> {
    return this.#call("size", key, () => this.#inner.size(key));
  }

  read(key: string, start?: number, end?: number): Promise<Uint8Array> {
    return this.#call("read", key, () => this.#inner.read(key, start, end));
  }

  exists(key: string): Promise<boolean> {
    return this.#call("exists", key, () => this.#inner.exists(key));
  }

  list(prefix?: string): Promise<StoreEntry[]> {
    return this.#call("list", prefix ?? "", () => this.#inner.list(prefix));
  }

  put(key: string, data: Uint8Array): Promise<void> {
    return this.#call("put", key, () => this.#inner.put(key, data));
  }

  putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    return this.#call("putIfAbsent", key, () => this.#inner.putIfAbsent(key, data), false);
  }

  delete(key: string): Promise<void> {
    return this.#call("delete", key, () => this.#inner.delete(key));
  }

  async #call<T>(op: string, key: string, run: () => Promise<T>, exists?: T): Promise<T> {
    const n = ++this.#requests;
    this.log.push(`${n} ${op} ${key}`);
    const kind = this.#fault?.at === n ? this.#fault.kind : undefined;
    if (this.#down) throw _error(op, key, "connection refused");
    switch (kind) {
      case undefined:
        return await run();
      case "outageBefore":
        this.#down = true;
        throw _error(op, key, "connection refused");
      case "fail":
        throw _error(op, key, "connection reset before the request was sent");
      case "refused": {
        const error = _error(op, key, "403 AccessDenied");
        throw op === "putIfAbsent" ? new WriteRefused(error) : error;
      }
      case "lost":
        await run();
        throw _error(op, key, "connection reset before the reply");
      case "error5xx":
        await run();
        throw _error(op, key, "503 Service Unavailable (after 4 attempts)");
      case "retry412": {
        const result = await run();
        return exists === undefined ? result : exists;
      }
      case "late":
        this.#late.push(_sleep(30).then(run).then(() => {}, () => {}));
        throw _error(op, key, "timed out");
      case "slow":
        await _sleep(5);
        return await run();
      case "outageAfter":
        await run();
        this.#down = true;
        throw _error(op, key, "connection reset before the reply");
    }
  }
}

function _error(op: string, key: string, what: string): AzofError {
  return new AzofError("StorageError", `Cannot ${op} ${key}: ${what} (injected fault)`);
}

function _sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
