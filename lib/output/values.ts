/**
 * Turning decoded values into text: the one place that decides how Int, Float, Boolean and DateTime
 * values print in CSV, tables and JSON.
 *
 * @module
 */

import type { Value } from "../format/schema.ts";
import type { ColumnType } from "../format/schema.ts";
import { formatInstant } from "../format/time.ts";

/**
 * Formats a Float in the shortest form that reads back to the same number: `-0` for negative zero
 * (which `String()` writes as `0`), `NaN`, `Infinity`, `-Infinity` for the specials.
 *
 * @param value The number.
 * @returns The text.
 *
 * @example Negative zero keeps its sign
 * ```ts
 * import { floatText } from "./values.ts";
 * import assert from "node:assert/strict";
 * assert.equal(floatText(-0), "-0");
 * assert.equal(floatText(-Infinity), "-Infinity");
 * ```
 */
export function floatText(value: number): string {
  return Object.is(value, -0) ? "-0" : String(value);
}

/**
 * Formats a non-null value as text: Int as exact decimal digits, Float as {@linkcode floatText}
 * does, Boolean as
 * `true`/`false`, DateTime as `YYYY-MM-DDTHH:mm:ss.sssZ`.
 *
 * @param value The value (not null).
 * @param type The column type.
 * @returns The text.
 */
export function valueText(value: Exclude<Value, null>, type: ColumnType): string {
  if (type === "DateTime") return formatInstant(value as number);
  if (type === "Float") return floatText(value as number);
  return String(value);
}

/**
 * Formats a value as a JSON literal: strings quoted, Int as exact digits (not rounded through a
 * float), Float as a number (`-0` for negative zero) or, for NaN and the infinities, which JSON
 * numbers cannot hold, the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (which azof's NDJSON input
 * reads back as those Floats), DateTime as a quoted RFC 3339 string.
 *
 * @param value The value.
 * @param type The column type.
 * @returns JSON text.
 */
export function valueJson(value: Value, type: ColumnType): string {
  if (value === null) return "null";
  switch (type) {
    case "String":
      return JSON.stringify(value);
    case "DateTime":
      return `"${formatInstant(value as number)}"`;
    case "Float":
      return Number.isFinite(value) ? floatText(value as number) : `"${value}"`;
    default:
      return String(value);
  }
}
