/**
 * `alter`: change a table's schema in one commit (docs/SPEC.md §9.9); no data file is written or
 * rewritten, old files are read through column ids (§3.7).
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import type { Schema } from "../format/schema.ts";
import { alterSchema, type SchemaChanges } from "../format/schema_evolution.ts";
import type { Table } from "../format/table.ts";
import { commitSnapshot } from "./commit.ts";

/** Options of {@linkcode alterTable}. */
export interface AlterOptions {
  /** Commit attempts before `CommitConflict`; 10 by default. */
  readonly maxAttempts?: number | undefined;
}

/** What {@linkcode alterTable} committed. */
export interface AlterResult {
  /** The snapshot committed. */
  readonly version: number;
  /** The new schema, with column ids. */
  readonly schema: Schema;
}

/**
 * Changes a table's schema: drops, renames, widenings (`Int` to `Float`, non-nullable to
 * nullable) and added nullable columns, in one commit with `operation: "alter"`. Scans then read
 * every old file with the new schema; `scan` of an older snapshot reads with that snapshot's schema.
 *
 * @param table The table.
 * @param changes The changes.
 * @param options Commit attempts.
 * @returns The snapshot committed and the new schema.
 * @throws {AzofError} `InputInvalid` for a change the schema does not allow (nothing committed);
 *   `TableNotFound`; `CommitConflict`, `CommitUnknown` as for every commit.
 *
 * @example Rename a column and add one
 * ```ts
 * import { alterTable, appendRows, createTable, MemoryStore, scan } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = await createTable(new MemoryStore(), "t", {
 *   columns: [{ name: "p", type: "Int", nullable: false }],
 * });
 * await appendRows(table, [{ key: "a", event_time: "2024-01-01", p: 1n }]);
 * await alterTable(table, {
 *   rename: [{ from: "p", to: "price" }],
 *   add: [{ name: "note", type: "String", nullable: true }],
 * });
 * for await (const batch of (await scan(table)).batches) {
 *   assert.deepEqual(batch.columns.map((c) => [c.name, c.values[0]]).slice(2), [
 *     ["price", 1n],
 *     ["note", null],
 *   ]);
 * }
 * ```
 */
export async function alterTable(
  table: Table,
  changes: SchemaChanges,
  options: AlterOptions = {},
): Promise<AlterResult> {
  let schema: Schema | undefined;
  const commit = await commitSnapshot(table, (current) => {
    if (!current) {
      throw new AzofError("TableNotFound", `Cannot alter table ${table.name}: it does not exist`);
    }
    schema = alterSchema(current.schema, changes);
    return { schema, segments: current.segments, extra: current.extra };
  }, {
    operation: "alter",
    summary: _summary(changes),
    maxAttempts: options.maxAttempts,
  });
  return { version: commit.version, schema: schema! };
}

function _summary(changes: SchemaChanges): Record<string, unknown> {
  const spec = (c: { name: string; type: string; nullable: boolean }) =>
    `${c.name}:${c.type}${c.nullable ? "?" : ""}`;
  return {
    ...(changes.drop?.length ? { dropped: [...changes.drop] } : {}),
    ...(changes.rename?.length ? { renamed: changes.rename.map((r) => `${r.from}:${r.to}`) } : {}),
    ...(changes.widen?.length ? { widened: changes.widen.map(spec) } : {}),
    ...(changes.add?.length ? { added: changes.add.map(spec) } : {}),
  };
}
