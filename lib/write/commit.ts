/**
 * The optimistic commit loop: build snapshot N+1 from the newest snapshot N, create `s(N+1).json`
 * only if absent, then rewrite the `version.txt` hint. On a lost race, re-read and rebuild, a bounded
 * number of times. A create with no clear answer is resolved, never guessed, and an idempotency key
 * already committed makes the commit a no-op (docs/SPEC.md §9 rules 7–8).
 *
 * @module
 */

import { createSnapshotFile, findIdempotencyKey, IDEMPOTENCY_WINDOW } from "./commit_outcome.ts";
import { AzofError } from "../errors.ts";
import type { Snapshot } from "../format/snapshot.ts";
import { serializeSnapshot, type SnapshotContent } from "../format/snapshot_json.ts";
import type { Table } from "../format/table.ts";

const _encoder = new TextEncoder();

/** What a commit records about itself in the new snapshot's top-level history fields. */
export interface CommitOptions {
  /** The operation, such as `"create"` or `"write"`. */
  readonly operation: string;
  /** What the commit added, recorded as `"summary"`. */
  readonly summary?: Readonly<Record<string, unknown>> | undefined;
  /** Attempts before giving up with `CommitConflict`; 10 by default. */
  readonly maxAttempts?: number | undefined;
  /** The table must not exist yet (`create`): a taken `s1.json` is `TableExists`, not a retry. */
  readonly create?: boolean | undefined;
  /**
   * The caller's token for this change, recorded as `"idempotency_key"`: when one of the last 100
   * snapshots (or one committed during the attempts) carries it, nothing is committed and the
   * result says `alreadyCommitted` (SPEC §9 rule 8).
   */
  readonly idempotencyKey?: string | undefined;
}

/** The outcome of a commit. */
export interface CommitResult {
  /** The snapshot number committed. */
  readonly version: number;
  /** How many attempts it took (1 without a conflict). */
  readonly attempts: number;
  /** Whether `version` is an earlier commit carrying the same idempotency key (nothing committed). */
  readonly alreadyCommitted: boolean;
}

/**
 * Commits a new snapshot. `build` receives the newest snapshot (none for a new table) and returns
 * the content of the next one; it is called again after each lost race, with the winner's snapshot.
 * History fields `committed_at`, `operation`, `parent` and `summary` are set on the result; other
 * top-level fields returned by `build` are kept.
 *
 * @param table The table.
 * @param build Makes the next snapshot from the newest one; may throw to abandon the commit.
 * @param options The operation and summary.
 * @returns The committed snapshot number.
 * @throws {AzofError} `CommitConflict` after `maxAttempts` lost races; `TableExists` for a create;
 *   `CommitUnknown` when the store gave no clear answer whether the snapshot was created (it may
 *   have been: files it names must be kept). Any other error means nothing was committed.
 *
 * @example Commit a first snapshot to an in-memory table
 * ```ts
 * import { commitSnapshot, MemoryStore, openTable } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = openTable(new MemoryStore(), "t");
 * const build = () => ({ schema: { columns: [] }, segments: [], extra: {} });
 * const { version } = await commitSnapshot(table, build, { operation: "create", create: true });
 * assert.equal(version, 1);
 * ```
 */
export async function commitSnapshot(
  table: Table,
  build: (current: Snapshot | undefined) => SnapshotContent,
  options: CommitOptions,
): Promise<CommitResult> {
  const maxAttempts = options.maxAttempts ?? 10;
  const commitId = crypto.randomUUID();
  const key = options.idempotencyKey;
  let version = options.create ? 0 : await table.currentVersion();
  let seen = Math.max(0, version - IDEMPOTENCY_WINDOW);
  for (let attempt = 1;; attempt++) {
    if (key !== undefined && version > seen) {
      const found = await findIdempotencyKey(table, key, seen + 1, version);
      if (found !== undefined) return { version: found, attempts: attempt, alreadyCommitted: true };
      seen = version;
    }
    const current = version === 0 ? undefined : await table.snapshot(version);
    const name = `s${version + 1}.json`;
    const text = _snapshotText(build(current), version, commitId, options);
    if (await createSnapshotFile(table, name, _encoder.encode(text), commitId)) {
      await table.store.put(table.key("version.txt"), _encoder.encode(String(version + 1)))
        .catch(() => {}); // only a hint: readers probe forward past it (SPEC §2)
      return { version: version + 1, attempts: attempt, alreadyCommitted: false };
    }
    if (options.create) {
      throw new AzofError("TableExists", `Cannot create table ${table.name}: it already exists`);
    }
    if (attempt >= maxAttempts) {
      throw new AzofError(
        "CommitConflict",
        `Cannot commit to table ${table.name}: ${name} was taken by another writer ${attempt} times; try again`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    version = await table.currentVersion();
  }
}

/** The snapshot's JSON with this commit's history fields; the parent's own ids are not kept. */
function _snapshotText(
  content: SnapshotContent,
  version: number,
  commitId: string,
  options: CommitOptions,
): string {
  const extra: Record<string, unknown> = {
    ...content.extra,
    committed_at: new Date().toISOString(),
    operation: options.operation,
    parent: version === 0 ? null : version,
    summary: options.summary ?? {},
    commit_id: commitId,
  };
  delete extra.idempotency_key;
  if (options.idempotencyKey !== undefined) extra.idempotency_key = options.idempotencyKey;
  return serializeSnapshot({ ...content, extra });
}
