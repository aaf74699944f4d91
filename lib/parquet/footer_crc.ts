/**
 * The footer checksum of azof's Parquet files (docs/SPEC.md section 5): the footer's
 * `key_value_metadata` holds `azof.footer_crc32`, eight lowercase hex digits of the CRC-32 of the
 * footer's Thrift bytes as they are with those eight digits written as `00000000`. Readers that
 * do not know the key ignore it; azof checks it when present, and requires it in files whose
 * `created_by` names azof 0.3 or later (so one flipped byte in the key cannot hide it).
 *
 * @module
 */

import { crc32 } from "./crc32.ts";
import { corrupt } from "./page_crc.ts";

/** The footer key of the checksum. */
export const FOOTER_CRC_KEY = "azof.footer_crc32";

/** The placeholder the checksum is computed over. */
export const FOOTER_CRC_PLACEHOLDER = "00000000";

const _KEY = new TextEncoder().encode(FOOTER_CRC_KEY);
const _CREATED_BY = new TextEncoder().encode("azof version ");
/** The Thrift compact bytes between the key and the value: field 2 (binary), length 8. */
const _VALUE_HEAD = [0x18, 8];

/**
 * Writes the checksum into a footer just written with the placeholder value.
 *
 * @param footer The footer's Thrift bytes, changed in place.
 */
export function sealFooter(footer: Uint8Array): void {
  const at = _valueAt(footer);
  if (at < 0) throw new RangeError("the footer has no azof.footer_crc32 placeholder");
  footer.set(new TextEncoder().encode(_hex(crc32(footer))), at);
}

/**
 * Checks a file's footer checksum.
 *
 * @param tail The file's last bytes, holding at least the footer, its length and the magic.
 * @param file The file name, for messages.
 * @throws {AzofError} `DataCorrupt` when the checksum does not match, or is missing from a footer
 * that names azof 0.3 or later as its writer.
 */
export function verifyFooter(tail: Uint8Array, file: string): void {
  const n = tail.length;
  const length = new DataView(tail.buffer, tail.byteOffset + n - 8, 4).getUint32(0, true);
  if (length + 8 > n) return;
  const footer = tail.slice(n - 8 - length, n - 8);
  const at = _valueAt(footer);
  if (at < 0) {
    if (_indexOf(footer, _CREATED_BY, 0) >= 0) {
      throw corrupt(file, "footer checksum is missing");
    }
    return;
  }
  const stored = new TextDecoder().decode(footer.subarray(at, at + 8));
  footer.set(new TextEncoder().encode(FOOTER_CRC_PLACEHOLDER), at);
  if (_hex(crc32(footer)) !== stored) throw corrupt(file, "footer checksum mismatch");
}

/**
 * A CRC-32 as azof's footer values write it.
 *
 * @param bytes The bytes.
 * @returns Eight lowercase hex digits.
 */
export function hexCrc32(bytes: Uint8Array): string {
  return _hex(crc32(bytes));
}

function _hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

/** Where the 8 checksum digits start in the footer bytes, or -1. */
function _valueAt(footer: Uint8Array): number {
  const k = _indexOf(footer, _KEY, 0);
  if (k < 0) return -1;
  const at = k + _KEY.length;
  if (footer[at] !== _VALUE_HEAD[0] || footer[at + 1] !== _VALUE_HEAD[1]) return -1;
  return at + 2 + 8 <= footer.length ? at + 2 : -1;
}

function _indexOf(bytes: Uint8Array, pattern: Uint8Array, from: number): number {
  outer: for (let i = from; i + pattern.length <= bytes.length; i++) {
    for (let k = 0; k < pattern.length; k++) if (bytes[i + k] !== pattern[k]) continue outer;
    return i;
  }
  return -1;
}
