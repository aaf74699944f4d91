/**
 * azof: lakehouse tables with event-time travel.
 *
 * A table is a folder of Parquet files and JSON snapshots (see docs/SPEC.md). Reading "as of T"
 * gives, per key, the newest row at or before the event-time instant T, even when facts arrived late.
 *
 * @example Read a table as of a date into Arrow
 * ```ts
 * import { openTable, parseInstant, scan, scanToArrow } from "./mod.ts";
 *
 * const table = openTable("testdata", "prices");
 * const result = await scan(table, { asOf: parseInstant("2023-06-30"), columns: ["key", "price"] });
 * const arrow = await scanToArrow(result);
 * console.log(arrow.numRows, result.plan.files.map((f) => f.file));
 * ```
 *
 * @module
 */

export { AzofError } from "./lib/errors.ts";
export type { AzofErrorCode } from "./lib/errors.ts";
export { formatInstant, parseInstant } from "./lib/format/time.ts";
export type { Column, ColumnType, Schema as TableSchema, SchemaIds } from "./lib/format/schema.ts";
export { parseSnapshot } from "./lib/format/snapshot.ts";
export type { Delta, Segment, Snapshot } from "./lib/format/snapshot.ts";
export { openTable, resolveTable } from "./lib/format/table.ts";
export type { Table } from "./lib/format/table.ts";
export { isInRange, planScan } from "./lib/read/plan.ts";
export type { PlannedFile, PlanOptions, ScanPlan } from "./lib/read/plan.ts";
export { scan } from "./lib/read/scan.ts";
export type { ScanOptions, ScanProgress, ScanResult } from "./lib/read/scan.ts";
export { exportPlan, RESOLUTION_RULE } from "./lib/read/plan_export.ts";
export type {
  ExportedFile,
  ExportedPlan,
  ExportedRowGroup,
  ExportPlanOptions,
} from "./lib/read/plan_export.ts";
export type { KeyRange } from "./lib/read/key_ranges.ts";
export { planSql } from "./lib/read/plan_sql.ts";
export type { SqlDialect } from "./lib/read/plan_sql.ts";
export type { BatchColumn, RowBatch } from "./lib/read/batch.ts";
export type {
  BoolData,
  ColumnData,
  F64Data,
  I64Data,
  Utf8Data,
} from "./lib/columns/column_data.ts";
export type { Value } from "./lib/format/schema.ts";
export { scanArrowBatches, scanToArrow } from "./lib/read/arrow.ts";
export { changes } from "./lib/read/changes.ts";
export type { ChangeRow, ChangesOptions, ChangesResult } from "./lib/read/changes.ts";
export { diffSnapshots } from "./lib/read/diff.ts";
export type { DiffCounts, DiffOptions, DiffResult } from "./lib/read/diff.ts";
export { diffSummary } from "./lib/inspect/diff_summary.ts";
export type { DiffPeriod, DiffSummaryOptions } from "./lib/inspect/diff_summary.ts";
export { checkTable } from "./lib/inspect/check.ts";
export type { CheckOptions, CheckProblem, CheckResult } from "./lib/inspect/check.ts";
export { inspectTable } from "./lib/inspect/inspect.ts";
export type {
  DeltaReport,
  FileReport,
  InspectOptions,
  SegmentReport,
  TableReport,
} from "./lib/inspect/inspect.ts";
export { listTables } from "./lib/inspect/list_tables.ts";
export type { TableListing } from "./lib/inspect/list_tables.ts";
export { layoutStats, readStats } from "./lib/inspect/stats.ts";
export type {
  DeltaSpread,
  FileTotals,
  LayoutStats,
  LevelStats,
  ReadPiece,
  ReadStats,
} from "./lib/inspect/stats.ts";
export { renderSvg } from "./lib/inspect/svg.ts";
export type { SvgOptions } from "./lib/inspect/svg.ts";
export { executeVacuum, readVacuumInput, vacuumTable } from "./lib/vacuum/vacuum.ts";
export type { VacuumOptions, VacuumResult } from "./lib/vacuum/vacuum.ts";
export { DEFAULT_GRACE_MS, DEFAULT_RETAIN_MS, planVacuum } from "./lib/vacuum/plan.ts";
export type {
  SnapshotDecision,
  VacuumInput,
  VacuumPlan,
  VacuumRemoval,
  VacuumRule,
} from "./lib/vacuum/plan.ts";
export { LocalStore } from "./lib/store/local.ts";
export { MemoryStore } from "./lib/store/memory.ts";
export type { Store, StoreEntry } from "./lib/store/store.ts";
export { openStore } from "./lib/store/open.ts";
export type { OpenStoreOptions } from "./lib/store/open.ts";
export { S3Store } from "./lib/store/s3.ts";
export type { S3StoreOptions, S3StoreStats } from "./lib/store/s3_requests.ts";
export { resolveS3Config } from "./lib/store/s3_config.ts";
export type { EnvRecord, S3Config, S3Credentials, TextFileReader } from "./lib/store/s3_config.ts";
export { OUTPUT_FORMATS, writeRows } from "./lib/output/format.ts";
export type { OutputFormat } from "./lib/output/format.ts";
export type { Sink } from "./lib/output/sink.ts";
export { createTable, parseSchemaText } from "./lib/write/create.ts";
export type { CreateOptions } from "./lib/write/create.ts";
export { tablePolicy, writeRows as appendRows, writeValidated } from "./lib/write/write.ts";
export type { ArrowBatchLike, WriteInput } from "./lib/write/write.ts";
export type { WriteOptions, WriteResult } from "./lib/write/options.ts";
export type { WriteRow } from "./lib/input/row.ts";
export { csvRows } from "./lib/input/csv.ts";
export type { CsvOptions } from "./lib/input/csv.ts";
export { ndjsonRows } from "./lib/input/ndjson.ts";
export type { NdjsonOptions } from "./lib/input/ndjson.ts";
export { alterTable } from "./lib/write/alter.ts";
export type { AlterOptions, AlterResult } from "./lib/write/alter.ts";
export type { ColumnRename, ColumnSpec, SchemaChanges } from "./lib/format/schema_evolution.ts";
export { commitSnapshot } from "./lib/write/commit.ts";
export type { CommitOptions, CommitResult } from "./lib/write/commit.ts";
export { serializeSnapshot } from "./lib/format/snapshot_json.ts";
export type { SnapshotContent } from "./lib/format/snapshot_json.ts";
export { tableHistory } from "./lib/inspect/history.ts";
export type { HistoryEntry } from "./lib/inspect/history.ts";
export { genUpstream, syntheticRows } from "./lib/write/gen.ts";
export type { SyntheticOptions } from "./lib/write/gen.ts";
export { compactTable } from "./lib/compact/compact.ts";
export type { CompactOptions, CompactProgress, CompactResult } from "./lib/compact/compact.ts";
export { planCompaction } from "./lib/compact/plan.ts";
export type { CompactionPlan, CompactPlanOptions, PlannedPeriod } from "./lib/compact/plan.ts";
export { policyJson, readCompactionPolicy } from "./lib/format/compact_policy.ts";
export type { CompactionPolicy, PolicyOverrides } from "./lib/format/compact_policy.ts";
export { parsePeriod, parsePolicy, periodOf } from "./lib/format/policy.ts";
export type { Period } from "./lib/format/policy.ts";
