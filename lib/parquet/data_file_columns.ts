/**
 * The top-level columns of a data file's Parquet schema, and the check that they fit a table schema
 * (docs/SPEC.md sections 5.1-5.4): `key` a UTF-8 string, `event_time` a timestamp, `_deleted` (when
 * present) a Boolean, and each schema column present (unless nullable) with a fitting type.
 *
 * @module
 */

import type { FileMetaData, SchemaElement } from "npm:hyparquet@1.31.5";
import { AzofError } from "../errors.ts";
import {
  type Column,
  type ColumnType,
  DELETED,
  EVENT_TIME,
  KEY,
  type Schema,
} from "../format/schema.ts";

/**
 * Checks that a file's columns fit the table schema.
 *
 * @param elements The file's top-level columns by name ({@linkcode topLevelColumns}).
 * @param file The file name, for messages.
 * @param schema The table schema.
 * @throws {AzofError} `DataInvalid` naming the column that is missing or of the wrong type.
 */
export function checkFileColumns(
  elements: ReadonlyMap<string, SchemaElement>,
  file: string,
  schema: Schema,
): void {
  _check(elements, file, KEY, _isString, "a UTF-8 string (BYTE_ARRAY)");
  _check(elements, file, EVENT_TIME, _isTimestamp, "a timestamp (INT64 TIMESTAMP or INT96)");
  if (elements.has(DELETED)) {
    _check(elements, file, DELETED, (e) => e.type === "BOOLEAN", "BOOLEAN");
  }
  for (const column of schema.columns) _checkColumn(elements, file, column);
}

/**
 * The top-level columns of a Parquet schema, by name, in file order.
 *
 * @param metadata The file's footer.
 * @returns The schema element of each top-level column.
 */
export function topLevelColumns(metadata: FileMetaData): Map<string, SchemaElement> {
  const out = new Map<string, SchemaElement>();
  const schema = metadata.schema;
  let i = 1;
  while (i < schema.length) {
    const element = schema[i]!;
    out.set(element.name, element);
    i += 1 + _descendants(schema, i);
  }
  return out;
}

function _descendants(schema: readonly SchemaElement[], index: number): number {
  let count = 0;
  for (let k = 0; k < (schema[index]?.num_children ?? 0); k++) {
    count += 1 + _descendants(schema, index + 1 + count);
  }
  return count;
}

function _check(
  elements: ReadonlyMap<string, SchemaElement>,
  file: string,
  name: string,
  ok: (e: SchemaElement) => boolean,
  expected: string,
): void {
  const element = elements.get(name);
  if (!element) {
    throw new AzofError("DataInvalid", `Cannot read data file ${file}: it has no "${name}" column`);
  }
  if (element.num_children || !ok(element)) {
    throw new AzofError(
      "DataInvalid",
      `Cannot read data file ${file}: column "${name}" must be ${expected}, found ${
        _describe(element)
      }`,
    );
  }
}

function _checkColumn(
  elements: ReadonlyMap<string, SchemaElement>,
  file: string,
  column: Column,
): void {
  if (!elements.has(column.name)) {
    if (column.nullable) return;
    throw new AzofError(
      "DataInvalid",
      `Cannot read data file ${file}: it has no "${column.name}" column, which the schema requires`,
    );
  }
  const [ok, expected] = _TYPE_CHECKS[column.type];
  _check(elements, file, column.name, ok, expected);
}

const _TYPE_CHECKS: Record<ColumnType, [(e: SchemaElement) => boolean, string]> = {
  String: [(e) => _isString(e), "a UTF-8 string (BYTE_ARRAY) for String"],
  Int: [
    (e) =>
      (e.type === "INT64" || e.type === "INT32") && !_isTimestamp(e) &&
      !e.converted_type?.startsWith("DATE"),
    "INT64 or INT32 for Int",
  ],
  Float: [(e) => e.type === "DOUBLE" || e.type === "FLOAT", "DOUBLE or FLOAT for Float"],
  Boolean: [(e) => e.type === "BOOLEAN", "BOOLEAN for Boolean"],
  DateTime: [_isTimestamp, "a timestamp (INT64 TIMESTAMP or INT96) for DateTime"],
};

function _isString(e: SchemaElement): boolean {
  return e.type === "BYTE_ARRAY" &&
    (e.converted_type === undefined || e.converted_type === "UTF8" ||
      e.logical_type?.type === "STRING");
}

function _isTimestamp(e: SchemaElement): boolean {
  if (e.type === "INT96") return true;
  return e.type === "INT64" &&
    (e.converted_type === "TIMESTAMP_MILLIS" || e.converted_type === "TIMESTAMP_MICROS" ||
      e.logical_type?.type === "TIMESTAMP");
}

function _describe(e: SchemaElement): string {
  if (e.num_children) return "a nested group";
  const logical = e.logical_type?.type ?? e.converted_type;
  return logical ? `${e.type} ${logical}` : `${e.type}`;
}
