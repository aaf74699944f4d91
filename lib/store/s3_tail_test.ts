import assert from "node:assert/strict";
import { fakeS3 } from "./fake_s3_test_util.ts";
import { S3Store } from "./s3.ts";
import type { S3Config } from "./s3_config.ts";
import { readTail } from "./store.ts";

const CONFIG: S3Config = {
  region: "us-east-1",
  endpoint: "http://s3.test",
  pathStyle: true,
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
};

/** A fake bucket with objects of the given sizes (patterned bytes), its store, and the Range headers sent. */
function setup(sizes: Record<string, number>, misread = false) {
  const fake = fakeS3("b");
  fake.misreadSuffixRanges = misread;
  const data = new Map<string, Uint8Array>();
  for (const [key, size] of Object.entries(sizes)) {
    const bytes = new Uint8Array(size).map((_, i) => (i * 31 + 7) % 251);
    fake.objects.set(`p/${key}`, bytes);
    data.set(key, bytes);
  }
  const ranges: string[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    ranges.push(`${request.method} ${request.headers.get("range") ?? "-"}`);
    return fake.fetch(request);
  };
  const store = new S3Store("s3://b/p", { config: CONFIG, fetch, retryDelayMs: 1 });
  return { fake, store, data, ranges };
}

Deno.test("S3Store.readTail() reads the size and the last bytes with one suffix-range GET", async () => {
  const { store, data, ranges } = setup({ big: 5000, small: 40 });
  const tail = await store.readTail("big", 1000);
  assert.deepEqual([tail.size, tail.start], [5000, 4000]);
  assert.deepEqual(tail.bytes, data.get("big")!.slice(4000));
  const small = await store.readTail("small", 1000);
  assert.deepEqual([small.size, small.start, small.bytes], [40, 0, data.get("small")]);
  assert.deepEqual(ranges, ["GET bytes=-1000", "GET bytes=-1000"]);
  assert.deepEqual(store.stats, { requests: 2, bytes: 1040 });
});

Deno.test("S3Store.readTail() of an empty object is its 416 answer: size 0, no bytes", async () => {
  const { store, ranges } = setup({ empty: 0, next: 3000 });
  assert.deepEqual(await store.readTail("empty", 100), {
    size: 0,
    start: 0,
    bytes: new Uint8Array(0),
  });
  await store.readTail("next", 100);
  assert.deepEqual(ranges, ["GET bytes=-100", "GET bytes=-100"], "an empty object decides nothing");
});

Deno.test("S3Store.readTail() on a server that reads bytes=-N as 0-N returns that range, then asks with HEAD", async () => {
  const { store, data, ranges } = setup({ a: 5000, b: 6000 }, true);
  const first = await store.readTail("a", 1000);
  assert.deepEqual([first.size, first.start], [5000, 0]);
  assert.deepEqual(first.bytes, data.get("a")!.slice(0, 1001));
  const second = await store.readTail("b", 1000);
  assert.deepEqual([second.size, second.start], [6000, 5000]);
  assert.deepEqual(second.bytes, data.get("b")!.slice(5000));
  assert.deepEqual(ranges, ["GET bytes=-1000", "HEAD -", "GET bytes=5000-5999"]);
});

Deno.test("S3Store.readTail() calls made together wait for the first answer before choosing how to ask", async () => {
  const misread = setup({ a: 5000, b: 5000, c: 5000 }, true);
  const tails = await Promise.all(["a", "b", "c"].map((k) => misread.store.readTail(k, 100)));
  assert.deepEqual(tails.map((t) => t.start), [0, 4900, 4900]);
  assert.deepEqual(misread.ranges.filter((r) => r === "GET bytes=-100"), ["GET bytes=-100"]);
  const honest = setup({ a: 5000, b: 5000, c: 5000 });
  await Promise.all(["a", "b", "c"].map((k) => honest.store.readTail(k, 100)));
  assert.deepEqual(honest.ranges, Array(3).fill("GET bytes=-100"));
});

Deno.test("S3Store.readTail() of a missing object fails naming it, and readTail() falls back to size and read", async () => {
  const { store, data } = setup({ a: 300 });
  await assert.rejects(() => store.readTail("absent", 10), /s3:\/\/b\/p\/absent: no such object/);
  let calls: string[] = [];
  const plain = {
    size: (k: string) => (calls.push("size"), store.size(k)),
    read: (
      k: string,
      s?: number,
      e?: number,
    ) => (calls.push(`read ${s}-${e}`), store.read(k, s, e)),
  };
  const tail = await readTail(plain, "a", 100);
  assert.deepEqual([tail.size, tail.start, tail.bytes], [300, 200, data.get("a")!.slice(200)]);
  assert.deepEqual(calls, ["size", "read 200-300"]);
  calls = [];
});
