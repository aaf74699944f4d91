/**
 * A systematic fault matrix for table operations: run the operation once cleanly to count its store
 * requests, then once for every request index and every {@linkcode FaultKind}, each time on a fresh
 * copy of the same table, and check the table afterwards against the oracle (the fold of exactly
 * the batches reported committed). Store-agnostic: any {@linkcode Store} can hold the copies.
 *
 * @module
 */

import assert from "node:assert/strict";
import { AzofError } from "../errors.ts";
import { snapshotFiles } from "../format/segments.ts";
import { MemoryStore } from "../store/memory.ts";
import type { Store } from "../store/store.ts";
import { openTable } from "../format/table.ts";
import { FAULT_KINDS, type FaultKind, FaultStore } from "./fault_store.ts";
import type { RaceTable } from "./race_table.ts";
import { versionRows } from "./race_table.ts";
import { foldMap } from "./random_history.ts";
import { scanMap } from "./scan_map.ts";

/** One case: a copy of the prepared table, reached through a {@linkcode FaultStore}. */
export interface FaultCase {
  /** The store that injects the fault. */
  readonly fault: FaultStore;
  /** The table (through `fault`) and its oracle, a copy of the prepared one's. */
  readonly t: RaceTable;
}

/** How an operation under a fault ended. */
export type FaultOutcome = "ok" | "error" | "unknown";

/** One operation under test and what follows it. */
export interface FaultMatrixSpec {
  /** Runs the operation, recording in `c.t` what it reports committed. */
  readonly run: (c: FaultCase) => Promise<void>;
  /** After `CommitUnknown` (the store healed): runs it again as a user would. */
  readonly retry: (c: FaultCase) => Promise<void>;
  /** Asserts the table is sound and reads as the oracle says. */
  readonly check: (c: FaultCase, where: string) => Promise<void>;
}

/** Counts of outcomes over a matrix, by outcome. */
export type FaultCounts = Record<FaultOutcome, number> & { readonly cases: number };

/** The fault kinds a commit must resolve on its own when they hit its `putIfAbsent`. */
export const RESOLVABLE: readonly FaultKind[] = [
  "fail",
  "lost",
  "error5xx",
  "retry412",
  "late",
  "slow",
];

/**
 * Copies `base`'s table into an empty store (a new in-memory one by default) behind a
 * {@linkcode FaultStore}.
 *
 * @param base The prepared table.
 * @param inner The empty store to copy it into.
 * @returns The case.
 */
export async function faultCase(
  base: RaceTable,
  inner: Store = new MemoryStore(),
): Promise<FaultCase> {
  for (const { key } of await base.table.store.list()) {
    await inner.put(key, await base.table.store.read(key));
  }
  const fault = new FaultStore(inner);
  const h = { ...base.h, written: [...base.h.written] };
  return {
    fault,
    t: { ...base, table: openTable(fault, base.table.name), h, ends: [...base.ends] },
  };
}

/**
 * Runs the matrix: a clean run, then every request index × every fault kind. After each case the
 * store is healed (late requests land), `CommitUnknown` is followed by `retry`, and `check` runs.
 * A fault of a {@linkcode RESOLVABLE} kind on the commit's `putIfAbsent` must end `ok`, a
 * refusal there a plain error (nothing stored, nothing unknown).
 *
 * @param base The prepared table.
 * @param spec The operation, its retry and check.
 * @param store Makes the empty store each case copies the table into (in memory by default).
 * @returns How the cases ended.
 */
export async function runFaultMatrix(
  base: RaceTable,
  spec: FaultMatrixSpec,
  store: () => Store | Promise<Store> = () => new MemoryStore(),
): Promise<FaultCounts> {
  const clean = await faultCase(base, await store());
  clean.fault.arm();
  await spec.run(clean);
  const requests = clean.fault.requests;
  await spec.check(clean, "clean run");
  const counts = { ok: 0, error: 0, unknown: 0, cases: 0 };
  for (let at = 1; at <= requests; at++) {
    for (const kind of FAULT_KINDS) {
      const c = await faultCase(base, await store());
      c.fault.arm(at, kind);
      const outcome = await _outcome(() => spec.run(c));
      const request = c.fault.log[at - 1] ?? "(not reached)";
      const where = `${kind} at request ${request}: ${outcome}`;
      await c.fault.heal();
      if (outcome === "unknown") await spec.retry(c);
      await c.fault.heal();
      await spec.check(c, where);
      if (/ putIfAbsent .*\/s[0-9]+\.json$/.test(request) && RESOLVABLE.includes(kind)) {
        assert.equal(outcome, "ok", `${where}: a commit must resolve this fault itself`);
      }
      if (/ putIfAbsent /.test(request) && kind === "refused") {
        assert.equal(outcome, "error", where);
      }
      counts[outcome]++;
      counts.cases++;
    }
  }
  return counts;
}

async function _outcome(run: () => Promise<void>): Promise<FaultOutcome> {
  try {
    await run();
    return "ok";
  } catch (error) {
    if (!(error instanceof AzofError)) throw error;
    if (error.code !== "CommitUnknown") return "error";
    assert.match(error.message, /^Cannot commit to table [^:]+: commit outcome unknown: /);
    return "unknown";
  }
}

/**
 * Asserts every snapshot in the table folder names only files that exist, and that the current
 * snapshot reads as the fold of the committed batches.
 *
 * @param t The table and its oracle.
 * @param where What the case was, for messages.
 */
export async function assertReadable(t: RaceTable, where: string): Promise<void> {
  const store = t.table.store;
  const prefix = `${t.table.key("")}/`;
  for (const { key } of await store.list(prefix)) {
    const version = /^s([0-9]+)\.json$/.exec(key.slice(prefix.length))?.[1];
    if (version === undefined) continue;
    for (const file of snapshotFiles(await t.table.snapshot(Number(version)))) {
      assert.ok(await store.exists(t.table.key(file)), `${where}: s${version}.json names ${file}`);
    }
  }
  assert.deepEqual(await scanMap(t.table, undefined), foldMap(t.h.written, undefined), where);
}

/**
 * {@linkcode assertReadable}, and every snapshot reads as the fold of the batches committed up to
 * it, with one write snapshot per committed batch (none twice) and no idempotency key twice.
 *
 * @param t The table and its oracle.
 * @param where What the case was, for messages.
 */
export async function assertExactlyOnce(t: RaceTable, where: string): Promise<void> {
  await assertReadable(t, where);
  const keys = new Set<unknown>();
  const history = await versionRows(t).catch((error: Error) => {
    throw new Error(`${where}: ${error.message}`, { cause: error });
  });
  for (const { snapshot, rows } of history) {
    const key = snapshot.extra.idempotency_key;
    assert.ok(key === undefined || !keys.has(key), `${where}: key ${String(key)} twice`);
    keys.add(key);
    const read = await scanMap(t.table, undefined, snapshot.version);
    assert.deepEqual(read, foldMap(rows, undefined), `${where}: snapshot ${snapshot.version}`);
  }
}
