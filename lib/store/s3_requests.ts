/**
 * Sending S3 requests: SigV4 signing (`aws4fetch`, or anonymous), bounded concurrency, retries with
 * backoff bounded in count and time, and errors that name the object and what went wrong.
 * {@linkcode S3Store} (lib/store/s3.ts) builds the Store on it.
 *
 * @module
 */

import { AwsClient } from "npm:aws4fetch@1.0.20";
import { AzofError } from "../errors.ts";
import { objectUrl, type S3Config } from "./s3_config.ts";
import { Semaphore } from "./semaphore.ts";
import { s3Traffic } from "./stats.ts";
import { describeS3Error, encodeQueryValue, xmlText } from "./s3_wire.ts";

/** Options of `S3Store` (lib/store/s3.ts). */
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

/** What a request does, for messages (`Cannot read ...`). */
export type S3Verb = "read" | "write" | "list" | "delete";

/** One logical request. */
export interface S3Call {
  readonly method: "GET" | "HEAD" | "PUT" | "DELETE";
  readonly key: string;
  readonly verb: S3Verb;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
  /** Statuses handed back to the caller instead of thrown. */
  readonly accept?: readonly number[];
  /** Statuses worth retrying besides 5xx and 429. */
  readonly retryOn?: readonly number[];
}

/** The answer to an {@linkcode S3Call}. */
export interface S3Result {
  readonly response: Response;
  /** Whether an earlier attempt may have reached the server and taken effect. */
  readonly ambiguous: boolean;
}

/** Answers to a conditional PUT that store nothing: client errors other than 408, 409, 412, 429. */
export const REFUSALS: readonly number[] = Array.from({ length: 100 }, (_, i) => 400 + i)
  .filter((s) => ![408, 409, 412, 429].includes(s));

/** SHA-256 of the empty payload, for bodiless signed requests. */
const _EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** The requests of one store: where they go, how they are signed, sent and retried. */
export class S3Requests {
  /** Requests sent and bytes read so far. */
  readonly stats: S3StoreStats = { requests: 0, bytes: 0 };
  readonly #location: string;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #config: S3Config;
  readonly #client: AwsClient | undefined;
  readonly #fetch: typeof fetch;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  readonly #retryTimeMs: number;
  readonly #slots: Semaphore;

  /**
   * @param where The bucket, the prefix and the store's printable location.
   * @param config Region, endpoint and credentials.
   * @param options `fetch`, concurrency and retry settings.
   */
  constructor(
    where: { readonly bucket: string; readonly prefix: string; readonly location: string },
    config: S3Config,
    options: S3StoreOptions,
  ) {
    this.#bucket = where.bucket;
    this.#prefix = where.prefix;
    this.#location = where.location;
    this.#config = config;
    const creds = config.credentials;
    this.#client = creds && new AwsClient({ ...creds, service: "s3", region: config.region });
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#retries = options.retries ?? 4;
    this.#retryDelayMs = options.retryDelayMs ?? 100;
    this.#retryTimeMs = options.retryTimeMs ?? 60_000;
    this.#slots = new Semaphore(options.maxConcurrency ?? 8);
  }

  /**
   * Sends one logical request: bounded concurrency, errors mapped, and retries with exponential
   * backoff and full jitter, at most `retries` of them and none that would end past `retryTimeMs`.
   * Every call here may be repeated safely: reads, listings, deletes, plain PUTs of whole objects,
   * and PUTs with `If-None-Match: *` (a repeat cannot replace anything; `ambiguous` tells the caller
   * that an earlier attempt may have written the object).
   */
  async send(call: S3Call): Promise<S3Result> {
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
      if (!retryable || last) throw await this.httpError(call, response, attempt, ambiguous);
      await response.body?.cancel();
      await _sleep(delay);
    }
  }

  async #attempt(call: S3Call, url: string): Promise<Response> {
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

  async #request(call: S3Call, url: string): Promise<Request> {
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

  #url(call: S3Call): string {
    const key = call.verb === "list" ? "" : this.objectKey(call.key);
    const url = objectUrl(this.#config, this.#bucket, key);
    // Encoded by hand: URLSearchParams writes spaces as "+", which S3 does not read as a space.
    const query = Object.entries(call.query ?? {}).map(([k, v]) => `${k}=${encodeQueryValue(v)}`);
    return query.length === 0 ? url : `${url}?${query.join("&")}`;
  }

  /** The full object key for a store key; refuses keys that would leave the prefix. */
  objectKey(key: string, isPrefix = false): string {
    const parts = key.split("/");
    if (key.startsWith("/") || parts.some((p) => p === ".." || p === ".")) {
      throw new AzofError(
        "StorageError",
        `Refusing to access ${key}: it is outside ${this.#location}`,
      );
    }
    if (!isPrefix && key === "") {
      throw new AzofError("StorageError", `Cannot access ${this.#location}: the key is empty`);
    }
    return this.#prefix === "" ? key : `${this.#prefix}/${key}`;
  }

  /** A printable name of a store key (`s3://bucket/prefix/key`). */
  name(key: string): string {
    return key === "" ? this.#location : `${this.#location}/${key}`;
  }

  /** The backoff before retry `attempt + 1`: full jitter over an exponential ceiling. */
  #delay(attempt: number): number {
    return Math.random() * Math.min(this.#retryDelayMs * 2 ** attempt, 20_000);
  }

  #networkError(call: S3Call, error: unknown, attempt: number, unknown: boolean): AzofError {
    if (error instanceof AzofError) return error;
    const reason = this.#scrub(_causes(error).join(": "));
    return new AzofError(
      "StorageError",
      `Cannot ${call.verb} ${this.name(call.key)}: network error after ${_attempts(attempt + 1)}: ${
        _networkCause(reason, new URL(objectUrl(this.#config, this.#bucket, "")).origin)
      }${_mayHave(call, unknown)}`,
      { cause: new Error(reason) },
    );
  }

  /** The error for an answer that is not a success, naming the object and the S3 error. */
  async httpError(
    call: S3Call,
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
      `Cannot ${call.verb} ${this.name(call.key)}: ${what}${tries}${_mayHave(call, unknown)}`,
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
function _mayHave(call: S3Call, unknown: boolean): string {
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

/** The messages of an error and of its causes, outermost first (fetch says only "fetch failed"). */
function _causes(error: unknown): string[] {
  const out: string[] = [];
  for (let e: unknown = error; e !== undefined && out.length < 8; e = (e as Error).cause) {
    out.push(e instanceof Error ? e.message : String(e));
    if (!(e instanceof Error)) break;
  }
  return out;
}

/** What went wrong on the way to the endpoint, in words: DNS, refused, reset, TLS, time-out. */
function _networkCause(reason: string, endpoint: string): string {
  const host = new URL(endpoint).host;
  if (/dns error|failed to lookup|name or service not known|nodename nor servname/i.test(reason)) {
    return `the host name of ${endpoint} does not resolve (DNS)`;
  }
  if (/connection refused/i.test(reason)) return `${host} refused the connection (${endpoint})`;
  if (/connection reset|broken pipe|connection closed/i.test(reason)) {
    return `${host} closed the connection (${endpoint})`;
  }
  if (/tls|ssl|certificate|handshake|corrupt message/i.test(reason)) {
    return `the TLS handshake with ${endpoint} failed: ${reason.split(": ").at(-1)}`;
  }
  if (/timed? ?out/i.test(reason)) return `${endpoint} did not answer in time`;
  return `${reason.split(": ").at(-1)} (${endpoint})`;
}

function _attempts(n: number): string {
  return n === 1 ? "1 attempt" : `${n} attempts`;
}
