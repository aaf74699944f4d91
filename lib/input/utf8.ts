/**
 * Strict UTF-8 for input: text is decoded with a fatal decoder, and where that fails, the first
 * invalid byte is found so that the error can name its line and column (docs/SPEC.md §9.6).
 *
 * @module
 */

/** A decoder that throws on invalid UTF-8 and keeps a byte order mark (the readers skip it). */
export const strictDecoder: TextDecoder = new TextDecoder("utf-8", {
  fatal: true,
  ignoreBOM: true,
});

/**
 * Where the first invalid UTF-8 sequence in `b[from, to)` starts (a sequence cut off by `to` is
 * invalid): a byte that cannot start a character, a missing continuation byte, an overlong form, a
 * surrogate or a code point past U+10FFFF, as `TextDecoder` with `fatal: true` rejects them.
 *
 * @param b The bytes.
 * @param from Where to start.
 * @param to Where to stop (exclusive).
 * @returns The offset of the first invalid sequence, or -1 when all are valid.
 *
 * @example Find an invalid byte
 * ```ts
 * import { invalidUtf8At } from "./utf8.ts";
 * import assert from "node:assert/strict";
 * const b = new Uint8Array([0x61, 0xc3, 0xa9, 0xff, 0x62]);
 * assert.equal(invalidUtf8At(b, 0, b.length), 3);
 * assert.equal(invalidUtf8At(b, 0, 3), -1);
 * ```
 */
export function invalidUtf8At(b: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = _length(c);
    if (n === 0 || i + n > to) return i;
    const [low, high] = _secondRange(c);
    const c1 = b[i + 1]!;
    if (c1 < low || c1 > high) return i;
    for (let k = 2; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += n;
  }
  return -1;
}

/**
 * Names an invalid byte for a message.
 *
 * @param b The bytes.
 * @param at Where the invalid sequence starts.
 * @returns E.g. `invalid UTF-8 (byte 0xff)`.
 *
 * @example Name a byte
 * ```ts
 * import { invalidUtf8Text } from "./utf8.ts";
 * import assert from "node:assert/strict";
 * assert.equal(invalidUtf8Text(new Uint8Array([0xff]), 0), "invalid UTF-8 (byte 0xff)");
 * ```
 */
export function invalidUtf8Text(b: Uint8Array, at: number): string {
  const byte = b[at] ?? 0;
  return `invalid UTF-8 (byte 0x${byte.toString(16).padStart(2, "0")})`;
}

function _length(c: number): number {
  if (c >= 0xc2 && c <= 0xdf) return 2;
  if (c >= 0xe0 && c <= 0xef) return 3;
  if (c >= 0xf0 && c <= 0xf4) return 4;
  return 0;
}

/** The range of the second byte (RFC 3629 §4): excludes overlongs, surrogates and > U+10FFFF. */
function _secondRange(c: number): [number, number] {
  if (c === 0xe0) return [0xa0, 0xbf];
  if (c === 0xed) return [0x80, 0x9f];
  if (c === 0xf0) return [0x90, 0xbf];
  if (c === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}
