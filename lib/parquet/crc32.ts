/**
 * CRC-32 (the IEEE polynomial, as zlib computes it) for the read path. node:zlib's native CRC is
 * many times faster, but importing node:zlib adds about 40 ms to a process's start-up, which a
 * small scan (footers, a few small pages, or files without page CRCs) never earns back: so small
 * inputs are checked here in JS, and the native one is loaded only when large pages need it.
 *
 * @module
 */

const _TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/**
 * The CRC-32 of some bytes, in JS.
 *
 * @example The check value of the CRC-32 catalogue
 * ```ts
 * import { crc32 } from "./crc32.ts";
 * console.log(crc32(new TextEncoder().encode("123456789")).toString(16)); // "cbf43926"
 * ```
 *
 * @param bytes The bytes.
 * @returns The CRC as an unsigned 32-bit number.
 */
export function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = _TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Pages of at least this many bytes in all are checked with node:zlib's CRC. */
export const NATIVE_CRC_BYTES = 256 * 1024;

let _native: Promise<(bytes: Uint8Array) => number> | undefined;

/**
 * node:zlib's CRC-32, imported on first use.
 *
 * @returns The function (unsigned results, like {@linkcode crc32}).
 */
export function nativeCrc32(): Promise<(bytes: Uint8Array) => number> {
  _native ??= import("node:zlib").then((zlib) => (bytes: Uint8Array) => zlib.crc32(bytes) >>> 0);
  return _native;
}
