/**
 * Scan answers as plain rows of comparable cells, so that tests can compare them with an oracle's
 * rows using `assert.deepEqual`: Int becomes its exact decimal text, DateTime stays ms numbers.
 *
 * @module
 */

import type { ScanResult } from "../read/scan.ts";

/** One value of a row: Int as decimal text, Float as number, DateTime as ms number, or null. */
export type Cell = string | number | boolean | null;

/**
 * Collects a scan's batches into rows of cells, in output order.
 *
 * @param result The scan result; its batches are consumed.
 * @returns One array of cells per output row.
 */
export async function scanRows(result: ScanResult): Promise<Cell[][]> {
  const rows: Cell[][] = [];
  for await (const batch of result.batches) {
    for (let i = 0; i < batch.rows; i++) {
      rows.push(batch.columns.map((c) => toCell(c.values[i] ?? null)));
    }
  }
  return rows;
}

/**
 * Converts one decoded value to a cell.
 *
 * @param value A value of a batch column.
 * @returns The cell (`bigint` becomes decimal text).
 */
export function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  throw new TypeError(`Cannot compare value ${String(value)} of type ${typeof value}`);
}

/**
 * Asserts two row lists are equal, reporting the first differing row rather than a huge diff.
 *
 * @param actual Rows of the scan under test.
 * @param expected Rows of the oracle.
 * @param label Names the case in the failure message.
 */
export function assertSameRows(actual: Cell[][], expected: Cell[][], label: string): void {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (a.length !== e.length || a.some((v, c) => !Object.is(v, e[c]))) {
      throw new Error(
        `${label}: row ${i} differs\n  actual:   ${JSON.stringify(a)}\n  expected: ${
          JSON.stringify(e)
        }`,
      );
    }
  }
  if (actual.length !== expected.length) {
    throw new Error(
      `${label}: ${actual.length} rows, expected ${expected.length}; first extra row ${
        JSON.stringify((actual.length > n ? actual : expected)[n])
      } (in ${actual.length > n ? "actual" : "expected"})`,
    );
  }
}
