/**
 * Table schemas: the column types azof knows and the system columns every data file starts with.
 *
 * @module
 */

/** The value types of schema columns. `Float` is azof's addition to the upstream four. */
export type ColumnType = "String" | "Int" | "Boolean" | "DateTime" | "Float";

/** The column types, in the order the SPEC lists them. */
export const COLUMN_TYPES: readonly ColumnType[] = [
  "String",
  "Int",
  "Boolean",
  "DateTime",
  "Float",
];

/** The name of the key column, the first column of every data file. */
export const KEY = "key";
/** The name of the event-time column, the second column of every data file. */
export const EVENT_TIME = "event_time";
/** The optional Boolean column of data files that marks a row as the deletion of its key. */
export const DELETED = "_deleted";

/** One column of a table schema. */
export interface Column {
  /** The column's name, unique in the schema and not one of the system columns. */
  readonly name: string;
  /** The value type. */
  readonly type: ColumnType;
  /** Whether values may be null. */
  readonly nullable: boolean;
  /** The column id (docs/SPEC.md §3.7); set on every column once the table's schema has changed. */
  readonly id?: number;
}

/** The columns of a table after `key` and `event_time`. */
export interface Schema {
  /** Columns in file order. */
  readonly columns: readonly Column[];
  /** The column ids beyond `columns` (`column_ids`, docs/SPEC.md §3.7), once the schema has changed. */
  readonly ids?: SchemaIds;
}

/** What `column_ids` holds besides the id of each column. */
export interface SchemaIds {
  /** The greatest id ever given. */
  readonly last: number;
  /** The id of each column name of the data files written without field ids. */
  readonly byName: Readonly<Record<string, number>>;
}

/**
 * Tells whether a name is a valid column type.
 *
 * @param name The type name, as written in a snapshot (`"Int"`).
 * @returns `true` for the five column types.
 */
export function isColumnType(name: unknown): name is ColumnType {
  return typeof name === "string" && (COLUMN_TYPES as readonly string[]).includes(name);
}

/**
 * Whether an exported column (Arrow, Parquet) is marked nullable: `key` and `event_time` never
 * hold null; every other column may, whatever the schema declares, because readers return the
 * nulls a file holds in a column declared `nullable: false` (docs/SPEC.md §5.4) and an export must
 * stay a valid file. `azof check` reports such nulls.
 *
 * @example
 * ```ts
 * import { exportNullable } from "./schema.ts";
 * import assert from "node:assert/strict";
 * assert.equal(exportNullable("key"), false);
 * assert.equal(exportNullable("industry"), true);
 * ```
 *
 * @param name The column name.
 * @returns Whether the export marks it nullable.
 */
export function exportNullable(name: string): boolean {
  return name !== KEY && name !== EVENT_TIME;
}

/** A decoded value: strings, exact int64 as `bigint`, floats, booleans, DateTime as ms numbers. */
export type Value = string | bigint | number | boolean | null;
