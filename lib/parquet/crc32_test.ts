import assert from "node:assert/strict";
import { crc32 as zlibCrc32 } from "node:zlib";
import { crc32, nativeCrc32 } from "./crc32.ts";
import { Prng } from "../write/prng.ts";

Deno.test("crc32() and nativeCrc32() equal node:zlib's CRC-32 on random bytes of every small length", async () => {
  const prng = new Prng(7);
  const bytes = new Uint8Array(70_000).map(() => prng.int(0, 255));
  const native = await nativeCrc32();
  for (const n of [0, 1, 2, 3, 7, 8, 255, 256, 4096, 65_535, 65_536, 70_000]) {
    const part = bytes.subarray(70_000 - n);
    const want = zlibCrc32(part) >>> 0;
    assert.equal(crc32(part), want, `length ${n}`);
    assert.equal(native(part), want, `length ${n}`);
  }
});
