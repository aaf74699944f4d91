/**
 * NDJSON input of the write path: one JSON object per line, `{ "key", "event_time", <columns>,
 * "_deleted"? }`. Int values beyond 2^53 are read exactly from the JSON text.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { floatOutOfRange, inputError, rowFromObject, valueFromJson, type WriteRow } from "./row.ts";
import { type Column, type ColumnType, EVENT_TIME, type Schema } from "../format/schema.ts";
import { checkLineLengths, MAX_RECORD_BYTES, tooLong } from "./record_limit.ts";
import { invalidUtf8At, invalidUtf8Text, strictDecoder } from "./utf8.ts";

/** Options of {@linkcode ndjsonRows}. */
export interface NdjsonOptions {
  /**
   * Convert JSON types as `writeRows` does for row objects: digit strings to Int, strings to Float
   * and Boolean, millisecond numbers to instants. Without it such a field is refused.
   */
  readonly coerce?: boolean | undefined;
  /** The most bytes one line may hold (default and documented limit: 16 MiB). */
  readonly maxLineBytes?: number | undefined;
}

/**
 * Parses and validates NDJSON rows against a schema, streaming line by line. Blank lines are skipped;
 * a UTF-8 byte order mark at the start is skipped; invalid UTF-8 and a line longer than
 * {@linkcode NdjsonOptions.maxLineBytes} are refused.
 *
 * @param input The NDJSON bytes, in pieces (a `ReadableStream` or any async iterable).
 * @param schema The table schema.
 * @param options Whether to convert JSON types ({@linkcode NdjsonOptions.coerce}).
 * @returns The rows, in input order.
 * @throws {AzofError} `InputInvalid` naming the line (and column) of the first bad row.
 *
 * @example Parse one row
 * ```ts
 * import { ndjsonRows } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const text = '{"key":"a","event_time":"2024-01-01","n":1234567890123456789}\n';
 * const schema = { columns: [{ name: "n", type: "Int" as const, nullable: false }] };
 * const rows = await Array.fromAsync(ndjsonRows(ReadableStream.from([new TextEncoder().encode(text)]), schema));
 * assert.equal(rows[0]?.values[0], 1234567890123456789n);
 * ```
 */
export async function* ndjsonRows(
  input: AsyncIterable<Uint8Array>,
  schema: Schema,
  options: NdjsonOptions = {},
): AsyncGenerator<WriteRow> {
  const limit = options.maxLineBytes ?? MAX_RECORD_BYTES;
  const exact = schema.columns.some((c) => c.type === "Int");
  let line = 0;
  // The pieces of the line not yet ended, joined once its line break arrives.
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  for await (const chunk of input) {
    const lf = chunk.lastIndexOf(10);
    if (lf < 0) {
      held.push(chunk);
      heldBytes += chunk.length;
      if (heldBytes > limit) tooLong(`line ${line + 1}`, "line", limit);
      continue;
    }
    const buf = _join(held, heldBytes, chunk.subarray(0, lf + 1));
    held = [chunk.slice(lf + 1)];
    heldBytes = chunk.length - lf - 1;
    checkLineLengths(buf, line + 1, limit);
    const lines = _decode(buf, line).split("\n");
    lines.pop();
    for (const l of lines) {
      line++;
      if (l.trim() !== "") yield _row(l, schema, line, exact, options);
    }
  }
  const tail = _join(held, heldBytes, new Uint8Array(0));
  checkLineLengths(tail, line + 1, limit);
  const last = _decode(tail, line);
  line++;
  if (last.trim() !== "") yield _row(last, schema, line, exact, options);
}

/** Joins held pieces and a last one. */
function _join(held: Uint8Array[], heldBytes: number, last: Uint8Array): Uint8Array {
  if (heldBytes === 0) return last;
  const out = new Uint8Array(heldBytes + last.length);
  let at = 0;
  for (const piece of [...held, last]) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/**
 * Decodes whole lines after `line` lines, skipping a byte order mark at the start of the input;
 * fails at invalid UTF-8 naming its line and byte.
 */
function _decode(b: Uint8Array, line: number): string {
  const from = line === 0 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  try {
    return strictDecoder.decode(b.subarray(from));
  } catch {
    const at = Math.max(from, invalidUtf8At(b, from, b.length));
    let lines = 0;
    for (let i = b.indexOf(10, from); i >= 0 && i < at; i = b.indexOf(10, i + 1)) lines++;
    const start = b.lastIndexOf(10, at) + 1;
    inputError(`line ${line + lines + 1}`, `byte ${at - start + 1}: ${invalidUtf8Text(b, at)}`);
  }
}

function _row(
  text: string,
  schema: Schema,
  line: number,
  exact: boolean,
  options: NdjsonOptions,
): WriteRow {
  const where = `line ${line}`;
  let json: unknown;
  try {
    json = JSON.parse(text, function (key, value, context?: { source?: string }) {
      if (typeof value === "number" && !Number.isFinite(value)) {
        floatOutOfRange(where, key, context?.source ?? String(value));
      }
      return exact ? _exactInts(value, context) : value;
    });
  } catch (error) {
    if (error instanceof AzofError) throw error;
    inputError(where, `malformed JSON: ${(error as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    inputError(
      where,
      `expected a JSON object, found ${
        Array.isArray(json) ? "an array" : text.trim().slice(0, 40)
      }`,
    );
  }
  if (!options.coerce) _checkTypes(json as Record<string, unknown>, schema, where);
  return rowFromObject(json as Record<string, unknown>, schema, where);
}

/** Refuses a JSON type that only coercion would read: `"1"` as an Int, a number as an instant. */
function _checkTypes(object: Record<string, unknown>, schema: Schema, where: string): void {
  const check = (column: Column, value: unknown) => {
    if (value === undefined || value === null) return;
    const { name, type } = column;
    const json = typeof value === "bigint" ? "number" : typeof value;
    const ok = type === "Int" || type === "Float"
      ? json === "number" || (type === "Float" && _NON_FINITE.includes(value as string))
      : json === (type === "Boolean" ? "boolean" : "string");
    if (!ok) {
      valueFromJson(value, column, where); // a value no coercion reads fails as it always did
      const found = typeof value === "bigint" ? `${value}` : JSON.stringify(value);
      inputError(
        where,
        `column "${name}": expected ${_EXPECTED[type]}, found ${found} (--coerce converts it)`,
      );
    }
  };
  check(_EVENT_TIME, object[EVENT_TIME]);
  for (const c of schema.columns) check(c, object[c.name]);
}

const _EVENT_TIME: Column = { name: EVENT_TIME, type: "DateTime", nullable: false };
const _NON_FINITE = ["Infinity", "-Infinity", "NaN"];
const _EXPECTED: Record<ColumnType, string> = {
  String: "a JSON string",
  Int: "a JSON number",
  Float: 'a JSON number (or "Infinity", "-Infinity", "NaN")',
  Boolean: "true or false",
  DateTime: "a timestamp as a JSON string",
};

function _exactInts(value: unknown, context?: { source?: string }) {
  if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source) {
    if (/^-?\d+$/.test(context.source)) return BigInt(context.source);
  }
  return value;
}
