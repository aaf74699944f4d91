import assert from "node:assert/strict";
import { Prng } from "./prng.ts";
import { TieIndex } from "./tie_index.ts";

Deno.test("TieIndex answers like a Map of (key, event_time) pairs through buffers and growth", () => {
  const prng = new Prng(5);
  const index = new TieIndex();
  const oracle = new Map<string, number>(); // pair -> buffer index, or -1 once written
  let buffer = { keys: [] as string[], times: [] as number[] };
  for (let step = 0; step < 60_000; step++) {
    const key = `k${prng.int(0, 3000)}${prng.next() < 0.1 ? "é" : ""}`;
    const eventTime = prng.int(-3, 3) * 4294967296 + prng.int(0, 5);
    const id = `${eventTime}\u0000${key}`;
    const expected = oracle.get(id) ?? TieIndex.NONE;
    const found = index.find(key, eventTime, buffer);
    assert.equal(found, expected, `step ${step}: ${id}`);
    if (found === TieIndex.NONE) {
      index.add(buffer.keys.length);
      oracle.set(id, buffer.keys.length);
      buffer.keys.push(key);
      buffer.times.push(eventTime);
    }
    if (prng.next() < 0.002) {
      index.written(buffer.keys.length);
      for (const k of oracle.keys()) oracle.set(k, TieIndex.WRITTEN);
      buffer = { keys: [], times: [] };
    }
  }
  assert.equal(index.size, oracle.size);
});
