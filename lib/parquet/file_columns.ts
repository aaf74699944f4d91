/**
 * A data file's columns as a table schema sees them (docs/SPEC.md §3.7): each schema column found
 * in the file by column id or name ({@linkcode fileColumnNames}), under its schema name, and values
 * of a column widened from `Int` to `Float` converted after decoding.
 *
 * @module
 */

import type { SchemaElement } from "npm:hyparquet@1.31.5";
import type { ColumnData, ColumnKind } from "../columns/column_data.ts";
import { CREATED_BY_PREFIX } from "../format/version.ts";
import { DELETED, EVENT_TIME, KEY, type Schema } from "../format/schema.ts";
import { fileColumnNames } from "../format/schema_evolution.ts";

/** A data file's columns under the names of the schema it is read with. */
export interface FileColumnView {
  /** `key`, `event_time`, `_deleted` and the schema columns the file holds, by schema name. */
  readonly elements: ReadonlyMap<string, SchemaElement>;
  /** The schema with each column's type as the file stores it (`Int` for a widened `Float`). */
  readonly schema: Schema;
  /** Decode kinds by schema name, turned into kinds by file column name. */
  toFile(kinds: ReadonlyMap<string, ColumnKind>): Map<string, ColumnKind>;
  /** Decoded columns by file column name, turned into schema names and schema types. */
  fromFile(decoded: ReadonlyMap<string, ColumnData>): Map<string, ColumnData>;
}

/**
 * The view of a data file's columns through a schema.
 *
 * @param elements The file's top-level columns by name, in file order.
 * @param schema The schema the file is read with.
 * @param createdBy The footer's `created_by`: field ids count only in files azof wrote.
 * @returns The view.
 *
 * @example A file written before a rename
 * ```ts
 * import { fileColumnView } from "./file_columns.ts";
 * import { alterSchema } from "../format/schema_evolution.ts";
 * import assert from "node:assert/strict";
 * const schema = alterSchema({ columns: [{ name: "p", type: "Int", nullable: false }] }, {
 *   rename: [{ from: "p", to: "price" }],
 * });
 * const view = fileColumnView(new Map([["p", { name: "p", type: "INT64" as const }]]), schema, "x");
 * assert.deepEqual([...view.elements.keys()], ["price"]);
 * ```
 */
export function fileColumnView(
  elements: ReadonlyMap<string, SchemaElement>,
  schema: Schema,
  createdBy: string | undefined,
): FileColumnView {
  if (schema.ids === undefined) {
    return { elements, schema, toFile: (k) => new Map(k), fromFile: (d) => new Map(d) };
  }
  const fieldIds = createdBy?.startsWith(CREATED_BY_PREFIX) ?? false;
  const names = fileColumnNames(
    schema,
    [...elements.values()].map((e) => ({ name: e.name, fieldId: e.field_id })),
    fieldIds,
  );
  const mapped = new Map<string, SchemaElement>();
  for (const name of [KEY, EVENT_TIME, DELETED]) {
    const element = elements.get(name);
    if (element) mapped.set(name, element);
  }
  for (const [name, fileName] of names) mapped.set(name, elements.get(fileName)!);
  const widened = new Set(
    schema.columns.filter((c) => c.type === "Float" && _isInt(mapped.get(c.name))).map((c) =>
      c.name
    ),
  );
  const stored = {
    ...schema,
    columns: schema.columns.map((c) => widened.has(c.name) ? { ...c, type: "Int" as const } : c),
  };
  const fileName = (name: string) => names.get(name) ?? name;
  const tableName = new Map([...names].map(([name, file]) => [file, name]));
  return {
    elements: mapped,
    schema: stored,
    toFile: (kinds) => new Map([...kinds].map(([name, kind]) => [fileName(name), kind])),
    fromFile: (decoded) =>
      new Map([...decoded].map(([file, data]) => {
        const name = tableName.get(file) ?? file;
        return [name, widened.has(name) ? _toFloat(data) : data];
      })),
  };
}

function _isInt(element: SchemaElement | undefined): boolean {
  return (element?.type === "INT64" || element?.type === "INT32") &&
    element.converted_type === undefined && element.logical_type === undefined;
}

function _toFloat(data: ColumnData): ColumnData {
  if (data.kind !== "i64") return data;
  const values = new Float64Array(data.values.length);
  for (let i = 0; i < values.length; i++) values[i] = Number(data.values[i]!);
  return { kind: "f64", values, ...(data.nulls ? { nulls: data.nulls } : {}) };
}
