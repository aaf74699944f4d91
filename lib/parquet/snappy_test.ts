import assert from "node:assert/strict";
import { snappyUncompress } from "npm:hyparquet@1.31.5";
import { parquetMetadata } from "npm:hyparquet@1.31.5";
// hyparquet-writer (its snappy port) is a test oracle only, through its public entry point; azof's
// own encoder does not use it.
import { parquetWriteBuffer } from "npm:hyparquet-writer@0.17.0";
import { Prng } from "../write/prng.ts";
import { snappyCompress } from "./snappy.ts";

function roundTrip(input: Uint8Array): Uint8Array {
  const compressed = snappyCompress(input).slice();
  const back = new Uint8Array(input.length);
  snappyUncompress(compressed, back);
  assert.deepEqual(back, input);
  return compressed;
}

/**
 * The size of `input` compressed by hyparquet-writer's snappy port: it writes `input` as the one
 * PLAIN value of a REQUIRED BYTE_ARRAY column (a page of a 4-byte length and the bytes), and the
 * footer's chunk sizes give the compressed page's size.
 */
function referenceCompressedSize(input: Uint8Array): number {
  const file = parquetWriteBuffer({
    columnData: [{
      name: "v",
      data: [input],
      type: "BYTE_ARRAY",
      nullable: false,
      encoding: "PLAIN",
    }],
    codec: "SNAPPY",
    statistics: false,
  });
  const chunk = parquetMetadata(file).row_groups[0]!.columns[0]!.meta_data!;
  const header = Number(chunk.total_uncompressed_size) - 4 - input.length;
  return Number(chunk.total_compressed_size) - header;
}

function sample(prng: Prng, n: number, alphabet: number, repeats: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    bytes[i] = i >= repeats && prng.next() < 0.5
      ? bytes[i - 1 - prng.int(0, repeats - 1)]!
      : prng.int(0, alphabet - 1);
  }
  return bytes;
}

Deno.test("snappyCompress() output uncompresses to its input (hyparquet's decoder)", async (t) => {
  const prng = new Prng(11);
  await t.step("empty, short and margin-sized inputs", () => {
    for (let n = 0; n <= 40; n++) roundTrip(sample(prng, n, 4, 3));
  });
  await t.step("random, repetitive and constant inputs across 64 KiB blocks", () => {
    for (const n of [1000, 65_535, 65_536, 65_537, 200_000, 700_001]) {
      roundTrip(sample(prng, n, 256, 1));
      roundTrip(sample(prng, n, 8, 50));
      roundTrip(sample(prng, n, 256, 70_000));
      roundTrip(new Uint8Array(n).fill(7));
    }
  });
  await t.step("long literals and copies (lengths past 60, 64 and 68 bytes)", () => {
    const block = sample(prng, 5000, 256, 1);
    const input = new Uint8Array(30_000);
    for (let at = 0; at < input.length; at += 5000) input.set(block.subarray(0, 5000), at);
    const compressed = roundTrip(input);
    assert.ok(compressed.length < 6000);
  });
});

Deno.test("snappyCompress() compresses like the reference algorithm (hyparquet-writer's port)", () => {
  const prng = new Prng(5);
  for (const alphabet of [4, 16, 256]) {
    const input = sample(prng, 300_000, alphabet, 40);
    const ours = roundTrip(input).length;
    const reference = referenceCompressedSize(input);
    assert.ok(reference > input.length / 20 && reference < input.length * 1.05, `${reference}`);
    assert.ok(ours <= reference * 1.05, `${ours} vs ${reference} bytes`);
  }
});
