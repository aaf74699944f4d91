import assert from "node:assert/strict";
import { type DataFile, type Decoder, openDataFile } from "./data_file.ts";
import { DecodeWorker } from "./decode_worker_client.ts";
import { openTable, type Table } from "../format/table.ts";
import type { Schema } from "../format/schema.ts";
import { hasUpstreamTable, UPSTREAM_ROOT } from "../testing/upstream.ts";
import { within } from "../testing/deadline.ts";
import { Prng } from "../write/prng.ts";

const DECODERS: readonly Decoder[] = ["hyparquet", "wasm"];

/** Runs `work` with a started worker, stopped at the end; fails after the deadline. */
async function withWorker(what: string, work: (worker: DecodeWorker) => Promise<void>) {
  const worker = DecodeWorker.start();
  assert.ok(worker, "the decoding worker's module is there");
  try {
    await within(`the decoding worker ${what}`, () => work(worker), 60_000);
  } finally {
    worker.terminate();
  }
}

/** What reading every row group gives: the groups, or the error's name, code and message. */
async function readAll(file: DataFile, columns: readonly string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let g = 0; g < file.rowGroups.length; g++) {
    file.prefetch(g + 1, columns);
    try {
      out.push(await file.readRowGroup(g, []), await file.readColumns(g, columns));
    } catch (error) {
      const e = error as Error & { code?: string };
      out.push({ error: [e.name, e.code, e.message] });
    }
  }
  return out;
}

async function dataFiles(table: Table): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(`${UPSTREAM_ROOT}${table.name}`)) {
    if (entry.name.endsWith(".parquet")) files.push(entry.name);
  }
  return files.sort();
}

const TABLES = ["table0", "table1", "table2", "financials"].filter(hasUpstreamTable);

Deno.test({
  name: "a worker decodes every upstream data file as the calling thread does, with both decoders",
  ignore: TABLES.length === 0,
  async fn() {
    await withWorker("decoding the upstream tables", async (worker) => {
      for (const name of TABLES) {
        const table = openTable(UPSTREAM_ROOT, name);
        const schema = (await table.snapshot()).schema;
        const columns = schema.columns.map((c) => c.name);
        for (const file of (await dataFiles(table)).slice(0, 12)) {
          for (const decoder of DECODERS) {
            const here = await openDataFile(table, file, schema, { decoder });
            const there = await openDataFile(table, file, schema, { decoder });
            there.decodeOn(worker);
            const expected = await readAll(here, columns);
            const before = worker.decoded;
            assert.deepStrictEqual(await readAll(there, columns), expected, `${file} ${decoder}`);
            assert.ok(worker.decoded > before, `${file} was decoded on the worker`);
          }
        }
      }
    });
  },
});

Deno.test({
  name: "byte flips in a file without page CRCs fail or decode the same on the worker as here",
  ignore: !hasUpstreamTable("table0"),
  async fn() {
    const root = await Deno.makeTempDir();
    try {
      const source = openTable(UPSTREAM_ROOT, "table0");
      const schema: Schema = (await source.snapshot()).schema;
      const columns = schema.columns.map((c) => c.name);
      const name = (await dataFiles(source))[0]!;
      const original = await Deno.readFile(`${UPSTREAM_ROOT}table0/${name}`);
      await Deno.mkdir(`${root}/t`);
      const table = openTable(root, "t");
      const prng = new Prng(7);
      const footer = original.length - 8 - new DataView(original.buffer).getUint32(
        original.length - 8,
        true,
      );
      let errors = 0;
      await withWorker("decoding flipped files", async (worker) => {
        for (let i = 0; i < 40; i++) {
          const bytes = original.slice();
          const at = prng.int(4, footer - 1);
          bytes[at] = bytes[at]! ^ (1 << prng.int(0, 7));
          await Deno.writeFile(`${root}/t/${name}`, bytes);
          // Not parquet-wasm: a damaged page can make it abort the process (or the worker) here.
          for (const decoder of ["hyparquet" as const]) {
            const here = await openDataFile(table, name, schema, { decoder });
            const there = await openDataFile(table, name, schema, { decoder });
            there.decodeOn(worker);
            const expected = await readAll(here, columns);
            if (expected.some((e) => (e as { error?: unknown }).error)) errors++;
            assert.deepStrictEqual(await readAll(there, columns), expected, `flip at ${at}`);
            assert.ok(worker.decoded > 0, "the worker decoded");
          }
        }
      });
      assert.ok(errors > 0, "some flips made decoding fail");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "a file decodes here when the worker's module is missing or the worker was stopped",
  ignore: !hasUpstreamTable("table0"),
  async fn() {
    assert.equal(DecodeWorker.start(new URL("./no_such_worker.ts", import.meta.url)), undefined);
    const table = openTable(UPSTREAM_ROOT, "table0");
    const schema = (await table.snapshot()).schema;
    const columns = schema.columns.map((c) => c.name);
    const name = (await dataFiles(table))[0]!;
    const here = await openDataFile(table, name, schema);
    const there = await openDataFile(table, name, schema);
    await withWorker("stopped before decoding", async (worker) => {
      there.decodeOn(worker);
      there.prefetch(0, columns);
      worker.terminate();
      assert.deepStrictEqual(await readAll(there, columns), await readAll(here, columns));
      assert.equal(worker.decoded, 0);
    });
  },
});
