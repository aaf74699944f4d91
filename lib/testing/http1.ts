/**
 * Just enough HTTP/1.1 over a raw {@linkcode Deno.Conn} for the test-only S3 fault proxy: read one
 * request (head, then a `Content-Length` or chunked body), write one response. Working on the
 * socket itself lets the proxy close a connection without answering, which `Deno.serve` cannot.
 *
 * @module
 */

const _decoder = new TextDecoder();
const _encoder = new TextEncoder();
const _CRLF2 = [13, 10, 13, 10];

/** One request as read from the socket. */
export interface Http1Request {
  /** `GET`, `PUT`, ... */
  readonly method: string;
  /** The request target, as sent (`/bucket/key?query`). */
  readonly target: string;
  /** Header fields, names lower-cased. */
  readonly headers: Headers;
  /** The body (empty when there is none). */
  readonly body: Uint8Array;
}

/** Bytes read from a connection but not consumed yet, kept between requests. */
export class Http1Reader {
  readonly #conn: Deno.Conn;
  #buffer = new Uint8Array(0);

  /** @param conn The accepted connection. */
  constructor(conn: Deno.Conn) {
    this.#conn = conn;
  }

  /**
   * Reads the head of the next request.
   *
   * @returns The method, target and headers, or `undefined` when the peer closed the connection
   * between requests.
   */
  async readHead(): Promise<Omit<Http1Request, "body"> | undefined> {
    let end = _indexOf(this.#buffer, _CRLF2);
    while (end < 0) {
      if (!(await this.#fill())) {
        if (this.#buffer.length === 0) return undefined;
        throw new Error("the connection closed in the middle of a request head");
      }
      end = _indexOf(this.#buffer, _CRLF2);
    }
    const lines = _decoder.decode(this.#take(end + 4)).split("\r\n");
    const [method, target] = lines[0]!.split(" ");
    const headers = new Headers();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    return { method: method!, target: target!, headers };
  }

  /**
   * Reads the body that follows a head.
   *
   * @param headers The head's headers.
   * @returns The body bytes.
   */
  async readBody(headers: Headers): Promise<Uint8Array> {
    if (/chunked/i.test(headers.get("transfer-encoding") ?? "")) return await this.#readChunked();
    return await this.#readExactly(Number(headers.get("content-length") ?? 0));
  }

  async #readChunked(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for (;;) {
      const size = parseInt(_decoder.decode(await this.#readLine()), 16);
      if (!(size >= 0)) throw new Error("a malformed chunk size");
      const chunk = await this.#readExactly(size);
      await this.#readLine();
      if (size === 0) break;
      parts.push(chunk);
    }
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return out;
  }

  async #readLine(): Promise<Uint8Array> {
    let end = _indexOf(this.#buffer, [13, 10]);
    while (end < 0) {
      if (!(await this.#fill())) throw new Error("the connection closed inside a chunked body");
      end = _indexOf(this.#buffer, [13, 10]);
    }
    return this.#take(end + 2).subarray(0, end);
  }

  async #readExactly(n: number): Promise<Uint8Array> {
    while (this.#buffer.length < n) {
      if (!(await this.#fill())) throw new Error("the connection closed inside a request body");
    }
    return this.#take(n);
  }

  #take(n: number): Uint8Array {
    const out = this.#buffer.slice(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.#conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(this.#buffer.length + n);
    next.set(this.#buffer);
    next.set(chunk.subarray(0, n), this.#buffer.length);
    this.#buffer = next;
    return true;
  }
}

/**
 * Writes one response. `Content-Length` is the body's length, except for an answer to HEAD, which
 * keeps the given header (the object's size) and sends no body.
 *
 * @param conn The connection.
 * @param response Status, headers and body.
 * @param head Whether the request was a HEAD.
 */
export async function writeResponse(
  conn: Deno.Conn,
  response: { status: number; statusText?: string; headers: Headers; body: Uint8Array },
  head: boolean,
): Promise<void> {
  const lines = [`HTTP/1.1 ${response.status} ${response.statusText || "Status"}`];
  for (const [name, value] of response.headers) {
    if (_HOP.has(name) || (name === "content-length" && !head)) continue;
    lines.push(`${name}: ${value}`);
  }
  if (!head) lines.push(`content-length: ${response.body.length}`);
  const bytes = _encoder.encode(lines.join("\r\n") + "\r\n\r\n");
  await _writeAll(conn, head ? bytes : _concat(bytes, response.body));
}

/** Headers that belong to one connection, not to the message. */
const _HOP = new Set(["connection", "keep-alive", "transfer-encoding", "date"]);

async function _writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

function _concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function _indexOf(haystack: Uint8Array, needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
