/**
 * The S3 {@linkcode Store}: ranged GETs, HEAD, ListObjectsV2, PUT, conditional PUT and DELETE,
 * sent by {@linkcode S3Requests} (lib/store/s3_requests.ts: signing, concurrency, retries).
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { loadS3Config, parseS3Url } from "./s3_config.ts";
import { REFUSALS, S3Requests, type S3StoreOptions, type S3StoreStats } from "./s3_requests.ts";
import { s3Traffic } from "./stats.ts";
import { parseListPage } from "./s3_wire.ts";
import { type Store, type StoreEntry, WriteRefused } from "./store.ts";

/**
 * A store under `s3://bucket/prefix` on AWS S3 or an S3-compatible service.
 *
 * @example Point a store at a bucket without touching the network
 * ```ts
 * import { resolveS3Config, S3Store } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const config = resolveS3Config({ AWS_ENDPOINT_URL: "http://127.0.0.1:4568" }, () => undefined);
 * const store = new S3Store("s3://lake/tables/", { config });
 * assert.equal(store.location, "s3://lake/tables");
 * assert.deepEqual(store.stats, { requests: 0, bytes: 0 });
 * ```
 */
export class S3Store implements Store {
  readonly location: string;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #requests: S3Requests;
  readonly #pageSize: number | undefined;
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
    const config = options.config ?? loadS3Config();
    this.#requests = new S3Requests({ bucket, prefix, location: this.location }, config, options);
    this.#pageSize = options.pageSize;
    this.#options = { ...options, config };
  }

  /** Requests sent and bytes read so far. */
  get stats(): S3StoreStats {
    return this.#requests.stats;
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
    const { response } = await this.#requests.send({ method: "HEAD", key, verb: "read" });
    const size = Number(response.headers.get("content-length") ?? NaN);
    if (!Number.isSafeInteger(size)) {
      throw new AzofError(
        "StorageError",
        `Cannot read ${this.#requests.name(key)}: no Content-Length`,
      );
    }
    return size;
  }

  async read(key: string, start?: number, end?: number): Promise<Uint8Array> {
    const from = start ?? 0;
    if (end !== undefined && end <= from) return new Uint8Array(0);
    const ranged = start !== undefined || end !== undefined;
    const range = `bytes=${from}-${end === undefined ? "" : end - 1}`;
    const { response } = await this.#requests.send({
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
        `Cannot read ${this.#requests.name(key)}: object ended at byte ${
          from + out.length
        }, before ${end}`,
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
    const { response } = await this.#requests.send({
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
        `Cannot read ${
          this.#requests.name(key)
        }: a ranged read came back without a usable Content-Range`,
      );
    }
    if (last - start + 1 !== bytes.length) {
      throw new AzofError(
        "StorageError",
        `Cannot read ${
          this.#requests.name(key)
        }: got ${bytes.length} bytes for the range ${start}-${last}`,
      );
    }
    // A whole small object is the right answer from either kind of server, so it decides nothing.
    if (last + 1 !== size) this.#suffixRanges = false;
    else if (start > 0) this.#suffixRanges = true;
    return { size, start, bytes };
  }

  async exists(key: string): Promise<boolean> {
    const { response } = await this.#requests.send({
      method: "HEAD",
      key,
      verb: "read",
      accept: [404],
    });
    return response.status !== 404;
  }

  async list(prefix = ""): Promise<StoreEntry[]> {
    const full = this.#requests.objectKey(prefix, true);
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
    await this.#requests.send({ method: "PUT", key, verb: "write", body: data });
  }

  async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    // 412: someone else's object is there. 409 ConditionalRequestConflict: a concurrent conditional
    // write is in progress; retry, and the winner's object then answers 412.
    const { response, ambiguous } = await this.#requests.send({
      method: "PUT",
      key,
      verb: "write",
      body: data,
      headers: { "if-none-match": "*" },
      accept: [412, ...REFUSALS],
      retryOn: [409],
    });
    if (REFUSALS.includes(response.status)) {
      const error = await this.#requests.httpError(
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
    await this.#requests.send({ method: "DELETE", key, verb: "delete", accept: [404] });
  }

  async #listPage(
    prefix: string,
    full: string,
    token: string | undefined,
  ): Promise<{ entries: StoreEntry[]; next?: string }> {
    const query: Record<string, string> = { "list-type": "2", prefix: full };
    if (this.#pageSize !== undefined) query["max-keys"] = String(this.#pageSize);
    if (token !== undefined) query["continuation-token"] = token;
    const { response } = await this.#requests.send({
      method: "GET",
      key: prefix,
      verb: "list",
      query,
    });
    return parseListPage(await response.text());
  }
}

function _equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
