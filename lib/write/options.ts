/**
 * What a write takes and gives back: its options, its result, and validated rows.
 *
 * @module
 */

import type { ColumnBuffer } from "../columns/column_buffer.ts";
import type { WriteRow } from "../input/row.ts";

/** Options of `writeRows()` (lib/write/write.ts). */
export interface WriteOptions {
  /** Rows per row group; 65,536 by default. */
  readonly rowGroupRows?: number | undefined;
  /** Rows held in open files across all segments before the largest is finished; 1,000,000. */
  readonly maxOpenRows?: number | undefined;
  /**
   * Commit attempts when other writers win the race, and re-routes when a compaction changed the
   * segment layout meanwhile (SPEC §9.5); 10 by default.
   */
  readonly maxAttempts?: number | undefined;
  /** The operation recorded in the snapshot; `"write"` by default. */
  readonly operation?: string | undefined;
  /** Called every 65,536 rows with the count so far. */
  readonly onProgress?: ((rows: number) => void) | undefined;
  /**
   * A token for this batch, recorded in the snapshot: when one of the last 100 snapshots already
   * carries it, the write commits nothing and reports `alreadyCommitted` (SPEC §9 rule 8). Pass
   * the same key when running a write again after `CommitUnknown`.
   */
  readonly idempotencyKey?: string | undefined;
}

/** What a write did. */
export interface WriteResult {
  /** The snapshot committed, or the current one when there was nothing to write. */
  readonly version: number;
  /** Rows read from the input. */
  readonly rows: number;
  /** Of which deletions. */
  readonly deletes: number;
  /** Data files written. */
  readonly files: number;
  /** Bytes of data written. */
  readonly bytes: number;
  /** Segments created. */
  readonly segmentsCreated: number;
  /** Row copies written to later segments with a base (late data). */
  readonly carriedRows: number;
  /** Commit attempts (more than 1 when other writers committed meanwhile). */
  readonly attempts: number;
  /**
   * The idempotency key was found in snapshot `version`: this batch was committed before, and
   * nothing was committed now (`files`, `bytes` and `segmentsCreated` are 0).
   */
  readonly alreadyCommitted: boolean;
}

/** Validated rows as `writeBatches()` takes them: one, an array, or a row batch. */
export type ValidatedRows = WriteRow | readonly WriteRow[] | ColumnBuffer;
