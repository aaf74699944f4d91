/**
 * Request-level tests of scans from S3 (an in-process fake bucket that answers suffix ranges as AWS
 * S3 does, or misreads them as s3rver does): which requests a scan sends for its data files, how many
 * are in flight, and that the answer is the plain fold of the rows whatever the timing.
 */

import assert from "node:assert/strict";
import { FOOTER_BYTES } from "../store/ranged.ts";
import { fakeS3 } from "../store/fake_s3_test_util.ts";
import { S3Store } from "../store/s3.ts";
import { scan } from "./scan.ts";
import { openTable } from "../format/table.ts";
import type { Column } from "../format/schema.ts";
import { dataFileBytes, type DataRow } from "../testing/parquet_file.ts";
import { Prng } from "../write/prng.ts";
import { within } from "../testing/deadline.ts";
import { SortWorker } from "./sort_worker_client.ts";

const COLUMNS: Column[] = [{ name: "note", type: "String", nullable: true }];
const MONTH = 30 * 86_400_000;
const START = Date.UTC(2024, 0, 1);

/** A table with a base and 12 monthly deltas of ~60 KB (3 row groups each), and all its rows. */
function history(random: Prng): { files: Map<string, Uint8Array>; rows: DataRow[] } {
  const files = new Map<string, Uint8Array>();
  const rows: DataRow[] = [];
  const note = () => Array.from({ length: 40 }, () => "abcdefghij"[random.int(0, 9)]).join("");
  const delta = [];
  for (let m = 0; m <= 12; m++) {
    const from = START + (m === 0 ? -MONTH : (m - 1) * MONTH);
    const part: DataRow[] = Array.from({ length: 1500 }, (_, i) => ({
      key: `k${random.int(0, 1999)}`,
      // Distinct instants, so that no tie needs a rule.
      eventTime: from + i * 1000 + m,
      values: { note: note() },
    }));
    rows.push(...part);
    const name = m === 0 ? "base.parquet" : `d${m}.parquet`;
    files.set(name, dataFileBytes(COLUMNS, part, { rowGroupSize: 500 }));
    if (m > 0) {
      delta.unshift({
        file: name,
        start: new Date(from).toISOString(),
        end: new Date(from + MONTH - 1).toISOString(),
      });
    }
  }
  const snapshot = {
    schema: { columns: [{ name: "note", data_type: "String", nullable: true }] },
    segments: [{ id: "all", start: new Date(START).toISOString(), file: "base.parquet", delta }],
  };
  files.set("s1.json", new TextEncoder().encode(JSON.stringify(snapshot)));
  return { files, rows };
}

/** The state as of `asOf` (not before the segment starts): each key's latest row. */
function fold(rows: readonly DataRow[], asOf: number): string[] {
  const latest = new Map<string, DataRow>();
  for (const row of rows) {
    if (row.eventTime > asOf) continue;
    const seen = latest.get(row.key);
    if (!seen || seen.eventTime < row.eventTime) latest.set(row.key, row);
  }
  return [...latest.keys()].sort().map((k) => {
    const row = latest.get(k)!;
    return `${k} ${row.eventTime} ${row.values.note}`;
  });
}

/** The fake bucket holding the table under `t/`, a store on it, and what the store sent. */
function bucket(files: Map<string, Uint8Array>, misread = false) {
  const fake = fakeS3("b");
  fake.misreadSuffixRanges = misread;
  for (const [name, bytes] of files) fake.objects.set(`lake/t/${name}`, bytes);
  const sent: { method: string; file: string; range: string }[] = [];
  let inFlight = 0;
  const counts = { maxInFlight: 0 };
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const file = new URL(request.url).pathname.replace(/^\/b\/lake\/t\//, "");
    sent.push({ method: request.method, file, range: request.headers.get("range") ?? "" });
    counts.maxInFlight = Math.max(counts.maxInFlight, ++inFlight);
    try {
      // A little latency, so that requests sent together overlap.
      await new Promise((resolve) => setTimeout(resolve, 2));
      return await fake.fetch(request);
    } finally {
      inFlight--;
    }
  };
  const store = new S3Store("s3://b/lake", {
    config: { region: "us-east-1", endpoint: "http://s3.test", pathStyle: true },
    fetch,
  });
  return { store, sent, counts };
}

async function scanLines(store: S3Store, asOf: number, sortBudgetRows?: number): Promise<string[]> {
  const result = await scan(openTable(store, "t"), { asOf, sortBudgetRows });
  const lines: string[] = [];
  for await (const batch of result.batches) {
    const [key, time, note] = batch.columns.map((c) => c.values);
    for (let i = 0; i < batch.rows; i++) lines.push(`${key![i]} ${time![i]} ${note![i]}`);
  }
  return lines;
}

const INSTANTS = [START, START + 2 * MONTH + 5_000, START + 7 * MONTH, START + 13 * MONTH];

Deno.test("a scan from S3 learns each data file's size from its footer read: no HEAD per file", async () => {
  const { files, rows } = history(new Prng(5));
  const sizes = [...files].flatMap(([name, b]) => name.endsWith(".parquet") ? [b.length] : []);
  assert.ok(sizes.every((n) => n > FOOTER_BYTES), "files bigger than a footer read");
  for (const asOf of INSTANTS) {
    const { store, sent } = bucket(files);
    assert.deepEqual(await scanLines(store, asOf), fold(rows, asOf));
    const data = sent.filter((r) => r.file.endsWith(".parquet"));
    assert.deepEqual(data.filter((r) => r.method !== "GET"), [], "only GETs of data files");
    const footers = data.filter((r) => r.range === `bytes=-${FOOTER_BYTES}`).map((r) => r.file);
    const planned = (await scan(openTable(store, "t"), { asOf })).plan.files.map((f) => f.file);
    assert.deepEqual(footers.sort(), [...planned].sort(), "one footer read per planned file");
  }
});

Deno.test("a scan from S3 through sorted runs (spilled locally) gives the same answer", async () => {
  const { files, rows } = history(new Prng(7));
  const sortedBefore = SortWorker.blocks;
  for (const asOf of INSTANTS) {
    const { store } = bucket(files);
    const lines = await within(
      "a scan from S3 sorting on two threads",
      () => scanLines(store, asOf, 500),
      60_000,
    );
    assert.deepEqual(lines, fold(rows, asOf), `as of ${asOf}`);
  }
  // The worker sorted blocks from bytes this thread read from the bucket.
  assert.ok(SortWorker.blocks > sortedBefore, "the sorting worker sorted blocks");
});

Deno.test("a scan from S3 fetches footers and row groups ahead, a bounded number at once, same answer", async () => {
  const { files, rows } = history(new Prng(6));
  const asOf = START + 13 * MONTH;
  const { store, sent, counts } = bucket(files);
  assert.deepEqual(await scanLines(store, asOf), fold(rows, asOf));
  assert.ok(counts.maxInFlight >= 2, `requests overlapped (${counts.maxInFlight} at most)`);
  assert.ok(counts.maxInFlight <= 8, `the store's bound holds (${counts.maxInFlight})`);
  // Footers are read at most 4 files ahead of the file whose row groups are being fetched.
  const order = ["base.parquet", ...Array.from({ length: 12 }, (_, m) => `d${12 - m}.parquet`)];
  let reading = 0;
  for (const request of sent.filter((r) => r.file.endsWith(".parquet"))) {
    const index = order.indexOf(request.file);
    if (request.range.startsWith("bytes=-")) {
      assert.ok(index <= reading + 5, `${request.file} opened while reading ${order[reading]}`);
    } else reading = Math.max(reading, index);
  }
  // Every byte range of a row group is fetched once: nothing evicted and fetched again.
  const ranges = sent.filter((r) => r.file.endsWith(".parquet") && !r.range.startsWith("bytes=-"))
    .map((r) => r.file + r.range);
  assert.equal(new Set(ranges).size, ranges.length);
});

Deno.test("a scan from a server that misreads suffix ranges (s3rver) gives the same answer, with HEAD after the first file", async () => {
  const { files, rows } = history(new Prng(7));
  for (const asOf of INSTANTS) {
    const { store, sent } = bucket(files, true);
    assert.deepEqual(await scanLines(store, asOf), fold(rows, asOf));
    const data = sent.filter((r) => r.file.endsWith(".parquet"));
    const suffix = data.filter((r) => r.range.startsWith("bytes=-"));
    assert.equal(suffix.length, 1, "one suffix read shows the server misreads them");
    const heads = data.filter((r) => r.method === "HEAD").map((r) => r.file);
    assert.equal(new Set(heads).size, heads.length, "at most one HEAD per file");
  }
});

Deno.test("opening a table on S3 sends three metadata requests: GET version.txt, HEAD of the next snapshot, GET of the snapshot", async () => {
  const { files, rows } = history(new Prng(7));
  files.set("version.txt", new TextEncoder().encode("1\n"));
  const { store, sent } = bucket(files);
  assert.deepEqual(await scanLines(store, INSTANTS[2]!), fold(rows, INSTANTS[2]!));
  const metadata = sent.filter((r) => !r.file.endsWith(".parquet")).map((r) =>
    `${r.method} ${r.file}`
  );
  assert.deepEqual(metadata, ["GET version.txt", "HEAD s2.json", "GET s1.json"]);
});
