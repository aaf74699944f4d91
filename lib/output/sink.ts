/**
 * Byte sinks for output writers, with a text buffer so formatters append strings cheaply.
 *
 * @module
 */

/** Where output bytes go: stdout, a file, memory. */
export interface Sink {
  /** Writes all of the bytes. */
  write(bytes: Uint8Array): Promise<void>;
}

const _encoder = new TextEncoder();

/**
 * Collects text and hands it to a sink in chunks of about 64 KiB.
 *
 * @example Buffer text into memory
 * ```ts
 * import { TextBuffer } from "./sink.ts";
 * import assert from "node:assert/strict";
 * const chunks: Uint8Array[] = [];
 * const out = new TextBuffer({ write: (b) => Promise.resolve(void chunks.push(b)) });
 * out.append("a,b\n");
 * await out.flush();
 * assert.equal(new TextDecoder().decode(chunks[0]), "a,b\n");
 * ```
 */
export class TextBuffer {
  readonly #sink: Sink;
  #parts: string[] = [];
  #length = 0;

  /** @param sink The destination. */
  constructor(sink: Sink) {
    this.#sink = sink;
  }

  /** Appends text; returns `true` when the buffer is full and should be flushed. */
  append(text: string): boolean {
    this.#parts.push(text);
    this.#length += text.length;
    return this.#length >= 65_536;
  }

  /** Writes the buffered text to the sink. */
  async flush(): Promise<void> {
    if (this.#length === 0) return;
    const text = this.#parts.join("");
    this.#parts = [];
    this.#length = 0;
    await this.#sink.write(_encoder.encode(text));
  }
}

/**
 * Collects output bytes in a preallocated buffer (formatters write ASCII byte by byte, without
 * building strings) and hands them to a sink in chunks of about 1 MiB.
 *
 * @example Buffer bytes into memory
 * ```ts
 * import { ByteBuffer } from "./sink.ts";
 * import assert from "node:assert/strict";
 * const chunks: Uint8Array[] = [];
 * const out = new ByteBuffer({ write: (b) => Promise.resolve(void chunks.push(b)) });
 * out.text("é,");
 * out.ensure(1);
 * out.bytes[out.at++] = 0x0a;
 * await out.flush();
 * assert.equal(new TextDecoder().decode(chunks[0]), "é,\n");
 * ```
 */
export class ByteBuffer {
  readonly #sink: Sink;
  /** The buffer; write at `at` after {@linkcode ByteBuffer.ensure}. */
  bytes: Uint8Array = new Uint8Array(_CHUNK + 4096);
  /** Bytes written so far. */
  at = 0;

  /** @param sink The destination. */
  constructor(sink: Sink) {
    this.#sink = sink;
  }

  /** Whether the buffer holds a chunk's worth and should be flushed. */
  get full(): boolean {
    return this.at >= _CHUNK;
  }

  /** Makes room for `n` more bytes at `at`. */
  ensure(n: number): void {
    if (this.at + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.at + n));
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
  }

  /** Appends text as UTF-8. */
  text(text: string): void {
    const n = text.length;
    this.ensure(n * 3);
    const bytes = this.bytes;
    let at = this.at;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        at += _encoder.encodeInto(text.substring(i), bytes.subarray(at)).written;
        break;
      }
      bytes[at++] = c;
    }
    this.at = at;
  }

  /** Hands the buffered bytes to the sink (in a fresh buffer, so the sink may keep them). */
  async flush(): Promise<void> {
    if (this.at === 0) return;
    const chunk = this.bytes.subarray(0, this.at);
    this.bytes = new Uint8Array(this.bytes.length);
    this.at = 0;
    await this.#sink.write(chunk);
  }
}

const _CHUNK = 1 << 20;
