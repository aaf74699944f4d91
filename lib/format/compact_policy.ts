/**
 * The compaction policy a table stores in its snapshot's `"policy"` field, beside the segment policy
 * the write path uses: `{"segment": ["P1Y", "P3M"], "max_deltas": 4, "file_rows": 1000000,
 * "row_group_rows": 65536, "horizon": "P2Y"}`. Every field but `segment` is optional.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { DEFAULT_POLICY, parsePeriod, parsePolicy, type Period } from "./policy.ts";

/** What compaction aims for; see docs/SPEC.md "Compaction". */
export interface CompactionPolicy {
  /** Segment spans per level, outermost first (`["P1Y", "P3M"]`). */
  readonly segment: readonly string[];
  /** Most deltas on any read path of a segment before compaction folds them (default 4). */
  readonly maxDeltas: number;
  /** Most rows per delta file compaction writes; larger outputs are split (default 1,000,000). */
  readonly fileRows: number;
  /** Rows per row group of the files compaction writes (default 65,536). */
  readonly rowGroupRows: number;
  /**
   * How far back (an ISO 8601 duration, counted back from the start of the newest top-level period)
   * compaction still folds late data; older segments stay untouched. `undefined`: no limit.
   */
  readonly horizon?: string | undefined;
}

/** Overrides of a stored policy, field by field (`undefined` keeps the stored value). */
export type PolicyOverrides = {
  readonly [K in keyof CompactionPolicy]?: CompactionPolicy[K] | undefined;
};

/** The defaults of every field but `segment`. */
export const COMPACTION_DEFAULTS = { maxDeltas: 4, fileRows: 1_000_000, rowGroupRows: 65_536 };

/**
 * Reads the compaction policy from a snapshot's top-level `"policy"` field, filling defaults, then
 * applies overrides and checks the result.
 *
 * @param stored The `"policy"` field as found (any JSON value; unknown forms read as defaults).
 * @param overrides Per-run values.
 * @returns The policy.
 * @throws {AzofError} `InputInvalid` when a value is out of range or a period malformed.
 *
 * @example Defaults for a table created with P1Y,P3M, with one override
 * ```ts
 * import { readCompactionPolicy } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const policy = readCompactionPolicy({ segment: ["P1Y", "P3M"] }, { maxDeltas: 2 });
 * assert.equal(policy.maxDeltas, 2);
 * assert.equal(policy.fileRows, 1_000_000);
 * ```
 */
export function readCompactionPolicy(
  stored: unknown,
  overrides: PolicyOverrides = {},
): CompactionPolicy {
  const json = (typeof stored === "object" && stored !== null ? stored : {}) as Record<
    string,
    unknown
  >;
  const strings = (v: unknown) =>
    Array.isArray(v) && v.every((x) => typeof x === "string") ? v as string[] : undefined;
  const whole = (v: unknown) => typeof v === "number" && Number.isSafeInteger(v) ? v : undefined;
  const policy: CompactionPolicy = {
    segment: overrides.segment ?? strings(json.segment) ?? DEFAULT_POLICY,
    maxDeltas: overrides.maxDeltas ?? whole(json.max_deltas) ?? COMPACTION_DEFAULTS.maxDeltas,
    fileRows: overrides.fileRows ?? whole(json.file_rows) ?? COMPACTION_DEFAULTS.fileRows,
    rowGroupRows: overrides.rowGroupRows ?? whole(json.row_group_rows) ??
      COMPACTION_DEFAULTS.rowGroupRows,
    horizon: overrides.horizon ?? (typeof json.horizon === "string" ? json.horizon : undefined),
  };
  _checkCompactionPolicy(policy);
  return policy;
}

/**
 * Checks a policy's values: periods that refine each other, at least 1 delta, 1 row per file and
 * row group, and a horizon that is a period.
 *
 * @param policy The policy.
 * @throws {AzofError} `InputInvalid` naming the field.
 */
function _checkCompactionPolicy(policy: CompactionPolicy): void {
  parsePolicy(policy.segment);
  const check = (value: number, name: string) => {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new AzofError(
        "InputInvalid",
        `Invalid compaction policy: ${name} must be a whole number from 1, found ${value}`,
      );
    }
  };
  check(policy.maxDeltas, "max_deltas");
  check(policy.fileRows, "file_rows");
  check(policy.rowGroupRows, "row_group_rows");
  if (policy.horizon !== undefined) parsePeriod(policy.horizon);
}

/**
 * The policy as the snapshot's `"policy"` field stores it (defaults written out, so a reader sees
 * what compaction will do).
 *
 * @param policy The policy.
 * @returns The JSON object.
 *
 * @example Stored form
 * ```ts
 * import { policyJson, readCompactionPolicy } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const json = policyJson(readCompactionPolicy({ segment: ["P1Y"] }));
 * assert.deepEqual(json.segment, ["P1Y"]);
 * assert.equal(json.max_deltas, 4);
 * ```
 */
export function policyJson(policy: CompactionPolicy): Record<string, unknown> {
  return {
    segment: [...policy.segment],
    max_deltas: policy.maxDeltas,
    file_rows: policy.fileRows,
    row_group_rows: policy.rowGroupRows,
    ...(policy.horizon === undefined ? {} : { horizon: policy.horizon }),
  };
}

/**
 * Moves an instant back by a period (calendar arithmetic in UTC).
 *
 * @param t The instant (ms).
 * @param period The period.
 * @returns `t` minus the period.
 */
export function minusPeriod(t: number, period: Period): number {
  const date = new Date(t);
  if (period.unit === "D") return t - period.count * 86_400_000;
  const months = period.unit === "Y" ? period.count * 12 : period.count;
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.getTime();
}
