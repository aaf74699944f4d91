/**
 * Round trips of {@linkcode FastParquetWriter}: random columns of every azof type (nulls, non-ASCII
 * text, Int beyond 2^53, instants before 1970, several row groups) read back by hyparquet and by
 * DuckDB, and `event_time` statistics matching the values.
 */

import assert from "node:assert/strict";
import { parquetMetadata, parquetReadObjects } from "npm:hyparquet@1.31.5";
import type { Value } from "../format/schema.ts";
import { FastParquetWriter } from "./encode.ts";
import type { ParquetColumn } from "./column.ts";
import { Prng } from "../write/prng.ts";
import { DuckOracle, sqlString } from "../testing/duckdb_oracle.ts";

const COLUMNS: ParquetColumn[] = [
  { name: "key", type: "String", nullable: false },
  { name: "event_time", type: "DateTime", nullable: false },
  { name: "s", type: "String", nullable: true },
  { name: "i", type: "Int", nullable: true },
  { name: "f", type: "Float", nullable: false },
  { name: "b", type: "Boolean", nullable: true },
  { name: "d", type: "DateTime", nullable: true },
  { name: "_deleted", type: "Boolean", nullable: false },
];

function randomGroup(prng: Prng, rows: number): Value[][] {
  const texts = ["", "a", "é", "日本", "\u{1F600}x", 'quote"', "line\nbreak"];
  const nullable = (v: () => Value) => () => prng.next() < 0.2 ? null : v();
  const makers: (() => Value)[] = [
    () => `k${prng.int(0, 1000)}${texts[prng.int(0, texts.length - 1)]}`,
    () => prng.int(-5e12, 5e12),
    nullable(() => texts[prng.int(0, texts.length - 1)]! + prng.int(0, 9)),
    nullable(() => BigInt(prng.int(-1000, 1000)) * 9007199254740993n),
    () => (prng.next() - 0.5) * 1e10,
    nullable(() => prng.next() < 0.5),
    nullable(() => prng.int(-3e12, 3e12)),
    () => prng.next() < 0.3,
  ];
  return makers.map((make) => Array.from({ length: rows }, make));
}

async function writeFile(groups: Value[][][]): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const writer = new FastParquetWriter(COLUMNS, (b) => Promise.resolve(void chunks.push(b)));
  for (const group of groups) await writer.writeRowGroup(group);
  await writer.finish();
  const file = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (file.set(c, at), at + c.length), 0);
  assert.equal(writer.bytes, file.length);
  return file;
}

function expectedRows(groups: Value[][][]): Value[][] {
  return groups.flatMap((g) => g[0]!.map((_, r) => g.map((col) => col[r]!)));
}

Deno.test("FastParquetWriter files read back equal through hyparquet", async () => {
  for (let seed = 1; seed <= 5; seed++) {
    const prng = new Prng(seed);
    const groups = Array.from(
      { length: prng.int(1, 4) },
      () => randomGroup(prng, prng.int(1, 300)),
    );
    const file = await writeFile(groups);
    const rows = await parquetReadObjects({ file: file.buffer as ArrayBuffer });
    const actual = rows.map((r) =>
      COLUMNS.map((c) => {
        const v = r[c.name];
        return v instanceof Date ? v.getTime() : v;
      })
    );
    assert.deepEqual(actual, expectedRows(groups), `seed ${seed}`);
    const meta = parquetMetadata(file.buffer as ArrayBuffer);
    meta.row_groups.forEach((rg, i) => {
      const times = groups[i]![1] as number[];
      const stats = rg.columns[1]!.meta_data!.statistics!;
      const ms = (v: unknown) => v instanceof Date ? v.getTime() : Number(v);
      assert.equal(ms(stats.min_value), Math.min(...times));
      assert.equal(ms(stats.max_value), Math.max(...times));
    });
  }
});

Deno.test("FastParquetWriter files read back equal through DuckDB, with azof's types", async () => {
  const prng = new Prng(42);
  const groups = [randomGroup(prng, 500), randomGroup(prng, 70_000)];
  const dir = await Deno.makeTempDir();
  const path = `${dir}/f.parquet`;
  await Deno.writeFile(path, await writeFile(groups));
  const duck = await DuckOracle.open();
  try {
    const source = `read_parquet(${sqlString(path)})`;
    const types = (await duck.rows(`DESCRIBE SELECT * FROM ${source}`)).map((r) => r[1]);
    assert.deepEqual(types, [
      "VARCHAR",
      "TIMESTAMP WITH TIME ZONE",
      "VARCHAR",
      "BIGINT",
      "DOUBLE",
      "BOOLEAN",
      "TIMESTAMP WITH TIME ZONE",
      "BOOLEAN",
    ]);
    const rows = await duck.rows(
      `SELECT key, epoch_ms(event_time), s, i::VARCHAR, f, b, epoch_ms(d), _deleted
       FROM ${source}`,
    );
    const expected = expectedRows(groups).map((r) => [
      r[0],
      BigInt(r[1] as number),
      r[2],
      r[3] === null ? null : String(r[3]),
      r[4],
      r[5],
      r[6] === null ? null : BigInt(r[6] as number),
      r[7],
    ]);
    assert.deepEqual(rows, expected);
  } finally {
    duck.close();
    await Deno.remove(dir, { recursive: true });
  }
});
