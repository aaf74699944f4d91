/**
 * Input rows of the write path: converting text (CSV fields) and JSON values to typed values, and
 * checking them against the table schema, with messages naming the line and column.
 *
 * @module
 */

import type { Value } from "../format/schema.ts";
import { instantAt } from "./csv_values.ts";
import { AzofError } from "../errors.ts";
import { type Column, DELETED, EVENT_TIME, KEY, type Schema } from "../format/schema.ts";
import { INSTANT_FORMS, tryParseInstant } from "../format/time.ts";

/** A validated row ready to be routed: values in schema order. */
export interface WriteRow {
  /** The key (non-empty). */
  readonly key: string;
  /** The event time, ms since the epoch. */
  readonly eventTime: number;
  /** Values of the schema columns, in schema order. */
  readonly values: readonly Value[];
  /** Whether the row deletes its key at `eventTime`. */
  readonly deleted: boolean;
}

/** Where an input value came from, for messages: `line 17` or `row 3`. */
export type Where = string;

/**
 * Raises the error of a bad input value.
 *
 * @param where `line 17`, `row 3` or `header line 1`.
 * @param message What was expected and found.
 * @returns Never returns.
 */
export function inputError(where: Where, message: string): never {
  throw new AzofError("InputInvalid", `Cannot write: ${where}, ${message}`);
}

const _INT = /^[+-]?\d{1,19}$/;
const _FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?Infinity$|^NaN$/;

/**
 * Converts one CSV field (or any text) to the value of a column type. `null` stands for a missing
 * value (an unquoted empty CSV field).
 *
 * @param text The field text, or `null`.
 * @param column The column.
 * @param where The line, for messages.
 * @returns The value.
 * @throws {AzofError} `InputInvalid` naming the line and column.
 *
 * @example Convert an Int field
 * ```ts
 * import { valueFromText } from "./row.ts";
 * import assert from "node:assert/strict";
 * assert.equal(valueFromText("42", { name: "n", type: "Int", nullable: false }, "line 2"), 42n);
 * ```
 */
export function valueFromText(text: string | null, column: Column, where: Where): Value {
  if (text === null || (text === "" && column.type !== "String")) {
    if (column.nullable) return null;
    return inputError(where, `column "${column.name}": a value is required (not nullable)`);
  }
  switch (column.type) {
    case "String":
      return text;
    case "Int": {
      const t = text.trim();
      const n = _INT.test(t) ? BigInt(t) : undefined;
      if (n === undefined || n > 9223372036854775807n || n < -9223372036854775808n) {
        return _wrongType(where, column, "an Int (64-bit whole number)", text);
      }
      return n;
    }
    case "Float": {
      const t = text.trim();
      if (!_FLOAT.test(t)) return _wrongType(where, column, "a Float", text);
      const n = Number(t);
      if (!Number.isFinite(n) && !/[IN]/.test(t)) return floatOutOfRange(where, column.name, t);
      return n;
    }
    case "Boolean": {
      const t = text.trim().toLowerCase();
      if (t === "true" || t === "1") return true;
      if (t === "false" || t === "0") return false;
      return _wrongType(where, column, "a Boolean (true or false)", text);
    }
    case "DateTime":
      return instantFromText(text, where, `column "${column.name}"`);
  }
}

/**
 * Parses an instant in the forms `--as-of` takes.
 *
 * @param text The text.
 * @param where The line, for messages.
 * @param what The column, for messages.
 * @returns Milliseconds since the epoch.
 */
export function instantFromText(text: string, where: Where, what: string): number {
  const ms = instantAt(text, 0, text.length) ?? tryParseInstant(text.trim());
  if (ms === undefined || ms < -62167219200000 || ms > 253402300799999) {
    return inputError(
      where,
      `${what}: expected a timestamp (${INSTANT_FORMS}) in years 0000-9999, found ${
        JSON.stringify(text)
      }`,
    );
  }
  return ms;
}

/**
 * Converts one JSON value (from NDJSON or a row object) to the value of a column type. Int accepts
 * whole JSON numbers, `bigint` and digit strings; DateTime accepts strings, ms numbers and `Date`.
 *
 * @param value The value (`undefined` and `null` are missing).
 * @param column The column.
 * @param where The line or row, for messages.
 * @returns The value.
 * @throws {AzofError} `InputInvalid` naming the line and column.
 */
export function valueFromJson(value: unknown, column: Column, where: Where): Value {
  if (value === undefined || value === null) return valueFromText(null, column, where);
  if (typeof value === "string") {
    return column.type === "String" ? value : valueFromText(value, column, where);
  }
  switch (column.type) {
    case "Int":
      if (typeof value === "bigint") return valueFromText(String(value), column, where);
      if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
      break;
    case "Float":
      if (typeof value === "number") return value;
      break;
    case "Boolean":
      if (typeof value === "boolean") return value;
      break;
    case "DateTime": {
      const ms = value instanceof Date ? value.getTime() : value;
      if (typeof ms === "number" && Number.isSafeInteger(ms)) return ms;
      break;
    }
  }
  return _wrongType(where, column, `a${column.type === "Int" ? "n" : ""} ${column.type}`, value);
}

/**
 * Fails for a number too large for a Float (`1e400`), which would otherwise read as `Infinity`.
 *
 * @param where The line, for messages.
 * @param column The column name.
 * @param text The number as written.
 * @throws {AzofError} `InputInvalid`.
 */
export function floatOutOfRange(where: Where, column: string, text: string): never {
  return inputError(
    where,
    `column "${column}": ${text} is out of range of a Float (64-bit, at most about 1.8e308)`,
  );
}

function _wrongType(where: Where, column: Column, expected: string, found: unknown): never {
  const text = typeof found === "bigint" ? `${found}` : JSON.stringify(found) ?? String(found);
  return inputError(where, `column "${column.name}": expected ${expected}, found ${text}`);
}

/**
 * Validates a row given as an object `{ key, event_time, <columns>, _deleted? }`. Missing nullable
 * columns are null; unknown fields are refused.
 *
 * @param object The row.
 * @param schema The table schema.
 * @param where The line or row, for messages.
 * @returns The row.
 * @throws {AzofError} `InputInvalid` for an unknown or missing column, a wrong type, an empty key.
 *
 * @example Validate a row object
 * ```ts
 * import { rowFromObject } from "./row.ts";
 * import assert from "node:assert/strict";
 * const schema = { columns: [{ name: "price", type: "Float" as const, nullable: true }] };
 * const row = rowFromObject({ key: "a", event_time: "2024-01-01", price: 1.5 }, schema, "row 1");
 * assert.deepEqual(row.values, [1.5]);
 * ```
 */
export function rowFromObject(
  object: Record<string, unknown>,
  schema: Schema,
  where: Where,
): WriteRow {
  for (const name of Object.keys(object)) {
    if (name !== KEY && name !== EVENT_TIME && name !== DELETED) {
      if (!schema.columns.some((c) => c.name === name)) _unknown(where, name, schema);
    }
  }
  const key = object[KEY];
  if (typeof key !== "string" && typeof key !== "number" && typeof key !== "bigint") {
    if (key === undefined) inputError(where, `column "key" is missing`);
    inputError(where, `column "key": expected a string, found ${JSON.stringify(key)}`);
  }
  const et = object[EVENT_TIME];
  if (et === undefined || et === null) inputError(where, `column "event_time" is missing`);
  const deleted = _deletedFromJson(object[DELETED], where);
  return {
    key: checkKey(String(key), where),
    eventTime: valueFromJson(et, _EVENT_TIME, where) as number,
    values: schema.columns.map((c) =>
      deleted && (object[c.name] === undefined || object[c.name] === null)
        ? deletionFiller(c)
        : valueFromJson(object[c.name], c, where)
    ),
    deleted,
  };
}

/**
 * The value a deletion row stores for a column it leaves out: null, or for a non-nullable column a
 * zero value of its type. Readers never see it: a winning deletion removes the key.
 *
 * @param column The column.
 * @returns The stored value.
 */
export function deletionFiller(column: Column): Value {
  if (column.nullable) return null;
  switch (column.type) {
    case "String":
      return "";
    case "Int":
      return 0n;
    case "Boolean":
      return false;
    default:
      return 0;
  }
}

const _EVENT_TIME: Column = { name: EVENT_TIME, type: "DateTime", nullable: false };

/**
 * Checks a key: any non-empty string.
 *
 * @param key The key.
 * @param where The line, for messages.
 * @returns The key.
 */
export function checkKey(key: string, where: Where): string {
  if (key === "") inputError(where, `column "key": a key must not be empty`);
  return key;
}

/**
 * Reads the `_deleted` flag from JSON: absent, null or false are `false`.
 *
 * @param value The value.
 * @param where The line, for messages.
 * @returns Whether the row is a deletion.
 */
function _deletedFromJson(value: unknown, where: Where): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  return valueFromText(
    typeof value === "string" ? value : JSON.stringify(value),
    { name: DELETED, type: "Boolean", nullable: true },
    where,
  ) === true;
}

function _unknown(where: Where, name: string, schema: Schema): never {
  const names = [KEY, EVENT_TIME, ...schema.columns.map((c) => c.name), DELETED];
  return inputError(where, `column "${name}": unknown column (the table has ${names.join(", ")})`);
}

/**
 * Raises the error of an unknown column.
 *
 * @param where The line, for messages.
 * @param name The unknown column.
 * @param schema The table schema.
 * @returns Never returns.
 */
export function unknownColumn(where: Where, name: string, schema: Schema): never {
  return _unknown(where, name, schema);
}
