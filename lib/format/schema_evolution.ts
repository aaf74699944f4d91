/**
 * Schema evolution (docs/SPEC.md §3.7, §9.9): applying `alter` changes to a schema and giving its
 * columns ids, and matching a data file's columns to a schema's columns by id or by name.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { type Column, type ColumnType, DELETED, EVENT_TIME, KEY, type Schema } from "./schema.ts";

/** A column type with its nullability, as `alter` and `write --evolve` name it (`note:String?`). */
export interface ColumnSpec {
  /** The column name. */
  readonly name: string;
  /** The value type. */
  readonly type: ColumnType;
  /** Whether values may be null. */
  readonly nullable: boolean;
}

/** A rename: the column named `from` is named `to` from now on. */
export interface ColumnRename {
  /** The current name. */
  readonly from: string;
  /** The new name. */
  readonly to: string;
}

/** The changes of one `alter` commit, applied in the order drop, rename, widen, add. */
export interface SchemaChanges {
  /** Columns to drop, by name. */
  readonly drop?: readonly string[] | undefined;
  /** Columns to rename. */
  readonly rename?: readonly ColumnRename[] | undefined;
  /** Columns to widen: `Int` to `Float`, and/or non-nullable to nullable. */
  readonly widen?: readonly ColumnSpec[] | undefined;
  /** Columns to add at the end; they must be nullable. */
  readonly add?: readonly ColumnSpec[] | undefined;
}

/**
 * The schema after a set of changes, with column ids (docs/SPEC.md §9.9): a schema without ids
 * first gets ids 1..n and `by_name` from its current names.
 *
 * @param schema The current schema.
 * @param changes The changes.
 * @returns The new schema.
 * @throws {AzofError} `InputInvalid` when a change names a missing column, reuses a name, adds a
 *   non-nullable column, is not a widening, or when there is no change at all.
 *
 * @example Rename a column and add one
 * ```ts
 * import { alterSchema } from "./schema_evolution.ts";
 * import assert from "node:assert/strict";
 * const schema = { columns: [{ name: "p", type: "Int" as const, nullable: false }] };
 * const next = alterSchema(schema, {
 *   rename: [{ from: "p", to: "price" }],
 *   add: [{ name: "note", type: "String", nullable: true }],
 * });
 * assert.deepEqual(next.columns.map((c) => [c.name, c.id]), [["price", 1], ["note", 2]]);
 * assert.deepEqual(next.ids, { last: 2, byName: { p: 1 } });
 * ```
 */
export function alterSchema(schema: Schema, changes: SchemaChanges): Schema {
  const count = (changes.drop?.length ?? 0) + (changes.rename?.length ?? 0) +
    (changes.widen?.length ?? 0) + (changes.add?.length ?? 0);
  if (count === 0) throw _invalid("no change given");
  const numbered = _withColumnIds(schema);
  let columns = [...numbered.columns];
  let last = numbered.ids!.last;
  for (const name of changes.drop ?? []) {
    _find(columns, name);
    columns = columns.filter((c) => c.name !== name);
  }
  for (const { from, to } of changes.rename ?? []) {
    const at = _find(columns, from);
    _checkNewName(columns, to);
    columns[at] = { ...columns[at]!, name: to };
  }
  for (const spec of changes.widen ?? []) {
    const at = _find(columns, spec.name);
    columns[at] = _widened(columns[at]!, spec);
  }
  for (const spec of changes.add ?? []) {
    _checkNewName(columns, spec.name);
    if (!spec.nullable) {
      throw _invalid(
        `cannot add column "${spec.name}" as non-nullable: files written before hold no values for it; add it as ${spec.type}?`,
      );
    }
    columns.push({ name: spec.name, type: spec.type, nullable: true, id: ++last });
  }
  return { columns, ids: { last, byName: numbered.ids!.byName } };
}

/**
 * The schema with column ids: as it is when it has them, else ids 1..n by position and `by_name`
 * naming them (the state of a table's first alter).
 *
 * @param schema The schema.
 * @returns The schema with an id on every column.
 */
function _withColumnIds(schema: Schema): Schema {
  if (schema.ids !== undefined) return schema;
  const columns = schema.columns.map((c, i) => ({ ...c, id: i + 1 }));
  return {
    columns,
    ids: { last: columns.length, byName: Object.fromEntries(columns.map((c) => [c.name, c.id])) },
  };
}

/** A top-level column of a data file: its name and Parquet `field_id`, if any. */
export interface FileColumn {
  /** The column name in the file. */
  readonly name: string;
  /** The Parquet `field_id`, when the file gives one. */
  readonly fieldId?: number | undefined;
}

/**
 * Which file column holds each schema column (docs/SPEC.md §3.7): by name for a schema without
 * ids; else by `field_id` (only when `fieldIds` is true, for files azof wrote), then by the names
 * of `by_name` for columns without a `field_id`.
 *
 * @param schema The schema the file is read with.
 * @param columns The file's top-level columns.
 * @param fieldIds Whether the file's field ids are used.
 * @returns The file column name of each schema column the file holds, by schema column name.
 *
 * @example A renamed column in a file written before the rename
 * ```ts
 * import { alterSchema, fileColumnNames } from "./schema_evolution.ts";
 * import assert from "node:assert/strict";
 * const schema = alterSchema({ columns: [{ name: "p", type: "Int", nullable: false }] }, {
 *   rename: [{ from: "p", to: "price" }],
 * });
 * assert.deepEqual(fileColumnNames(schema, [{ name: "p" }], true), new Map([["price", "p"]]));
 * ```
 */
export function fileColumnNames(
  schema: Schema,
  columns: readonly FileColumn[],
  fieldIds: boolean,
): Map<string, string> {
  const out = new Map<string, string>();
  if (schema.ids === undefined) {
    const names = new Set(columns.map((c) => c.name));
    for (const c of schema.columns) if (names.has(c.name)) out.set(c.name, c.name);
    return out;
  }
  const byId = new Map<number, string>();
  const byName = schema.ids.byName;
  for (const c of columns) {
    if (c.name === KEY || c.name === EVENT_TIME || c.name === DELETED) continue;
    if (fieldIds && c.fieldId !== undefined) {
      if (!byId.has(c.fieldId)) byId.set(c.fieldId, c.name);
    } else if (Object.hasOwn(byName, c.name) && !byId.has(byName[c.name]!)) {
      byId.set(byName[c.name]!, c.name);
    }
  }
  for (const c of schema.columns) {
    const name = byId.get(c.id!);
    if (name !== undefined) out.set(c.name, name);
  }
  return out;
}

function _widened(column: Column, spec: ColumnSpec): Column {
  const typeOk = spec.type === column.type || (column.type === "Int" && spec.type === "Float");
  const widens = spec.type !== column.type || (spec.nullable && !column.nullable);
  if (!typeOk || !widens) {
    const from = `${column.type}${column.nullable ? "?" : ""}`;
    const to = `${spec.type}${spec.nullable ? "?" : ""}`;
    throw _invalid(
      `cannot widen column "${column.name}" from ${from} to ${to}: the widenings are Int to Float and non-nullable to nullable`,
    );
  }
  return { ...column, type: spec.type, nullable: spec.nullable || column.nullable };
}

function _find(columns: readonly Column[], name: string): number {
  const at = columns.findIndex((c) => c.name === name);
  if (at < 0) {
    throw _invalid(
      `there is no column "${name}" (the table has ${
        columns.map((c) => c.name).join(", ") || "no columns"
      })`,
    );
  }
  return at;
}

function _checkNewName(columns: readonly Column[], name: string): void {
  if (name === "" || name === KEY || name === EVENT_TIME || name === DELETED) {
    throw _invalid(
      `"${name}" cannot name a column: names are non-empty and not key, event_time or _deleted`,
    );
  }
  if (columns.some((c) => c.name === name)) throw _invalid(`column "${name}" already exists`);
}

function _invalid(message: string): AzofError {
  return new AzofError("InputInvalid", `Cannot alter the schema: ${message}`);
}
