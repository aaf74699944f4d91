/**
 * The bytes of one data page (v1) as azof's encoder writes it: the definition levels (length
 * prefixed, RLE/bit-packed hybrid of bit width 1) and the `PLAIN` values of rows `[from, to)` of a
 * typed column.
 *
 * @module
 */

import type { TypedColumn } from "../columns/column_buffer.ts";
import { ByteBuffer } from "../columns/byte_buffer.ts";

const _TWO32 = 4294967296;

/** A growing page buffer with the writes a page needs. */
export class PageBuffer extends ByteBuffer {
  /**
   * Definition levels of rows `[from, to)` (1 present, 0 null), length-prefixed as data page v1
   * has them: runs of 8 or more equal levels as RLE runs, the rest as bit-packed groups of 8.
   *
   * @returns The number of nulls.
   */
  levels(mask: Uint8Array | undefined, from: number, to: number): number {
    let nulls = 0;
    if (mask) { for (let i = from; i < to; i++) nulls += mask[i]!; }
    const at = this.reserve(4);
    const n = to - from;
    if (nulls === 0) {
      this.varint(n * 2);
      this.byte(1);
    } else this.#hybrid(mask!, from, n);
    this.view.setUint32(at, this.length - at - 4, true);
    return nulls;
  }

  #hybrid(mask: Uint8Array, from: number, n: number): void {
    const level = (i: number) => i < n ? 1 - mask[from + i]! : 0;
    let i = 0;
    let packStart = 0;
    let groups = 0;
    while (i < n) {
      let run = 1;
      while (i + run < n && mask[from + i + run] === mask[from + i]) run++;
      if (run >= 8) {
        if (groups > 0) this.#packed(level, packStart, groups);
        groups = 0;
        this.varint(run * 2);
        this.byte(level(i));
        i += run;
      } else {
        if (groups === 0) packStart = i;
        groups++;
        i += 8;
      }
    }
    if (groups > 0) this.#packed(level, packStart, groups);
  }

  #packed(level: (i: number) => number, start: number, groups: number): void {
    this.varint(groups * 2 + 1);
    this.ensure(groups);
    for (let g = 0; g < groups; g++) {
      let byte = 0;
      for (let k = 0; k < 8; k++) byte |= level(start + g * 8 + k) << k;
      this.data[this.length++] = byte;
    }
  }

  /** The `PLAIN` values of rows `[from, to)` not masked as null. */
  plain(column: TypedColumn, from: number, to: number, mask: Uint8Array | undefined): void {
    switch (column.type) {
      case "String":
        return this.#strings(column, from, to, mask);
      case "DateTime":
        return this.#ms(column.data as Float64Array, from, to, mask);
      case "Boolean":
        return this.#bits(column.data as Uint8Array, from, to, mask);
      default:
        return this.#words(column.data as Float64Array | BigInt64Array, from, to, mask);
    }
  }

  #strings(column: TypedColumn, from: number, to: number, mask: Uint8Array | undefined): void {
    const bytes = column.data as Uint8Array;
    const starts = column.starts!;
    const lengths = column.lengths!;
    let total = 4 * (to - from);
    for (let i = from; i < to; i++) total += lengths[i]!;
    this.ensure(total);
    const out = this.data;
    let p = this.length;
    for (let i = from; i < to; i++) {
      if (mask?.[i]) continue;
      const n = lengths[i]!;
      out[p] = n;
      out[p + 1] = n >>> 8;
      out[p + 2] = n >>> 16;
      out[p + 3] = n >>> 24;
      p += 4;
      const start = starts[i]!;
      if (n > 64) out.set(bytes.subarray(start, start + n), p);
      else for (let k = 0; k < n; k++) out[p + k] = bytes[start + k]!;
      p += n;
    }
    this.length = p;
  }

  /** Integral numbers of ms as int64, without a bigint. */
  #ms(data: Float64Array, from: number, to: number, mask: Uint8Array | undefined): void {
    this.ensure(8 * (to - from));
    const view = this.view;
    for (let i = from; i < to; i++) {
      if (mask?.[i]) continue;
      const v = data[i]!;
      const hi = Math.floor(v / _TWO32);
      view.setUint32(this.length, v - hi * _TWO32, true);
      view.setInt32(this.length + 4, hi, true);
      this.length += 8;
    }
  }

  /** 8-byte values (int64 or double), copied as they are (little-endian). */
  #words(
    data: Float64Array | BigInt64Array,
    from: number,
    to: number,
    mask: Uint8Array | undefined,
  ): void {
    const bytes = new Uint8Array(data.buffer, data.byteOffset + from * 8, (to - from) * 8);
    if (!mask) return this.append(bytes);
    this.ensure(bytes.length);
    const out = this.data;
    let p = this.length;
    for (let i = from; i < to; i++) {
      if (mask[i]) continue;
      for (let k = (i - from) * 8, end = k + 8; k < end; k++) out[p++] = bytes[k]!;
    }
    this.length = p;
  }

  #bits(data: Uint8Array, from: number, to: number, mask: Uint8Array | undefined): void {
    this.ensure((to - from) / 8 + 1);
    let byte = 0;
    let k = 0;
    for (let i = from; i < to; i++) {
      if (mask?.[i]) continue;
      byte |= (data[i]! ? 1 : 0) << k;
      if (++k === 8) {
        this.data[this.length++] = byte;
        byte = 0;
        k = 0;
      }
    }
    if (k > 0) this.data[this.length++] = byte;
  }
}
