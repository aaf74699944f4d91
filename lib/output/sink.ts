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
