import assert from "node:assert/strict";
import { Prng } from "../write/prng.ts";
import { MemoryStore } from "./memory.ts";
import { CacheBudget, FOOTER_BYTES, rangedReader, type RangedReaderOptions } from "./ranged.ts";

const _KIB = 1024;

/** A store of one object `f` of `size` patterned bytes that logs every read. */
async function _logged(size: number) {
  const store = new MemoryStore();
  const data = new Uint8Array(size).map((_, i) => (i * 7 + (i >> 8)) % 256);
  await store.put("f", data);
  const reads: [number, number][] = [];
  let fail = false;
  const logged = {
    read: (key: string, start = 0, end = size) => {
      reads.push([start, end]);
      if (fail) return Promise.reject(new Error("dropped connection"));
      return store.read(key, start, end);
    },
  };
  const open = (options?: RangedReaderOptions) => rangedReader(logged, "f", size, options);
  return { data, reads, open, failNext: (on: boolean) => fail = on };
}

Deno.test("rangedReader() returns exactly the stored bytes of random ranges read in random batches", async () => {
  const size = 300 * _KIB;
  const { data, open } = await _logged(size);
  const random = new Prng(11);
  const int = (n: number) => Math.floor(random.next() * n);
  for (let round = 0; round < 20; round++) {
    const reader = open({ gapBytes: int(3) * 16 * _KIB, partBytes: 1 + int(64 * _KIB) });
    for (let batch = 0; batch < 4; batch++) {
      const ranges = Array.from({ length: 1 + int(6) }, () => {
        const start = int(size + 10);
        return [start, start + int(40 * _KIB)] as const;
      });
      const got = await Promise.all(ranges.map(([s, e]) => reader.slice(s, e)));
      ranges.forEach(([s, e], i) => assert.deepEqual(new Uint8Array(got[i]!), data.slice(s, e)));
    }
  }
});

Deno.test("rangedReader() merges ranges asked for together across gaps up to gapBytes", async () => {
  const { reads, open } = await _logged(1024 * _KIB);
  const reader = open({ gapBytes: 64 * _KIB });
  await Promise.all([
    reader.slice(0, 10 * _KIB),
    reader.slice(70 * _KIB, 80 * _KIB), // 60 KiB after the first: merged
    reader.slice(300 * _KIB, 310 * _KIB), // 220 KiB after: a request of its own
  ]);
  assert.deepEqual(reads, [[0, 80 * _KIB], [300 * _KIB, 310 * _KIB]]);
});

Deno.test("rangedReader() fetches only the part of a range that the footer read did not", async () => {
  const size = 700 * _KIB;
  const { reads, open } = await _logged(size);
  const reader = open();
  await reader.slice(size - FOOTER_BYTES, size);
  await reader.slice(4, size - 10 * _KIB);
  await reader.slice(size - 20 * _KIB, size - 8);
  assert.deepEqual(reads, [[size - FOOTER_BYTES, size], [4, size - FOOTER_BYTES]]);
});

Deno.test("rangedReader() reads a file no bigger than FOOTER_BYTES in one request", async () => {
  const size = 30 * _KIB;
  const { reads, open } = await _logged(size);
  const reader = open();
  await reader.slice(Math.max(0, size - FOOTER_BYTES), size);
  await Promise.all([reader.slice(4, 12 * _KIB), reader.slice(18 * _KIB, 28 * _KIB)]);
  assert.deepEqual(reads, [[0, size]]);
});

Deno.test("rangedReader() splits ranges longer than partBytes into parallel parts", async () => {
  const { reads, open } = await _logged(100 * _KIB);
  await open({ partBytes: 40 * _KIB }).slice(0, 100 * _KIB);
  assert.deepEqual(reads, [[0, 40 * _KIB], [40 * _KIB, 80 * _KIB], [80 * _KIB, 100 * _KIB]]);
});

Deno.test("rangedReader() rejects reads of a failed request and fetches the range again later", async () => {
  const { data, reads, open, failNext } = await _logged(10 * _KIB);
  const reader = open();
  failNext(true);
  await assert.rejects(reader.slice(0, 100), /dropped connection/);
  failNext(false);
  assert.deepEqual(new Uint8Array(await reader.slice(0, 100)), data.slice(0, 100));
  assert.deepEqual(reads, [[0, 100], [0, 100]]);
});

Deno.test("rangedReader() keeps at most cacheBytes of fetched blocks, dropping the oldest", async () => {
  const { reads, open } = await _logged(100 * _KIB);
  const reader = open({ cacheBytes: 25 * _KIB, gapBytes: 0 });
  await reader.slice(0, 10 * _KIB);
  await reader.slice(50 * _KIB, 60 * _KIB);
  await reader.slice(80 * _KIB, 90 * _KIB); // 30 KiB cached > 25 KiB: the first block goes
  await reader.slice(50 * _KIB, 60 * _KIB);
  await reader.slice(0, 10 * _KIB);
  assert.equal(reads.length, 4);
  assert.deepEqual(reads.at(-1), [0, 10 * _KIB]);
});

Deno.test("rangedReaders sharing a CacheBudget keep their blocks within it together, oldest dropped first", async () => {
  const { data, reads, open } = await _logged(100 * _KIB);
  const budget = new CacheBudget(25 * _KIB);
  const a = open({ budget, gapBytes: 0 });
  const b = open({ budget, gapBytes: 0 });
  await a.slice(0, 10 * _KIB);
  await b.slice(20 * _KIB, 30 * _KIB);
  assert.equal(budget.used, 20 * _KIB);
  await b.slice(40 * _KIB, 50 * _KIB); // 30 KiB > 25 KiB: a's block, the oldest, goes
  assert.equal(budget.used, 20 * _KIB);
  await b.slice(20 * _KIB, 30 * _KIB);
  assert.equal(reads.length, 3);
  assert.deepEqual(new Uint8Array(await a.slice(0, 10 * _KIB)), data.slice(0, 10 * _KIB));
  assert.deepEqual(reads.at(-1), [0, 10 * _KIB]);
  // A block bigger than the budget on its own is kept (the newest always is), the others go.
  await a.slice(0, 60 * _KIB);
  assert.deepEqual(reads.at(-1), [10 * _KIB, 60 * _KIB]);
  assert.equal(budget.used, 50 * _KIB);
  const got = await a.slice(15 * _KIB, 55 * _KIB);
  assert.deepEqual(new Uint8Array(got), data.slice(15 * _KIB, 55 * _KIB));
  assert.equal(reads.length, 5);
});

Deno.test("rangedReader() clamps ranges to the object and answers empty ranges without reading", async () => {
  const { data, reads, open } = await _logged(1000);
  const reader = open();
  assert.equal((await reader.slice(500, 500)).byteLength, 0);
  assert.equal((await reader.slice(2000, 3000)).byteLength, 0);
  assert.deepEqual(new Uint8Array(await reader.slice(900)), data.slice(900));
  assert.deepEqual(reads, [[900, 1000]]);
});

Deno.test("rangedReader() serves the known bytes (a footer read with the size) without reading", async () => {
  const size = 200 * _KIB;
  const { data, reads, open } = await _logged(size);
  const start = size - FOOTER_BYTES;
  const reader = open({ known: { start, bytes: data.slice(start) } });
  assert.deepEqual(new Uint8Array(await reader.slice(size - 100, size)), data.slice(size - 100));
  assert.deepEqual(new Uint8Array(await reader.slice(start - 10, size)), data.slice(start - 10));
  assert.deepEqual(reads, [[start - 10, start]]);
});

Deno.test("rangedReader().prefetch() fetches ahead once: a later slice of the range reads nothing", async () => {
  const { data, reads, open, failNext } = await _logged(300 * _KIB);
  const reader = open({ gapBytes: 0 });
  reader.prefetch(10 * _KIB, 20 * _KIB);
  reader.prefetch(100 * _KIB, 120 * _KIB);
  const got = await reader.slice(12 * _KIB, 18 * _KIB);
  assert.deepEqual(new Uint8Array(got), data.slice(12 * _KIB, 18 * _KIB));
  await reader.slice(100 * _KIB, 120 * _KIB);
  assert.deepEqual(reads, [[10 * _KIB, 20 * _KIB], [100 * _KIB, 120 * _KIB]]);
  // A failed prefetch is forgotten, and the slice that needs it fetches again.
  failNext(true);
  reader.prefetch(200 * _KIB, 210 * _KIB);
  await new Promise((resolve) => setTimeout(resolve, 0));
  failNext(false);
  const again = await reader.slice(200 * _KIB, 210 * _KIB);
  assert.deepEqual(new Uint8Array(again), data.slice(200 * _KIB, 210 * _KIB));
  assert.equal(reads.length, 4);
});
