/**
 * The S3 {@linkcode Store}: ranged GETs, HEAD, ListObjectsV2, PUT, conditional PUT and DELETE over
 * `fetch`, signed with SigV4 by `aws4fetch` (or anonymous), with bounded concurrency and retries.
 *
 * @module
 */

import { AwsClient } from "npm:aws4fetch@1.0.20";
import { AzofError } from "../errors.ts";
import { loadS3Config, objectUrl, parseS3Url, type S3Config } from "./s3_config.ts";
import { Semaphore } from "./semaphore.ts";
import { s3Traffic } from "./stats.ts";
import { describeS3Error, encodeQueryValue, parseListPage, xmlText } from "./s3_wire.ts";
import { type Store, type StoreEntry, WriteRefused } from "./store.ts";

/** Options of {@linkcode S3Store}. */
export interface S3StoreOptions {
  /** Region, endpoint and credentials; resolved from the environment ({@linkcode loadS3Config}) when omitted. */
  config?: S3Config;
  /** The `fetch` to send requests with (tests inject a fake one). */
  fetch?: typeof fetch;
  /** Keys per ListObjectsV2 page (`max-keys`); S3's default is 1000. */
  pageSize?: number;
  /** Requests in flight at once; default 8. */
  maxConcurrency?: number;
  /** Retries after a 5xx, 429, network error or conflicting conditional write; default 4. */
  retries?: number;
  /** First backoff delay in ms, doubled per retry, with full jitter; default 100. */
  retryDelayMs?: number;
  /**
   * Time in ms one request may take, retries and backoff included, before it fails instead of
   * retrying again; default 60,000.
   */
  retryTimeMs?: number;
}

/** Request counters, for benchmarks. */
export interface S3StoreStats {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Response body bytes received from object reads. */
  bytes: number;
}

type _Verb = "read" | "write" | "list" | "delete";

interface _Call {
  readonly method: "GET" | "HEAD" | "PUT" | "DELETE";
  readonly key: string;
  readonly verb: _Verb;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
  /** Statuses handed back to the caller instead of thrown. */
  readonly accept?: readonly number[];
  /** Statuses worth retrying besides 5xx and 429. */
  readonly retryOn?: readonly number[];
}

interface _Result {
  readonly response: Response;
  /** Whether an earlier attempt may have reached the server and taken effect. */
  readonly ambiguous: boolean;
}

/** Answers to a conditional PUT that store nothing: client errors other than 408, 409, 412, 429. */
const _REFUSALS = Array.from({ length: 100 }, (_, i) => 400 + i)
  .filter((s) => ![408, 409, 412, 429].includes(s));

/** SHA-256 of the empty payload, for bodiless signed requests. */
const _EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/**
 * A store under `s3://bucket/prefix` on AWS S3 or an S3-compatible service.
 *
 * @example Point a store at a bucket without touching the network
 * ```ts
 * import { S3Store } from "./s3.ts";
 * import { resolveS3Config } from "./s3_config.ts";
 * import assert from "node:assert/strict";
 * const config = resolveS3Config({ AWS_ENDPOINT_URL: "http://127.0.0.1:4568" }, () => undefined);
 * const store = new S3Store("s3://lake/tables/", { config });
 * assert.equal(store.location, "s3://lake/tables");
 * assert.deepEqual(store.stats, { requests: 0, bytes: 0 });
 * ```
 */
export class S3Store implements Store {
  readonly location: string;
  /** Requests sent and bytes read so far. */
  readonly stats: S3StoreStats = { requests: 0, bytes: 0 };
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #config: S3Config;
  readonly #client: AwsClient | undefined;
  readonly #fetch: typeof fetch;
  readonly #pageSize: number | undefined;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  readonly #retryTimeMs: number;
  readonly #slots: Semaphore;
  readonly #options: S3StoreOptions;
  /** Whether the server honours suffix ranges (s3rver reads `-N` as `0-N`); unknown at first. */
  #suffixRanges: boolean | undefined;
  /** The first suffix-range read, while it is in flight: it decides `#suffixRanges`. */
  #suffixProbe: Promise<void> | undefined;

  /**
   * Creates a store for an S3 prefix; sends nothing until used.
   *
   * @param url `s3://bucket` or `s3://bucket/prefix`.
   * @param options Configuration, `fetch`, paging, concurrency and retry settings.
   */
  constructor(url: string, options: S3StoreOptions = {}) {
    const { bucket, prefix } = parseS3Url(url);
    this.#bucket = bucket;
    this.#prefix = prefix;
    this.location = prefix === "" ? `s3://${bucket}` : `s3://${bucket}/${prefix}`;
    this.#config = options.config ?? loadS3Config();
    const creds = this.#config.credentials;
    this.#client = creds && new AwsClient({ ...creds, service: "s3", region: this.#config.region });
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#pageSize = options.pageSize;
    this.#retries = options.retries ?? 4;
    this.#retryDelayMs = options.retryDelayMs ?? 100;
    this.#retryTimeMs = options.retryTimeMs ?? 60_000;
    this.#slots = new Semaphore(options.maxConcurrency ?? 8);
    this.#options = { ...options, config: this.#config };
  }

  /**
   * The store one prefix level up in the same bucket (same settings), or `undefined` at the bucket.
   *
   * @returns The parent prefix's store.
   */
  parent(): S3Store | undefined {
    if (this.#prefix === "") return undefined;
    const up = this.#prefix.split("/").slice(0, -1).join("/");
    return new S3Store(`s3://${this.#bucket}/${up}`, this.#options);
  }

  async size(key: string): Promise<number> {
    const { response } = await this.#send({ method: "HEAD", key, verb: "read" });
    const size = Number(response.headers.get("content-length") ?? NaN);
    if (!Number.isSafeInteger(size)) {
      throw new AzofError("StorageError", `Cannot read ${this.#name(key)}: no Content-Length`);
    }
    return size;
  }

  async read(key: string, start?: number, end?: number): Promise<Uint8Array> {
    const from = start ?? 0;
    if (end !== undefined && end <= from) return new Uint8Array(0);
    const ranged = start !== undefined || end !== undefined;
    const range = `bytes=${from}-${end === undefined ? "" : end - 1}`;
    const { response } = await this.#send({
      method: "GET",
      key,
      verb: "read",
      ...(ranged ? { headers: { range } } : {}),
      // Reading from the end of an object (or from an empty one) is empty, as in LocalStore.
      ...(end === undefined ? { accept: [416] } : {}),
    });
    if (response.status === 416) return new Uint8Array(0);
    const bytes = new Uint8Array(await response.arrayBuffer());
    this.stats.bytes += bytes.length;
    s3Traffic.bytes += bytes.length;
    // A server that ignores Range answers 200 with the whole object.
    const out = ranged && response.status === 200 ? bytes.subarray(from, end) : bytes;
    if (end !== undefined && out.length < end - from) {
      throw new AzofError(
        "StorageError",
        `Cannot read ${this.#name(key)}: object ended at byte ${from + out.length}, before ${end}`,
      );
    }
    return out;
  }

  /**
   * The object's size and last `length` bytes in one suffix-range GET (`Range: bytes=-length`), the
   * size taken from `Content-Range`. A server that answers with another range (s3rver reads `-N` as
   * `0-N`) gets its answer returned as it is, and from then on this store asks for sizes with HEAD.
   * Until the first answer shows which kind of server this is, later calls wait for it.
   */
  async readTail(
    key: string,
    length: number,
  ): Promise<{ size: number; start: number; bytes: Uint8Array }> {
    while (this.#suffixProbe) await this.#suffixProbe;
    if (this.#suffixRanges === false || length < 1) {
      const size = await this.size(key);
      const start = Math.max(0, size - Math.max(0, length));
      return { size, start, bytes: await this.read(key, start, size) };
    }
    const tail = this.#suffixTail(key, length);
    if (this.#suffixRanges === undefined) {
      this.#suffixProbe = tail.then(() => {}, () => {}).finally(() =>
        this.#suffixProbe = undefined
      );
    }
    return await tail;
  }

  /** One suffix-range GET; learns from the answer whether the server honours suffix ranges. */
  async #suffixTail(
    key: string,
    length: number,
  ): Promise<{ size: number; start: number; bytes: Uint8Array }> {
    const { response } = await this.#send({
      method: "GET",
      key,
      verb: "read",
      headers: { range: `bytes=-${length}` },
      accept: [416],
    });
    const range = response.headers.get("content-range") ?? "";
    if (response.status === 416) {
      // Only an empty object has no last bytes; its size is in `bytes */0`.
      if (/^bytes \*\/0$/.test(range)) return { size: 0, start: 0, bytes: new Uint8Array(0) };
      this.#suffixRanges = false;
      return await this.readTail(key, length);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    this.stats.bytes += bytes.length;
    s3Traffic.bytes += bytes.length;
    if (response.status === 200) {
      // The whole object: the server ignored the range, unless the object is no longer than asked.
      if (bytes.length > length) this.#suffixRanges = false;
      return { size: bytes.length, start: 0, bytes };
    }
    const [start, last, size] = (/^bytes (\d+)-(\d+)\/(\d+)$/.exec(range) ?? []).slice(1)
      .map(Number);
    if (start === undefined || last === undefined || size === undefined) {
      throw new AzofError(
        "StorageError",
        `Cannot read ${this.#name(key)}: a ranged read came back without a usable Content-Range`,
      );
    }
    if (last - start + 1 !== bytes.length) {
      throw new AzofError(
        "StorageError",
        `Cannot read ${this.#name(key)}: got ${bytes.length} bytes for the range ${start}-${last}`,
      );
    }
    // A whole small object is the right answer from either kind of server, so it decides nothing.
    if (last + 1 !== size) this.#suffixRanges = false;
    else if (start > 0) this.#suffixRanges = true;
    return { size, start, bytes };
  }

  async exists(key: string): Promise<boolean> {
    const { response } = await this.#send({ method: "HEAD", key, verb: "read", accept: [404] });
    return response.status !== 404;
  }

  async list(prefix = ""): Promise<StoreEntry[]> {
    const full = this.#objectKey(prefix, true);
    const strip = this.#prefix === "" ? 0 : this.#prefix.length + 1;
    const out: StoreEntry[] = [];
    let token: string | undefined;
    do {
      const page = await this.#listPage(prefix, full, token);
      for (const entry of page.entries) out.push({ ...entry, key: entry.key.slice(strip) });
      token = page.next;
    } while (token !== undefined);
    return out;
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    await this.#send({ method: "PUT", key, verb: "write", body: data });
  }

  async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    // 412: someone else's object is there. 409 ConditionalRequestConflict: a concurrent conditional
    // write is in progress; retry, and the winner's object then answers 412.
    const { response, ambiguous } = await this.#send({
      method: "PUT",
      key,
      verb: "write",
      body: data,
      headers: { "if-none-match": "*" },
      accept: [412, ..._REFUSALS],
      retryOn: [409],
    });
    if (_REFUSALS.includes(response.status)) {
      const error = await this.#httpError(
        { method: "PUT", key, verb: "write" },
        response,
        0,
        ambiguous,
      );
      // Refused outright: nothing was stored. After an unanswered attempt it may have been.
      throw ambiguous ? error : new WriteRefused(error);
    }
    if (response.status !== 412) return true;
    // An earlier attempt that failed in transit may have written our object; then it is ours.
    return ambiguous && _equal(await this.read(key), data);
  }

  async delete(key: string): Promise<void> {
    await this.#send({ method: "DELETE", key, verb: "delete", accept: [404] });
  }

  async #listPage(
    prefix: string,
    full: string,
    token: string | undefined,
  ): Promise<{ entries: StoreEntry[]; next?: string }> {
    const query: Record<string, string> = { "list-type": "2", prefix: full };
    if (this.#pageSize !== undefined) query["max-keys"] = String(this.#pageSize);
    if (token !== undefined) query["continuation-token"] = token;
    const { response } = await this.#send({ method: "GET", key: prefix, verb: "list", query });
    return parseListPage(await response.text());
  }

  /**
   * Sends one logical request: bounded concurrency, errors mapped, and retries with exponential
   * backoff and full jitter, at most `retries` of them and none that would end past `retryTimeMs`.
   * Every call here may be repeated safely: reads, listings, deletes, plain PUTs of whole objects,
   * and PUTs with `If-None-Match: *` (a repeat cannot replace anything; `ambiguous` tells the caller
   * that an earlier attempt may have written the object).
   */
  async #send(call: _Call): Promise<_Result> {
    const url = this.#url(call);
    const started = performance.now();
    let ambiguous = false;
    for (let attempt = 0;; attempt++) {
      const delay = this.#delay(attempt);
      const last = attempt >= this.#retries ||
        performance.now() - started + delay > this.#retryTimeMs;
      let response: Response;
      try {
        response = await this.#attempt(call, url);
      } catch (error) {
        if (!(error instanceof TypeError) || last) {
          throw this.#networkError(call, error, attempt, ambiguous || call.method === "PUT");
        }
        ambiguous = true;
        await _sleep(delay);
        continue;
      }
      if (response.ok || call.accept?.includes(response.status)) return { response, ambiguous };
      const retryable = response.status >= 500 || response.status === 429 ||
        (call.retryOn?.includes(response.status) ?? false);
      ambiguous ||= response.status >= 500;
      if (!retryable || last) throw await this.#httpError(call, response, attempt, ambiguous);
      await response.body?.cancel();
      await _sleep(delay);
    }
  }

  async #attempt(call: _Call, url: string): Promise<Response> {
    await this.#slots.acquire();
    try {
      this.stats.requests++;
      s3Traffic.requests++;
      const request = await this.#request(call, url);
      const response = await this.#fetch(request);
      // Read the body inside the slot so that in-flight transfers stay bounded.
      if (call.method === "HEAD" || !response.body) return response;
      const body = await response.arrayBuffer();
      return new Response(body.byteLength === 0 ? null : body, response);
    } finally {
      this.#slots.release();
    }
  }

  async #request(call: _Call, url: string): Promise<Request> {
    const init = {
      method: call.method,
      headers: { ...call.headers },
      ...(call.body ? { body: call.body as Uint8Array<ArrayBuffer> } : {}),
    };
    if (!this.#client) return new Request(url, init);
    const sha = call.body ? await _sha256Hex(call.body) : _EMPTY_SHA256;
    init.headers["x-amz-content-sha256"] = sha;
    return await this.#client.sign(url, init);
  }

  #url(call: _Call): string {
    const key = call.verb === "list" ? "" : this.#objectKey(call.key);
    const url = objectUrl(this.#config, this.#bucket, key);
    // Encoded by hand: URLSearchParams writes spaces as "+", which S3 does not read as a space.
    const query = Object.entries(call.query ?? {}).map(([k, v]) => `${k}=${encodeQueryValue(v)}`);
    return query.length === 0 ? url : `${url}?${query.join("&")}`;
  }

  /** The full object key for a store key; refuses keys that would leave the prefix. */
  #objectKey(key: string, isPrefix = false): string {
    const parts = key.split("/");
    if (key.startsWith("/") || parts.some((p) => p === ".." || p === ".")) {
      throw new AzofError(
        "StorageError",
        `Refusing to access ${key}: it is outside ${this.location}`,
      );
    }
    if (!isPrefix && key === "") {
      throw new AzofError("StorageError", `Cannot access ${this.location}: the key is empty`);
    }
    return this.#prefix === "" ? key : `${this.#prefix}/${key}`;
  }

  #name(key: string): string {
    return key === "" ? this.location : `${this.location}/${key}`;
  }

  /** The backoff before retry `attempt + 1`: full jitter over an exponential ceiling. */
  #delay(attempt: number): number {
    return Math.random() * Math.min(this.#retryDelayMs * 2 ** attempt, 20_000);
  }

  #networkError(call: _Call, error: unknown, attempt: number, unknown: boolean): AzofError {
    if (error instanceof AzofError) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new AzofError(
      "StorageError",
      `Cannot ${call.verb} ${this.#name(call.key)}: network error after ${attempt + 1} attempts${
        _mayHave(call, unknown)
      }`,
      { cause: new Error(this.#scrub(reason)) },
    );
  }

  async #httpError(
    call: _Call,
    response: Response,
    attempt: number,
    unknown: boolean,
  ): Promise<AzofError> {
    const code = call.method === "HEAD" ? undefined : xmlText(await response.text(), "Code");
    const status = response.status;
    const tries = attempt > 0 ? ` after ${attempt + 1} attempts` : "";
    const what = describeS3Error(status, code, response.headers, this.#config.region);
    return new AzofError(
      "StorageError",
      `Cannot ${call.verb} ${this.#name(call.key)}: ${what}${tries}${_mayHave(call, unknown)}`,
      { cause: new Error(`HTTP ${status}${code ? ` ${code}` : ""}`) },
    );
  }

  /** Removes credentials from text that came from elsewhere (e.g. a fetch error message). */
  #scrub(text: string): string {
    const creds = this.#config.credentials;
    let out = text;
    for (const secret of [creds?.secretAccessKey, creds?.sessionToken]) {
      if (secret) out = out.split(secret).join("***");
    }
    return out;
  }
}

/** For a conditional PUT whose outcome is unknown: a note that the object may be there. */
function _mayHave(call: _Call, unknown: boolean): string {
  const conditional = call.method === "PUT" && call.headers?.["if-none-match"] !== undefined;
  return conditional && unknown
    ? " (an attempt got no answer, so the object may have been written)"
    : "";
}

function _sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function _sha256Hex(data: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function _equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
