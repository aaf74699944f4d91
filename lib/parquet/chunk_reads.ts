/**
 * Reading column chunks straight from the store for the decoding worker: adjacent chunks in one
 * request (as the ranged reader merges them), the bytes not kept in the file's cache, since they
 * are moved to the worker and not read again here.
 *
 * @module
 */

import type { ChunkRange } from "./page_crc.ts";
import type { Piece } from "./piece_buffer.ts";

/** Chunks at most this far apart are read in one request. */
const _GAP = 64 * 1024;

/**
 * Reads the byte ranges, adjacent ones together.
 *
 * @param read Reads bytes `[start, end)` of the file from the store.
 * @param ranges The column chunks.
 * @returns The runs of bytes read, each in a buffer of its own.
 *
 * @example Two adjacent chunks in one read
 * ```ts
 * import { readChunks } from "./chunk_reads.ts";
 * import assert from "node:assert/strict";
 * const file = new Uint8Array(100).map((_, i) => i);
 * const asked: number[][] = [];
 * const read = (start: number, end: number) => {
 *   asked.push([start, end]);
 *   return Promise.resolve(file.slice(start, end));
 * };
 * const ranges = [{ rowGroup: 0, column: "a", start: 10, end: 20 }, { rowGroup: 0, column: "b", start: 20, end: 30 }];
 * const pieces = await readChunks(read, ranges);
 * assert.deepEqual(asked, [[10, 30]]);
 * assert.equal(pieces[0]!.bytes.byteLength, 20);
 * ```
 */
export async function readChunks(
  read: (start: number, end: number) => Promise<Uint8Array>,
  ranges: readonly ChunkRange[],
): Promise<Piece[]> {
  const runs: { start: number; end: number }[] = [];
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    const last = runs.at(-1);
    if (last && r.start - last.end <= _GAP) last.end = Math.max(last.end, r.end);
    else if (r.end > r.start) runs.push({ start: r.start, end: r.end });
  }
  return await Promise.all(runs.map(async ({ start, end }) => {
    const bytes = await read(start, end);
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    return { start, bytes: (own ? bytes : bytes.slice()).buffer as ArrayBuffer };
  }));
}
