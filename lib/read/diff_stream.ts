/**
 * The late-data diff's comparison of two whole answers: both snapshots scanned in key order and
 * compared key by key as they stream, in the memory of two scans (used above the diff's in-memory
 * limit, or when a snapshot in between was vacuumed).
 *
 * @module
 */

import type { Value } from "../format/schema.ts";
import type { Snapshot } from "../format/snapshot.ts";
import type { Table } from "../format/table.ts";
import type { RowBatch } from "./batch.ts";
import { compareKeys } from "./resolve.ts";
import { scanSnapshot } from "./scan.ts";

/** A changed key: its change and the old and new rows (`[event_time, ...values]`, or absent). */
export interface DiffRow {
  /** The key. */
  readonly key: string;
  /** `insert`, `update` or `delete`. */
  readonly change: "insert" | "update" | "delete";
  /** The newer answer's `event_time` and values; `undefined` for a delete. */
  readonly now?: readonly Value[] | undefined;
  /** The older answer's; `undefined` for an insert. */
  readonly old?: readonly Value[] | undefined;
}

/**
 * Scans both answers in key order (each with the newer schema: `older` carries it) and yields the
 * keys that differ as they are found.
 *
 * @param table The table.
 * @param older The older snapshot, with the schema to read it with.
 * @param newer The newer snapshot.
 * @param asOf The instant; the current state when omitted.
 * @param chunk The most changed keys per chunk yielded.
 * @returns The changed keys in key order.
 */
export async function* streamCompare(
  table: Table,
  older: Snapshot,
  newer: Snapshot,
  asOf: number | undefined,
  chunk: number,
): AsyncGenerator<DiffRow[]> {
  const a = await _Answer.open(table, older, asOf);
  const b = await _Answer.open(table, newer, asOf);
  let out: DiffRow[] = [];
  while (!a.done || !b.done) {
    const order = a.done ? 1 : b.done ? -1 : compareKeys(a.key, b.key);
    if (order < 0) out.push({ key: a.key, change: "delete", old: a.row() });
    else if (order > 0) out.push({ key: b.key, change: "insert", now: b.row() });
    else {
      const old = a.row();
      const now = b.row();
      if (!old.every((v, k) => sameValue(v, now[k]!))) {
        out.push({ key: b.key, change: "update", old, now });
      }
    }
    if (order <= 0) await a.next();
    if (order >= 0) await b.next();
    if (out.length === chunk) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

/** A cursor over one snapshot's as-of answer, a row at a time (batches read as needed). */
class _Answer {
  readonly #batches: AsyncIterator<RowBatch>;
  #batch: RowBatch | undefined;
  #keys: readonly Value[] = [];
  #row = 0;

  private constructor(batches: AsyncIterator<RowBatch>) {
    this.#batches = batches;
  }

  /** Starts a scan of `snapshot` as of `asOf` and moves to its first row. */
  static async open(table: Table, snapshot: Snapshot, asOf: number | undefined): Promise<_Answer> {
    const answer = new _Answer(
      scanSnapshot(table, snapshot, { asOf }).batches[Symbol.asyncIterator](),
    );
    await answer.#load();
    return answer;
  }

  /** Whether every row has been passed. */
  get done(): boolean {
    return this.#batch === undefined;
  }

  /** The current row's key. */
  get key(): string {
    return this.#keys[this.#row] as string;
  }

  /** The current row's `event_time` and values. */
  row(): Value[] {
    return this.#batch!.columns.slice(1).map((c) => c.values[this.#row]!);
  }

  /** Moves to the next row. */
  async next(): Promise<void> {
    if (++this.#row === this.#batch!.rows) await this.#load();
  }

  async #load(): Promise<void> {
    this.#row = 0;
    do {
      const next = await this.#batches.next();
      this.#batch = next.done ? undefined : next.value;
    } while (this.#batch?.rows === 0);
    this.#keys = this.#batch === undefined ? [] : this.#batch.columns[0]!.values;
  }
}

/**
 * Whether two answers' values are the same (`Object.is`: NaN equals NaN, -0 differs from 0).
 *
 * @param x A value.
 * @param y Another.
 * @returns `true` when they are the same.
 */
export function sameValue(x: Value, y: Value): boolean {
  return Object.is(x, y);
}
