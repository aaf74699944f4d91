/**
 * Data generators: upstream's `gen` (a headerless CSV next to the snapshot converted to a Parquet
 * data file with the table's types) and a seeded synthetic history for tests and benchmarks.
 *
 * @module
 */

import type { Value } from "../format/schema.ts";
import { AzofError } from "../errors.ts";
import { csvRows } from "../input/csv.ts";
import { FastParquetWriter } from "../parquet/encode.ts";
import { DELETED, EVENT_TIME, KEY, type Schema } from "../format/schema.ts";
import type { Table } from "../format/table.ts";
import { Prng } from "./prng.ts";

/**
 * Upstream-compatible `gen`: reads `BASE.csv` from the table folder (no header; `key,event_time`,
 * then the schema columns in order) and writes `BASE.parquet` beside it with the table's types. The
 * file is not added to any snapshot. Rows keep their CSV order.
 *
 * @param table The table (its current snapshot gives the schema).
 * @param base The file name without extension, such as `delta1`.
 * @returns The number of rows written.
 * @throws {AzofError} `InputInvalid` for a bad CSV line.
 *
 * @example Convert a CSV file in a new table's folder to Parquet
 * ```ts
 * import { createTable, genUpstream, parseSchemaText } from "../../mod.ts";
 * const root = await Deno.makeTempDir();
 * const table = await createTable(root, "t", parseSchemaText("price:Float"));
 * await Deno.writeTextFile(`${root}/t/delta1.csv`, "a,2024-01-02T00:00:00Z,1.5\n");
 * console.log(await genUpstream(table, "delta1")); // 1
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function genUpstream(table: Table, base: string): Promise<number> {
  const snapshot = await table.snapshot();
  const names = [KEY, EVENT_TIME, ...snapshot.schema.columns.map((c) => c.name)];
  const bytes = await table.store.read(table.key(`${base}.csv`)).catch((error) => {
    throw new AzofError("InputInvalid", `Cannot read ${base}.csv in ${table.location}`, {
      cause: error,
    });
  });
  const rows = csvRows(ReadableStream.from([bytes]), snapshot.schema, { columns: names });
  const chunks: Uint8Array[] = [];
  const writer = new FastParquetWriter(
    [
      { name: KEY, type: "String", nullable: false },
      { name: EVENT_TIME, type: "DateTime", nullable: false },
      ...snapshot.schema.columns,
    ],
    (b) => Promise.resolve(void chunks.push(b)),
  );
  let group: Value[][] = names.map(() => []);
  const flush = async () => {
    await writer.writeRowGroup(group);
    group = names.map(() => []);
  };
  for await (const row of rows) {
    group[0]!.push(row.key);
    group[1]!.push(row.eventTime);
    row.values.forEach((v, i) => group[i + 2]!.push(v));
    if (group[0]!.length >= 65_536) await flush();
  }
  await flush();
  await writer.finish();
  await table.store.put(table.key(`${base}.parquet`), _concat(chunks));
  return writer.rows;
}

function _concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/** Options of {@linkcode syntheticRows}. */
export interface SyntheticOptions {
  /** Number of distinct keys. */
  readonly keys: number;
  /** Events per key. */
  readonly eventsPerKey: number;
  /** First event time (ms). */
  readonly start: number;
  /** Last event time (ms). */
  readonly end: number;
  /** Fraction of rows that arrive late (event time before rows already emitted), 0..1. */
  readonly late?: number | undefined;
  /** Fraction of rows that are deletions, 0..1. */
  readonly deleted?: number | undefined;
  /** PRNG seed; the same seed gives the same rows. */
  readonly seed?: number | undefined;
}

/**
 * A seeded synthetic history in arrival order: event times advance from `start` to `end`, a `late`
 * fraction of rows is back-dated to a random earlier instant, a `deleted` fraction are deletions.
 *
 * @param schema The table schema (values are random per type).
 * @param options Sizes, span, fractions, seed.
 * @returns Row objects for {@linkcode writeRows}.
 *
 * @example Ten rows, reproducibly
 * ```ts
 * import { syntheticRows } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const options = { keys: 5, eventsPerKey: 2, start: 0, end: 1e10, late: 0.2, seed: 7 };
 * const rows = [...syntheticRows({ columns: [] }, options)];
 * assert.equal(rows.length, 10);
 * assert.deepEqual(rows, [...syntheticRows({ columns: [] }, options)]);
 * ```
 */
export function* syntheticRows(
  schema: Schema,
  options: SyntheticOptions,
): Generator<Record<string, Value>> {
  const prng = new Prng(options.seed ?? 1);
  const rnd = () => prng.next();
  const total = options.keys * options.eventsPerKey;
  const span = Math.max(1, options.end - options.start);
  const width = String(Math.max(0, options.keys - 1)).length;
  for (let i = 0; i < total; i++) {
    const now = options.start + Math.floor((span * i) / Math.max(1, total - 1));
    const late = rnd() < (options.late ?? 0);
    const t = late ? options.start + Math.floor(rnd() * (now - options.start)) : now;
    const row: Record<string, Value> = {
      [KEY]: `k${String(Math.floor(rnd() * options.keys)).padStart(width, "0")}`,
      [EVENT_TIME]: t,
    };
    for (const c of schema.columns) {
      row[c.name] = c.nullable && rnd() < 0.05 ? null : _value(c.type, rnd);
    }
    if (rnd() < (options.deleted ?? 0)) row[DELETED] = true;
    yield row;
  }
}

function _value(type: Schema["columns"][number]["type"], rnd: () => number): Value {
  switch (type) {
    case "String":
      return `v${Math.floor(rnd() * 1e6)}`;
    case "Int":
      return BigInt(Math.floor(rnd() * 2e9) - 1e9);
    case "Float":
      return Math.round(rnd() * 1e6) / 100;
    case "Boolean":
      return rnd() < 0.5;
    case "DateTime":
      return Date.UTC(2000, 0, 1) + Math.floor(rnd() * 1e12);
  }
}
