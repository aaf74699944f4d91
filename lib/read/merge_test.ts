/**
 * The two resolution paths against the fold: random tables (lib/testing/random_table.ts) written
 * three times, with every file key-ordered (the merge path, lib/read/merge.ts), with none (the hash
 * path, lib/read/resolve.ts), and with some (the hash path), read at every boundary and event time ±1 ms
 * and now, in full and for random keys and key prefixes (row groups skipped by key statistics); and tables written by `writeTable`, whose files must all declare and keep key order.
 */

import assert from "node:assert/strict";
import { parquetMetadata, parquetReadObjects } from "npm:hyparquet@1.31.5";
import { openDataFile } from "../parquet/data_file.ts";
import { Prng } from "../write/prng.ts";
import { scan } from "./scan.ts";
import { openTable, type Table } from "../format/table.ts";
import { formatInstant } from "../format/time.ts";
import { createTable } from "../write/create.ts";
import { writeRows } from "../write/write.ts";
import { assertSameRows, type Cell, scanRows, toCell } from "../testing/cells.ts";
import { dataFileBytes } from "../testing/parquet_file.ts";
import {
  boundaryInstants,
  foldAsOf,
  type RandomSegment,
  type RandomTable,
  randomTable,
} from "../testing/random_table.ts";
import { utf8Compare } from "../testing/utf8_compare.ts";

const CASES = 40;
type Layout = "ordered" | "unordered" | "mixed";

async function writeRandom(
  dir: string,
  table: RandomTable,
  layout: Layout,
  random: Prng,
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  let files = 0;
  const file = async (rows: RandomSegment["deltas"][number]["rows"]) => {
    const name = `f${files++}.parquet`;
    const keyOrdered = layout === "ordered" || (layout === "mixed" && files > 1);
    const bytes = dataFileBytes(table.columns, rows, {
      keyOrdered,
      rowGroupSize: random.pick([1, 2, 3, 1000]),
    });
    await Deno.writeFile(`${dir}/${name}`, bytes);
    return name;
  };
  const segment = async (s: RandomSegment): Promise<Record<string, unknown>> => ({
    id: s.id,
    start: formatInstant(s.start),
    ...(s.end === undefined ? {} : { end: formatInstant(s.end) }),
    ...(s.base === undefined ? {} : { file: await file(s.base) }),
    delta: await Promise.all(s.deltas.map(async (d) => ({
      file: await file(d.rows),
      start: formatInstant(d.start),
      end: formatInstant(d.end),
    }))),
    segments: await Promise.all(s.children.map(segment)),
  });
  const schema = {
    columns: table.columns.map((c) => ({ name: c.name, data_type: c.type, nullable: c.nullable })),
  };
  const segments = [];
  for (const s of table.segments) segments.push(await segment(s));
  await Deno.writeTextFile(`${dir}/s1.json`, JSON.stringify({ schema, segments }));
}

function expected(table: RandomTable, asOf: number | null): Cell[][] {
  return foldAsOf(table, asOf).map((r) => [
    r.key,
    r.eventTime,
    ...table.columns.map((c) => toCell(r.values[c.name] ?? null)),
  ]);
}

async function allKeyOrdered(table: Table, files: number): Promise<boolean[]> {
  const snapshot = await table.snapshot();
  const out = [];
  for (let i = 0; i < files; i++) {
    out.push((await openDataFile(table, `f${i}.parquet`, snapshot.schema)).keyOrdered);
  }
  return out;
}

Deno.test("scan() by merge and by hash both equal the fold on random tables, at every boundary", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "azof_merge_" });
  let reads = 0;
  let mergedRows = 0;
  let limited = 0;
  let selections = 0;
  try {
    for (let seed = 1; seed <= CASES; seed++) {
      const random = new Prng(seed * 104729);
      const table = randomTable(random);
      const instants = boundaryInstants(table, random);
      for (const layout of ["ordered", "unordered", "mixed"] as const) {
        const name = `t${seed}-${layout}`;
        await writeRandom(`${root}/${name}`, table, layout, random);
        const opened = openTable(root, name);
        for (const asOf of instants) {
          const want = expected(table, asOf);
          const label = `seed ${seed} ${layout} as of ${
            asOf === null ? "now" : formatInstant(asOf)
          }`;
          const result = await scan(opened, { asOf: asOf ?? undefined });
          assertSameRows(await scanRows(result), want, label);
          reads++;
          if (layout === "ordered") mergedRows += want.length;
          if (want.length > 0 && random.chance(0.3)) {
            // Keys of the history (present or not at T) and prefixes of them select the answer.
            const keys = table.history.map((e) => e.key);
            const picked = Array.from({ length: random.int(1, 3) }, () => random.pick(keys));
            const prefixes = random.chance(0.5)
              ? [[...random.pick(keys)].slice(0, random.int(0, 2)).join("")]
              : [];
            const selected = (key: string) =>
              picked.includes(key) || prefixes.some((p) => key.startsWith(p));
            const got = await scanRows(
              await scan(opened, { asOf: asOf ?? undefined, keys: picked, keyPrefixes: prefixes }),
            );
            const label2 = `${label} keys ${JSON.stringify(picked)} prefixes ${
              JSON.stringify(prefixes)
            }`;
            assertSameRows(got, want.filter((row) => selected(row[0] as string)), label2);
            selections++;
          }
          if (layout === "ordered" && random.chance(0.2)) {
            const limit = random.int(0, want.length + 1);
            const columns = random.shuffle([
              "key",
              "event_time",
              ...table.columns.map((c) => c.name),
            ]);
            const got = await scanRows(
              await scan(opened, {
                asOf: asOf ?? undefined,
                limit,
                columns,
                batchSize: random.int(1, 4),
              }),
            );
            const names = ["key", "event_time", ...table.columns.map((c) => c.name)];
            const picked = want.slice(0, limit).map((row) =>
              columns.map((c) => row[names.indexOf(c)]!)
            );
            assertSameRows(got, picked, `${label} limit ${limit} columns ${columns.join(",")}`);
            limited++;
          }
        }
      }
    }
    await t.step(
      `${CASES} tables x 3 layouts, ${reads} reads, ${mergedRows} merged rows, ${limited} limits, ${selections} key selections`,
      () => {
        assert.ok(mergedRows > 1000, "the merge path returned rows");
        assert.ok(limited > 50, "limits and projections on the merge path");
        assert.ok(selections > 300, "key selections on both paths");
      },
    );
    await t.step("the layouts declare what the paths branch on", async () => {
      const ordered = await allKeyOrdered(openTable(root, "t1-ordered"), 2);
      const mixed = await allKeyOrdered(openTable(root, "t1-mixed"), 2);
      const unordered = await allKeyOrdered(openTable(root, "t1-unordered"), 2);
      assert.deepEqual([ordered, mixed, unordered], [[true, true], [false, true], [false, false]]);
    });
    await Deno.remove(root, { recursive: true });
  } catch (error) {
    throw new Error(`${(error as Error).message} (tables in ${root})`, { cause: error });
  }
});

Deno.test("writeRows() writes every file in key order and declares it; scans equal the fold", async () => {
  const root = await Deno.makeTempDir({ prefix: "azof_merge_write_" });
  const random = new Prng(42);
  const schema = { columns: [{ name: "n", type: "Int" as const, nullable: true }] };
  const table = await createTable(root, "t", schema, { segment: ["P1M"] });
  const history: { key: string; t: number; n: bigint | null; deleted: boolean }[] = [];
  const keys = ["a", "b", "é", "z", "\u{1F600}", "\uFFFD", "aa"];
  for (let write = 0; write < 4; write++) {
    const rows = [];
    for (let i = 0; i < 400; i++) {
      const row = {
        key: random.pick(keys) + random.int(0, 30),
        t: Date.UTC(2024, random.int(0, 4), random.int(1, 28), random.int(0, 23)),
        n: random.chance(0.2) ? null : BigInt(random.int(-5, 5)),
        deleted: random.chance(0.05),
      };
      rows.push(row);
      history.push(row);
    }
    await writeRows(
      table,
      rows.map((r) => ({
        key: r.key,
        event_time: formatInstant(r.t),
        n: r.n,
        _deleted: r.deleted,
      })),
      { maxOpenRows: 150, rowGroupRows: 16 },
    );
  }
  const snapshot = await table.snapshot();
  const files: string[] = [];
  const visit = (s: (typeof snapshot.segments)[number]) => {
    if (s.base) files.push(s.base);
    for (const d of s.deltas) files.push(d.file);
    s.children.forEach(visit);
  };
  snapshot.segments.forEach(visit);
  assert.ok(files.length > 4, `several files (${files.length})`);
  for (const file of files) {
    const bytes = await Deno.readFile(`${root}/t/${file}`);
    const meta = parquetMetadata(bytes.buffer);
    assert.ok(
      meta.key_value_metadata?.some((e) =>
        e.key === "azof.sorting_columns" && e.value === "key,event_time"
      ),
      `${file} declares key order`,
    );
    const rows = await parquetReadObjects({ file: bytes.buffer, columns: ["key", "event_time"] });
    for (let i = 1; i < rows.length; i++) {
      const c = utf8Compare(rows[i - 1]!.key, rows[i]!.key);
      assert.ok(
        c < 0 || (c === 0 && rows[i - 1]!.event_time < rows[i]!.event_time),
        `${file} row ${i} in order`,
      );
    }
    for (const group of meta.row_groups) {
      const stats = group.columns[0]!.meta_data!.statistics!;
      assert.ok(
        stats.min_value !== undefined && stats.max_value !== undefined,
        `${file} key statistics`,
      );
    }
    assert.equal((await openDataFile(table, file, snapshot.schema)).keyOrdered, true);
  }
  for (
    const asOf of [Date.UTC(2024, 0, 15), Date.UTC(2024, 2, 1) - 1, Date.UTC(2024, 2, 1), undefined]
  ) {
    const fold = new Map<string, (typeof history)[number]>();
    for (const row of history) {
      if (asOf !== undefined && row.t > asOf) continue;
      const current = fold.get(row.key);
      if (!current || row.t >= current.t) fold.set(row.key, row);
    }
    const want = [...fold.values()].filter((r) => !r.deleted)
      .sort((a, b) => utf8Compare(a.key, b.key))
      .map((r) => [r.key, r.t, r.n === null ? null : String(r.n)] as Cell[]);
    assertSameRows(await scanRows(await scan(table, { asOf })), want, `as of ${asOf}`);
  }
  await Deno.remove(root, { recursive: true });
});

Deno.test("scan() with a limit stops reading key-ordered files once the rows are out", async () => {
  const root = await Deno.makeTempDir({ prefix: "azof_merge_limit_" });
  const schema = { columns: [{ name: "n", type: "Int" as const, nullable: false }] };
  const table = await createTable(root, "t", schema);
  const rows = Array.from({ length: 5000 }, (_, i) => ({
    key: `k${String(i).padStart(5, "0")}`,
    event_time: formatInstant(Date.UTC(2024, 0, 1) + i),
    n: BigInt(i),
  }));
  await writeRows(table, rows, { rowGroupRows: 100 });
  let rowsRead = 0;
  const result = await scan(table, { limit: 3, onProgress: (p) => (rowsRead = p.rowsRead) });
  assertSameRows(
    await scanRows(result),
    rows.slice(0, 3).map((r) => [r.key, Date.parse(r.event_time), String(r.n)]),
    "limit 3",
  );
  assert.equal(rowsRead, 100, "one row group of 100 rows read out of 5,000 rows");
  await Deno.remove(root, { recursive: true });
});
