/**
 * Invalid UTF-8 and over-long lines in CSV and NDJSON input: refused with the line and column, on
 * the byte path and the text path of the CSV reader alike; a leading byte order mark is skipped.
 */

import assert from "node:assert/strict";
import { AzofError } from "../errors.ts";
import { csvBatches } from "./csv.ts";
import { ndjsonRows } from "./ndjson.ts";
import { invalidUtf8At } from "./utf8.ts";
import type { Schema } from "../format/schema.ts";

const SCHEMA: Schema = {
  columns: [
    { name: "name", type: "String", nullable: true },
    { name: "n", type: "Int", nullable: true },
  ],
};
const enc = (s: string) => new TextEncoder().encode(s);
const cat = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => typeof p === "string" ? [...enc(p)] : p));

const s = (pieces: Uint8Array[]) => ReadableStream.from(pieces);

/** Every split of `bytes` into two pieces, so that the bad byte lies in either piece or at the cut. */
function splits(bytes: Uint8Array): Uint8Array[][] {
  return Array.from({ length: bytes.length + 1 }, (_, i) => [
    bytes.subarray(0, i),
    bytes.subarray(i),
  ]);
}

async function rejection(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof AzofError, `${error}`);
    assert.equal(error.code, "InputInvalid");
    return error.message;
  }
  assert.fail("no error");
}

Deno.test("invalidUtf8At() agrees with a fatal TextDecoder on random bytes", () => {
  const fatal = new TextDecoder("utf-8", { fatal: true });
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 256;
  for (let n = 0; n < 20_000; n++) {
    const b = new Uint8Array(1 + (n % 6));
    for (let i = 0; i < b.length; i++) b[i] = n % 3 === 0 ? next() : 0x80 + (next() % 0x78);
    let valid = true;
    try {
      fatal.decode(b);
    } catch {
      valid = false;
    }
    assert.equal(invalidUtf8At(b, 0, b.length) < 0, valid, `${[...b]}`);
  }
});

Deno.test("csvBatches() refuses invalid UTF-8 with its line and column", async (t) => {
  const cases: [string, Uint8Array, RegExp][] = [
    [
      "ASCII records (split on bytes)",
      cat("key,event_time,name,n\na,2024-01-01,x,1\nb,2024-01-02,x", [0xff], "y,2\n"),
      /^Cannot write: line 3, column "name": invalid UTF-8 \(byte 0xff\)$/,
    ],
    [
      "records with other characters (decoded as text)",
      cat("key,event_time,name,n\na,2024-01-01,é,1\n", '"b\nc",2024-01-02,"q', [0xc3], '",2\n'),
      /^Cannot write: line 4, column "name": invalid UTF-8 \(byte 0xc3\)$/,
    ],
    [
      "a cut-off character at the end",
      cat("key,event_time,name,n\na,2024-01-01,x,", [0xe2, 0x82]),
      /^Cannot write: line 2, column "n": invalid UTF-8 \(byte 0xe2\)$/,
    ],
    [
      "the header",
      cat("key,event_time,na", [0xc0, 0xaf], "me\n"),
      /^Cannot write: header line 1, field 3: invalid UTF-8 \(byte 0xc0\)$/,
    ],
  ];
  for (const [name, bytes, message] of cases) {
    await t.step(name, async () => {
      for (const pieces of splits(bytes)) {
        assert.match(
          await rejection(() => Array.fromAsync(csvBatches(s(pieces), SCHEMA))),
          message,
        );
      }
    });
  }
  await t.step("a byte order mark at the start is skipped; elsewhere it is text", async () => {
    const bytes = cat([0xef, 0xbb, 0xbf], "key,event_time,name,n\na,2024-01-01,\ufeff,1\n");
    for (const pieces of splits(bytes)) {
      const names: unknown[] = [];
      for await (const b of csvBatches(s(pieces), SCHEMA)) names.push(b.value(2, 0));
      assert.deepEqual(names, ["\ufeff"]);
    }
  });
});

Deno.test("ndjsonRows() refuses invalid UTF-8 with its line and byte", async (t) => {
  const row = '{"key":"a","event_time":"2024-01-01","name":"x"}\n';
  const bytes = cat(
    row,
    row,
    '{"key":"b","event_time":"2024-01-01","name":"',
    [0xed, 0xa0, 0x80],
    '"}\n',
  );
  await t.step("anywhere the input is cut", async () => {
    for (const pieces of splits(bytes)) {
      assert.match(
        await rejection(() => Array.fromAsync(ndjsonRows(s(pieces), SCHEMA))),
        /^Cannot write: line 3, byte 46: invalid UTF-8 \(byte 0xed\)$/,
      );
    }
  });
  await t.step("a byte order mark at the start is skipped", async () => {
    for (const pieces of splits(cat([0xef, 0xbb, 0xbf], row, row))) {
      assert.equal((await Array.fromAsync(ndjsonRows(s(pieces), SCHEMA))).length, 2);
    }
  });
});

Deno.test("a line or record over the limit is refused, naming the line", async (t) => {
  const long = "x".repeat(100);
  const csv = enc(
    `key,event_time,name,n\na,2024-01-01,x,1\nb,2024-01-01,${long},2\nc,2024-01-01,x,3\n`,
  );
  await t.step("CSV, anywhere the input is cut", async () => {
    for (const pieces of splits(csv)) {
      const batches = csvBatches(s(pieces), SCHEMA, { maxRecordBytes: 100 });
      assert.match(
        await rejection(() => Array.fromAsync(batches)),
        /^Cannot write: line 3, the line is longer than 100 bytes \(the limit of one line\)$/,
      );
    }
  });
  await t.step("CSV, at the limit", async () => {
    const batches = csvBatches(s([csv]), SCHEMA, { maxRecordBytes: 128 });
    const counts = await Array.fromAsync(batches, (b) => b.length);
    assert.equal(counts.reduce((n, c) => n + c, 0), 3);
  });
  await t.step("CSV, a quoted record of many short lines", async () => {
    const text = `key,event_time,name,n\na,2024-01-01,"${"ab\n".repeat(50)}",1\n`;
    const pieces = enc(text).reduce<Uint8Array[]>((out, _, i, all) => {
      if (i % 7 === 0) out.push(all.subarray(i, i + 7));
      return out;
    }, []);
    assert.match(
      await rejection(() =>
        Array.fromAsync(csvBatches(s(pieces), SCHEMA, { maxRecordBytes: 100 }))
      ),
      /^Cannot write: line 2, the record is longer than 100 bytes/,
    );
  });
  const ndjson = enc(`{"key":"a","event_time":"2024-01-01"}\n{"key":"b","name":"${long}"}\n`);
  await t.step("NDJSON, anywhere the input is cut", async () => {
    for (const pieces of splits(ndjson)) {
      assert.match(
        await rejection(() =>
          Array.fromAsync(ndjsonRows(s(pieces), SCHEMA, { maxLineBytes: 100 }))
        ),
        /^Cannot write: line 2, the line is longer than 100 bytes \(the limit of one line\)$/,
      );
    }
  });
  await t.step("a line of exactly the limit passes, one byte more does not", async () => {
    const csvLine = "b,2024-01-01,xxxxxxxx,2"; // 23 bytes, longer than the header
    const csvText = enc(`key,event_time,name,n\n${csvLine}\n`);
    const csvRows = await Array.fromAsync(
      csvBatches(s([csvText]), SCHEMA, { maxRecordBytes: 23 }),
      (b) => b.length,
    );
    assert.deepEqual(csvRows, [1]);
    await rejection(() =>
      Array.fromAsync(csvBatches(s([csvText]), SCHEMA, { maxRecordBytes: 20 }))
    );
    const json = '{"key":"b","event_time":"2024-01-01"}'; // 37 bytes
    assert.equal(
      (await Array.fromAsync(ndjsonRows(s([enc(json)]), SCHEMA, { maxLineBytes: 37 }))).length,
      1,
    );
    await rejection(() =>
      Array.fromAsync(ndjsonRows(s([enc(json)]), SCHEMA, { maxLineBytes: 36 }))
    );
  });
  await t.step("NDJSON, a last line without a line break, in one piece", async () => {
    const piece = enc(`{"key":"a","event_time":"2024-01-01"}\n{"key":"${long}"}`);
    assert.match(
      await rejection(() => Array.fromAsync(ndjsonRows(s([piece]), SCHEMA, { maxLineBytes: 100 }))),
      /^Cannot write: line 2, the line is longer than 100 bytes/,
    );
  });
  await t.step("a line without end is refused before it is all read", async () => {
    let pieces = 0;
    const endless = async function* () {
      for (;;) {
        pieces++;
        yield new Uint8Array(1000).fill(120);
      }
    };
    await rejection(() => Array.fromAsync(ndjsonRows(endless(), SCHEMA, { maxLineBytes: 10_000 })));
    assert.ok(pieces <= 11, `${pieces} pieces read`);
    pieces = 0;
    await rejection(() =>
      Array.fromAsync(csvBatches(endless(), SCHEMA, { maxRecordBytes: 10_000 }))
    );
    assert.ok(pieces <= 11, `${pieces} pieces read`);
  });
});
