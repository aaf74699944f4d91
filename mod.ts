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
export { formatInstant, parseInstant } from "./lib/time.ts";
export type { Column, ColumnType, Schema as TableSchema } from "./lib/schema.ts";
export { parseSnapshot } from "./lib/snapshot.ts";
export type { Delta, Segment, Snapshot } from "./lib/snapshot.ts";
export { openTable, resolveTable } from "./lib/table.ts";
export type { Table } from "./lib/table.ts";
export { isInRange, planScan } from "./lib/plan.ts";
export type { PlannedFile, PlanOptions, ScanPlan } from "./lib/plan.ts";
export { scan } from "./lib/scan.ts";
export type { BatchColumn, RowBatch, ScanOptions, ScanProgress, ScanResult } from "./lib/scan.ts";
export type { Value } from "./lib/data_file.ts";
export { scanArrowBatches, scanToArrow } from "./lib/arrow.ts";
export { checkTable } from "./lib/check.ts";
export type { CheckOptions, CheckProblem, CheckResult } from "./lib/check.ts";
export { inspectTable } from "./lib/inspect.ts";
export type {
  DeltaReport,
  FileReport,
  InspectOptions,
  SegmentReport,
  TableReport,
} from "./lib/inspect.ts";
export { listTables } from "./lib/list_tables.ts";
export type { TableListing } from "./lib/list_tables.ts";
export { layoutStats, readStats } from "./lib/inspect_stats.ts";
export type {
  DeltaSpread,
  FileTotals,
  LayoutStats,
  LevelStats,
  ReadPiece,
  ReadStats,
} from "./lib/inspect_stats.ts";
export { renderSvg } from "./lib/inspect_svg.ts";
export type { SvgOptions } from "./lib/inspect_svg.ts";
export { executeVacuum, readVacuumInput, vacuumTable } from "./lib/vacuum.ts";
export type { VacuumOptions, VacuumResult } from "./lib/vacuum.ts";
export { DEFAULT_GRACE_MS, DEFAULT_RETAIN_MS, planVacuum } from "./lib/vacuum_plan.ts";
export type {
  SnapshotDecision,
  VacuumInput,
  VacuumPlan,
  VacuumRemoval,
  VacuumRule,
} from "./lib/vacuum_plan.ts";
export { LocalStore } from "./lib/store/local.ts";
export { MemoryStore } from "./lib/store/memory.ts";
export type { Store, StoreEntry } from "./lib/store/store.ts";
export { openStore } from "./lib/store/open.ts";
export type { OpenStoreOptions } from "./lib/store/open.ts";
export { S3Store } from "./lib/store/s3.ts";
export type { S3StoreOptions, S3StoreStats } from "./lib/store/s3.ts";
export { resolveS3Config } from "./lib/store/s3_config.ts";
export type { EnvRecord, S3Config, S3Credentials, TextFileReader } from "./lib/store/s3_config.ts";
export { OUTPUT_FORMATS, writeRows } from "./lib/output/format.ts";
export type { OutputFormat } from "./lib/output/format.ts";
export type { Sink } from "./lib/output/sink.ts";
export { createTable, parseSchemaText } from "./lib/create.ts";
export type { CreateOptions } from "./lib/create.ts";
export { tablePolicy, writeRows as appendRows, writeValidated } from "./lib/write.ts";
export type { ArrowBatchLike, WriteInput, WriteOptions, WriteResult } from "./lib/write.ts";
export type { WriteRow } from "./lib/row.ts";
export { csvRows } from "./lib/input_csv.ts";
export type { CsvOptions } from "./lib/input_csv.ts";
export { ndjsonRows } from "./lib/input_ndjson.ts";
export type { NdjsonOptions } from "./lib/input_ndjson.ts";
export { commitSnapshot } from "./lib/commit.ts";
export type { CommitOptions, CommitResult } from "./lib/commit.ts";
export { serializeSnapshot } from "./lib/snapshot_json.ts";
export type { SnapshotContent } from "./lib/snapshot_json.ts";
export { tableHistory } from "./lib/history.ts";
export type { HistoryEntry } from "./lib/history.ts";
export { genUpstream, syntheticRows } from "./lib/gen.ts";
export type { SyntheticOptions } from "./lib/gen.ts";
export { compactTable } from "./lib/compact.ts";
export type { CompactOptions, CompactProgress, CompactResult } from "./lib/compact.ts";
export { planCompaction } from "./lib/compact_plan.ts";
export type { CompactionPlan, CompactPlanOptions, PlannedPeriod } from "./lib/compact_plan.ts";
export { policyJson, readCompactionPolicy } from "./lib/compact_policy.ts";
export type { CompactionPolicy, PolicyOverrides } from "./lib/compact_policy.ts";
export { parsePeriod, parsePolicy, periodOf } from "./lib/policy.ts";
export type { Period } from "./lib/policy.ts";
