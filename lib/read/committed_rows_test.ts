/**
 * The change feed's reading of one commit's files, on both paths (key-ordered files merged as
 * streams; other files collected and sorted), against the rule stated directly: one row per key and
 * `event_time`, the first file wins, within a file its later row; rows in key and time order.
 */

import assert from "node:assert/strict";
import { openTable } from "../format/table.ts";
import { formatInstant } from "../format/time.ts";
import type { Column } from "../format/schema.ts";
import { Prng } from "../write/prng.ts";
import { dataFileBytes, type DataRow } from "../testing/parquet_file.ts";
import { utf8Compare } from "../testing/utf8_compare.ts";
import { committedRows, type EventRange } from "./committed_rows.ts";

const COLUMNS: Column[] = [{ name: "v", type: "Int", nullable: true }];
const DAY = 86_400_000;

function randomFiles(random: Prng): DataRow[][] {
  const keys = ["a", "b", "ab", "é", "z", "k1", "k10"];
  return Array.from(
    { length: random.int(1, 4) },
    () =>
      Array.from({ length: random.int(0, 40) }, (): DataRow => {
        const deleted = random.int(0, 5) === 0;
        return {
          key: random.pick(keys),
          eventTime: Date.UTC(2024, 0, 1) + random.int(0, 4) * DAY,
          ...(deleted ? { deleted } : {}),
          values: { v: random.int(0, 4) === 0 ? null : BigInt(random.int(0, 1000)) },
        };
      }),
  );
}

/** The rule, stated directly. */
function expected(files: readonly DataRow[][], range: EventRange): unknown[][] {
  const out = new Map<string, DataRow>();
  for (const rows of files) {
    const mine = new Map<string, DataRow>();
    for (const row of rows) {
      if (range.eventFrom !== undefined && row.eventTime < range.eventFrom) continue;
      if (range.eventTo !== undefined && row.eventTime > range.eventTo) continue;
      mine.set(`${row.key}\u0000${row.eventTime}`, row);
    }
    for (const [id, row] of mine) if (!out.has(id)) out.set(id, row);
  }
  return [...out.values()]
    .sort((a, b) => utf8Compare(a.key, b.key) || a.eventTime - b.eventTime)
    .map((r) => [r.key, r.eventTime, r.deleted === true, r.deleted ? null : r.values.v ?? null]);
}

async function actual(
  files: readonly DataRow[][],
  keyOrdered: boolean,
  random: Prng,
  range: EventRange,
): Promise<unknown[][]> {
  const root = await Deno.makeTempDir({ prefix: "azof-committed-" });
  try {
    await Deno.mkdir(`${root}/t`);
    const names = await Promise.all(files.map(async (rows, i) => {
      const bytes = dataFileBytes(COLUMNS, rows, {
        withDeleted: true,
        keyOrdered,
        rowGroupSize: random.pick([1, 2, 3, 1000]),
      });
      await Deno.writeFile(`${root}/t/f${i}.parquet`, bytes);
      return `f${i}.parquet`;
    }));
    const snapshot = {
      schema: { columns: [{ name: "v", data_type: "Int", nullable: true }] },
      segments: [{
        id: "all",
        start: formatInstant(Date.UTC(2024, 0, 1)),
        delta: names.map((file) => ({
          file,
          start: formatInstant(Date.UTC(2024, 0, 1)),
          end: formatInstant(Date.UTC(2024, 0, 9)),
        })),
      }],
    };
    await Deno.writeTextFile(`${root}/t/s1.json`, JSON.stringify(snapshot));
    await Deno.writeTextFile(`${root}/t/version.txt`, "1");
    const table = openTable(root, "t");
    const out: unknown[][] = [];
    for await (const chunk of committedRows(table, await table.snapshot(1), names, range)) {
      for (const r of chunk) out.push([r.key, r.t, r.deleted, r.values[0]]);
    }
    return out;
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("a commit's rows: one per key and time, the first file and its later row win, in key order, on both paths", async () => {
  for (let seed = 1; seed <= 40; seed++) {
    const random = new Prng(seed);
    const files = randomFiles(random);
    const from = Date.UTC(2024, 0, 1) + random.int(0, 2) * DAY;
    const ranges: EventRange[] = [{}, { eventFrom: from }, { eventTo: from + DAY }];
    for (const range of ranges) {
      const want = expected(files, range);
      for (const keyOrdered of [true, false]) {
        const got = await actual(files, keyOrdered, random, range);
        assert.deepEqual(
          got,
          want,
          `seed ${seed}, key-ordered ${keyOrdered}, ${JSON.stringify(range)}`,
        );
      }
    }
  }
});
