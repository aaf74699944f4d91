/**
 * The compaction policy flags `azof create` and `azof compact` share.
 *
 * @module
 */

import type { PolicyOverrides } from "../lib/format/compact_policy.ts";
import { integerFlag, listFlag } from "./usage.ts";

/** The policy flags `compact` and `create` share. */
export const POLICY_OPTIONS = {
  segment: { type: "string" },
  "max-deltas": { type: "string" },
  "file-rows": { type: "string" },
  "row-group-rows": { type: "string" },
  horizon: { type: "string" },
} as const;

/**
 * Reads the policy flags.
 *
 * @param values Parsed flags.
 * @returns The overrides they name (absent flags are `undefined`).
 */
export function policyFlags(values: {
  segment?: string | undefined;
  "max-deltas"?: string | undefined;
  "file-rows"?: string | undefined;
  "row-group-rows"?: string | undefined;
  horizon?: string | undefined;
}): PolicyOverrides {
  return {
    segment: listFlag(values.segment, "--segment"),
    maxDeltas: integerFlag(values["max-deltas"], "--max-deltas", 1),
    fileRows: integerFlag(values["file-rows"], "--file-rows", 1),
    rowGroupRows: integerFlag(values["row-group-rows"], "--row-group-rows", 1),
    horizon: values.horizon,
  };
}
