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
 * Formats a non-null value as text: Int as exact decimal digits, Float in the shortest form that
 * reads back to the same number (`NaN`, `Infinity`, `-Infinity` for the specials), Boolean as
 * `true`/`false`, DateTime as `YYYY-MM-DDTHH:mm:ss.sssZ`.
 *
 * @param value The value (not null).
 * @param type The column type.
 * @returns The text.
 */
export function valueText(value: Exclude<Value, null>, type: ColumnType): string {
  if (type === "DateTime") return formatInstant(value as number);
  return String(value);
}

/**
 * Formats a value as a JSON literal: strings quoted, Int as exact digits (not rounded through a
 * float), Float as a number (`null` for NaN and infinities, which JSON cannot hold), DateTime as a
 * quoted RFC 3339 string.
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
      return Number.isFinite(value) ? String(value) : "null";
    default:
      return String(value);
  }
}
