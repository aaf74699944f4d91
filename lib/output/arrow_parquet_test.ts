/**
 * `-f arrow` and `-f parquet` output, built from the batches' typed columns, against independent
 * answers: random tables of every column type (nullable and not) with nulls, empty strings,
 * non-ASCII text, newlines and special floats, written through the library (key-ordered files, so
 * the merge path with its byte columns), compared with the fold of the writes as read back by
 * apache-arrow, hyparquet, DuckDB and (when `AZOF_PYTHON` names a Python with pyarrow) pyarrow;
 * the same rows as plain values (the hash path's batches) must give the same bytes, in CSV too
 * (whose writer of values is checked on its own in csv_test.ts); upstream
 * `financials` (not key-ordered: the hash path) must give the CSV answer's rows.
 */

import assert from "node:assert/strict";
import { tableFromIPC } from "npm:apache-arrow@21.2.0";
import { parquetReadObjects } from "npm:hyparquet@1.31.5";
import { writeRows as writeOutput } from "./format.ts";
import type { BatchColumn, RowBatch } from "../read/batch.ts";
import { scan } from "../read/scan.ts";
import { createTable } from "../write/create.ts";
import { writeRows } from "../write/write.ts";
import { MemoryStore } from "../store/memory.ts";
import { type Column, EVENT_TIME, KEY, type Value } from "../format/schema.ts";
import { openTable } from "../format/table.ts";
import { type Cell, toCell } from "../testing/cells.ts";
import { DuckOracle, sqlString } from "../testing/duckdb_oracle.ts";
import { utf8Compare } from "../testing/utf8_compare.ts";
import { hasUpstreamTable, UPSTREAM_ROOT, upstreamTestName } from "../testing/upstream.ts";
import { Prng } from "../write/prng.ts";

const COLUMNS: Column[] = [
  { name: "s", type: "String", nullable: true },
  { name: "t", type: "String", nullable: false },
  { name: "i", type: "Int", nullable: true },
  { name: "j", type: "Int", nullable: false },
  { name: "f", type: "Float", nullable: true },
  { name: "g", type: "Float", nullable: false },
  { name: "b", type: "Boolean", nullable: true },
  { name: "c", type: "Boolean", nullable: false },
  { name: "d", type: "DateTime", nullable: true },
  { name: "e", type: "DateTime", nullable: false },
];
const STRINGS = ["", "x", "a,b", "line\nbreak", "cr\r\n", 'quote"d', "ünï", "😀", "日本", " pad "];
const FLOATS = [0, -0, 1.5, -2.25, 0.1, 1e300, -1e-300, Infinity, -Infinity, NaN];
const INTS = [0n, 1n, -1n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n)];
const TIMES = [0, -1, Date.UTC(1969, 6, 20, 20, 17), Date.UTC(2024, 1, 29, 23, 59, 59, 999)];
const T0 = Date.UTC(2024, 0, 1);
const CASES = 6;

function value(random: Prng, column: Column): Value {
  if (column.nullable && random.chance(0.25)) return null;
  switch (column.type) {
    case "String":
      return random.chance(0.3)
        ? `${random.pick(STRINGS)}${random.int(0, 999)}`
        : random.pick(STRINGS);
    case "Int":
      return random.chance(0.5) ? BigInt(random.int(-1000, 1000)) : random.pick(INTS);
    case "Float":
      return random.chance(0.5) ? random.int(-1000, 1000) / 8 : random.pick(FLOATS);
    case "Boolean":
      return random.chance(0.5);
    case "DateTime":
      return random.chance(0.5) ? random.int(-1e12, 4e12) : random.pick(TIMES);
  }
}

/** Random writes of random keys over three commits, and their fold: the last write of each key. */
async function randomTable(random: Prng) {
  const table = await createTable(new MemoryStore(), "t", { columns: COLUMNS }, {
    segment: ["P1Y"],
  });
  const keys = Array.from(
    { length: random.int(1, 300) },
    (_, i) => `${random.pick(["k", "é", "日", "a\nb", "z,"])}${i}`,
  );
  const last = new Map<string, Cell[]>();
  for (let commit = 0; commit < 3; commit++) {
    const rows = keys.filter(() => random.chance(0.6)).map((key) => {
      const eventTime = T0 + commit * 1000 + random.int(0, 999);
      const values = COLUMNS.map((c) => value(random, c));
      last.set(key, [key, eventTime, ...values.map(toCell)]);
      return Object.fromEntries([
        [KEY, key],
        [EVENT_TIME, eventTime],
        ...COLUMNS.map((c, i) => [c.name, values[i]]),
      ]);
    });
    if (rows.length > 0) await writeRows(table, rows);
  }
  const fold = [...last.values()].sort((a, b) => utf8Compare(a[0] as string, b[0] as string));
  return { table, fold };
}

async function output(
  format: "arrow" | "parquet" | "csv",
  columns: readonly Omit<BatchColumn, "values">[],
  batches: AsyncIterable<RowBatch>,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await writeOutput(format, columns, batches, {
    write: (b) => Promise.resolve(void chunks.push(b)),
  });
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (out.set(c, at), at + c.length), 0);
  return out;
}

/** The batches again as plain values only, the form the hash path yields. */
async function* asValues(batches: AsyncIterable<RowBatch>): AsyncGenerator<RowBatch> {
  for await (const batch of batches) {
    yield {
      rows: batch.rows,
      columns: batch.columns.map((c) => ({ ...c, values: [...c.values], data: undefined })),
    };
  }
}

async function collect(batches: AsyncIterable<RowBatch>): Promise<RowBatch[]> {
  const out: RowBatch[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

async function* replay(batches: readonly RowBatch[]): AsyncGenerator<RowBatch> {
  yield* batches;
}

/** Arrow IPC rows as cells, by apache-arrow (Int as decimal text, DateTime as ms). */
function arrowCells(bytes: Uint8Array): Cell[][] {
  const table = tableFromIPC(bytes);
  return Array.from(
    { length: table.numRows },
    (_, r) => table.schema.fields.map((_, c) => toCell(table.getChildAt(c)!.get(r))),
  );
}

/** Parquet rows as cells, by hyparquet. */
async function parquetCells(bytes: Uint8Array, names: readonly string[]): Promise<Cell[][]> {
  const rows = await parquetReadObjects({ file: bytes.slice().buffer });
  return rows.map((row) =>
    names.map((name) => {
      const v = row[name];
      return toCell(v instanceof Date ? v.getTime() : v);
    })
  );
}

function assertCells(actual: Cell[][], expected: Cell[][], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: row count`);
  actual.forEach((row, r) =>
    row.forEach((cell, c) =>
      assert.ok(
        Object.is(cell, expected[r]![c]),
        `${label}: row ${r} column ${c} is ${String(cell)}, expected ${String(expected[r]![c])}`,
      )
    )
  );
}

const PYTHON = `
import sys, json, pyarrow as pa
def cell(v, t):
    if v is None: return None
    if pa.types.is_integer(t): return str(v)
    if pa.types.is_floating(t): return repr(v)
    return v
table = pa.ipc.open_stream(open(sys.argv[1], "rb")).read_all()
types = [c.type for c in table.columns]
cols = [c.cast(pa.int64()).cast(pa.float64()) if pa.types.is_timestamp(c.type) else c
        for c in table.columns]
rows = [[cell(c[r].as_py(), t) for c, t in zip(cols, types)] for r in range(table.num_rows)]
print(json.dumps({"schema": str(table.schema), "rows": rows}))
`;

/** The stream as pyarrow reads it: its schema text and rows (Float as Python's repr). */
async function pyarrowRead(python: string, path: string) {
  const run = await new Deno.Command(python, {
    args: ["-c", PYTHON, path],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  assert.equal(
    run.code,
    0,
    `pyarrow could not read ${path}: ${new TextDecoder().decode(run.stderr)}`,
  );
  return JSON.parse(new TextDecoder().decode(run.stdout)) as { schema: string; rows: Cell[][] };
}

/** Python's float repr as a number: `nan`, `inf`, `-inf`, `-0.0`, `1e+300`. */
function pythonFloat(text: Cell): Cell {
  if (text === null) return null;
  return text === "nan"
    ? NaN
    : text === "inf"
    ? Infinity
    : text === "-inf"
    ? -Infinity
    : Number(text);
}

const PYARROW_SCHEMA = [
  "key: string not null",
  "event_time: timestamp[ms, tz=UTC] not null",
  "s: string",
  "t: string",
  "i: int64",
  "j: int64",
  "f: double",
  "g: double",
  "b: bool",
  "c: bool",
  "d: timestamp[ms, tz=UTC]",
  "e: timestamp[ms, tz=UTC]",
].join("\n");

Deno.test("arrow and parquet output of random tables equal the fold of the writes", async (t) => {
  const duck = await DuckOracle.open();
  const dir = await Deno.makeTempDir({ prefix: "azof-arrow-parquet-" });
  const python = Deno.env.get("AZOF_PYTHON");
  try {
    for (let seed = 1; seed <= CASES; seed++) {
      await t.step(`seed ${seed}`, async () => {
        const random = new Prng(seed);
        const { table, fold } = await randomTable(random);
        const batchSize = random.pick([1, 7, 64, 65_536]);
        const result = await scan(table, { batchSize });
        const batches = await collect(result.batches);
        assert.ok(batches.every((b) => b.columns.every((c) => c.data !== undefined)));
        const names = result.columns.map((c) => c.name);
        const arrow = await output("arrow", result.columns, replay(batches));
        assertCells(arrowCells(arrow), fold, "arrow (apache-arrow)");
        const parquet = await output("parquet", result.columns, replay(batches));
        assertCells(await parquetCells(parquet, names), fold, "parquet (hyparquet)");
        const fromValues = await output("arrow", result.columns, asValues(replay(batches)));
        assert.deepEqual(fromValues, arrow, "arrow from values and from typed columns");
        const parquetValues = await output("parquet", result.columns, asValues(replay(batches)));
        assert.deepEqual(parquetValues, parquet, "parquet from values and from typed columns");
        const csv = await output("csv", result.columns, replay(batches));
        const csvValues = await output("csv", result.columns, asValues(replay(batches)));
        assert.deepEqual(csv, csvValues, "csv from values and from typed columns");

        const parquetPath = `${dir}/${seed}.parquet`;
        await Deno.writeFile(parquetPath, parquet);
        const duckRows = await duck.rows(
          `SELECT key, CAST(epoch_ms(event_time) AS DOUBLE), * EXCLUDE (key, event_time) REPLACE (
             CAST(epoch_ms(d) AS DOUBLE) AS d, CAST(epoch_ms(e) AS DOUBLE) AS e)
           FROM read_parquet(${sqlString(parquetPath)})`,
        );
        assertCells(duckRows.map((row) => row.map(toCell)), fold, "parquet (DuckDB)");

        if (python) {
          const arrowPath = `${dir}/${seed}.arrows`;
          await Deno.writeFile(arrowPath, arrow);
          const read = await pyarrowRead(python, arrowPath);
          assert.equal(read.schema, PYARROW_SCHEMA);
          const floats = new Set(names.flatMap((n, i) => n === "f" || n === "g" ? [i] : []));
          const rows = read.rows.map((row) =>
            row.map((v, i) => floats.has(i) ? pythonFloat(v) : v)
          );
          assertCells(rows, fold, "arrow (pyarrow)");
        }
      });
    }
    if (!python) {
      console.warn("\n!!! SKIPPED: AZOF_PYTHON is not set, so pyarrow did not read the streams\n");
    }
  } finally {
    duck.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("arrow and parquet output of no rows and of empty batches hold the schema only", async () => {
  const { table } = await randomTable(new Prng(99));
  const result = await scan(table, { asOf: T0 - 1 });
  const empty: RowBatch = {
    rows: 0,
    columns: result.columns.map((c) => ({ ...c, values: [] })),
  };
  for (const batches of [result.batches, replay([empty, empty])]) {
    const arrow = tableFromIPC(await output("arrow", result.columns, batches));
    assert.equal(arrow.numRows, 0);
    assert.deepEqual(arrow.schema.fields.map((f) => f.name), result.columns.map((c) => c.name));
  }
  const parquet = await output("parquet", result.columns, replay([empty]));
  assert.deepEqual(await parquetReadObjects({ file: parquet.slice().buffer }), []);
});

Deno.test({
  name: upstreamTestName(
    "arrow and parquet output of financials (hash path) hold the scan's rows",
    "financials",
  ),
  ignore: !hasUpstreamTable("financials"),
  async fn() {
    const table = openTable(UPSTREAM_ROOT, "financials");
    const asOf = Date.UTC(2019, 0, 17);
    const result = await scan(table, { asOf });
    const scanned = await collect(result.batches);
    // The hash path hands out every column in typed arrays; the writers get its String columns so
    // and the others as values only, so that one batch holds both kinds.
    assert.ok(scanned.every((b) => b.columns.every((c) => c.data !== undefined)));
    const batches = scanned.map((b) => ({
      ...b,
      columns: b.columns.map(({ name, type, nullable, values, data }) =>
        type === "String"
          ? { name, type, nullable, values, data }
          : { name, type, nullable, values }
      ),
    }));
    assert.ok(batches.every((b) => b.columns.some((c) => c.data === undefined)));
    assert.ok(batches.every((b) => b.columns.some((c) => c.data !== undefined)));
    const expected = batches.flatMap((b) =>
      Array.from({ length: b.rows }, (_, r) => b.columns.map((c) => toCell(c.values[r] ?? null)))
    );
    assert.ok(expected.length > 20_000);
    const names = result.columns.map((c) => c.name);
    assertCells(
      arrowCells(await output("arrow", result.columns, replay(batches))),
      expected,
      "arrow",
    );
    const parquet = await output("parquet", result.columns, replay(batches));
    assertCells(await parquetCells(parquet, names), expected, "parquet");
  },
});
