/**
 * The sorting worker (lib/read/sort_worker.ts) as a scan uses it: a damaged row group it sorts
 * fails the scan with the error one thread gives; it is gone when the sorting ends, and a library
 * consumer that stops early leaves nothing that keeps the process alive; without its module the
 * scan sorts on one thread.
 */

import assert from "node:assert/strict";
import { parquetMetadata } from "npm:hyparquet@1.31.5";
import { scan } from "./scan.ts";
import { SortWorker } from "./sort_worker_client.ts";
import { openTable } from "../format/table.ts";
import { formatInstant } from "../format/time.ts";
import type { Column } from "../format/schema.ts";
import { dataFileBytes, type DataRow } from "../testing/parquet_file.ts";
import { scanRows } from "../testing/cells.ts";
import { commandOutput, within } from "../testing/deadline.ts";

const COLUMNS: Column[] = [{ name: "n", type: "Int", nullable: true }];
const T = Date.UTC(2024, 0, 1);

/** A table of one file that is not key-ordered: 40 row groups of 2 rows, keys descending. */
async function table(root: string): Promise<{ path: string; bytes: Uint8Array }> {
  await Deno.mkdir(`${root}/t`, { recursive: true });
  const rows: DataRow[] = Array.from({ length: 80 }, (_, i) => ({
    key: `k${99 - i}`,
    eventTime: T + i,
    values: { n: BigInt(i) },
  }));
  const bytes = dataFileBytes(COLUMNS, rows, { rowGroupSize: 2 });
  await Deno.writeFile(`${root}/t/f0.parquet`, bytes);
  const schema = { columns: [{ name: "n", data_type: "Int", nullable: true }] };
  const delta = [{ file: "f0.parquet", start: formatInstant(T), end: formatInstant(T + 99) }];
  const segments = [{ id: "all", start: formatInstant(T), delta }];
  await Deno.writeTextFile(`${root}/t/s1.json`, JSON.stringify({ schema, segments }));
  await Deno.writeTextFile(`${root}/t/version.txt`, "1");
  return { path: `${root}/t/f0.parquet`, bytes };
}

/** The error a scan fails with: name, code and message, or `undefined` when it succeeds. */
async function failure(root: string, sortThreads: number): Promise<unknown> {
  try {
    await scanRows(await scan(openTable(root, "t"), { sortBudgetRows: 2, sortThreads }));
    return undefined;
  } catch (error) {
    const e = error as Error & { code?: string };
    return [e.name, e.code, e.message];
  }
}

Deno.test("a damaged row group sorted on the worker fails the scan with the error of one thread", async () => {
  const root = await Deno.makeTempDir();
  try {
    const { path, bytes } = await table(root);
    // Blocks of 2 rows, one row group each: the calling thread takes the first, the worker the
    // second and third (and the calling thread cannot sort all the others before the worker gets
    // them, which would leave the worker nothing). Damage the second's `key` page, past its header.
    const chunk = parquetMetadata(bytes.slice().buffer).row_groups[1]!.columns[0]!.meta_data!;
    const at = Number(chunk.data_page_offset) + Number(chunk.total_compressed_size) - 2;
    const damaged = bytes.slice();
    damaged[at] = damaged[at]! ^ 0xff;
    await Deno.writeFile(path, damaged);
    const here = await within("a scan on one thread", () => failure(root, 1), 60_000);
    assert.ok(here, "the damage is found on one thread");
    assert.match(JSON.stringify(here), /DataCorrupt.*f0\.parquet/);
    const before = SortWorker.blocks;
    const there = await within("a scan through the sorting worker", () => failure(root, 2), 60_000);
    assert.deepEqual(there, here);
    assert.ok(SortWorker.blocks > before, "the worker sorted blocks");
    assert.equal(SortWorker.live, 0, "the worker is gone");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a library consumer that stops after the first batch leaves no worker running", async () => {
  const root = await Deno.makeTempDir();
  try {
    await table(root);
    const script = `
      import { openTable, scan } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url))};
      const result = await scan(openTable(${JSON.stringify(root)}, "t"), {
        sortBudgetRows: 2,
        batchSize: 1,
      });
      for await (const batch of result.batches) {
        console.log(batch.columns[0].values[0]);
        break;
      }`;
    const out = await commandOutput(Deno.execPath(), {
      args: ["eval", "--ext=ts", script],
    }, { ms: 60_000 });
    assert.equal(new TextDecoder().decode(out.stderr), "");
    assert.ok(out.success);
    assert.equal(new TextDecoder().decode(out.stdout), "k20\n");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a sorting worker whose module is missing does not start", () => {
  assert.equal(SortWorker.start(new URL("./no_such_worker.ts", import.meta.url)), undefined);
  assert.equal(SortWorker.live, 0);
});
