/**
 * The error type of azof: one class with a machine-readable {@linkcode AzofErrorCode}.
 *
 * @module
 */

/** What went wrong, for callers that branch on the kind of failure. */
export type AzofErrorCode =
  | "TableNotFound"
  | "TableExists"
  | "SnapshotInvalid"
  | "DataInvalid"
  | "DataCorrupt"
  | "InputInvalid"
  | "CommitConflict"
  | "CommitUnknown"
  | "StorageError"
  | "Unsupported";

/**
 * A condition a caller may want to handle: a missing table, a malformed snapshot, a bad data file.
 *
 * Programmer mistakes (a wrong argument type) raise the built-in `TypeError` or `RangeError` instead.
 *
 * @example Branch on the code
 * ```ts
 * import { AzofError } from "../mod.ts";
 * const err = new AzofError("TableNotFound", "Cannot open table t: no version.txt in /data/t");
 * if (err instanceof AzofError && err.code === "TableNotFound") console.log("create it first");
 * ```
 */
export class AzofError extends Error {
  /** The kind of failure. */
  readonly code: AzofErrorCode;

  /**
   * Creates an error.
   *
   * @param code The kind of failure.
   * @param message One line naming the file, field or column, what was expected and what was found.
   * @param options `cause`: the underlying error.
   */
  constructor(code: AzofErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AzofError";
    this.code = code;
  }
}
