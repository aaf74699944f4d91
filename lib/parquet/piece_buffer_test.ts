import assert from "node:assert/strict";
import { PieceBuffer } from "./piece_buffer.ts";

const FILE = Uint8Array.from({ length: 200 }, (_, i) => i);

function piece(start: number, end: number) {
  return { start, bytes: FILE.slice(start, end).buffer };
}

Deno.test("PieceBuffer serves ranges from the pieces sent, across adjacent ones, and asks only for the others", async () => {
  const asked: [number, number][] = [];
  const file = new PieceBuffer(FILE.length, (start, end) => {
    asked.push([start, end]);
    return Promise.resolve(FILE.slice(start, end).buffer);
  });
  const added = file.add([piece(10, 20), piece(20, 40)]);
  const bytes = async (
    start: number,
    end: number,
  ) => [...new Uint8Array(await file.slice(start, end))];
  assert.deepEqual(await bytes(15, 25), [...FILE.subarray(15, 25)]);
  assert.deepEqual(await bytes(10, 20), [...FILE.subarray(10, 20)]);
  assert.deepEqual(asked, []);
  assert.deepEqual(await bytes(35, 45), [...FILE.subarray(35, 45)]);
  assert.deepEqual(asked, [[35, 45]]);
  assert.deepEqual(await bytes(35, 45), [...FILE.subarray(35, 45)]);
  assert.equal(asked.length, 1, "bytes asked for are kept");
  file.remove(added);
  assert.deepEqual(await bytes(15, 25), [...FILE.subarray(15, 25)]);
  assert.deepEqual(asked.at(-1), [15, 25], "removed pieces no longer serve");
});
