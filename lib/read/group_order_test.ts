/**
 * Files written by DuckDB after an `ORDER BY key` (no key-order entry, row groups in key order by
 * their statistics): read in key order and merged, with answers equal to DuckDB's own resolution of
 * the same files at many instants, under a key selection and a limit; files of other orders left
 * to hashing or sorted runs; a row group whose keys leave its statistics fails the scan.
 */

import assert from "node:assert/strict";
import { groupOrdered } from "./group_order.ts";
import { planScan } from "./plan.ts";
import { scan } from "./scan.ts";
import { openTable } from "../format/table.ts";
import { formatInstant } from "../format/time.ts";
import type { Schema } from "../format/schema.ts";
import { type DataFile, openDataFile } from "../parquet/data_file.ts";
import { scanRows } from "../testing/cells.ts";
import { DuckOracle, rowsText, sqlString } from "../testing/duckdb_oracle.ts";
import { Prng } from "../write/prng.ts";

const T = Date.UTC(2024, 0, 1);
const SCHEMA: Schema = { columns: [{ name: "n", type: "Int", nullable: true }] };
const COLUMNS = [{ name: "n", type: "Int" as const }];

/** How each file's rows are ordered by DuckDB before they are written. */
const ORDERS = [
  "key",
  "key DESC",
  "random()",
  "key, event_time DESC",
] as const;

/**
 * Random rows (20,000 keys, one of them with 3,000 rows so it spans row groups, ties of time within
 * and across files, deletions), written by DuckDB in row groups of 2,048 rows, one file per order.
 */
async function writeTable(root: string, oracle: DuckOracle, seed: number): Promise<string[]> {
  const random = new Prng(seed);
  const lines = ["key,event_time,n,_deleted"];
  for (let i = 0; i < 40_000; i++) {
    const key = i < 3_000
      ? "k01500"
      : `k${String(Math.floor(random.next() * 20_000)).padStart(5, "0")}`;
    const t = T + Math.floor(random.next() * 20) * 60_000;
    const deleted = random.next() < 0.05;
    lines.push(`${key},${formatInstant(t)},${deleted ? "" : i},${deleted}`);
  }
  const csv = `${root}/rows.csv`;
  await Deno.writeTextFile(csv, lines.join("\n") + "\n");
  await Deno.mkdir(`${root}/t`, { recursive: true });
  await oracle.rows(
    `CREATE OR REPLACE TABLE rows AS SELECT row_number() OVER () AS i, * FROM read_csv(${
      sqlString(csv)
    }, columns = {'key': 'VARCHAR', 'event_time': 'TIMESTAMPTZ', 'n': 'BIGINT',
      '_deleted': 'BOOLEAN'}, header = true)`,
  );
  const files = ORDERS.map((_, f) => `f${f}.parquet`);
  for (const [f, order] of ORDERS.entries()) {
    // Keys unique in the descending file: a key may not run across row groups read backwards.
    const rows = order === "key DESC"
      ? `SELECT * FROM rows WHERE i % 4 = ${f} QUALIFY row_number() OVER (PARTITION BY key) = 1`
      : `SELECT * FROM rows WHERE i % 4 = ${f} OR key = 'k01500'`;
    await oracle.rows(
      `COPY (SELECT key, event_time, n, _deleted FROM (${rows}) ORDER BY ${order})
        TO ${sqlString(`${root}/t/${files[f]}`)} (FORMAT parquet, ROW_GROUP_SIZE 2048)`,
    );
  }
  const delta = files.map((file) => ({
    file,
    start: formatInstant(T),
    end: formatInstant(T + 3_600_000),
  }));
  const schema = { columns: [{ name: "n", data_type: "Int", nullable: true }] };
  const segment = { id: "all", start: formatInstant(T), delta };
  await Deno.writeTextFile(`${root}/t/s1.json`, JSON.stringify({ schema, segments: [segment] }));
  await Deno.writeTextFile(`${root}/t/version.txt`, "1");
  return files;
}

Deno.test("row groups in key order by their statistics are merged as DuckDB resolves them", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "azof-group-order-" });
  const oracle = await DuckOracle.open();
  try {
    const files = await writeTable(root, oracle, 7);
    const table = openTable(root, "t");
    const opened = await Promise.all(files.map((f) => openDataFile(table, f, SCHEMA)));

    await t.step("ascending and descending files are seen in key order, the others not", () => {
      const views = opened.map((f) => groupOrdered(f, 1_000_000));
      for (const f of opened) {
        assert.ok(!f.keyOrdered && f.rowGroups.length >= 2, `${f.file}: ${f.rowGroups.length}`);
      }
      assert.ok(views[0]?.keyOrdered && views[1]?.keyOrdered && views[3]?.keyOrdered);
      assert.equal(views[2], undefined);
      // Read backwards: the first row group of the view is the file's last.
      assert.equal(views[1]!.rowGroups[0], opened[1]!.rowGroups.at(-1));
      assert.equal(groupOrdered(opened[0]!, 1_000), undefined, "row groups above the bound");
    });

    const plans = [[0, 1, 3], [3, 0], [0, 1, 2, 3]];
    const paths = (plan: number[]) => plan.map((f) => `${root}/t/${files[f]}`);
    let compared = 0;
    for (const plan of plans) {
      const segment = {
        id: "all",
        start: formatInstant(T),
        delta: plan.map((f) => ({
          file: files[f],
          start: formatInstant(T),
          end: formatInstant(T + 3_600_000),
        })),
      };
      const schema = { columns: [{ name: "n", data_type: "Int", nullable: true }] };
      await Deno.writeTextFile(
        `${root}/t/s1.json`,
        JSON.stringify({ schema, segments: [segment] }),
      );
      const snapshot = await table.snapshot();
      // The plan's read order is the oracle's.
      const order = planScan(snapshot, {}).files.map((f) => `${root}/t/${f.file}`);
      assert.deepEqual([...order].sort(), [...paths(plan)].sort());
      for (const minutes of [0, 3, 7, 12, 19, null]) {
        const asOf = minutes === null ? null : T + minutes * 60_000;
        const expected = await oracle.resolveText(order, asOf, COLUMNS);
        const ours = await scanRows(await scan(table, { asOf: asOf ?? undefined }));
        assert.equal(rowsText(ours), expected, `files ${plan} as of ${minutes} min`);
        compared++;
      }
      const all = await oracle.resolve(order, T + 9 * 60_000, COLUMNS);
      const keys = [0, all.length >> 1, all.length - 1].map((i) => all[i]![0] as string);
      keys.push("k01500", "k99999");
      const selected = await scanRows(await scan(table, { keys, asOf: T + 9 * 60_000 }));
      const picked = all.filter((r) => keys.includes(r[0] as string));
      assert.ok(picked.length >= 3);
      assert.equal(rowsText(selected), rowsText(picked), `files ${plan}, --key`);
      const limited = await scanRows(await scan(table, { limit: 25 }));
      assert.deepEqual(limited, (await scanRows(await scan(table))).slice(0, 25), "--limit");
    }
    await t.step(`${compared} answers equal DuckDB's`, () => assert.equal(compared, 18));
  } finally {
    oracle.close();
    await Deno.remove(root, { recursive: true });
  }
});

/** A file stub whose row groups say `a`–`c` then `d`–`f` but whose second one holds `b`. */
function lyingFile(): DataFile {
  // One-letter keys: key i is byte i.
  const group = (keys: string[]) => {
    const bytes = new TextEncoder().encode(keys.join(""));
    const offsets = Int32Array.from({ length: keys.length + 1 }, (_, i) => i);
    return {
      rows: keys.length,
      key: { kind: "utf8" as const, offsets, bytes },
      eventTime: new Float64Array(keys.length),
      columns: new Map(),
    };
  };
  const groups = [group(["a", "c"]), group(["f", "b"])];
  return {
    file: "lying.parquet",
    bytes: 0,
    rows: 4,
    rowGroups: [
      { rows: 2, minKey: "a", maxKey: "c" },
      { rows: 2, minKey: "d", maxKey: "f" },
    ],
    hasDeleted: false,
    columns: ["key", "event_time"],
    fileColumns: new Map(),
    keyOrdered: false,
    readRowGroup: (index) => Promise.resolve(groups[index]!),
    readColumns: () => Promise.resolve(new Map()),
    pages: () => Promise.resolve(undefined),
    prefetch: () => false,
    decodeOn: () => {},
  };
}

Deno.test("a row group whose keys leave its statistics fails as corrupt", async () => {
  const view = groupOrdered(lyingFile(), 100)!;
  assert.deepEqual((await view.readRowGroup(0, [])).rows, 2);
  await assert.rejects(
    () => view.readRowGroup(1, []),
    /DataCorrupt|Cannot read lying\.parquet: row group 1 holds keys outside its key statistics/,
  );
});

Deno.test("statistics that are missing, overlap or were cut inside a character give no order", () => {
  const file = (rowGroups: DataFile["rowGroups"]) => ({ ...lyingFile(), rowGroups });
  assert.equal(
    groupOrdered(file([{ rows: 2, minKey: "a", maxKey: "c" }, { rows: 2 }]), 9),
    undefined,
  );
  const overlap = [{ rows: 2, minKey: "a", maxKey: "e" }, { rows: 2, minKey: "d", maxKey: "f" }];
  assert.equal(groupOrdered(file(overlap), 9), undefined);
  const cut = [{ rows: 2, minKey: "a", maxKey: "c\uFFFD" }, { rows: 2, minKey: "d", maxKey: "f" }];
  assert.equal(groupOrdered(file(cut), 9), undefined);
  const touching = [{ rows: 2, minKey: "a", maxKey: "d" }, { rows: 2, minKey: "d", maxKey: "f" }];
  assert.ok(groupOrdered(file(touching), 9), "up, a key may run into the next row group");
  assert.equal(groupOrdered(file([...touching].reverse()), 9), undefined, "but not down");
  assert.equal(groupOrdered(file([{ rows: 2, minKey: "a", maxKey: "c" }]), 9), undefined);
});
