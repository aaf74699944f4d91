/**
 * A writer process for crash and concurrency tests: `deno run -A write_loop.ts ROOT TABLE PREFIX N`
 * makes N commits; commit i writes keys `${PREFIX}0..9` at day i of 2020 with n = i, key
 * `${PREFIX}tie` at a fixed instant with n = i, and key `${PREFIX}late` at 2019-12-31 minus i days.
 *
 * @module
 */

import { openTable } from "../format/table.ts";
import { writeRows } from "../write/write.ts";

/**
 * The rows of commit i.
 *
 * @param prefix Key prefix.
 * @param i Commit number from 0.
 * @returns Row objects.
 */
export function commitRows(prefix: string, i: number): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (let k = 0; k < 10; k++) {
    rows.push({ key: `${prefix}${k}`, event_time: Date.UTC(2020, 0, 1 + i), n: BigInt(i) });
  }
  rows.push({ key: `${prefix}tie`, event_time: Date.UTC(2020, 5, 1), n: BigInt(i) });
  rows.push({ key: `${prefix}late`, event_time: Date.UTC(2019, 11, 31 - i), n: BigInt(i) });
  return rows;
}

if (import.meta.main) {
  const [root, name, prefix, count] = Deno.args;
  const table = openTable(root!, name!);
  for (let i = 0; i < Number(count); i++) {
    await writeRows(table, commitRows(prefix!, i), { maxAttempts: 50 });
    console.log(i);
  }
}
