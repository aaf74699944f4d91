/**
 * Test helper: a whole scan as a map key → [event_time, ...values].
 *
 * @module
 */

import type { Value } from "../format/schema.ts";
import { scan } from "../read/scan.ts";
import type { Table } from "../format/table.ts";

/**
 * Reads a whole scan as a map key → [event_time, ...values].
 *
 * @param table The table.
 * @param asOf The instant, or `undefined` for the current state.
 * @param version The snapshot to read (default: the newest).
 * @returns The map.
 */
export async function scanMap(
  table: Table,
  asOf: number | undefined,
  version?: number,
): Promise<Map<string, Value[]>> {
  const result = await scan(table, { asOf, version });
  const out = new Map<string, Value[]>();
  for await (const batch of result.batches) {
    for (let i = 0; i < batch.rows; i++) {
      const [key, ...rest] = batch.columns.map((c) => c.values[i]!);
      out.set(key as string, rest);
    }
  }
  return out;
}
