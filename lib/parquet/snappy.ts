/**
 * A Snappy compressor (the raw format Parquet's `SNAPPY` codec uses), a port of the reference
 * algorithm: the input in blocks of 64 KiB, each with its own hash table of 4-byte sequences, literals
 * and copies written straight into one reused output buffer. hyparquet-writer's compressor does the
 * same matching but grows its output from 1 KiB and makes a view per literal, which cost the write
 * path more than encoding the values.
 *
 * @module
 */

const _BLOCK = 1 << 16;
const _MAX_TABLE_BITS = 14;
const _MARGIN = 15;

let _out = new Uint8Array(1 << 16);
const _table = new Uint16Array(1 << _MAX_TABLE_BITS);

/**
 * Compresses bytes. The result is a view of a buffer the next call reuses: copy it (or write it
 * out) before compressing again.
 *
 * @param input The bytes.
 * @returns The compressed bytes (valid until the next call).
 *
 * @example Compress and uncompress
 * ```ts
 * import { snappyCompress } from "./snappy.ts";
 * import { snappyUncompress } from "npm:hyparquet@1.31.5";
 * import assert from "node:assert/strict";
 * const input = new TextEncoder().encode("abcabcabcabcabcabcabcabc-xyz");
 * const compressed = snappyCompress(input).slice();
 * assert.ok(compressed.length < input.length);
 * const back = new Uint8Array(input.length);
 * snappyUncompress(compressed, back);
 * assert.deepEqual(back, input);
 * ```
 */
export function snappyCompress(input: Uint8Array): Uint8Array {
  const n = input.length;
  const bound = 32 + n + Math.ceil(n / 6);
  if (_out.length < bound) _out = new Uint8Array(Math.max(bound, _out.length * 2));
  const out = _out;
  let op = 0;
  for (let v = n;; v = Math.floor(v / 128)) {
    if (v < 128) {
      out[op++] = v;
      break;
    }
    out[op++] = (v & 127) | 128;
  }
  const view = new DataView(input.buffer, input.byteOffset, n);
  for (let start = 0; start < n; start += _BLOCK) {
    op = _fragment(input, view, start, Math.min(start + _BLOCK, n), out, op);
  }
  return out.subarray(0, op);
}

/**
 * Compresses `src[start, end)` (at most 64 KiB) into `out` at `op`; returns the new `op`. `view`
 * views `src` and reads its 4-byte sequences (one load each, where four byte reads cost a third more
 * of the compressor's time).
 */
function _fragment(
  src: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  out: Uint8Array,
  op: number,
) {
  let bits = 8;
  while (bits < _MAX_TABLE_BITS && 1 << bits < end - start) bits++;
  const shift = 32 - bits;
  const table = _table;
  table.fill(0, 0, 1 << bits);
  let nextEmit = start;
  if (end - start >= _MARGIN) {
    const limit = end - _MARGIN;
    let ip = start + 1;
    let nextHash = Math.imul(view.getInt32(ip, true), 0x1e35a7bd) >>> shift;
    outer: for (;;) {
      let skip = 32;
      let nextIp = ip;
      let candidate = 0;
      do {
        ip = nextIp;
        const hash = nextHash;
        nextIp = ip + (skip++ >>> 5);
        if (nextIp > limit) break outer;
        nextHash = Math.imul(view.getInt32(nextIp, true), 0x1e35a7bd) >>> shift;
        candidate = start + table[hash]!;
        table[hash] = ip - start;
      } while (view.getInt32(ip, true) !== view.getInt32(candidate, true));
      op = _literal(out, op, src, nextEmit, ip - nextEmit);
      let current = 0;
      do {
        const base = ip;
        let matched = 4;
        while (ip + matched < end && src[ip + matched] === src[candidate + matched]) matched++;
        ip += matched;
        op = _copy(out, op, base - candidate, matched);
        nextEmit = ip;
        if (ip >= limit) break outer;
        table[Math.imul(view.getInt32(ip - 1, true), 0x1e35a7bd) >>> shift] = ip - 1 - start;
        current = view.getInt32(ip, true);
        const hash = Math.imul(current, 0x1e35a7bd) >>> shift;
        candidate = start + table[hash]!;
        table[hash] = ip - start;
      } while (current === view.getInt32(candidate, true));
      nextHash = Math.imul(view.getInt32(++ip, true), 0x1e35a7bd) >>> shift;
    }
  }
  if (nextEmit < end) op = _literal(out, op, src, nextEmit, end - nextEmit);
  return op;
}

function _literal(out: Uint8Array, op: number, src: Uint8Array, from: number, len: number) {
  const n = len - 1;
  if (n < 60) out[op++] = n << 2;
  else if (n < 256) {
    out[op++] = 60 << 2;
    out[op++] = n;
  } else {
    out[op++] = 61 << 2;
    out[op++] = n & 255;
    out[op++] = n >>> 8;
  }
  if (len < 16) {
    for (let i = 0; i < len; i++) out[op + i] = src[from + i]!;
  } else out.set(src.subarray(from, from + len), op);
  return op + len;
}

function _copy(out: Uint8Array, op: number, offset: number, len: number): number {
  while (len >= 68) {
    op = _shortCopy(out, op, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    op = _shortCopy(out, op, offset, 60);
    len -= 60;
  }
  return _shortCopy(out, op, offset, len);
}

function _shortCopy(out: Uint8Array, op: number, offset: number, len: number): number {
  if (len < 12 && offset < 2048) {
    out[op++] = 1 + ((len - 4) << 2) + ((offset >>> 8) << 5);
    out[op++] = offset & 255;
  } else {
    out[op++] = 2 + ((len - 1) << 2);
    out[op++] = offset & 255;
    out[op++] = offset >>> 8;
  }
  return op;
}
