/**
 * The top-level snapshot field `column_ids` (docs/SPEC.md §3.7): read into the schema's column ids
 * and {@linkcode SchemaIds}, and written back from them.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import type { Column, Schema } from "./schema.ts";

/** The name of the top-level snapshot field holding the column ids. */
export const COLUMN_IDS_FIELD = "column_ids";

/**
 * The schema with the ids of a snapshot's `column_ids` field, or as it is when the field is absent.
 *
 * @param columns The parsed `schema.columns`.
 * @param json The value of `column_ids`, `undefined` when absent.
 * @param where The snapshot file name, for messages.
 * @returns The schema, with an id on every column when the field is present.
 * @throws {AzofError} `SnapshotInvalid` naming the part of `column_ids` that is wrong.
 */
export function schemaWithIds(
  columns: readonly Column[],
  json: unknown,
  where: string,
): Schema {
  if (json === undefined) return { columns };
  const field = _object(json, where, `"${COLUMN_IDS_FIELD}"`);
  const last = _id(field.last, where, `"${COLUMN_IDS_FIELD}.last"`);
  if (!Array.isArray(field.columns) || field.columns.length !== columns.length) {
    throw _invalid(
      where,
      `"${COLUMN_IDS_FIELD}.columns" must be an array of ${columns.length} ids, one per schema column`,
    );
  }
  const ids = field.columns.map((v, i) => _id(v, where, `"${COLUMN_IDS_FIELD}.columns[${i}]"`));
  if (new Set(ids).size !== ids.length) {
    throw _invalid(where, `"${COLUMN_IDS_FIELD}.columns" holds an id twice`);
  }
  const greater = ids.find((id) => id > last);
  if (greater !== undefined) {
    throw _invalid(
      where,
      `column id ${greater} is greater than "${COLUMN_IDS_FIELD}.last" ${last}`,
    );
  }
  const byNameJson = _object(field.by_name, where, `"${COLUMN_IDS_FIELD}.by_name"`);
  const byName: Record<string, number> = {};
  for (const [name, value] of Object.entries(byNameJson)) {
    byName[name] = _id(value, where, `"${COLUMN_IDS_FIELD}.by_name.${name}"`);
  }
  return { columns: columns.map((c, i) => ({ ...c, id: ids[i]! })), ids: { last, byName } };
}

/**
 * The `column_ids` field of a schema, or `undefined` for a schema without ids.
 *
 * @param schema The schema.
 * @returns The JSON value to write.
 */
export function columnIdsJson(schema: Schema): Record<string, unknown> | undefined {
  if (schema.ids === undefined) return undefined;
  return {
    columns: schema.columns.map((c) => c.id),
    last: schema.ids.last,
    by_name: schema.ids.byName,
  };
}

function _id(value: unknown, where: string, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw _invalid(
      where,
      `${field} must be a positive whole number, found ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function _object(value: unknown, where: string, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw _invalid(
      where,
      `${field} must be an object, found ${JSON.stringify(value) ?? "nothing"}`,
    );
  }
  return value as Record<string, unknown>;
}

function _invalid(where: string, message: string): AzofError {
  return new AzofError("SnapshotInvalid", `Cannot read snapshot ${where}: ${message}`);
}
