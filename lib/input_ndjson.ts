/**
 * NDJSON input of the write path: one JSON object per line, `{ "key", "event_time", <columns>,
 * "_deleted"? }`. Int values beyond 2^53 are read exactly from the JSON text.
 *
 * @module
 */

import { AzofError } from "./errors.ts";
import { floatOutOfRange, inputError, rowFromObject, type WriteRow } from "./row.ts";
import type { Schema } from "./schema.ts";

/**
 * Parses and validates NDJSON rows against a schema, streaming line by line. Blank lines are skipped.
 *
 * @param input The NDJSON bytes, in pieces (a `ReadableStream` or any async iterable).
 * @param schema The table schema.
 * @returns The rows, in input order.
 * @throws {AzofError} `InputInvalid` naming the line (and column) of the first bad row.
 *
 * @example Parse one row
 * ```ts
 * import { ndjsonRows } from "./input_ndjson.ts";
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
): AsyncGenerator<WriteRow> {
  let line = 0;
  let rest = "";
  const exact = schema.columns.some((c) => c.type === "Int");
  const decoder = new TextDecoder();
  for await (const chunk of input) {
    const text = decoder.decode(chunk, { stream: true });
    const lines = (rest + text).split("\n");
    rest = lines.pop()!;
    for (const l of lines) {
      line++;
      if (l.trim() !== "") yield _row(l, schema, line, exact);
    }
  }
  rest += decoder.decode();
  line++;
  if (rest.trim() !== "") yield _row(rest, schema, line, exact);
}

function _row(text: string, schema: Schema, line: number, exact: boolean): WriteRow {
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
  return rowFromObject(json as Record<string, unknown>, schema, where);
}

function _exactInts(value: unknown, context?: { source?: string }) {
  if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source) {
    if (/^-?\d+$/.test(context.source)) return BigInt(context.source);
  }
  return value;
}
