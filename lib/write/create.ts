/**
 * Creating a table: validating a schema and segment policy and committing `s1.json` exclusively.
 *
 * @module
 */

import { commitSnapshot } from "./commit.ts";
import {
  policyJson,
  type PolicyOverrides,
  readCompactionPolicy,
} from "../format/compact_policy.ts";
import { AzofError } from "../errors.ts";
import { overlappingTable } from "../format/nesting.ts";
import { DEFAULT_POLICY, parsePolicy } from "../format/policy.ts";
import { type Column, isColumnType, type Schema } from "../format/schema.ts";
import { parseSnapshot } from "../format/snapshot.ts";
import { serializeSnapshot } from "../format/snapshot_json.ts";
import { openTable, type Table } from "../format/table.ts";
import type { Store } from "../store/store.ts";

/** Options of {@linkcode createTable}. */
export interface CreateOptions {
  /** The segment policy, outermost period first (`["P1Y", "P3M"]`); yearly by default. */
  readonly segment?: readonly string[] | undefined;
  /** Compaction policy fields stored beside `segment` (see `compactTable`); none by default. */
  readonly compaction?: Omit<PolicyOverrides, "segment"> | undefined;
}

/**
 * Creates an empty table. Refuses to touch an existing one, and refuses a table inside another
 * table's folder (at any depth, also above the root for local and S3 stores) or around one: tables
 * never overlap (SPEC §1).
 *
 * @param root The folder (or store) that holds tables.
 * @param name The table name.
 * @param schema The value columns.
 * @param options The segment policy.
 * @returns The table.
 * @throws {AzofError} `TableExists` when the table exists, or another table's folder holds its
 *   folder or lies inside it; `InputInvalid` for a bad schema or policy.
 *
 * @example Create a table in memory
 * ```ts
 * import { createTable, MemoryStore } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = await createTable(new MemoryStore(), "t", {
 *   columns: [{ name: "v", type: "String", nullable: true }],
 * }, { segment: ["P1Y", "P3M"] });
 * assert.equal((await table.snapshot()).version, 1);
 * ```
 */
export async function createTable(
  root: string | Store,
  name: string,
  schema: Schema,
  options: CreateOptions = {},
): Promise<Table> {
  const segment = [...(options.segment ?? DEFAULT_POLICY)];
  parsePolicy(segment);
  const policy = options.compaction === undefined
    ? { segment }
    : policyJson(readCompactionPolicy({ segment }, options.compaction));
  const content = { schema, segments: [], extra: { policy } };
  try {
    parseSnapshot(serializeSnapshot(content), 1); // the same checks a reader makes
  } catch (error) {
    throw new AzofError(
      "InputInvalid",
      `Invalid schema: ${(error as Error).message.replace(/^Cannot read snapshot s1.json: /, "")}`,
    );
  }
  const table = openTable(root, name);
  if (
    await table.store.exists(table.key("version.txt")) ||
    await table.store.exists(table.key("s1.json"))
  ) {
    throw new AzofError("TableExists", `Cannot create table ${name}: it already exists`);
  }
  const overlap = await overlappingTable(table.store, name);
  if (overlap !== null) {
    throw new AzofError(
      "TableExists",
      "around" in overlap
        ? `Cannot create table ${name}: it would lie inside table ${overlap.around}; tables never overlap`
        : `Cannot create table ${name}: its folder already holds table ${overlap.inside}; tables never overlap`,
    );
  }
  await commitSnapshot(table, () => content, {
    operation: "create",
    summary: { policy: segment },
    create: true,
  });
  return table;
}

/**
 * Parses a schema written as `name:Type,other:Type?` (`?` = nullable).
 *
 * @param text The schema text.
 * @returns The schema.
 * @throws {AzofError} `InputInvalid` naming the bad column.
 *
 * @example Parse a two-column schema
 * ```ts
 * import { parseSchemaText } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseSchemaText("price:Float,note:String?").columns[1], {
 *   name: "note", type: "String", nullable: true,
 * });
 * ```
 */
export function parseSchemaText(text: string): Schema {
  if (text.trim() === "") return { columns: [] };
  const columns = text.split(",").map((part): Column => {
    const m = /^\s*([^:\s]+)\s*:\s*([A-Za-z]+)(\?)?\s*$/.exec(part);
    if (!m || !isColumnType(m[2])) {
      throw new AzofError(
        "InputInvalid",
        `Invalid schema column "${part.trim()}": expected name:Type or name:Type? with Type one of String, Int, Float, Boolean, DateTime`,
      );
    }
    return { name: m[1]!, type: m[2], nullable: m[3] === "?" };
  });
  return { columns };
}
