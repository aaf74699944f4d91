/**
 * Compaction: carries out a {@linkcode CompactionPlan}, writing each rewritten period's segment from
 * the old layout's rows, then commits a snapshot naming the new files in place of the old ones. A
 * concurrent commit makes it plan again on the newer snapshot; on failure it leaves nothing
 * referenced and deletes what it wrote, best effort (but keeps it when the commit's outcome stayed
 * unknown, SPEC §9 rule 7).
 *
 * @module
 */

import { commitSnapshot } from "../write/commit.ts";
import { type CompactionPlan, type CompactPlanOptions, planCompaction } from "./plan.ts";
import {
  type CompactionPolicy,
  policyJson,
  type PolicyOverrides,
  readCompactionPolicy,
} from "../format/compact_policy.ts";
import { OpenedFiles, rowsBetween, stateAt } from "./read.ts";
import { gatherRows, mergeNewer, newestPerKey, type RowSet } from "./rows.ts";
import { CompactFileWriter, extendSegment, writePeriod } from "./write.ts";
import { AzofError } from "../errors.ts";
import { storedOrInferredPolicy } from "../format/layout_policy.ts";
import { parsePolicy } from "../format/policy.ts";
import type { Segment, Snapshot } from "../format/snapshot.ts";
import type { Table } from "../format/table.ts";

/** Options of {@linkcode compactTable}. */
export interface CompactOptions extends CompactPlanOptions {
  /** Per-run changes to the stored policy. */
  readonly policy?: PolicyOverrides | undefined;
  /** Also store the resulting policy in the new snapshot (for later compactions and writes). */
  readonly savePolicy?: boolean | undefined;
  /** Only plan: write and commit nothing. */
  readonly dryRun?: boolean | undefined;
  /** Plans attempted when concurrent commits intervene; 3 by default. */
  readonly maxAttempts?: number | undefined;
  /** Called as periods are done. */
  readonly onProgress?: ((progress: CompactProgress) => void) | undefined;
}

/** How far a compaction has got. */
export interface CompactProgress {
  /** Periods handled so far, of `periods`. */
  readonly done: number;
  /** Periods to rewrite. */
  readonly periods: number;
  /** Rows written so far. */
  readonly rows: number;
}

/** What a compaction did (or, for a dry run, would do). */
export interface CompactResult {
  /** The plan carried out (the last one, after re-plans). */
  readonly plan: CompactionPlan;
  /** The snapshot committed; the current one when nothing was committed. */
  readonly version: number;
  /** Whether a snapshot was committed. */
  readonly committed: boolean;
  /** Data files written. */
  readonly files: readonly string[];
  /** Rows and bytes written. */
  readonly rows: number;
  /** Bytes written. */
  readonly bytes: number;
  /** Plans made (more than 1 when concurrent commits intervened). */
  readonly attempts: number;
}

/** Thrown by the commit's build step when the snapshot moved on since planning. */
class _Moved extends Error {}

/**
 * Compacts a table under its stored policy (with per-run overrides): folds deltas into bases and
 * lays segments out so that an as-of read opens at most (levels + `max_deltas`) files per top-level
 * segment, keeping `scan(T)` the same for every T. The old snapshot stays readable.
 *
 * @param table The table.
 * @param options Overrides, `since`, `force`, dry run, progress.
 * @returns What was written and committed.
 * @throws {AzofError} `CommitConflict` when concurrent commits outran every attempt;
 *   `CommitUnknown` when the store left it unknown whether the snapshot was created.
 *
 * @example Compact a small table into yearly segments with bases
 * ```ts
 * import { appendRows, compactTable, createTable, MemoryStore } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = await createTable(new MemoryStore(), "t", {
 *   columns: [{ name: "v", type: "Int", nullable: false }],
 * });
 * await appendRows(table, [
 *   { key: "a", event_time: "2019-03-01", v: 1n },
 *   { key: "a", event_time: "2020-03-01", v: 2n },
 * ]);
 * const result = await compactTable(table);
 * assert.equal(result.version, 3);
 * const [y2019, y2020] = (await table.snapshot()).segments;
 * assert.equal(y2019?.end, Date.UTC(2020, 0, 1) - 1);
 * assert.ok(y2020?.base !== undefined);
 * ```
 */
export async function compactTable(
  table: Table,
  options: CompactOptions = {},
): Promise<CompactResult> {
  const maxAttempts = options.maxAttempts ?? 3;
  for (let attempt = 1;; attempt++) {
    const snapshot = await table.snapshot();
    const stored = storedOrInferredPolicy(snapshot);
    const policy = readCompactionPolicy(stored, options.policy ?? {});
    const plan = planCompaction(snapshot, policy, options);
    const result = { plan, version: snapshot.version, committed: false, attempts: attempt };
    const work = plan.periods.some((p) => p.action === "rewrite");
    const policyChanged = !_sameSegments(stored, policy) ||
      (options.savePolicy === true &&
        JSON.stringify(snapshot.extra.policy) !== JSON.stringify(policyJson(policy)));
    if (options.dryRun || (!work && !policyChanged)) {
      return { ...result, files: [], rows: 0, bytes: 0 };
    }
    const writer = new CompactFileWriter(table, snapshot.schema, policy);
    try {
      const segments = await _execute(table, snapshot, plan, writer, options);
      await writer.flush();
      const version = await _commit(table, snapshot, segments, plan, writer, options);
      return {
        ...result,
        version,
        committed: true,
        files: writer.files,
        rows: writer.rows,
        bytes: writer.bytes,
      };
    } catch (error) {
      await writer.flush().catch(() => {}); // no upload may land after the deletes below
      // The snapshot may be stored and name the files: keep them (SPEC §9 rule 7).
      if (error instanceof AzofError && error.code === "CommitUnknown") throw error;
      await Promise.all(writer.files.map((f) => table.store.delete(table.key(f)).catch(() => {})));
      const conflict = error instanceof AzofError && error.code === "CommitConflict";
      if (!(error instanceof _Moved) && !conflict) throw error;
      if (attempt >= maxAttempts) {
        throw new AzofError(
          "CommitConflict",
          `Cannot compact table ${table.name}: other commits changed it during ${attempt} attempts; try again`,
        );
      }
    }
  }
}

async function _execute(
  table: Table,
  snapshot: Snapshot,
  plan: CompactionPlan,
  writer: CompactFileWriter,
  options: CompactOptions,
): Promise<Segment[]> {
  const levels = parsePolicy(plan.policy.segment);
  const total = plan.periods.filter((p) => p.action === "rewrite").length;
  const out: Segment[] = [];
  let state: RowSet | undefined;
  let done = 0;
  const files = new OpenedFiles();
  for (const period of plan.periods) {
    if (period.action === "keep") {
      out.push(plan.region.find((s) => s.start === period.start)!);
      state = undefined;
      continue;
    }
    const first = plan.before.length === 0 && out.length === 0;
    state ??= await stateAt(table, snapshot, period.start - 1, files, {
      planAt: first ? period.start : undefined,
    });
    const rows = await rowsBetween(table, snapshot, period.start, period.end ?? 8.64e15, files);
    const previous = out.at(-1);
    if (rows.rows === 0 && period.end !== undefined && previous !== undefined) {
      out[out.length - 1] = extendSegment(previous, period.end); // an empty span: SPEC §9.8 step 6
    } else out.push(await writePeriod(writer, levels, period, state, rows, first));
    state = mergeNewer(state, gatherRows(rows, newestPerKey(rows)));
    if (period.end !== undefined) files.releaseBefore(period.end + 1);
    options.onProgress?.({ done: ++done, periods: total, rows: writer.rows });
  }
  return out;
}

async function _commit(
  table: Table,
  snapshot: Snapshot,
  region: Segment[],
  plan: CompactionPlan,
  writer: CompactFileWriter,
  options: CompactOptions,
): Promise<number> {
  const rewritten = plan.periods.filter((p) => p.action === "rewrite");
  const summary = {
    periods_rewritten: rewritten.map((p) => p.id),
    periods_kept: plan.periods.length - rewritten.length,
    files: writer.files,
    removed: rewritten.flatMap((p) => p.remove),
    rows: writer.rows,
    bytes: writer.bytes,
  };
  const policy = _policyField(snapshot, plan.policy, options);
  const { version } = await commitSnapshot(table, (current) => {
    if (!current || current.version !== snapshot.version) throw new _Moved();
    const segments = [...plan.before, ...region].sort((a, b) => a.start - b.start);
    return { ...current, segments, extra: { ...current.extra, ...policy } };
  }, { operation: "compact", summary, maxAttempts: 1 });
  return version;
}

/**
 * The `"policy"` field of the new snapshot: the whole policy with `savePolicy`; else the stored one,
 * with `segment` replaced when this run laid the table out by other periods (writers route rows by
 * the stored segment policy, so it must describe the layout).
 */
function _policyField(
  snapshot: Snapshot,
  policy: CompactionPolicy,
  options: CompactOptions,
): Record<string, unknown> {
  if (options.savePolicy) return { policy: policyJson(policy) };
  const stored = snapshot.extra.policy;
  if (_sameSegments(storedOrInferredPolicy(snapshot), policy)) {
    return stored === undefined ? {} : { policy: stored };
  }
  const fields = typeof stored === "object" && stored !== null ? stored : {};
  return { policy: { ...fields, segment: [...policy.segment] } };
}

function _sameSegments(stored: unknown, policy: CompactionPolicy): boolean {
  return readCompactionPolicy(stored).segment.join(",") === policy.segment.join(",");
}
