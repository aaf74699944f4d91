/**
 * Knowing what a commit did: creating `s(N+1).json` resolves a request that got no clear answer
 * by re-sending it and reading the object back (never by guessing), and an idempotency key is
 * looked up in recent snapshots. See docs/SPEC.md §9 rules 7–8.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { WriteRefused } from "../store/store.ts";
import type { Table } from "../format/table.ts";

const _decoder = new TextDecoder();

/** Pauses before each re-send of a create whose outcome is unknown (ms); 3 re-sends. */
const _RESEND_DELAYS = [10, 50, 250];

/** How many snapshots back from the current one an idempotency key is looked for. */
export const IDEMPOTENCY_WINDOW = 100;

/**
 * Creates snapshot file `name` unless it exists and says whether this commit's snapshot (the one
 * carrying `commitId`) is the one stored. "Exists" is checked by reading the object back: an
 * earlier send of the same bytes may have created it. A request with no clear answer is re-sent,
 * identical, up to 3 times. A first send the store refused ({@linkcode WriteRefused}) stored nothing.
 *
 * @param table The table.
 * @param name The snapshot file name, `sN.json`.
 * @param bytes The snapshot, whose `commit_id` is `commitId`.
 * @param commitId The commit's id.
 * @returns `true` when the stored snapshot is this commit's, `false` when another writer's.
 * @throws {AzofError} `CommitUnknown` when no send got a clear answer; the store's error when it
 *   refused the first send.
 *
 * @example A re-sent create finds its own snapshot
 * ```ts
 * import { createSnapshotFile } from "./commit_outcome.ts";
 * import { MemoryStore } from "../store/memory.ts";
 * import { openTable } from "../format/table.ts";
 * import assert from "node:assert/strict";
 * const table = openTable(new MemoryStore(), "t");
 * const bytes = new TextEncoder().encode(JSON.stringify({ commit_id: "c1" }));
 * assert.equal(await createSnapshotFile(table, "s1.json", bytes, "c1"), true);
 * assert.equal(await createSnapshotFile(table, "s1.json", bytes, "c1"), true);
 * assert.equal(await createSnapshotFile(table, "s1.json", bytes, "c2"), false);
 * ```
 */
export async function createSnapshotFile(
  table: Table,
  name: string,
  bytes: Uint8Array,
  commitId: string,
): Promise<boolean> {
  const key = table.key(name);
  let last: unknown;
  for (let send = 0; send <= _RESEND_DELAYS.length; send++) {
    if (send > 0) await new Promise((resolve) => setTimeout(resolve, _RESEND_DELAYS[send - 1]));
    try {
      if (await table.store.putIfAbsent(key, bytes)) return true;
      return _commitIdOf(await table.store.read(key)) === commitId;
    } catch (error) {
      // A refusal of the first send stored nothing; of a re-send, it says nothing of the first.
      if (send === 0 && error instanceof WriteRefused) throw error;
      last = error;
    }
  }
  const detail = last instanceof Error ? last.message : String(last);
  throw new AzofError(
    "CommitUnknown",
    `Cannot commit to table ${table.name}: commit outcome unknown: cannot tell whether ${name} ` +
      `in ${table.location} was created by this commit (commit_id ${commitId}): ${detail}. Its data files were kept. ` +
      `Check with "azof history -f json" whether snapshot ${
        name.slice(1, -5)
      } has that commitId, or ` +
      `run the command again (a write with the same --idempotency-key)`,
    { cause: last },
  );
}

/**
 * The `commit_id` a stored snapshot carries, if any.
 *
 * @param bytes The snapshot file's bytes.
 * @returns The id, or `undefined` for none or an unreadable file.
 */
function _commitIdOf(bytes: Uint8Array): string | undefined {
  try {
    const id = (JSON.parse(_decoder.decode(bytes)) as { commit_id?: unknown }).commit_id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The snapshot, among `from`..`to` (newest first), that carries idempotency key `key`. Snapshots
 * before `to` that are gone (vacuumed) end the search; a read that fails throws, since a lookup
 * that guessed "absent" could apply a batch twice.
 *
 * @param table The table.
 * @param key The idempotency key.
 * @param from The oldest snapshot number to look at.
 * @param to The newest snapshot number to look at (it must exist).
 * @returns The snapshot number, or `undefined` when none carries the key.
 *
 * @example Find the write that carried a key
 * ```ts
 * import { findIdempotencyKey } from "./commit_outcome.ts";
 * import { createTable } from "./create.ts";
 * import { writeRows } from "./write.ts";
 * import { MemoryStore } from "../store/memory.ts";
 * import assert from "node:assert/strict";
 * const table = await createTable(new MemoryStore(), "t", { columns: [] });
 * await writeRows(table, [{ key: "a", event_time: 0 }], { idempotencyKey: "batch-7" });
 * assert.equal(await findIdempotencyKey(table, "batch-7", 1, 2), 2);
 * assert.equal(await findIdempotencyKey(table, "batch-8", 1, 2), undefined);
 * ```
 */
export async function findIdempotencyKey(
  table: Table,
  key: string,
  from: number,
  to: number,
): Promise<number | undefined> {
  for (let v = to; v >= Math.max(1, from); v--) {
    if (v < to && !(await table.store.exists(table.key(`s${v}.json`)))) return undefined;
    if ((await table.snapshot(v)).extra.idempotency_key === key) return v;
  }
  return undefined;
}
