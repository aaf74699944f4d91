import assert from "node:assert/strict";
import { Prng } from "./prng.ts";
import { TieIndex, type TieRow } from "./tie_index.ts";

Deno.test("TieIndex answers like a Map of (key, event_time) pairs through buffers and growth", () => {
  const prng = new Prng(5);
  const index = new TieIndex();
  const oracle = new Map<string, number>(); // pair -> buffer index, or -1 once written
  let buffer: TieRow[] = [];
  for (let step = 0; step < 60_000; step++) {
    const key = `k${prng.int(0, 3000)}${prng.next() < 0.1 ? "é" : ""}`;
    const eventTime = prng.int(-3, 3) * 4294967296 + prng.int(0, 5);
    const id = `${eventTime}\u0000${key}`;
    const expected = oracle.get(id) ?? TieIndex.NONE;
    const found = index.find(key, eventTime, buffer);
    assert.equal(found, expected, `step ${step}: ${id}`);
    if (found === TieIndex.NONE) {
      index.add(buffer.length);
      oracle.set(id, buffer.length);
      buffer.push({ key, eventTime });
    }
    if (prng.next() < 0.002) {
      index.written();
      for (const k of oracle.keys()) oracle.set(k, TieIndex.WRITTEN);
      buffer = [];
    }
  }
  assert.equal(index.size, oracle.size);
});
