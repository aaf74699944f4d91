/**
 * Late-data diff: the keys whose answer as of an instant differs between two snapshots. Only keys
 * with a row committed between them (at or before the instant) can differ, since compaction and
 * alter change no answer; up to {@linkcode DIFF_KEYS_IN_MEMORY} such keys, both answers are
 * resolved in one pass over the two plans' files, each row group decoded once, keeping only those
 * keys' rows. Above it (a backfill), or when a snapshot between the two was vacuumed, both answers
 * are scanned in key order and compared as they stream, in the memory of two scans.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { kindOf } from "../columns/column_data.ts";
import { EVENT_TIME, KEY, type Value } from "../format/schema.ts";
import type { Snapshot } from "../format/snapshot.ts";
import type { Table } from "../format/table.ts";
import { openDataFile } from "../parquet/data_file.ts";
import type { BatchColumn, RowBatch } from "./batch.ts";
import { committedFiles } from "./changes.ts";
import { KeySet, rowsOf } from "./key_set.ts";
import { planScan } from "./plan.ts";
import { compareKeys, type Resolved, Resolver } from "./resolve.ts";
import { type DiffRow, sameValue, streamCompare } from "./diff_stream.ts";

export type { DiffRow } from "./diff_stream.ts";

/**
 * The most keys with a late row whose answers a diff compares in memory by default; above it, the
 * two answers are streamed and compared key by key.
 */
export const DIFF_KEYS_IN_MEMORY = 250_000;

/** Changed keys per batch of a diff. */
const _CHUNK = 65_536;

/** Options of {@linkcode diffSnapshots}. */
export interface DiffOptions {
  /** The older snapshot. */
  readonly fromSnapshot: number;
  /** The newer snapshot; the current one when omitted. */
  readonly toSnapshot?: number | undefined;
  /** The event-time instant (ms) whose answers are compared; the current state when omitted. */
  readonly asOf?: number | undefined;
  /** Also output the older answer, as `old_event_time` and `old_<column>`. */
  readonly withOld?: boolean | undefined;
  /**
   * Up to this many keys with a row committed between the snapshots, their answers are resolved in
   * memory (reading only their rows); above it both answers are streamed in key order and compared
   * whole, in the memory of two scans. 250,000 by default.
   */
  readonly keysInMemory?: number | undefined;
}

/** The keys whose answer changed, with `_change` and the new (and optionally old) values. */
export interface DiffResult {
  /** The older snapshot. */
  readonly from: number;
  /** The newer snapshot. */
  readonly to: number;
  /** The output columns (without values). */
  readonly columns: readonly Omit<BatchColumn, "values">[];
  /** The changed keys in key order, in batches of up to 65,536. */
  readonly batches: AsyncIterable<RowBatch>;
}

/** How many answers changed, by kind. */
export interface DiffCounts {
  /** Keys absent in the older answer. */
  readonly insert: number;
  /** Keys with another `event_time` or other values. */
  readonly update: number;
  /** Keys absent in the newer answer. */
  readonly delete: number;
}

/**
 * Compares the answers of two snapshots as of an instant, key by key. Both snapshots are read with
 * the newer snapshot's schema, so a schema change alone changes no answer.
 *
 * @param table The table.
 * @param options The snapshots, the instant, and whether to output the old values.
 * @returns The changed keys; the work is done when the batches are read.
 *
 * @example A late row changes a past answer
 * ```ts
 * import { appendRows, createTable, diffSnapshots, MemoryStore } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const table = await createTable(new MemoryStore(), "t", {
 *   columns: [{ name: "v", type: "Int", nullable: false }],
 * });
 * await appendRows(table, [{ key: "a", event_time: "2024-01-01", v: 1n }]);
 * await appendRows(table, [{ key: "a", event_time: "2024-02-01", v: 2n }]);
 * const diff = await diffSnapshots(table, {
 *   fromSnapshot: 2,
 *   asOf: Date.UTC(2024, 2, 1),
 *   withOld: true,
 * });
 * for await (const batch of diff.batches) {
 *   assert.deepEqual(batch.columns.map((c) => [c.name, c.values[0]]), [
 *     ["key", "a"], ["_change", "update"], ["event_time", Date.UTC(2024, 1, 1)], ["v", 2n],
 *     ["old_event_time", Date.UTC(2024, 0, 1)], ["old_v", 1n],
 *   ]);
 * }
 * ```
 */
export async function diffSnapshots(table: Table, options: DiffOptions): Promise<DiffResult> {
  const { older, newer } = await snapshotPair(table, options.fromSnapshot, options.toSnapshot);
  const value = newer.schema.columns.map((c) => ({ name: c.name, type: c.type, nullable: true }));
  const columns = [
    { name: KEY, type: "String" as const, nullable: false },
    { name: "_change", type: "String" as const, nullable: false },
    { name: EVENT_TIME, type: "DateTime" as const, nullable: true },
    ...value,
    ...(options.withOld
      ? [
        { name: `old_${EVENT_TIME}`, type: "DateTime" as const, nullable: true },
        ...value.map((c) => ({ ...c, name: `old_${c.name}` })),
      ]
      : []),
  ];
  async function* batches(): AsyncGenerator<RowBatch> {
    for await (const rows of diffRows(table, older, newer, options.asOf, options.keysInMemory)) {
      yield {
        rows: rows.length,
        columns: columns.map((c, i) => ({
          ...c,
          values: rows.map((r) => _cell(r, i, value.length)),
        })),
      };
    }
  }
  return { from: older.version, to: newer.version, columns, batches: batches() };
}

/**
 * The two snapshots a diff compares, the older one with the newer one's schema.
 *
 * @param table The table.
 * @param from The older snapshot.
 * @param to The newer snapshot; the current one when omitted.
 * @returns Both snapshots.
 * @throws {AzofError} `InputInvalid` when `from` is after `to` or a snapshot cannot be read.
 */
export async function snapshotPair(
  table: Table,
  from: number,
  to: number | undefined,
): Promise<{ older: Snapshot; newer: Snapshot }> {
  const newer = await table.snapshot(to);
  if (from > newer.version) {
    throw new AzofError(
      "InputInvalid",
      `Cannot diff table ${table.name}: --from-snapshot ${from} is after snapshot ${newer.version}`,
    );
  }
  return { older: { ...await table.snapshot(from), schema: newer.schema }, newer };
}

/**
 * The keys whose answer as of `asOf` differs between two snapshots read with one schema.
 *
 * @param table The table.
 * @param older The older snapshot, with the schema to read it with.
 * @param newer The newer snapshot.
 * @param asOf The instant; the current state when omitted.
 * @param keysInMemory The most keys with a late row compared in memory (see {@linkcode DiffOptions}).
 * @returns The changed keys in key order, in chunks of up to 65,536.
 */
export async function* diffRows(
  table: Table,
  older: Snapshot,
  newer: Snapshot,
  asOf: number | undefined,
  keysInMemory: number = DIFF_KEYS_IN_MEMORY,
): AsyncGenerator<DiffRow[]> {
  const names = [EVENT_TIME, ...newer.schema.columns.map((c) => c.name)];
  const candidates = await _candidateKeys(table, older, newer, asOf, keysInMemory);
  if (candidates === undefined) {
    yield* streamCompare(table, older, newer, asOf, _CHUNK);
    return;
  }
  if (candidates.size === 0) return;
  const [a, b] = await _resolveBoth(table, older, newer, asOf, candidates);
  const rows = _compare(a, b, names);
  for (let start = 0; start < rows.length; start += _CHUNK) {
    yield rows.slice(start, start + _CHUNK);
  }
}

/**
 * The keys with a row committed after `older` up to `newer` at or before `asOf`: the only keys
 * whose answer can differ. Reads only `key` and `event_time` of the files those snapshots added.
 * `undefined` when there are more than `most`, or when a snapshot between them can no longer be
 * read (every key may differ).
 */
async function _candidateKeys(
  table: Table,
  older: Snapshot,
  newer: Snapshot,
  asOf: number | undefined,
  most: number,
): Promise<KeySet | undefined> {
  const keys = new KeySet();
  const decoder = new TextDecoder();
  try {
    for await (const { files } of committedFiles(table, older.version, newer)) {
      for (const file of files) {
        const data = await openDataFile(table, file, newer.schema);
        for (let g = 0; g < data.rowGroups.length; g++) {
          const min = data.rowGroups[g]!.minEventTime;
          if (asOf !== undefined && min !== undefined && min > asOf) continue;
          const { rows, key, eventTime } = await data.readRowGroup(g, []);
          for (let r = 0; r < rows; r++) {
            if (asOf !== undefined && eventTime[r]! > asOf) continue;
            keys.add(decoder.decode(key.bytes.subarray(key.offsets[r], key.offsets[r + 1])));
          }
          if (keys.size > most) return undefined;
        }
      }
    }
  } catch (error) {
    // A snapshot between them was vacuumed: compare every key.
    if (error instanceof AzofError && error.code === "InputInvalid") return undefined;
    throw error;
  }
  return keys;
}

/**
 * Resolves both snapshots' plans: files both plans read in the same relative order are decoded
 * once and offered to both resolvers; only the candidate keys' rows are kept.
 */
async function _resolveBoth(
  table: Table,
  older: Snapshot,
  newer: Snapshot,
  asOf: number | undefined,
  candidates: KeySet,
): Promise<[Resolved, Resolved]> {
  const names = newer.schema.columns.map((c) => c.name);
  const kinds = new Map(newer.schema.columns.map((c) => [c.name, kindOf(c.type)]));
  const plans = [older, newer].map((s) => planScan(s, { asOf }).files.map((f) => f.file));
  const resolvers = [new Resolver(kinds, asOf), new Resolver(kinds, asOf)];
  for (const step of _passes(plans[0]!, plans[1]!)) {
    const data = await openDataFile(table, step.file, newer.schema);
    for (let g = 0; g < data.rowGroups.length; g++) {
      const min = data.rowGroups[g]!.minEventTime;
      if (asOf !== undefined && min !== undefined && min > asOf) continue;
      const group = await data.readRowGroup(g, names);
      const kept = rowsOf(group, candidates);
      step.at.forEach((index, side) => {
        if (index !== undefined) resolvers[side]!.add(index, kept);
      });
    }
  }
  return [resolvers[0]!.finish(), resolvers[1]!.finish()];
}

/** One file to read and its position in each plan (`undefined`: not offered to that side). */
interface _Pass {
  readonly file: string;
  readonly at: readonly [number | undefined, number | undefined];
}

/**
 * The files to read: the newer plan's files in order, each older-only file placed before the next
 * shared one, so that both sides see their files in read order. When the shared files are not in
 * the same relative order in both plans, the older plan is read on its own after the newer one.
 */
function _passes(older: readonly string[], newer: readonly string[]): _Pass[] {
  const inOlder = new Map(older.map((f, i) => [f, i]));
  const shared = newer.filter((f) => inOlder.has(f));
  const ordered = shared.every((f, i) => i === 0 || inOlder.get(f)! > inOlder.get(shared[i - 1]!)!);
  if (!ordered || new Set(older).size !== older.length || new Set(newer).size !== newer.length) {
    return [
      ...newer.map((file, i): _Pass => ({ file, at: [undefined, i] })),
      ...older.map((file, i): _Pass => ({ file, at: [i, undefined] })),
    ];
  }
  const out: _Pass[] = [];
  let next = 0; // the next older file not yet read
  newer.forEach((file, i) => {
    const j = inOlder.get(file);
    if (j === undefined) return void out.push({ file, at: [undefined, i] });
    for (; next < j; next++) out.push({ file: older[next]!, at: [next, undefined] });
    out.push({ file, at: [j, i] });
    next = j + 1;
  });
  for (; next < older.length; next++) out.push({ file: older[next]!, at: [next, undefined] });
  return out;
}

/** Merges two key-ordered answers into the keys that differ. */
function _compare(a: Resolved, b: Resolved, names: readonly string[]): DiffRow[] {
  const rowOf = (r: Resolved, i: number) => names.map((n) => r.slice(n, i, i + 1)[0]!);
  const keysA = a.slice(KEY, 0, a.rows) as string[];
  const keysB = b.slice(KEY, 0, b.rows) as string[];
  const out: DiffRow[] = [];
  let i = 0;
  let j = 0;
  while (i < keysA.length || j < keysB.length) {
    const order = i === keysA.length
      ? 1
      : j === keysB.length
      ? -1
      : compareKeys(keysA[i]!, keysB[j]!);
    if (order < 0) out.push({ key: keysA[i]!, change: "delete", old: rowOf(a, i++) });
    else if (order > 0) out.push({ key: keysB[j]!, change: "insert", now: rowOf(b, j++) });
    else {
      const old = rowOf(a, i++);
      const now = rowOf(b, j++);
      if (!old.every((v, k) => sameValue(v, now[k]!))) {
        out.push({ key: keysB[j - 1]!, change: "update", old, now });
      }
    }
  }
  return out;
}

/** The value of output column `i` of a changed key. */
function _cell(row: DiffRow, i: number, values: number): Value {
  if (i === 0) return row.key;
  if (i === 1) return row.change;
  if (i < 3 + values) return row.now?.[i - 2] ?? null;
  return row.old?.[i - 3 - values] ?? null;
}
