import { deepStrictEqual } from "node:assert/strict";
import { openDataFile } from "./data_file.ts";
import { openTable } from "../format/table.ts";
import { UPSTREAM_ROOT } from "../testing/upstream.ts";
import { DuckOracle, sqlString } from "../testing/duckdb_oracle.ts";
import { toValues } from "../columns/column_data.ts";
import type { Value } from "../format/schema.ts";
import type { Schema } from "../format/schema.ts";

/** Every table folder (one holding `version.txt`) directly under a root, with its Parquet files. */
async function _tables(root: string): Promise<{ name: string; files: string[] }[]> {
  const out: { name: string; files: string[] }[] = [];
  try {
    for await (const entry of Deno.readDir(root)) {
      if (!entry.isDirectory) continue;
      const files: string[] = [];
      let isTable = false;
      for await (const f of Deno.readDir(`${root}/${entry.name}`)) {
        if (f.name === "version.txt") isTable = true;
        if (f.isFile && f.name.endsWith(".parquet")) files.push(f.name);
      }
      if (isTable) out.push({ name: entry.name, files: files.sort() });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

for (const root of [UPSTREAM_ROOT, new URL("../../testdata", import.meta.url).pathname]) {
  const tables = await _tables(root);
  Deno.test({
    name: `parquet-wasm and hyparquet decode every data file of ${root} identically${
      tables.length === 0 ? " (skipped: no tables found there)" : ""
    }`,
    ignore: tables.length === 0,
    async fn(t) {
      for (const { name, files } of tables) {
        await t.step(name, async () => {
          const table = openTable(root, name);
          const schema = (await table.snapshot()).schema;
          const columns = schema.columns.map((c) => c.name);
          for (const file of files) {
            const js = await openDataFile(table, file, schema, { decoder: "hyparquet" });
            const wasm = await openDataFile(table, file, schema, { decoder: "wasm" });
            for (let g = 0; g < js.rowGroups.length; g++) {
              const expected = await js.readRowGroup(g, columns);
              deepStrictEqual(await wasm.readRowGroup(g, columns), expected, `${file} group ${g}`);
            }
          }
        });
      }
    },
  });
}

Deno.test("parquet-wasm and hyparquet decode DuckDB files of every timestamp unit, INT32, FLOAT, dictionaries, nulls, v2 pages and zstd as DuckDB reads them", async () => {
  const root = await Deno.makeTempDir();
  const dir = `${root}/t`;
  await Deno.mkdir(dir);
  const duck = await DuckOracle.open();
  const schema: Schema = {
    columns: [
      { name: "name", type: "String", nullable: true },
      { name: "small", type: "Int", nullable: true },
      { name: "big", type: "Int", nullable: true },
      { name: "f32", type: "Float", nullable: true },
      { name: "f64", type: "Float", nullable: true },
      { name: "flag", type: "Boolean", nullable: true },
      { name: "seen", type: "DateTime", nullable: true },
    ],
  };
  const columns = schema.columns.map((c) => c.name);
  try {
    const cases = [
      ...["TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMPTZ"].map((
        unit,
      ) => ({
        unit,
        options: "",
      })),
      // Data pages v2, DELTA_BINARY_PACKED and DELTA_LENGTH_BYTE_ARRAY, zstd.
      { unit: "TIMESTAMP", options: ", PARQUET_VERSION V2, COMPRESSION zstd" },
    ];
    for (const { unit, options } of cases) {
      const file = `${unit}${options ? "_v2" : ""}.parquet`;
      await duck.rows(`COPY (
        SELECT 'k' || (i % 997) AS key,
          (TIMESTAMP '1969-12-31 23:59:58.5' + to_microseconds(i * 1234567))::${unit} AS event_time,
          CASE WHEN i % 7 = 0 THEN NULL ELSE 'n' || (i % 13) || CASE WHEN i % 5 = 0 THEN 'é😀' ELSE '' END END AS name,
          CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 7919 % 2000001 - 1000000)::INTEGER END AS small,
          CASE WHEN i % 17 = 0 THEN NULL ELSE (i * 2654435761 % 4294967291) * 2147483647 - 4611686018427387904 END AS big,
          CASE WHEN i % 3 = 0 THEN NULL ELSE (i / 7)::FLOAT END AS f32,
          (i / 3)::DOUBLE AS f64,
          CASE WHEN i % 4 = 0 THEN NULL ELSE i % 3 = 0 END AS flag,
          CASE WHEN i % 9 = 0 THEN NULL ELSE TIMESTAMP_NS '1900-01-01' + to_microseconds(i * 987654321) END AS seen
        FROM range(5000) t(i)
      ) TO ${sqlString(`${dir}/${file}`)} (FORMAT parquet, ROW_GROUP_SIZE 2048${options})`);
      const expected = await duck.rows(`SELECT key, epoch_ns(event_time::TIMESTAMP_NS)::VARCHAR,
          name, small, big, f32, f64, flag, epoch_ns(seen)::VARCHAR
        FROM read_parquet(${sqlString(`${dir}/${file}`)}) ORDER BY file_row_number`);
      const table = openTable(root, "t");
      const js = await openDataFile(table, file, schema, { decoder: "hyparquet" });
      const wasm = await openDataFile(table, file, schema, { decoder: "wasm" });
      const rows: Value[][] = [];
      for (let g = 0; g < js.rowGroups.length; g++) {
        const group = await wasm.readRowGroup(g, columns);
        deepStrictEqual(group, await js.readRowGroup(g, columns), `${file} group ${g}`);
        const values = [
          toValues(group.key),
          [...group.eventTime],
          ...columns.map((c) => toValues(group.columns.get(c)!)),
        ];
        for (let r = 0; r < group.rows; r++) rows.push(values.map((v) => v[r]!));
      }
      const ms = (ns: unknown) => {
        if (ns === null) return null;
        const n = BigInt(ns as string);
        return Number(n / 1_000_000n - (n % 1_000_000n < 0n ? 1n : 0n));
      };
      const oracle = expected.map((r) => [
        r[0],
        ms(r[1]),
        r[2],
        r[3] === null ? null : BigInt(r[3] as number),
        r[4],
        r[5],
        r[6],
        r[7],
        ms(r[8]),
      ]);
      deepStrictEqual(rows, oracle, file);
    }
  } finally {
    duck.close();
    await Deno.remove(root, { recursive: true });
  }
});
