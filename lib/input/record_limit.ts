/**
 * The upper bound on one input line or record (docs/SPEC.md §9.6): past it, CSV and NDJSON input
 * is refused at once, so that one endless line neither fills memory nor takes minutes.
 *
 * @module
 */

import { inputError } from "./row.ts";

/** The most bytes one CSV or NDJSON line may hold, and one CSV record (which may span lines). */
export const MAX_RECORD_BYTES: number = 16 * 1024 * 1024;

/**
 * Fails when a line of `b` (the text between line breaks, the last one possibly unterminated) holds
 * more than `limit` bytes. Cheap for pieces no larger than the limit, which cannot hold such a line.
 *
 * @param b The bytes, starting at the start of a line.
 * @param firstLine The number of that line.
 * @param limit The bound in bytes.
 * @throws {AzofError} `InputInvalid` naming the line and the limit.
 *
 * @example A line over a small limit
 * ```ts
 * import { checkLineLengths } from "./record_limit.ts";
 * import assert from "node:assert/strict";
 * const b = new TextEncoder().encode("ab\nabcdef\n");
 * checkLineLengths(b, 1, 6);
 * assert.throws(() => checkLineLengths(b, 1, 5), /line 2, the line is longer than 5 bytes/);
 * ```
 */
export function checkLineLengths(b: Uint8Array, firstLine: number, limit: number): void {
  if (b.length <= limit) return;
  let line = firstLine;
  let from = 0;
  for (;;) {
    const lf = b.indexOf(10, from);
    const end = lf < 0 ? b.length : lf;
    if (end - from > limit) tooLong(`line ${line}`, "line", limit);
    if (lf < 0) return;
    from = lf + 1;
    line++;
  }
}

/**
 * Fails for a line or record past the limit.
 *
 * @param where The line, e.g. `line 3`.
 * @param what `line` or `record`.
 * @param limit The bound in bytes.
 * @throws {AzofError} `InputInvalid`, always.
 */
export function tooLong(where: string, what: string, limit: number): never {
  inputError(where, `the ${what} is longer than ${_size(limit)} (the limit of one ${what})`);
}

function _size(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}
