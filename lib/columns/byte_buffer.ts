/**
 * A growing byte buffer: what the Parquet encoders write pages and footers into.
 *
 * @module
 */

/** Bytes `[0, length)` of `data`, grown (doubling) as writes need; `view` reads and writes numbers. */
export class ByteBuffer {
  /** The storage; only `[0, length)` is written. */
  data: Uint8Array;
  /** A view of `data` for multi-byte numbers. */
  view: DataView;
  /** How many bytes are written. */
  length = 0;

  /**
   * An empty buffer.
   *
   * @param size The initial capacity in bytes.
   *
   * @example Write a varint and read the bytes back
   * ```ts
   * import { ByteBuffer } from "./byte_buffer.ts";
   * import assert from "node:assert/strict";
   * const buffer = new ByteBuffer(1);
   * buffer.varint(300);
   * assert.deepEqual([...buffer.bytes()], [0xac, 0x02]);
   * ```
   */
  constructor(size: number) {
    this.data = new Uint8Array(size);
    this.view = new DataView(this.data.buffer);
  }

  /** Forgets what was written, keeping the capacity. */
  reset(): void {
    this.length = 0;
  }

  /** @returns The written bytes (a view, valid until the next write or reset). */
  bytes(): Uint8Array {
    return this.data.subarray(0, this.length);
  }

  /** @param extra Bytes about to be written: grows the buffer so that they fit. */
  ensure(extra: number): void {
    if (this.length + extra <= this.data.length) return;
    const grown = new Uint8Array(Math.max(this.data.length * 2, this.length + extra));
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
    this.view = new DataView(grown.buffer);
  }

  /**
   * @param size Bytes to set aside.
   * @returns Where they start; the caller fills them through `data` or `view`.
   */
  reserve(size: number): number {
    this.ensure(size);
    this.length += size;
    return this.length - size;
  }

  /** @param b One byte. */
  byte(b: number): void {
    this.ensure(1);
    this.data[this.length++] = b;
  }

  /** @param n A whole number from 0, as an unsigned LEB128 varint. */
  varint(n: number): void {
    this.ensure(8);
    while (n > 127) {
      this.data[this.length++] = (n & 127) | 128;
      n = Math.floor(n / 128);
    }
    this.data[this.length++] = n;
  }

  /** @param bytes Bytes copied to the end. */
  append(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.data.set(bytes, this.length);
    this.length += bytes.length;
  }
}
