/**
 * The read plan as data for other engines (`azof plan`, docs/SPEC.md §6.1): the planned files with
 * their paths, ranks and row-group statistics, the resolution rule, and a split of the key space
 * into ranges of roughly equal rows. Only footers are read.
 *
 * @module
 */

import { type Column, EVENT_TIME, KEY } from "../format/schema.ts";
import { formatInstant } from "../format/time.ts";
import type { Table } from "../format/table.ts";
import { openDataFile } from "../parquet/data_file.ts";
import { KeyFilter } from "./key_filter.ts";
import { type KeyRange, splitKeyRanges } from "./key_ranges.ts";
import { type PlanOptions, planScan } from "./plan.ts";

/** Options of {@linkcode exportPlan}. */
export interface ExportPlanOptions extends PlanOptions {
  /** The snapshot to plan against (processing-time travel); omitted for the current one. */
  readonly version?: number | undefined;
  /** Number of key ranges wanted; 1 by default. */
  readonly splits?: number | undefined;
  /** Only these keys (and those of `keyPrefixes`); row groups that cannot hold one are left out. */
  readonly keys?: readonly string[] | undefined;
  /** Only keys starting with one of these (and those of `keys`). */
  readonly keyPrefixes?: readonly string[] | undefined;
}

/** One row group of an exported file (only those the read needs are listed). */
export interface ExportedRowGroup {
  /** The row group's position in the file (0-based). */
  readonly index: number;
  /** Its rows. */
  readonly rows: number;
  /** A lower bound of its keys (`key` statistics), or `null` without statistics. */
  readonly keyMin: string | null;
  /** An upper bound of its keys, or `null` without statistics. */
  readonly keyMax: string | null;
  /** Its smallest `event_time` (RFC 3339), or `null` without statistics. */
  readonly eventTimeMin: string | null;
  /** Its greatest `event_time` (RFC 3339), or `null` without statistics. */
  readonly eventTimeMax: string | null;
}

/** One file of an exported plan. */
export interface ExportedFile {
  /** Where to read it: the table's location joined with the file name (a path or an `s3://` URL). */
  readonly path: string;
  /** The file name as the snapshot writes it, relative to the table folder. */
  readonly file: string;
  /** Whether it is a segment's base or a delta. */
  readonly role: "base" | "delta";
  /** The segment holding it (ids from the top level down, joined with `/`). */
  readonly segment: string;
  /** Tie-break order: on equal `event_time` the row of the file with the higher rank wins. */
  readonly rank: number;
  /** Total rows. */
  readonly rows: number;
  /** Size in bytes. */
  readonly bytes: number;
  /** Whether the file declares key order (docs/SPEC.md §5.6). */
  readonly keyOrdered: boolean;
  /** Whether it has the `_deleted` column. */
  readonly hasDeleted: boolean;
  /** The output columns the file has (the others read as null). */
  readonly columns: readonly string[];
  /**
   * The Parquet column holding each of `columns` and `key` and `event_time`, by output name: the
   * same name but for a column renamed since the file was written (docs/SPEC.md §3.7).
   */
  readonly fileColumns: Readonly<Record<string, string>>;
  /** The row groups to read, in file order. */
  readonly rowGroups: readonly ExportedRowGroup[];
}

/**
 * The resolution rule (docs/SPEC.md §7), in words, for engines that carry the plan out; every
 * exported plan holds it as `resolution`.
 *
 * @example Print the tie-break
 * ```ts
 * import { RESOLUTION_RULE } from "../../mod.ts";
 * console.log(RESOLUTION_RULE.winner);
 * ```
 */
export const RESOLUTION_RULE = {
  candidates: "rows of the listed files with event_time <= asOf (every row when asOf is null)",
  winner: "per key, the candidate with the greatest event_time; on equal event_time the row of " +
    "the file with the higher rank; within one file, the row that comes later in the file",
  columns: "each file's Parquet column fileColumns[name] holds output column name; an output " +
    "column missing from fileColumns reads as null in that file's rows; values are cast to the " +
    "schema type (Int values of a column widened to Float are converted)",
  deletion: "a winner whose _deleted is true removes its key from the answer",
  keys: "when keys or keyPrefixes are given, only keys equal to one of keys or starting with " +
    "one of keyPrefixes are output",
  order: "keys ascending in UTF-8 byte order (Unicode code point order)",
  keyRanges: "start <= key < end in UTF-8 byte order, null unbounded; every key lies in exactly " +
    "one range, so each range can be resolved on its own from the row groups overlapping it",
} as const;

/** The read plan of {@linkcode exportPlan}. */
export interface ExportedPlan {
  /** The table's name. */
  readonly table: string;
  /** The table's location (folder or `s3://` URL). */
  readonly location: string;
  /** The snapshot planned against. */
  readonly snapshot: number;
  /** The instant (RFC 3339), or `null` for the current state. */
  readonly asOf: string | null;
  /** The table's schema columns. */
  readonly schema: { readonly columns: readonly Column[] };
  /** The output columns in output order (`key`, `event_time` and schema columns). */
  readonly columns: readonly string[];
  /** The selected keys, or `null` for every key. */
  readonly keys: readonly string[] | null;
  /** The selected key prefixes, or `null`. */
  readonly keyPrefixes: readonly string[] | null;
  /** How to turn the files' rows into the answer. */
  readonly resolution: typeof RESOLUTION_RULE;
  /** The files in read order (rank descending). */
  readonly files: readonly ExportedFile[];
  /** A split of the key space into ranges of roughly equal rows. */
  readonly keyRanges: readonly KeyRange[];
}

/**
 * Plans an as-of read and describes it for another engine: files with paths, ranks and the
 * statistics of the row groups to read, the resolution rule, and key ranges. Reads the snapshot and
 * every planned file's footer, no data.
 *
 * @param table The table (give its root as an absolute path for absolute file paths).
 * @param options The instant, snapshot, columns, keys and number of key ranges.
 * @returns The plan.
 * @throws {AzofError} `InputInvalid` for an unknown column, `DataInvalid` for a bad data file.
 *
 * @example Plan a read of a sample table in two key ranges
 * ```ts
 * import { exportPlan, openTable, parseInstant } from "../../mod.ts";
 * const plan = await exportPlan(openTable("testdata", "prices"), {
 *   asOf: parseInstant("2024-03-01"),
 *   splits: 2,
 * });
 * console.log(plan.files.map((f) => [f.path, f.rank]), plan.keyRanges);
 * ```
 */
export async function exportPlan(
  table: Table,
  options: ExportPlanOptions = {},
): Promise<ExportedPlan> {
  const snapshot = await table.snapshot(options.version);
  const plan = planScan(snapshot, options);
  const selected = options.keys?.length || options.keyPrefixes?.length;
  const filter = selected ? new KeyFilter(options.keys ?? [], options.keyPrefixes ?? []) : null;
  const opened = await Promise.all(
    plan.files.map((f) => openDataFile(table, f.file, snapshot.schema)),
  );
  const asOf = plan.asOf ?? Infinity;
  const files = plan.files.map((planned, i): ExportedFile => {
    const file = opened[i]!;
    const columns = plan.columns.filter((c) => file.columns.includes(c));
    const rowGroups = file.rowGroups.flatMap((g, index): ExportedRowGroup[] =>
      (g.minEventTime !== undefined && g.minEventTime > asOf) ||
        (filter && !filter.mayHold(g.minKey, g.maxKey))
        ? []
        : [{
          index,
          rows: g.rows,
          keyMin: g.minKey ?? null,
          keyMax: g.maxKey ?? null,
          eventTimeMin: g.minEventTime === undefined ? null : formatInstant(g.minEventTime),
          eventTimeMax: g.maxEventTime === undefined ? null : formatInstant(g.maxEventTime),
        }]
    );
    return {
      path: `${table.store.location.replace(/\/+$/, "")}/${table.key(planned.file)}`,
      file: planned.file,
      role: planned.kind,
      segment: planned.segment,
      rank: plan.files.length - 1 - i,
      rows: file.rows,
      bytes: file.bytes,
      keyOrdered: file.keyOrdered,
      hasDeleted: file.hasDeleted,
      columns,
      fileColumns: Object.fromEntries(
        [...new Set([KEY, EVENT_TIME, ...columns])].map((c) => [c, file.fileColumns.get(c)!]),
      ),
      rowGroups,
    };
  });
  const groups = files.flatMap((f) =>
    f.rowGroups.map((g) => ({
      rows: g.rows,
      keyMin: g.keyMin ?? undefined,
      keyMax: g.keyMax ?? undefined,
    }))
  );
  return {
    table: table.name,
    location: table.location,
    snapshot: plan.snapshot,
    asOf: plan.asOf === null ? null : formatInstant(plan.asOf),
    schema: {
      columns: snapshot.schema.columns.map(({ name, type, nullable }) => ({
        name,
        type,
        nullable,
      })),
    },
    columns: plan.columns,
    keys: selected ? [...options.keys ?? []] : null,
    keyPrefixes: selected ? [...options.keyPrefixes ?? []] : null,
    resolution: RESOLUTION_RULE,
    files,
    keyRanges: splitKeyRanges(groups, options.splits ?? 1),
  };
}
