/**
 * Snapshot history (processing time): what each snapshot of a table records about its commit.
 *
 * @module
 */

import type { Table } from "../format/table.ts";

/** One snapshot's commit record. Fields are absent for snapshots written by other tools. */
export interface HistoryEntry {
  /** The snapshot number. */
  readonly version: number;
  /** When it was committed (RFC 3339), if recorded. */
  readonly committedAt?: string;
  /** The operation (`create`, `write`, ...), if recorded. */
  readonly operation?: string;
  /** The snapshot it was built on, if recorded. */
  readonly parent?: number | null;
  /** What it added (rows, deletes, files, ...), if recorded. */
  readonly summary?: Readonly<Record<string, unknown>>;
  /** The commit's id (SPEC §9.1), if recorded: what `CommitUnknown` tells to look for. */
  readonly commitId?: string;
  /** The idempotency key the commit was given, if any. */
  readonly idempotencyKey?: string;
}

/**
 * Lists a table's snapshots, oldest first, with their commit records. Snapshots that `azof vacuum`
 * removed are left out.
 *
 * @param table The table.
 * @returns One entry per snapshot still present, up to the current one.
 *
 * @example History of a new table
 * ```ts
 * import { createTable, MemoryStore, tableHistory } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = await createTable(new MemoryStore(), "t", { columns: [] });
 * const [first] = await tableHistory(table);
 * assert.equal(first?.operation, "create");
 * ```
 */
export async function tableHistory(table: Table): Promise<HistoryEntry[]> {
  const current = await table.currentVersion();
  const out: HistoryEntry[] = [];
  for (let version = 1; version <= current; version++) {
    if (!(await table.store.exists(table.key(`s${version}.json`)))) continue;
    const { extra } = await table.snapshot(version);
    out.push({
      version,
      ...(typeof extra.committed_at === "string" ? { committedAt: extra.committed_at } : {}),
      ...(typeof extra.operation === "string" ? { operation: extra.operation } : {}),
      ...(typeof extra.parent === "number" || extra.parent === null
        ? { parent: extra.parent as number | null }
        : {}),
      ...(typeof extra.summary === "object" && extra.summary !== null
        ? { summary: extra.summary as Record<string, unknown> }
        : {}),
      ...(typeof extra.commit_id === "string" ? { commitId: extra.commit_id } : {}),
      ...(typeof extra.idempotency_key === "string"
        ? { idempotencyKey: extra.idempotency_key }
        : {}),
    });
  }
  return out;
}
