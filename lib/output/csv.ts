/**
 * CSV output: a header row, RFC 4180 quoting, `\n` line ends, null as an empty field and the empty
 * string as `""`. Fields are written as bytes straight into the output buffer.
 *
 * @module
 */

import type { BatchColumn, RowBatch } from "../read/batch.ts";
import type { ColumnData, Utf8Data } from "../columns/column_data.ts";
import type { Sink } from "./sink.ts";
import { ByteBuffer } from "./sink.ts";
import { CsvWorker } from "./csv_worker_client.ts";
import type { Value } from "../format/schema.ts";
import type { ColumnType } from "../format/schema.ts";
import { formatInstant } from "../format/time.ts";

const _NEEDS_QUOTES = /[",\n\r]/;

/**
 * Quotes a CSV field when it holds a comma, quote, CR or LF (doubling quotes), or is empty.
 *
 * @param text The field text.
 * @returns The field as written.
 */
export function csvField(text: string): string {
  if (text === "") return '""';
  return _NEEDS_QUOTES.test(text) || !_plainEnds(text) && text.trim() !== text
    ? `"${text.replaceAll('"', '""')}"`
    : text;
}

/** Whether both ends are printable ASCII other than space, so `trim()` cannot change the text. */
function _plainEnds(text: string): boolean {
  const a = text.charCodeAt(0);
  const b = text.charCodeAt(text.length - 1);
  return a > 32 && a < 127 && b > 32 && b < 127;
}

type _Field = (out: ByteBuffer, value: Exclude<Value, null>) => void;

/** How a non-null value of each type is written as a CSV field. */
function _fieldOf(type: ColumnType): _Field {
  switch (type) {
    case "String":
      return (out, v) => _string(out, v as string);
    case "DateTime":
      return _instant;
    case "Int":
      return _int;
    case "Float":
      return _float;
    default:
      return (out, v) => out.text(String(v));
  }
}

/** Writes an Int's exact digits; below 2^53 without making a string. */
function _int(out: ByteBuffer, value: Exclude<Value, null>): void {
  const n = Number(value);
  if (Number.isSafeInteger(n)) _integer(out, n, 0, 0);
  else out.text(String(value));
}

/**
 * Writes a Float as `String()` does (the shortest text that reads back to the same number). A value
 * that is a whole number of hundredths below 2^46 is written digit by digit: there the hundredths'
 * decimal, with trailing zeros dropped, is that shortest text, since the spacing of doubles (at most
 * 2^-7) is too fine for a decimal with fewer digits to round to the same value. Negative zero is
 * `-0`, so that it reads back as itself.
 */
function _float(out: ByteBuffer, value: Exclude<Value, null>): void {
  const v = value as number;
  if (v === 0 && Object.is(v, -0)) return out.text("-0");
  if (Math.abs(v) < 7e13) {
    const hundredths = Math.round(v * 100);
    if (hundredths / 100 === v) {
      const abs = Math.abs(hundredths);
      const cents = abs % 100;
      const sign = v < 0 ? 1 : 0;
      if (cents === 0) return _integer(out, (abs - cents) / 100, sign, 0);
      return _integer(out, (abs - cents) / 100, sign, cents % 10 === 0 ? cents / 10 + 100 : cents);
    }
  }
  out.text(String(v));
}

/**
 * Writes `-` when `sign` is 1, the digits of the non-negative safe integer `whole`, then a fraction:
 * none for 0, one digit `f - 100` for 100..109, two digits for 1..99.
 */
function _integer(out: ByteBuffer, whole: number, sign: number, fraction: number): void {
  out.ensure(20);
  const bytes = out.bytes;
  let at = out.at;
  if (whole < 0) {
    whole = -whole;
    sign = 1;
  }
  if (sign) bytes[at++] = 0x2d;
  // Below 2^53 there are at most two runs of 8 digits below 1e8, so the digit loop runs on int32.
  const high = Math.floor(whole / 1e8);
  const low = whole - high * 1e8;
  if (high > 0) at = _digits(bytes, at, high, _width(high), 0) - 1;
  at = _digits(bytes, at, low, high > 0 ? 8 : _width(low), 0x2e);
  if (fraction === 0) at--;
  else if (fraction >= 100) bytes[at++] = 0x30 + fraction - 100;
  else at = _digits(bytes, at, fraction, 2, 0) - 1;
  out.at = at;
}

/** Writes a string field; printable ASCII without quote, comma or line breaks is copied as is. */
function _string(out: ByteBuffer, text: string): void {
  const n = text.length;
  out.ensure(n + 2);
  const bytes = out.bytes;
  const at = out.at;
  const first = text.charCodeAt(0);
  const last = text.charCodeAt(n - 1);
  if (n > 0 && first > 32 && first < 127 && last > 32 && last < 127) {
    let i = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80 || c === 34 || c === 44 || c === 10 || c === 13) break;
      bytes[at + i] = c;
    }
    if (i === n) {
      out.at = at + n;
      return;
    }
  }
  out.text(csvField(text));
}

/**
 * Writes a DateTime field as `YYYY-MM-DDTHH:mm:ss.sssZ`, digit by digit (the civil date from the day
 * number by H. Hinnant's `civil_from_days`); years outside 0000–9999 and non-integers go through
 * {@linkcode formatInstant}.
 */
function _instant(out: ByteBuffer, value: Exclude<Value, null>): void {
  const ms = value as number;
  const days = Math.floor(ms / 86_400_000);
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (!Number.isInteger(ms) || year < 0 || year > 9999) return out.text(formatInstant(ms));
  out.ensure(24);
  const bytes = out.bytes;
  let at = _digits(bytes, out.at, year, 4, 0x2d);
  at = _digits(bytes, at, month, 2, 0x2d);
  at = _digits(bytes, at, doy - Math.floor((153 * mp + 2) / 5) + 1, 2, 0x54);
  const t = ms - days * 86_400_000;
  at = _digits(bytes, at, Math.floor(t / 3_600_000), 2, 0x3a);
  at = _digits(bytes, at, Math.floor(t / 60_000) % 60, 2, 0x3a);
  at = _digits(bytes, at, Math.floor(t / 1000) % 60, 2, 0x2e);
  out.at = _digits(bytes, at, t % 1000, 3, 0x5a);
}

/** The number of decimal digits of `value`, 0 <= value < 1e8. */
function _width(value: number): number {
  let width = 1;
  for (let p = 10; p <= value; p *= 10) width++;
  return width;
}

/** The ASCII digits of 0 to 99, two bytes each. */
const _PAIRS = Uint8Array.from(
  { length: 200 },
  (_, i) => 0x30 + (i % 2 ? (i >> 1) % 10 : (i >> 1) / 10 | 0),
);

/**
 * Writes `value` (0 <= value < 2^31) as `width` zero-padded digits followed by the byte `then`;
 * int32 arithmetic (`% 10` on doubles would be a slow fmod call), two digits per division.
 */
function _digits(
  bytes: Uint8Array,
  at: number,
  value: number,
  width: number,
  then: number,
): number {
  let v = value | 0;
  let i = width - 1;
  for (; i > 0; i -= 2) {
    const q = (v / 100) | 0;
    const pair = (v - q * 100) << 1;
    bytes[at + i] = _PAIRS[pair + 1]!;
    bytes[at + i - 1] = _PAIRS[pair]!;
    v = q;
  }
  if (i === 0) bytes[at] = 0x30 + v - ((v / 10) | 0) * 10;
  bytes[at + width] = then;
  return at + width + 1;
}

/** Writes row `r` of a column's values. */
type _Writer = (out: ByteBuffer, r: number) => void;

function _valueWriter(values: readonly Value[], field: _Field): _Writer {
  return (out, r) => {
    const value = values[r] ?? null;
    if (value !== null) field(out, value);
  };
}

/** Writes row `r` of an Int, Float, DateTime or Boolean column from its typed array. */
function _typedWriter(data: Exclude<ColumnData, Utf8Data>, field: _Field): _Writer {
  if (data.kind === "i64" && field === _int) return _int64Writer(data.values, data.nulls);
  const { values, nulls } = data;
  const bool = data.kind === "bool";
  return (out, r) => {
    if (nulls?.[r] !== 1) field(out, bool ? values[r] === 1 : values[r]!);
  };
}

/**
 * Writes row `r` of an Int column from its two 32-bit halves (little-endian, as on every platform
 * Deno runs on), without making a `bigint` (reading a `BigInt64Array` element makes one on the
 * heap); beyond 2^53 through the `bigint`, as before.
 */
function _int64Writer(values: BigInt64Array, nulls: Uint8Array | undefined): _Writer {
  const halves = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  return (out, r) => {
    if (nulls?.[r] === 1) return;
    const n = halves[2 * r + 1]! * 4_294_967_296 + (halves[2 * r]! >>> 0);
    if (Number.isSafeInteger(n)) _integer(out, n, 0, 0);
    else out.text(String(values[r]));
  };
}

const _decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * Writes row `r` of a string column from its UTF-8 bytes: printable ASCII without quote, comma or
 * line breaks is copied as is (what {@linkcode _string} does for a string); anything else goes
 * through the string, as before.
 */
function _bytesWriter(column: Utf8Data): _Writer {
  const { offsets, bytes, nulls } = column;
  return (out, r) => {
    if (nulls?.[r] === 1) return;
    const start = offsets[r]!;
    const n = offsets[r + 1]! - start;
    out.ensure(n + 2);
    const target = out.bytes;
    const at = out.at;
    const first = bytes[start]!;
    const last = bytes[start + n - 1]!;
    if (n > 0 && first > 32 && first < 127 && last > 32 && last < 127) {
      let i = 0;
      for (; i < n; i++) {
        const c = bytes[start + i]!;
        if (c >= 0x80 || c === 34 || c === 44 || c === 10 || c === 13) break;
        target[at + i] = c;
      }
      if (i === n) {
        out.at = at + n;
        return;
      }
    }
    out.text(csvField(_decoder.decode(bytes.subarray(start, start + n))));
  };
}

/** What a CSV batch needs of a column: its type, and its typed arrays or else its values. */
export type CsvColumn = Pick<BatchColumn, "type" | "data"> & { readonly values?: readonly Value[] };

/**
 * Appends the rows of a batch as CSV lines, flushing the buffer whenever it is full.
 *
 * @param out The buffer.
 * @param batch The rows (columns with typed arrays are written from them).
 */
export async function writeCsvBatch(
  out: ByteBuffer,
  batch: { readonly rows: number; readonly columns: readonly CsvColumn[] },
): Promise<void> {
  const writers = batch.columns.map((c) => {
    const field = _fieldOf(c.type);
    return c.data?.kind === "utf8"
      ? _bytesWriter(c.data)
      : c.data
      ? _typedWriter(c.data, field)
      : _valueWriter(c.values ?? [], field);
  });
  for (let r = 0; r < batch.rows; r++) {
    for (let c = 0; c < writers.length; c++) {
      if (c > 0) {
        out.ensure(1);
        out.bytes[out.at++] = 0x2c;
      }
      writers[c]!(out, r);
    }
    out.ensure(1);
    out.bytes[out.at++] = 0x0a;
    if (out.full) await out.flush();
  }
}

/** Options of {@linkcode writeCsv}. */
export interface CsvOptions {
  /** Whether to format on a worker from the second batch on; by default `AZOF_CSV_WORKER=1`. */
  readonly worker?: boolean | undefined;
  /** The worker's module (tests); lib/output/csv_worker.ts by default. */
  readonly workerUrl?: URL | undefined;
}

/**
 * Writes batches as CSV. With `AZOF_CSV_WORKER=1`, the lines from the second batch on are formatted
 * on a worker (lib/output/csv_worker_client.ts) while this thread produces the next batches (where
 * the worker's module is there: not in a single-file bundle); the bytes are the same either way.
 *
 * @param names Column names for the header.
 * @param batches The rows.
 * @param sink The destination.
 * @param options Whether to format on a worker.
 * @returns The number of rows written.
 */
export async function writeCsv(
  names: readonly string[],
  batches: AsyncIterable<RowBatch>,
  sink: Sink,
  options: CsvOptions = {},
): Promise<number> {
  const out = new ByteBuffer(sink);
  out.text(names.map(csvField).join(",") + "\n");
  let rows = 0;
  // Started (or found unavailable: null) once a second batch comes: a small answer never pays for it.
  let worker: CsvWorker | null | undefined;
  try {
    for await (const batch of batches) {
      if (rows > 0 && worker === undefined) {
        await out.flush();
        worker = CsvWorker.start(sink, options.workerUrl, options.worker) ?? null;
      }
      if (worker) await worker.send(batch);
      else await writeCsvBatch(out, batch);
      rows += batch.rows;
    }
    if (worker) await worker.end();
    else await out.flush();
    return rows;
  } finally {
    worker?.terminate();
  }
}
