/**
 * Hand-written snapshots for plan tests, and what a plan reads of them.
 *
 * @module
 */

import { planScan } from "../read/plan.ts";
import { parseSnapshot, type Snapshot } from "../format/snapshot.ts";

/** A JSON object of a hand-written snapshot. */
export type Json = Record<string, unknown>;

/** A snapshot (number 7) of the given segments and columns. */
export function snapshotOf(segments: Json[], columns: Json[] = []): Snapshot {
  return parseSnapshot(JSON.stringify({ schema: { columns }, segments }), 7);
}

/** The files a read as of `asOf` plans, in read order. */
export function filesAt(snapshot: Snapshot, asOf?: number): string[] {
  return planScan(snapshot, { asOf }).files.map((f) => f.file);
}

/** An instant from text, failing loudly on a typo. */
export function ms(text: string): number {
  const value = Date.parse(text);
  if (Number.isNaN(value)) throw new RangeError(`bad test instant ${text}`);
  return value;
}

/** The first instant of a month (1-based), UTC. */
export function startOfMonth(year: number, month: number): number {
  return Date.UTC(year, month - 1, 1);
}
