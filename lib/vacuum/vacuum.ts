/**
 * Table maintenance: `vacuum` removes expired snapshots, data files no kept snapshot names and stray
 * temporary files. Reading the table folder, planning ({@linkcode planVacuum}, pure) and carrying the
 * plan out are separate steps.
 *
 * @module
 */

import { snapshotFiles } from "../format/segments.ts";
import type { Table } from "../format/table.ts";
import { planVacuum, type VacuumInput, type VacuumPlan, type VacuumRule } from "./plan.ts";

const _decoder = new TextDecoder();
const _encoder = new TextEncoder();
const _SNAPSHOT = /^s([1-9][0-9]{0,14})\.json$/;

/** Options of {@linkcode vacuumTable}. */
export interface VacuumOptions extends VacuumRule {
  /** Plan only: remove nothing. */
  readonly dryRun?: boolean | undefined;
  /** Called after each file removed, with the count done and the total. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** What {@linkcode vacuumTable} returns. */
export interface VacuumResult {
  /** The plan, as data. */
  readonly plan: VacuumPlan;
  /** What was removed (nothing on a dry run). */
  readonly removed: { readonly files: number; readonly bytes: number };
}

/**
 * Vacuums a table: removes snapshots older than the retention (never the newest) and the data files
 * only they name, leaving every file younger than the grace period alone. See
 * {@linkcode planVacuum} for the rule. Order keeps the table valid if interrupted: `version.txt` is
 * made to name a kept snapshot first, then snapshots are removed oldest first, then data files.
 *
 * @param table The table.
 * @param options Retention, grace period, dry run, progress.
 * @returns The plan and what was removed.
 *
 * @example Vacuum an in-memory table with two snapshots
 * ```ts
 * import { appendRows, createTable, MemoryStore, vacuumTable } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = await createTable(new MemoryStore(), "t", { columns: [] });
 * await appendRows(table, [{ key: "a", event_time: Date.UTC(2024, 0, 1) }]);
 * const { removed } = await vacuumTable(table, { keep: 1, grace: 0, now: Date.now() + 1000 });
 * assert.equal(removed.files, 1); // s1.json
 * assert.deepEqual((await table.snapshot()).version, 2);
 * ```
 */
export async function vacuumTable(
  table: Table,
  options: VacuumOptions = {},
): Promise<VacuumResult> {
  const plan = planVacuum(await readVacuumInput(table), options);
  if (options.dryRun) return { plan, removed: { files: 0, bytes: 0 } };
  const removed = await executeVacuum(table, plan, options.onProgress);
  return { plan, removed };
}

/**
 * Reads what {@linkcode planVacuum} needs: the table folder's listing (first), then the current
 * snapshot number and every snapshot listed or committed since.
 *
 * @param table The table.
 * @returns The planning input.
 * @throws {AzofError} `TableNotFound`, or `SnapshotInvalid` when a snapshot cannot be read: vacuum
 *   never guesses which files an unreadable snapshot names.
 *
 * @example Read the listing and snapshots of the bundled sample table
 * ```ts
 * import { openTable, readVacuumInput } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const input = await readVacuumInput(openTable("testdata", "prices"));
 * assert.equal(input.newest, 1);
 * assert.ok(input.files.some((f) => f.key === "s1.json"));
 * ```
 */
export async function readVacuumInput(table: Table): Promise<VacuumInput> {
  const prefix = `${table.key("")}/`;
  const files = (await table.store.list(prefix)).map((f) => ({
    ...f,
    key: f.key.slice(prefix.length),
  }));
  const newest = await table.currentVersion();
  const versions = new Set<number>();
  for (const f of files) {
    const n = Number(_SNAPSHOT.exec(f.key)?.[1] ?? NaN);
    if (n > 0) versions.add(n);
  }
  for (let v = Math.max(0, ...versions) + 1; v <= newest; v++) versions.add(v);
  const snapshots = await _mapLimited([...versions], (v) => table.snapshot(v));
  return { files, snapshots, newest, hint: await _hint(table) };
}

/**
 * Carries a plan out. Data files named by snapshots committed after the plan was made are spared.
 *
 * @param table The table.
 * @param plan The plan from {@linkcode planVacuum}.
 * @param onProgress Called after each removal with the count done and the total.
 * @returns The files and bytes removed.
 *
 * @example Plan, look at the plan, then carry it out
 * ```ts
 * import { appendRows, createTable, executeVacuum, MemoryStore, planVacuum, readVacuumInput } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = await createTable(new MemoryStore(), "t", { columns: [] });
 * await appendRows(table, [{ key: "a", event_time: Date.UTC(2024, 0, 1) }]);
 * const plan = planVacuum(await readVacuumInput(table), { keep: 1, grace: 0, now: Date.now() + 1000 });
 * assert.deepEqual(plan.remove.map((r) => r.file), ["s1.json"]);
 * assert.deepEqual(await executeVacuum(table, plan), { files: 1, bytes: plan.remove[0]!.bytes });
 * ```
 */
export async function executeVacuum(
  table: Table,
  plan: VacuumPlan,
  onProgress?: (done: number, total: number) => void,
): Promise<{ files: number; bytes: number }> {
  const named = new Set<string>();
  for (let v = plan.newest + 1; await table.store.exists(table.key(`s${v}.json`)); v++) {
    for (const file of snapshotFiles(await table.snapshot(v))) named.add(file);
  }
  const remove = plan.remove.filter((r) => !(r.kind === "data" && named.has(r.file)));
  if (remove.length === 0) return { files: 0, bytes: 0 };
  if (plan.writeHint) await _writeHint(table, plan.newest);
  let done = 0;
  let bytes = 0;
  const step = async (r: VacuumPlan["remove"][number]) => {
    await table.store.delete(table.key(r.file));
    bytes += r.bytes;
    done++;
    onProgress?.(done, remove.length);
  };
  const snapshots = remove.filter((r) => r.kind === "snapshot");
  for (const r of snapshots) await step(r); // oldest first, one at a time
  await _mapLimited(remove.filter((r) => r.kind !== "snapshot"), step);
  return { files: done, bytes };
}

/**
 * Rewrites `version.txt`; a rewrite with no clear answer counts only if the file is read back
 * holding the number, else its error stops the vacuum before anything is deleted (SPEC §11 rule 4).
 */
async function _writeHint(table: Table, version: number): Promise<void> {
  try {
    await table.store.put(table.key("version.txt"), _encoder.encode(String(version)));
  } catch (error) {
    if ((await _hint(table).catch(() => null)) !== version) throw error;
  }
}

async function _hint(table: Table): Promise<number | null> {
  const key = table.key("version.txt");
  if (!(await table.store.exists(key))) return null;
  const text = _decoder.decode(await table.store.read(key)).trim();
  return /^[0-9]{1,15}$/.test(text) ? Number(text) : null;
}

async function _mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, items.length) }, worker));
  return out;
}
