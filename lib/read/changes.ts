/**
 * The change feed (docs/SPEC.md §9.10): the rows committed after one snapshot up to another, read
 * only from the data files those snapshots added, with the snapshot that committed each row and
 * whether it upserts or deletes its key.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { type Column, EVENT_TIME, KEY, type Value } from "../format/schema.ts";
import type { Segment, Snapshot } from "../format/snapshot.ts";
import { snapshotFiles } from "../format/segments.ts";
import type { Table } from "../format/table.ts";
import type { BatchColumn, RowBatch } from "./batch.ts";
import { type CommittedRow, committedRows } from "./committed_rows.ts";

/** Options of {@linkcode changes}. */
export interface ChangesOptions {
  /** Rows committed after this snapshot (0: from the table's creation). */
  readonly fromSnapshot: number;
  /** Up to and including this snapshot; the current one when omitted. */
  readonly toSnapshot?: number | undefined;
  /** Only rows with `event_time` at or after this instant (ms). */
  readonly eventFrom?: number | undefined;
  /** Only rows with `event_time` at or before this instant (ms). */
  readonly eventTo?: number | undefined;
}

/** One committed row: `key`, `event_time`, the columns of the newer snapshot, `_snapshot`, `_op`. */
export type ChangeRow = Record<string, Value>;

/**
 * The change feed: its columns, and its rows as batches (for the output formats) or, iterated
 * directly, as row objects. It is one-shot: consume either the batches or the rows, once.
 */
export interface ChangesResult extends AsyncIterable<ChangeRow> {
  /** The snapshot the feed starts after. */
  readonly from: number;
  /** The last snapshot whose rows the feed holds. */
  readonly to: number;
  /** The output columns (without values). */
  readonly columns: readonly Omit<BatchColumn, "values">[];
  /** The rows, by snapshot, then key (UTF-8 byte order), then `event_time`. */
  readonly batches: AsyncIterable<RowBatch>;
  /** The data files read, once the rows have been consumed. */
  readonly filesRead: readonly string[];
}

/** Operations that commit no rows (docs/SPEC.md §9.10). */
const _NO_ROWS = new Set(["compact", "alter", "create"]);

/**
 * Reads the rows committed after snapshot `fromSnapshot` up to `toSnapshot`. Only the data files
 * each contributing snapshot added are read; compaction, alter and create snapshots contribute
 * nothing. Every file is read with the newer snapshot's schema. A deletion's values are null.
 *
 * @param table The table.
 * @param options The snapshot range and the event-time filter.
 * @returns The feed; snapshots are read before this resolves, data files on iteration.
 * @throws {AzofError} `InputInvalid` when the range is empty or backwards or names a snapshot
 *   that does not exist.
 *
 * @example The rows of one write
 * ```ts
 * import { appendRows, changes, createTable, MemoryStore } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = await createTable(new MemoryStore(), "t", {
 *   columns: [{ name: "v", type: "Int", nullable: false }],
 * });
 * await appendRows(table, [{ key: "a", event_time: "2024-01-01", v: 1n }]);
 * await appendRows(table, [{ key: "b", event_time: "2023-01-01", v: 2n }]);
 * const rows = [];
 * for await (const row of await changes(table, { fromSnapshot: 2 })) rows.push(row);
 * assert.deepEqual(rows.map((r) => [r.key, r.v, r._snapshot, r._op]), [["b", 2n, 3n, "upsert"]]);
 * ```
 */
export async function changes(table: Table, options: ChangesOptions): Promise<ChangesResult> {
  const to = options.toSnapshot ?? await table.currentVersion();
  const from = options.fromSnapshot;
  if (!Number.isInteger(from) || from < 0 || from > to) {
    throw new AzofError(
      "InputInvalid",
      `Cannot read changes of table ${table.name}: --from-snapshot ${from} must be a whole number from 0 to ${to}`,
    );
  }
  const target = await table.snapshot(to);
  const columns = changeColumns(target.schema.columns);
  const filesRead: string[] = [];
  const batches = _batches(table, target, from, options, columns, filesRead);
  return {
    from,
    to,
    columns,
    batches,
    filesRead,
    [Symbol.asyncIterator]: () => _rows(batches)[Symbol.asyncIterator](),
  };
}

/**
 * The columns of the change feed: `key`, `event_time`, the schema's columns (nullable: a deletion's
 * values are null), `_snapshot` and `_op`.
 *
 * @param schemaColumns The newer snapshot's columns.
 * @returns The output columns.
 */
export function changeColumns(
  schemaColumns: readonly Column[],
): Omit<BatchColumn, "values">[] {
  return [
    { name: KEY, type: "String", nullable: false },
    { name: EVENT_TIME, type: "DateTime", nullable: false },
    ...schemaColumns.map((c) => ({ name: c.name, type: c.type, nullable: true })),
    { name: "_snapshot", type: "Int", nullable: false },
    { name: "_op", type: "String", nullable: false },
  ];
}

/**
 * The data files snapshot `next` added to `previous`, in the order a read meets them (children
 * before parents, deltas by `start` newest first, then the base), so that among copies and tied
 * rows of one key and `event_time` the first met is the one a read would pick (§7).
 *
 * @param previous The snapshot before (`undefined` for snapshot 1).
 * @param next The snapshot.
 * @returns The added files, in read order.
 */
export function addedFiles(previous: Snapshot | undefined, next: Snapshot): string[] {
  const old = new Set(previous ? snapshotFiles(previous) : []);
  const out: string[] = [];
  const visit = (segments: readonly Segment[]): void => {
    for (const s of segments) {
      visit(s.children);
      const deltas = s.deltas.map((d, i) => ({ d, i }))
        .sort((a, b) => b.d.start - a.d.start || a.i - b.i);
      for (const { d } of deltas) out.push(d.file);
      if (s.base !== undefined) out.push(s.base);
    }
  };
  visit(next.segments);
  return [...new Set(out)].filter((f) => !old.has(f));
}

/** Whether snapshot `snapshot` commits rows (its operation is not compaction, alter or create). */
function _commitsRows(snapshot: Snapshot): boolean {
  const operation = snapshot.extra.operation;
  return !(typeof operation === "string" && _NO_ROWS.has(operation));
}

/**
 * The data files each snapshot after `from` up to `target` added, for the snapshots that commit
 * rows (in read order, as {@linkcode addedFiles}).
 *
 * @param table The table.
 * @param from The snapshot before the first one (0: from the beginning).
 * @param target The last snapshot.
 * @returns Each committing snapshot's version and files, oldest first.
 * @throws {AzofError} `InputInvalid` when a snapshot in between can no longer be read (vacuumed).
 */
export async function* committedFiles(
  table: Table,
  from: number,
  target: Snapshot,
): AsyncGenerator<{ version: number; files: string[] }> {
  let previous = from === 0 ? undefined : await table.snapshot(from);
  for (let version = from + 1; version <= target.version; version++) {
    const next = version === target.version ? target : await table.snapshot(version);
    if (_commitsRows(next)) yield { version, files: addedFiles(previous, next) };
    previous = next;
  }
}

async function* _batches(
  table: Table,
  target: Snapshot,
  from: number,
  options: ChangesOptions,
  columns: readonly Omit<BatchColumn, "values">[],
  filesRead: string[],
): AsyncGenerator<RowBatch> {
  for await (const { version, files } of committedFiles(table, from, target)) {
    filesRead.push(...files);
    for await (const rows of committedRows(table, target, files, options)) {
      yield _batch(rows, version, columns);
    }
  }
}

function _batch(
  rows: readonly CommittedRow[],
  version: number,
  columns: readonly Omit<BatchColumn, "values">[],
): RowBatch {
  const value = (i: number, row: CommittedRow): Value => {
    if (i === 0) return row.key;
    if (i === 1) return row.t;
    if (i === columns.length - 2) return BigInt(version);
    if (i === columns.length - 1) return row.deleted ? "delete" : "upsert";
    return row.values[i - 2]!;
  };
  return {
    rows: rows.length,
    columns: columns.map((c, i) => ({ ...c, values: rows.map((row) => value(i, row)) })),
  };
}

async function* _rows(batches: AsyncIterable<RowBatch>): AsyncGenerator<ChangeRow> {
  for await (const batch of batches) {
    for (let r = 0; r < batch.rows; r++) {
      yield Object.fromEntries(batch.columns.map((c) => [c.name, c.values[r]!]));
    }
  }
}
