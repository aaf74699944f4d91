/**
 * Parquet's RLE / bit-packed hybrid encoding (definition levels, dictionary indices) decoded
 * straight into a typed array: no JS array of numbers per page, and bit-packed runs unpacked from a
 * 32-bit window of the bytes instead of bit by bit. Widths 0 to 32.
 *
 * @module
 */

/** Where the values go: bytes for levels, 32-bit integers for dictionary indices. */
export type HybridOutput = Uint8Array | Int32Array | Uint32Array;

/**
 * Decodes `count` values of the hybrid encoding (runs until `count` values are out; the values a
 * last bit-packed run holds past them are dropped, as the format pads it to 8 values).
 *
 * @example A run of five 1s, then eight values bit-packed with width 1
 * ```ts
 * import { readHybrid } from "./hybrid.ts";
 * import assert from "node:assert/strict";
 * const out = new Uint8Array(13);
 * const end = readHybrid(new Uint8Array([5 << 1, 1, 0b11, 0b01010101]), 0, 4, 1, out);
 * assert.deepEqual([...out], [1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 0]);
 * assert.equal(end, 4);
 * ```
 *
 * @param bytes The encoded bytes.
 * @param start Where the first run's header is.
 * @param end Where the encoded bytes end (exclusive).
 * @param width The bit width of a value, 0 to 32.
 * @param out Receives the values; its length is the number of values to read.
 * @returns The offset after the last run read.
 * @throws {Error} When the runs end before `out` is full.
 */
export function readHybrid(
  bytes: Uint8Array,
  start: number,
  end: number,
  width: number,
  out: HybridOutput,
): number {
  const count = out.length;
  if (width < 0 || width > 32) throw new RangeError(`bit width ${width} is not 0 to 32`);
  let at = start;
  let seen = 0;
  while (seen < count) {
    if (at >= end) {
      throw new Error(`parquet RLE/bit-packed data ends after ${seen} of ${count} values`);
    }
    let header = 0;
    let shift = 0;
    let byte: number;
    do {
      if (at >= end) throw new Error("parquet RLE/bit-packed run header runs past its data");
      byte = bytes[at++]!;
      header += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    if (header % 2 === 1) {
      const values = (header - 1) / 2 * 8;
      const take = Math.min(values, count - seen);
      const need = Math.ceil(take * width / 8);
      if (at + need > end) throw new Error("parquet bit-packed run runs past its data");
      _unpack(bytes, at, width, out, seen, take);
      at += values / 8 * width;
      seen += take;
    } else {
      const run = Math.min(header / 2, count - seen);
      let value = 0;
      for (let b = 0, scale = 1; b < (width + 7) >> 3; b++, scale *= 256) {
        if (at >= end) throw new Error("parquet RLE run runs past its data");
        value += bytes[at++]! * scale;
      }
      out.fill(value, seen, seen + run);
      seen += run;
    }
  }
  return at;
}

/** Unpacks `take` values of `width` bits, least significant bit first, from `bytes[at..]`. */
function _unpack(
  bytes: Uint8Array,
  at: number,
  width: number,
  out: HybridOutput,
  from: number,
  take: number,
): void {
  if (width === 0) {
    out.fill(0, from, from + take);
    return;
  }
  const mask = width === 32 ? -1 : (1 << width) - 1;
  // Values whose 5-byte window lies inside the bytes are read without bounds checks.
  const safe = Math.max(0, Math.min(take, Math.floor(((bytes.length - at - 5) * 8) / width)));
  let i = 0;
  for (; i < safe; i++) {
    const bit = i * width;
    const b = at + (bit >>> 3);
    const shift = bit & 7;
    let v = (bytes[b]! | bytes[b + 1]! << 8 | bytes[b + 2]! << 16 | bytes[b + 3]! << 24) >>> shift;
    if (shift + width > 32) v |= bytes[b + 4]! << (32 - shift);
    out[from + i] = v & mask;
  }
  for (; i < take; i++) {
    const bit = i * width;
    const b = at + (bit >>> 3);
    const shift = bit & 7;
    let v = 0;
    for (let k = 0; k < 4; k++) v |= (bytes[b + k] ?? 0) << (k << 3);
    v >>>= shift;
    if (shift + width > 32) v |= (bytes[b + 4] ?? 0) << (32 - shift);
    out[from + i] = v & mask;
  }
}
