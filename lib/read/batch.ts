/**
 * What a scan hands out: batches of output rows in key order, column by column.
 *
 * @module
 */

import type { ColumnType, Value } from "../format/schema.ts";

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
  /**
   * The same strings as UTF-8 bytes, when the scan has them (String columns of a merge scan): row
   * `i` is `bytes[offsets[i] .. offsets[i + 1])`, null where `nulls[i]` is 1 (Arrow's layout). The
   * CSV writer copies these and never makes the strings, which `values` then decodes on first use.
   */
  readonly utf8?: {
    readonly offsets: Int32Array;
    readonly bytes: Uint8Array;
    readonly nulls?: Uint8Array;
  } | undefined;
}

/** A run of output rows in key order, column by column. */
export interface RowBatch {
  /** Number of rows. */
  readonly rows: number;
  /** The output columns, in output order. */
  readonly columns: readonly BatchColumn[];
}
