/**
 * A fault-injecting HTTP proxy for S3 tests (test-only): it sits between an `S3Store` and a local
 * S3 server (s3rver) on 127.0.0.1, forwards every request, logs it (method, key, status) and, per
 * rule, injects a fault at the n-th request that matches: drop the reply after the server acted on
 * the request, answer 5xx after or before forwarding, reset the connection before forwarding, or
 * delay. It also enforces `If-None-Match: *` and `If-Match` on PUT, atomically per key, answering
 * 412 as S3 does (s3rver ignores both).
 *
 * It speaks HTTP/1.1 on raw sockets ({@linkcode Http1Reader}), so that it can close a connection
 * without answering; the server side is reached with `fetch` over its own HTTP client.
 *
 * @module
 */

import { Http1Reader, type Http1Request, writeResponse } from "./http1.ts";
import { Prng } from "../write/prng.ts";

/** What a rule does to the request it matches. */
export type S3Fault =
  /** Forward, then close the connection without answering: the server acted, the client never learns. */
  | { readonly kind: "drop-reply" }
  /** Forward, then answer this 5xx status instead of the server's answer. */
  | { readonly kind: "error-after"; readonly status?: number }
  /** Answer this 5xx status without forwarding. */
  | { readonly kind: "error-before"; readonly status?: number }
  /** Close the connection without forwarding (before reading the body, so the kernel resets it). */
  | { readonly kind: "reset" }
  /** Wait, then forward and answer normally. */
  | { readonly kind: "delay"; readonly ms: number };

/** The fault kinds, for loops over every kind. */
export const S3_FAULT_KINDS: readonly S3Fault["kind"][] = [
  "drop-reply",
  "error-after",
  "error-before",
  "reset",
  "delay",
];

/** Which requests a rule applies to, and when. */
export interface S3FaultRule {
  /** The fault to inject. */
  readonly fault: S3Fault;
  /** Only requests with this method (`GET`, `HEAD`, `PUT`, `DELETE`); any when omitted. */
  readonly method?: string;
  /** Only requests whose key (without the bucket; `""` for a listing) matches. */
  readonly key?: RegExp;
  /** Only the n-th matching request (1-based, counted from when the rule was added); every one when omitted. */
  readonly nth?: number;
  /** With `nth`: this many matching requests in a row from the n-th on; 1 by default. */
  readonly count?: number;
  /** Each matching request with this probability (drawn from `seed`), instead of `nth`. */
  readonly rate?: number;
  /** Seed of the `rate` draws; 1 by default. */
  readonly seed?: number;
}

/** One request the proxy saw. */
export interface S3ProxyLogEntry {
  /** HTTP method. */
  readonly method: string;
  /** The object key without the bucket (`""` for a listing). */
  readonly key: string;
  /** Whether it was a ListObjectsV2 request. */
  readonly list: boolean;
  /** The status the client got; 0 when the connection was closed instead. */
  readonly status: number;
  /** The fault injected, if any. */
  readonly fault?: S3Fault["kind"];
  /** Whether the server received the request. */
  readonly forwarded: boolean;
}

/** Options of {@linkcode startS3FaultProxy}. */
export interface S3FaultProxyOptions {
  /** The server to forward to, such as `http://127.0.0.1:4568`. */
  readonly upstream: string;
  /** Print each request to stderr. */
  readonly verbose?: boolean;
}

/** A running proxy. */
export interface S3FaultProxy {
  /** Where clients connect: `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Every request so far, in the order their answers were decided. */
  readonly log: readonly S3ProxyLogEntry[];
  /** Adds a rule; rules are tried in order and the first whose `nth` or `rate` fires applies. */
  inject(rule: S3FaultRule): void;
  /** Removes every rule and clears the log. */
  reset(): void;
  /** Stops listening, closes open connections and waits for them; idempotent. */
  close(): Promise<void>;
}

interface _Rule extends S3FaultRule {
  seen: number;
  readonly prng: Prng;
}

/**
 * Starts a proxy on a free port of 127.0.0.1.
 *
 * @param options The upstream server.
 * @returns The running proxy; close it when done.
 *
 * @example Count the requests of a client
 * ```ts ignore
 * const proxy = startS3FaultProxy({ upstream: "http://127.0.0.1:4568" });
 * proxy.inject({ method: "PUT", key: /s\d+\.json$/, nth: 1, fault: { kind: "drop-reply" } });
 * // ... point an S3Store at proxy.endpoint ...
 * await proxy.close();
 * ```
 */
export function startS3FaultProxy(options: S3FaultProxyOptions): S3FaultProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const client = Deno.createHttpClient({});
  const upstream = options.upstream.replace(/\/$/, "");
  const rules: _Rule[] = [];
  const log: S3ProxyLogEntry[] = [];
  const conns = new Set<Deno.Conn>();
  const handlers = new Set<Promise<void>>();
  const locks = new Map<string, Promise<void>>();
  let closed = false;

  const record = (entry: S3ProxyLogEntry) => {
    log.push(entry);
    if (options.verbose) console.error(`proxy: ${JSON.stringify(entry)}`);
  };
  const pick = (method: string, key: string): S3Fault | undefined => {
    for (const rule of rules) {
      if (rule.method !== undefined && rule.method !== method) continue;
      if (rule.key !== undefined && !rule.key.test(key)) continue;
      rule.seen++;
      const fires = rule.rate !== undefined
        ? rule.prng.chance(rule.rate)
        : rule.nth === undefined ||
          (rule.seen >= rule.nth && rule.seen < rule.nth + (rule.count ?? 1));
      if (fires) return rule.fault;
    }
    return undefined;
  };
  const forward = (request: Http1Request) => _forward(upstream, client, request, locks);

  const serve = async (conn: Deno.Conn) => {
    const reader = new Http1Reader(conn);
    try {
      for (;;) {
        const head = await reader.readHead();
        if (!head) return;
        const { key, list } = _parseTarget(head.target);
        const fault = pick(head.method, key);
        const entry = { method: head.method, key, list, ...(fault ? { fault: fault.kind } : {}) };
        if (fault?.kind === "reset") {
          record({ ...entry, status: 0, forwarded: false });
          return;
        }
        const request = { ...head, body: await reader.readBody(head.headers) };
        if (fault?.kind === "delay") await new Promise((r) => setTimeout(r, fault.ms));
        if (fault?.kind === "error-before") {
          record({ ...entry, status: fault.status ?? 500, forwarded: false });
          await writeResponse(conn, _s3Error(fault.status ?? 500), head.method === "HEAD");
          continue;
        }
        const response = await forward(request);
        if (fault?.kind === "drop-reply") {
          record({ ...entry, status: 0, forwarded: true });
          return;
        }
        const answer = fault?.kind === "error-after" ? _s3Error(fault.status ?? 500) : response;
        record({ ...entry, status: answer.status, forwarded: true });
        await writeResponse(conn, answer, head.method === "HEAD");
      }
    } catch (error) {
      if (!closed && !(error instanceof Deno.errors.BadResource)) {
        if (options.verbose) console.error(`proxy: connection failed: ${error}`);
      }
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch {
        // already closed by close()
      }
    }
  };

  const accept = (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        const handler = serve(conn).finally(() => handlers.delete(handler));
        handlers.add(handler);
      }
    } catch (error) {
      if (!closed) throw error;
    }
  })();

  const { port } = listener.addr as Deno.NetAddr;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    log,
    inject(rule) {
      rules.push({ ...rule, seen: 0, prng: new Prng(rule.seed ?? 1) });
    },
    reset() {
      rules.length = 0;
      log.length = 0;
    },
    async close() {
      if (closed) return;
      closed = true;
      listener.close();
      for (const conn of conns) conn.close();
      await accept;
      await Promise.allSettled([...handlers]);
      client.close();
    },
  };
}

/** The key (path without the bucket, decoded) and whether the request is a listing. */
function _parseTarget(target: string): { key: string; list: boolean } {
  const url = new URL(target, "http://proxy");
  const key = decodeURIComponent(url.pathname.replace(/^\/[^/]*\/?/, ""));
  return { key, list: url.searchParams.has("list-type") };
}

type _Answer = { status: number; statusText?: string; headers: Headers; body: Uint8Array };

/**
 * Forwards one request; PUTs with `If-None-Match: *` or `If-Match` are checked and forwarded under
 * a per-key lock, so that two of them for one key cannot both succeed.
 */
async function _forward(
  upstream: string,
  client: Deno.HttpClient,
  request: Http1Request,
  locks: Map<string, Promise<void>>,
): Promise<_Answer> {
  const url = `${upstream}${request.target}`;
  const headers = new Headers(request.headers);
  for (const name of ["host", "connection", "content-length", "transfer-encoding"]) {
    headers.delete(name);
  }
  headers.set("accept-encoding", "identity");
  const send = async (): Promise<_Answer> => {
    const body = request.body.length > 0 ? request.body as Uint8Array<ArrayBuffer> : null;
    const response = await fetch(url, { method: request.method, headers, body, client });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const { status, statusText, headers: answered } = response;
    return { status, statusText, headers: answered, body: bytes };
  };
  const ifNoneMatch = request.headers.get("if-none-match");
  const ifMatch = request.headers.get("if-match");
  if (request.method !== "PUT" || (ifNoneMatch === null && ifMatch === null)) return await send();
  headers.delete("if-none-match");
  headers.delete("if-match");
  const path = new URL(url).pathname;
  const previous = locks.get(path) ?? Promise.resolve();
  let release = () => {};
  const mine = new Promise<void>((resolve) => release = resolve);
  const chain = previous.then(() => mine);
  locks.set(path, chain);
  await previous;
  try {
    const current = await fetch(url, { method: "HEAD", client });
    await current.body?.cancel();
    const etag = current.status === 200 ? current.headers.get("etag") : null;
    const refused = (ifNoneMatch === "*" && etag !== null) ||
      (ifMatch !== null && (etag === null || (ifMatch !== "*" && ifMatch !== etag)));
    return refused ? _s3Error(412) : await send();
  } finally {
    release();
    if (locks.get(path) === chain) locks.delete(path);
  }
}

const _CODES: Record<number, string> = {
  412: "PreconditionFailed",
  500: "InternalError",
  503: "SlowDown",
};

function _s3Error(status: number): _Answer {
  const code = _CODES[status] ?? "InternalError";
  const body = new TextEncoder().encode(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code>` +
      `<Message>injected by the fault proxy</Message></Error>`,
  );
  return {
    status,
    statusText: code,
    headers: new Headers({ "content-type": "application/xml" }),
    body,
  };
}
