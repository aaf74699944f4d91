/**
 * Scan execution: carries out a {@linkcode ScanPlan}, streaming row groups through the resolver and
 * yielding the answer in key order as columnar batches.
 *
 * @module
 */

import { openDataFile } from "./data_file.ts";
import { kindOf } from "./column_data.ts";
import type { Value } from "./data_file.ts";
import { planScan, type ScanPlan } from "./plan.ts";
import { type Resolved, Resolver } from "./resolve.ts";
import { type ColumnType, EVENT_TIME, KEY } from "./schema.ts";
import type { Snapshot } from "./snapshot.ts";
import type { Table } from "./table.ts";

/** Options of {@linkcode scan}. */
export interface ScanOptions {
  /** The event-time instant (ms since the epoch) to read as of; omitted for the current state. */
  readonly asOf?: number | undefined;
  /** Output columns in output order; omitted for all. */
  readonly columns?: readonly string[] | undefined;
  /** The snapshot to read (processing-time travel); omitted for the current one. */
  readonly version?: number | undefined;
  /** Stop after this many rows (in key order). */
  readonly limit?: number | undefined;
  /** Rows per yielded batch; 65,536 by default. */
  readonly batchSize?: number | undefined;
  /** Called after each row group is read, for progress reports. */
  readonly onProgress?: ((progress: ScanProgress) => void) | undefined;
}

/** How far a scan has read. */
export interface ScanProgress {
  /** Files opened so far, of `files`. */
  readonly filesDone: number;
  /** Files in the plan. */
  readonly files: number;
  /** Rows decoded so far. */
  readonly rowsRead: number;
}

/** One output column of a batch. */
export interface BatchColumn {
  /** Column name. */
  readonly name: string;
  /** Value type (`key` is a String, `event_time` a DateTime). */
  readonly type: ColumnType;
  /** Whether the column may hold nulls. */
  readonly nullable: boolean;
  /** Values: strings, `bigint` for Int, numbers for Float, ms numbers for DateTime, booleans; null. */
  readonly values: readonly Value[];
}

/** A run of output rows in key order, column by column. */
export interface RowBatch {
  /** Number of rows. */
  readonly rows: number;
  /** The output columns, in output order. */
  readonly columns: readonly BatchColumn[];
}

/** The answer of a scan: its plan, column layout, and the batches (a one-shot async iterable). */
export interface ScanResult {
  /** The plan the scan carries out. */
  readonly plan: ScanPlan;
  /** The snapshot read. */
  readonly snapshot: Snapshot;
  /** The output columns (without values). */
  readonly columns: readonly Omit<BatchColumn, "values">[];
  /** The rows, in key order. */
  readonly batches: AsyncIterable<RowBatch>;
}

/**
 * Reads a table as of an event-time instant. Row groups are decoded one at a time, with only the
 * requested columns (plus `key`, `event_time` and `_deleted`), and skipped when their `event_time`
 * statistics lie after the instant; memory holds the winning row of each key, not the input.
 *
 * @param table The table.
 * @param options The instant, columns, snapshot, limit.
 * @returns The plan and the batches; the snapshot is read before this resolves, data files on iteration.
 *
 * @example Scan a bundled sample table as of a date
 * ```ts
 * import { openTable } from "./table.ts";
 * import { scan } from "./scan.ts";
 * import { parseInstant } from "./time.ts";
 * const result = await scan(openTable("testdata", "prices"), { asOf: parseInstant("2024-03-01") });
 * for await (const batch of result.batches) console.log(batch.rows);
 * ```
 */
export async function scan(table: Table, options: ScanOptions = {}): Promise<ScanResult> {
  const snapshot = await table.snapshot(options.version);
  const plan = planScan(snapshot, options);
  const types = new Map(snapshot.schema.columns.map((c) => [c.name, c]));
  const columns = plan.columns.map((name) => {
    if (name === KEY) return { name, type: "String" as const, nullable: false };
    if (name === EVENT_TIME) return { name, type: "DateTime" as const, nullable: false };
    const column = types.get(name)!;
    return { name, type: column.type, nullable: column.nullable };
  });
  return { plan, snapshot, columns, batches: _execute(table, snapshot, plan, columns, options) };
}

/**
 * Reads the planned row groups through a resolver. The resolver (its key index in particular) is
 * garbage once this returns, so only the sorted answer stays in memory while batches are written.
 */
async function _resolve(
  table: Table,
  snapshot: Snapshot,
  plan: ScanPlan,
  options: ScanOptions,
): Promise<Resolved> {
  const valueColumns = plan.columns.filter((c) => c !== KEY && c !== EVENT_TIME);
  const asOf = plan.asOf ?? undefined;
  const types = new Map(snapshot.schema.columns.map((c) => [c.name, c.type]));
  const resolver = new Resolver(
    new Map(valueColumns.map((name) => [name, kindOf(types.get(name)!)])),
    asOf,
  );
  let rowsRead = 0;
  for (const [index, planned] of plan.files.entries()) {
    const file = await openDataFile(table, planned.file, snapshot.schema);
    for (const [g, info] of file.rowGroups.entries()) {
      if (asOf !== undefined && info.minEventTime !== undefined && info.minEventTime > asOf) {
        continue;
      }
      const group = await file.readRowGroup(g, valueColumns);
      resolver.add(index, group);
      rowsRead += group.rows;
      options.onProgress?.({ filesDone: index, files: plan.files.length, rowsRead });
    }
  }
  options.onProgress?.({ filesDone: plan.files.length, files: plan.files.length, rowsRead });
  return resolver.finish();
}

async function* _execute(
  table: Table,
  snapshot: Snapshot,
  plan: ScanPlan,
  columns: readonly Omit<BatchColumn, "values">[],
  options: ScanOptions,
): AsyncGenerator<RowBatch> {
  const resolved = await _resolve(table, snapshot, plan, options);
  const total = Math.min(resolved.rows, options.limit ?? Infinity);
  const size = options.batchSize ?? 65_536;
  for (let start = 0; start < total; start += size) {
    const end = Math.min(total, start + size);
    yield {
      rows: end - start,
      columns: columns.map((c) => ({ ...c, values: resolved.slice(c.name, start, end) })),
    };
  }
}
