/**
 * A file as the decoding worker sees it (lib/parquet/decode_worker.ts): the pieces of it the calling
 * thread sent (a footer, the column chunks of the row group being decoded), and for any other range
 * a request back to the calling thread.
 *
 * @module
 */

import type { AsyncBuffer } from "npm:hyparquet@1.31.5";

/** Bytes of a file from `start` on. */
export interface Piece {
  /** Where they start in the file. */
  readonly start: number;
  /** The bytes. */
  readonly bytes: ArrayBuffer;
}

/** Bytes asked for besides the pieces sent are kept up to this many (footers, page indexes). */
const _KEEP_BYTES = 8 * 1024 * 1024;

/**
 * The bytes of a file made of the pieces sent, asking for those it lacks.
 *
 * @example Serve a range from a piece
 * ```ts
 * import { PieceBuffer } from "./piece_buffer.ts";
 * import assert from "node:assert/strict";
 * const file = new PieceBuffer(100, () => Promise.reject(new Error("not sent")));
 * file.add([{ start: 10, bytes: new Uint8Array([1, 2, 3, 4]).buffer }]);
 * assert.deepEqual([...new Uint8Array(await file.slice(11, 13))], [2, 3]);
 * ```
 */
export class PieceBuffer implements AsyncBuffer {
  /** The file's size. */
  readonly byteLength: number;
  readonly #ask: (start: number, end: number) => Promise<ArrayBuffer>;
  #pieces: Piece[] = [];
  #kept = 0;

  /**
   * @param size The file's size.
   * @param ask Fetches a range no piece holds.
   */
  constructor(size: number, ask: (start: number, end: number) => Promise<ArrayBuffer>) {
    this.byteLength = size;
    this.#ask = ask;
  }

  /**
   * Adds pieces until they are removed.
   *
   * @param pieces The pieces.
   * @returns The same pieces, to pass to {@linkcode PieceBuffer.remove}.
   */
  add(pieces: readonly Piece[]): readonly Piece[] {
    this.#pieces.push(...pieces);
    return pieces;
  }

  /**
   * Adds pieces for good (within a budget of 8 MiB, beyond which they serve only until removed).
   *
   * @param pieces The pieces.
   */
  keep(pieces: readonly Piece[]): void {
    for (const piece of pieces) {
      if (this.#kept + piece.bytes.byteLength > _KEEP_BYTES) continue;
      this.#kept += piece.bytes.byteLength;
      this.#pieces.push(piece);
    }
  }

  /**
   * Removes pieces added by {@linkcode PieceBuffer.add}.
   *
   * @param pieces The pieces.
   */
  remove(pieces: readonly Piece[]): void {
    const gone = new Set(pieces);
    this.#pieces = this.#pieces.filter((p) => !gone.has(p));
  }

  /**
   * Bytes `[start, end)`: from the pieces when they cover the range, otherwise asked for (and kept
   * when the budget allows).
   *
   * @param start The first byte.
   * @param end After the last byte; the end of the file by default.
   * @returns The bytes (a piece's own buffer when the range is exactly that piece).
   */
  slice(start: number, end: number = this.byteLength): Promise<ArrayBuffer> {
    const exact = this.#pieces.find((p) => p.start === start && p.bytes.byteLength === end - start);
    if (exact) return Promise.resolve(exact.bytes);
    const covered = this.#covered(start, end);
    if (covered) return Promise.resolve(covered);
    return this.#ask(start, end).then((bytes) => {
      this.keep([{ start, bytes }]);
      return bytes;
    });
  }

  /** The range copied out of the pieces, or `undefined` when they leave a gap in it. */
  #covered(start: number, end: number): ArrayBuffer | undefined {
    const parts = this.#pieces.filter((p) => p.start < end && p.start + p.bytes.byteLength > start)
      .sort((a, b) => a.start - b.start);
    const out = new Uint8Array(end - start);
    let at = start;
    for (const p of parts) {
      if (p.start > at) return undefined;
      const from = at - p.start;
      const to = Math.min(end, p.start + p.bytes.byteLength) - p.start;
      if (to > from) out.set(new Uint8Array(p.bytes, from, to - from), at - start);
      at = Math.max(at, p.start + to);
    }
    return at >= end ? out.buffer : undefined;
  }
}
