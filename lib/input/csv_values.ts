/**
 * Fast paths of the CSV reader: the common forms of Int, Float and instant fields converted where
 * they lie in the input text, without cutting a string out of it. Each returns `undefined` for any
 * other form, and the caller then takes the general path (`valueFromText` in `row.ts`), which gives
 * the same value or the error; so these never decide that a field is bad.
 *
 * @module
 */

import { tryParseInstant } from "../format/time.ts";

const _POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * An Int field (optional sign, digits, no spaces) whose value is a safe integer (below 2^53), as a
 * number, exact.
 *
 * @param s The text.
 * @param from Where the field starts.
 * @param to Where it ends (exclusive).
 * @returns The value, or `undefined` for any other form.
 *
 * @example Read an Int field
 * ```ts
 * import { intAt } from "./csv_values.ts";
 * import assert from "node:assert/strict";
 * assert.equal(intAt("a,-42,b", 2, 5), -42);
 * assert.equal(intAt("12345678901234567", 0, 17), undefined);
 * ```
 */
export function intAt(s: string, from: number, to: number): number | undefined {
  let i = from;
  const sign = s.charCodeAt(i);
  if (sign === 45 || sign === 43) i++;
  if (i === to || to - i > 16) return undefined;
  let n = 0;
  for (; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  // Every partial value is below the last, so all were exact when the last is safe.
  if (n > Number.MAX_SAFE_INTEGER) return undefined;
  return sign === 45 ? -n : n;
}

/**
 * A Float field `[sign]digits[.digits]` of at most 15 digits, as the correctly rounded double that
 * `Number()` gives (an exact integer divided by an exact power of ten rounds once).
 *
 * @param s The text.
 * @param from Where the field starts.
 * @param to Where it ends (exclusive).
 * @returns The value, or `undefined` for any other form (exponents, more digits, spaces).
 *
 * @example Read a Float field
 * ```ts
 * import { floatAt } from "./csv_values.ts";
 * import assert from "node:assert/strict";
 * assert.equal(floatAt("-3959.75", 0, 8), -3959.75);
 * assert.equal(floatAt("1e3", 0, 3), undefined);
 * ```
 */
export function floatAt(s: string, from: number, to: number): number | undefined {
  let i = from;
  const sign = s.charCodeAt(i);
  if (sign === 45 || sign === 43) i++;
  let n = 0;
  let digits = 0;
  let point = -1;
  for (; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && point < 0) {
      point = i;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
    digits++;
  }
  if (digits === 0 || digits > 15) return undefined;
  const v = point < 0 ? n : n / _POW10[to - point - 1]!;
  return sign === 45 ? -v : v;
}

let _dayPrefix = "";
let _dayMs = 0;

/**
 * An instant in azof's own form `YYYY-MM-DDTHH:mm:ss.sssZ`: the time of day by arithmetic, the
 * date by `tryParseInstant` once per run of fields on one day.
 *
 * @param s The text.
 * @param from Where the field starts.
 * @param to Where it ends (exclusive).
 * @returns Milliseconds since the epoch, or `undefined` for any other form.
 *
 * @example Read an instant field
 * ```ts
 * import { instantAt } from "./csv_values.ts";
 * import assert from "node:assert/strict";
 * assert.equal(instantAt("k,2024-05-01T10:00:00.250Z", 2, 26), Date.UTC(2024, 4, 1, 10, 0, 0, 250));
 * ```
 */
export function instantAt(s: string, from: number, to: number): number | undefined {
  if (
    to - from !== 24 || s.charCodeAt(from + 10) !== 84 || s.charCodeAt(from + 13) !== 58 ||
    s.charCodeAt(from + 16) !== 58 || s.charCodeAt(from + 19) !== 46 ||
    s.charCodeAt(from + 23) !== 90
  ) return undefined;
  const h = _digits(s, from + 11, from + 13);
  const m = _digits(s, from + 14, from + 16);
  const sec = _digits(s, from + 17, from + 19);
  const f = _digits(s, from + 20, from + 23);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59 || f < 0) return undefined;
  if (_dayPrefix === "" || !s.startsWith(_dayPrefix, from)) {
    const day = tryParseInstant(s.slice(from, from + 10));
    if (day === undefined) return undefined;
    _dayPrefix = s.slice(from, from + 11);
    _dayMs = day;
  }
  return _dayMs + ((h * 60 + m) * 60 + sec) * 1000 + f;
}

function _digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * {@linkcode intAt} over ASCII bytes (the CSV reader's split on bytes).
 *
 * @param b The bytes.
 * @param from Where the field starts.
 * @param to Where it ends (exclusive).
 * @returns The value, or `undefined` for any other form.
 *
 * @example Read an Int field from bytes
 * ```ts
 * import { intBytesAt } from "./csv_values.ts";
 * import assert from "node:assert/strict";
 * assert.equal(intBytesAt(new TextEncoder().encode("a,-42,b"), 2, 5), -42);
 * ```
 */
export function intBytesAt(b: Uint8Array, from: number, to: number): number | undefined {
  let i = from;
  const sign = b[i]!;
  if (sign === 45 || sign === 43) i++;
  if (i === to || to - i > 16) return undefined;
  let n = 0;
  for (; i < to; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  if (n > Number.MAX_SAFE_INTEGER) return undefined;
  return sign === 45 ? -n : n;
}

/**
 * {@linkcode floatAt} over ASCII bytes.
 *
 * @param b The bytes.
 * @param from Where the field starts.
 * @param to Where it ends (exclusive).
 * @returns The value, or `undefined` for any other form.
 *
 * @example Read a Float field from bytes
 * ```ts
 * import { floatBytesAt } from "./csv_values.ts";
 * import assert from "node:assert/strict";
 * assert.equal(floatBytesAt(new TextEncoder().encode("-3959.75"), 0, 8), -3959.75);
 * ```
 */
export function floatBytesAt(b: Uint8Array, from: number, to: number): number | undefined {
  let i = from;
  const sign = b[i]!;
  if (sign === 45 || sign === 43) i++;
  let n = 0;
  let digits = 0;
  let point = -1;
  for (; i < to; i++) {
    const c = b[i]!;
    if (c === 46 && point < 0) {
      point = i;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
    digits++;
  }
  if (digits === 0 || digits > 15) return undefined;
  const v = point < 0 ? n : n / _POW10[to - point - 1]!;
  return sign === 45 ? -v : v;
}

const _dayBytes = new Uint8Array(10);
let _dayBytesMs = NaN;

/**
 * {@linkcode instantAt} over ASCII bytes.
 *
 * @param b The bytes.
 * @param from Where the field starts.
 * @param to Where it ends (exclusive).
 * @returns Milliseconds since the epoch, or `undefined` for any other form.
 *
 * @example Read an instant field from bytes
 * ```ts
 * import { instantBytesAt } from "./csv_values.ts";
 * import assert from "node:assert/strict";
 * const b = new TextEncoder().encode("2024-05-01T10:00:00.250Z");
 * assert.equal(instantBytesAt(b, 0, 24), Date.UTC(2024, 4, 1, 10, 0, 0, 250));
 * ```
 */
export function instantBytesAt(b: Uint8Array, from: number, to: number): number | undefined {
  if (
    to - from !== 24 || b[from + 10] !== 84 || b[from + 13] !== 58 || b[from + 16] !== 58 ||
    b[from + 19] !== 46 || b[from + 23] !== 90
  ) return undefined;
  const h = _byteDigits(b, from + 11, from + 13);
  const m = _byteDigits(b, from + 14, from + 16);
  const sec = _byteDigits(b, from + 17, from + 19);
  const f = _byteDigits(b, from + 20, from + 23);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 59 || f < 0) return undefined;
  let same = _dayBytesMs === _dayBytesMs;
  for (let i = 0; i < 10 && same; i++) same = b[from + i] === _dayBytes[i];
  if (!same) {
    const day = tryParseInstant(String.fromCharCode(...b.subarray(from, from + 10)));
    if (day === undefined) return undefined;
    _dayBytes.set(b.subarray(from, from + 10));
    _dayBytesMs = day;
  }
  return _dayBytesMs + ((h * 60 + m) * 60 + sec) * 1000 + f;
}

function _byteDigits(b: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
