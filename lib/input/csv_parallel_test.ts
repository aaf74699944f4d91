/**
 * Tests of lib/input/csv_parallel.ts: a file or stream parsed on the worker thread gives the same rows and
 * the same errors as on the calling thread, also when the worker cannot start or the reader stops
 * early.
 */

import assert from "node:assert/strict";
import type { ColumnBuffer } from "../columns/column_buffer.ts";
import { csvFileBatches, csvStreamBatches } from "./csv_parallel.ts";
import type { Value } from "../format/schema.ts";
import { AzofError } from "../errors.ts";
import { Prng } from "../write/prng.ts";
import { rowOfBatch } from "./row_batch.ts";
import type { Schema } from "../format/schema.ts";
import { within } from "../testing/deadline.ts";

const SCHEMA: Schema = {
  columns: [
    { name: "name", type: "String", nullable: true },
    { name: "n", type: "Int", nullable: false },
    { name: "price", type: "Float", nullable: true },
    { name: "ok", type: "Boolean", nullable: true },
    { name: "at", type: "DateTime", nullable: true },
  ],
};

/** Random CSV rows: columns out of order, quoted fields with commas and line breaks, non-ASCII. */
function randomCsv(seed: number, rows: number, bad?: number): string {
  const prng = new Prng(seed);
  const lines = ["price,key,event_time,_deleted,n,name,ok,at"];
  for (let i = 0; i < rows; i++) {
    const r = prng.next();
    const name = r < 0.1
      ? ""
      : r < 0.15
      ? '"a ""quoted"", name\nover two lines"'
      : r < 0.2
      ? "café"
      : `n${prng.int(0, 999)}`;
    const key = prng.next() < 0.05 ? `"k,${prng.int(0, 99)}"` : `k${prng.int(0, 5000)}`;
    const time = new Date(Date.UTC(2020, 0, 1) + prng.int(0, 3 * 365) * 86_400_000).toISOString();
    const price = prng.next() < 0.1 ? "" : (prng.int(-1e6, 1e6) / 16).toString();
    const deleted = prng.next() < 0.05 ? "true" : "";
    const n = i === bad ? "twelve" : `${prng.int(-1e9, 1e9)}${prng.int(0, 999_999)}`;
    const ok = ["true", "false", ""][prng.int(0, 2)];
    const at = prng.next() < 0.5 ? "" : "2021-06-01T12:00:00Z";
    lines.push([price, key, time, deleted, n, name, ok, at].join(","));
  }
  return lines.join("\n") + "\n";
}

function rowsOf(batches: AsyncIterable<ColumnBuffer>): Promise<unknown[]> {
  return within("reading CSV batches (on the worker)", async () => {
    const out: unknown[] = [];
    for await (const batch of batches) {
      for (let i = 0; i < batch.length; i++) out.push(rowOfBatch(batch, i, SCHEMA));
    }
    return out;
  });
}

async function withCsv(text: string, fn: (path: string) => Promise<void>): Promise<void> {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(path, text);
    await fn(path);
  } finally {
    await Deno.remove(path);
  }
}

Deno.test("csvFileBatches parses on the worker exactly as on the calling thread", async () => {
  await withCsv(randomCsv(1, 40_000), async (path) => {
    const here = await rowsOf(csvFileBatches(path, SCHEMA, { minBytes: Infinity }));
    const batches: ColumnBuffer[] = [];
    const reads: number[] = [];
    const worker = await rowsOf(
      (async function* () {
        for await (
          const batch of csvFileBatches(path, SCHEMA, {
            minBytes: 0,
            onRead: (n) => reads.push(n),
          })
        ) {
          batches.push(batch);
          yield batch;
        }
      })(),
    );
    assert.equal(here.length, 40_000);
    assert.deepEqual(worker, here);
    // The file spans several 1 MiB pieces; batches from the worker are new objects (the calling
    // thread's parser reuses one).
    assert.ok(batches.length >= 3 && new Set(batches).size === batches.length, `${batches.length}`);
    assert.equal(reads.at(-1), (await Deno.stat(path)).size);
  });
});

Deno.test("csvFileBatches parses on the calling thread when the worker cannot start", async () => {
  await withCsv(randomCsv(2, 5_000), async (path) => {
    const missing = new URL("./no_such_worker.ts", import.meta.url);
    const rows = await rowsOf(csvFileBatches(path, SCHEMA, { minBytes: 0, worker: missing }));
    assert.deepEqual(rows, await rowsOf(csvFileBatches(path, SCHEMA, { minBytes: Infinity })));
  });
});

Deno.test("csvFileBatches reports a bad field with the same line and column on both threads", async () => {
  await withCsv(randomCsv(3, 30_000, 29_000), async (path) => {
    const errors: unknown[] = [];
    for (const minBytes of [0, Infinity]) {
      await rowsOf(csvFileBatches(path, SCHEMA, { minBytes })).then(
        () => assert.fail("the bad field was not reported"),
        (error) => errors.push(error),
      );
    }
    const [worker, here] = errors as AzofError[];
    assert.ok(worker instanceof AzofError && here instanceof AzofError);
    assert.equal(worker.code, "InputInvalid");
    assert.match(
      here.message,
      /line \d+, column "n": expected an Int \(64-bit whole number\), found "twelve"/,
    );
    assert.equal(worker.message, here.message);
  });
});

Deno.test("csvFileBatches stops the worker when the reader stops early", async () => {
  await withCsv(randomCsv(4, 40_000), async (path) => {
    let first: Value | undefined;
    await within("the first batch from the worker", async () => {
      for await (const batch of csvFileBatches(path, SCHEMA, { minBytes: 0 })) {
        first = batch.value(0, 0);
        break;
      }
    });
    assert.equal(typeof first, "string");
  });
});

Deno.test("csvFileBatches names an input it cannot read", async () => {
  await assert.rejects(
    rowsOf(csvFileBatches("/no/such/file.csv", SCHEMA)),
    /Cannot read input \/no\/such\/file\.csv/,
  );
});

/** The text's bytes in pieces of random sizes (records and characters cut anywhere). */
async function* randomPieces(text: string, seed: number, fail?: Error): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const prng = new Prng(seed);
  for (let at = 0; at < bytes.length;) {
    const size = prng.int(1, 200_000);
    yield bytes.slice(at, at + size);
    at += size;
    if (fail && at > bytes.length / 2) throw fail;
  }
}

Deno.test("csvStreamBatches parses a stream on the worker exactly as on the calling thread", async () => {
  const text = randomCsv(5, 40_000);
  const here = await rowsOf(
    csvStreamBatches(randomPieces(text, 1), SCHEMA, { minBytes: Infinity }),
  );
  assert.equal(here.length, 40_000);
  // From the start, and after the first 2 MiB were read here.
  for (const minBytes of [0, 2 << 20]) {
    const reads: number[] = [];
    const batches = new Set<ColumnBuffer>();
    const rows = await rowsOf(
      (async function* () {
        const options = { minBytes, onRead: (n: number) => reads.push(n) };
        for await (const batch of csvStreamBatches(randomPieces(text, 2), SCHEMA, options)) {
          batches.add(batch);
          yield batch;
        }
      })(),
    );
    assert.deepEqual(rows, here, `minBytes ${minBytes}`);
    assert.ok(batches.size >= 3, `${batches.size} batches: parsed on the worker`);
    assert.equal(reads.at(-1), new TextEncoder().encode(text).length);
  }
});

Deno.test("csvStreamBatches reports bad fields and failed reads, and falls back without its worker", async () => {
  const bad = randomCsv(6, 30_000, 29_000);
  const errors: string[] = [];
  for (const minBytes of [0, Infinity]) {
    await rowsOf(csvStreamBatches(randomPieces(bad, 3), SCHEMA, { minBytes })).then(
      () => assert.fail("the bad field was not reported"),
      (error) => errors.push((error as AzofError).message),
    );
  }
  assert.match(errors[0]!, /line \d+, column "n": expected an Int/);
  assert.equal(errors[0], errors[1]);
  const broken = new Error("the pipe broke");
  await assert.rejects(
    rowsOf(
      csvStreamBatches(randomPieces(randomCsv(7, 30_000), 4, broken), SCHEMA, { minBytes: 0 }),
    ),
    (error) => error === broken,
  );
  const text = randomCsv(8, 5_000);
  const missing = new URL("./no_such_worker.ts", import.meta.url);
  assert.deepEqual(
    await rowsOf(csvStreamBatches(randomPieces(text, 5), SCHEMA, { minBytes: 0, worker: missing })),
    await rowsOf(csvStreamBatches(randomPieces(text, 5), SCHEMA, { minBytes: Infinity })),
  );
});
