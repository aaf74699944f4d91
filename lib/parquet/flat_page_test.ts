import assert from "node:assert/strict";
import { parquetMetadata, parquetReadObjects } from "npm:hyparquet@1.31.5";
// hyparquet-writer is a test oracle only: it writes v2 pages, which go through hyparquet's reader.
import { parquetWriteBuffer } from "npm:hyparquet-writer@0.17.0";
import { DuckOracle } from "../testing/duckdb_oracle.ts";
import { type ColumnKind, toValues } from "../columns/column_data.ts";
import { decodeFlatRowGroup, TIME_PARSERS } from "./decode_flat.ts";
import type { Value } from "../format/schema.ts";

/** Every row group of a file decoded by decode_flat.ts, against hyparquet's own row reader. */
async function _assertDecodesLikeHyparquet(file: Uint8Array, kinds: Map<string, ColumnKind>) {
  const buffer = file.slice().buffer;
  const metadata = parquetMetadata(buffer);
  const expected = await parquetReadObjects({ file: buffer, parsers: TIME_PARSERS });
  let first = 0;
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const rows = Number(metadata.row_groups[g]!.num_rows);
    const decoded = await decodeFlatRowGroup(
      { byteLength: buffer.byteLength, slice: (s, e) => buffer.slice(s, e) },
      g,
      kinds,
      { metadata, parsers: TIME_PARSERS },
    );
    for (const [name, kind] of kinds) {
      const want = expected.slice(first, first + rows).map((row) => _as(row[name] as Value, kind));
      assert.deepEqual(toValues(decoded.get(name)!), want, `column ${name}, row group ${g}`);
    }
    first += rows;
  }
  assert.equal(first, expected.length);
}

/** hyparquet's value in the layout azof decodes it to. */
function _as(value: Value, kind: ColumnKind): Value {
  if (value === null || value === undefined) return null;
  if (kind === "i64") return BigInt(value as number | bigint);
  if (kind === "f64") return Number(value);
  return value;
}

Deno.test({
  name: "decodeFlatRowGroup() reads DuckDB's v1 pages (PLAIN, dictionary, nulls) like hyparquet",
  sanitizeResources: false,
  fn: async () => {
    const duck = await DuckOracle.open();
    const path = await Deno.makeTempFile({ suffix: ".parquet" });
    try {
      await duck.rows(`CREATE TABLE t (req BIGINT NOT NULL, few BIGINT, big BIGINT, d DOUBLE,
        fewd DOUBLE, n INTEGER, s VARCHAR, plain VARCHAR, ts TIMESTAMP, b BOOLEAN)`);
      const nullable = (salt: number, every: number, value: string) =>
        `CASE WHEN hash(i * ${salt}) % ${every} = 0 THEN NULL ELSE ${value} END`;
      await duck.rows(`INSERT INTO t SELECT i,
        ${nullable(7, 5, "(hash(i) % 20)::BIGINT - 10")},
        ${nullable(3, 7, "(hash(i * 11) >> 2)::BIGINT - 2305843009213693952")},
        ${nullable(5, 4, "(hash(i * 13) % 100000) / 100.0")},
        ${nullable(29, 3, "(hash(i * 31) % 8) / 4.0")},
        ${nullable(9, 3, "(hash(i * 17) % 100000)::INTEGER - 50000")},
        ${nullable(2, 6, "'k,' || (hash(i * 19) % 40) || chr(10)")},
        ${nullable(33, 2, "'v' || i || repeat('é', (i % 5)::INTEGER)")},
        ${nullable(21, 6, "TIMESTAMP '2000-01-01' + to_seconds((hash(i * 23) % 1000000)::BIGINT)")},
        ${nullable(25, 6, "hash(i * 27) % 2 = 0")}
        FROM range(5000) r(i)`);
      await duck.rows(`COPY t TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
      const file = await Deno.readFile(path);
      const encodings = parquetMetadata(file.slice().buffer).row_groups[0]!.columns
        .flatMap((c) => c.meta_data!.encodings);
      assert.ok(
        encodings.some((e) => e.endsWith("_DICTIONARY")),
        "some chunk is dictionary-encoded",
      );
      assert.ok(encodings.includes("PLAIN"), "some chunk is PLAIN");
      await _assertDecodesLikeHyparquet(
        file,
        new Map<string, ColumnKind>([
          ["req", "i64"],
          ["few", "i64"],
          ["big", "i64"],
          ["d", "f64"],
          ["fewd", "f64"],
          ["n", "i64"],
          ["s", "utf8"],
          ["plain", "utf8"],
          ["ts", "f64"],
          ["b", "bool"],
        ]),
      );
    } finally {
      duck.close();
      await Deno.remove(path);
    }
  },
});

Deno.test("decodeFlatRowGroup() reads v2 pages, dictionary-encoded or not, like hyparquet", async () => {
  const rows = 3000;
  const pick = (i: number, nulls: boolean, value: Value) => nulls && i % 7 === 3 ? null : value;
  for (const nullable of [false, true]) {
    const file = parquetWriteBuffer({
      pageSize: 4096,
      rowGroupSize: 1000,
      columnData: [
        {
          name: "few",
          type: "INT64",
          nullable,
          encoding: "RLE_DICTIONARY",
          data: Array.from({ length: rows }, (_, i) => pick(i, nullable, BigInt(i % 9) - 4n)),
        },
        {
          name: "d",
          type: "DOUBLE",
          nullable,
          encoding: "RLE_DICTIONARY",
          data: Array.from({ length: rows }, (_, i) => pick(i, nullable, (i % 5) / 8)),
        },
        {
          name: "s",
          type: "STRING",
          nullable,
          data: Array.from({ length: rows }, (_, i) => pick(i, nullable, `s${i % 11}`)),
        },
        {
          name: "n",
          type: "INT64",
          nullable,
          encoding: "PLAIN",
          data: Array.from({ length: rows }, (_, i) => pick(i, nullable, BigInt(i) * 1000003n)),
        },
      ],
    });
    await _assertDecodesLikeHyparquet(
      new Uint8Array(file),
      new Map<string, ColumnKind>([["few", "i64"], ["d", "f64"], ["s", "utf8"], ["n", "i64"]]),
    );
  }
});
