import assert from "node:assert/strict";
import { Prng } from "./prng.ts";
import { hashPair, TieIndex } from "./tie_index.ts";

Deno.test("TieIndex answers like a Map of (key, event_time) pairs through growth", () => {
  const prng = new Prng(5);
  const index = new TieIndex();
  const oracle = new Map<string, number>(); // pair -> buffer index
  const encoder = new TextEncoder();
  const keys: string[] = [];
  const times: number[] = [];
  let probe = "";
  let probeTime = 0;
  const buffer = { holds: (row: number) => keys[row] === probe && times[row] === probeTime };
  const hashes = new Int32Array(2);
  for (let step = 0; step < 60_000; step++) {
    const key = `k${prng.int(0, 3000)}${prng.next() < 0.1 ? "é" : ""}`;
    const eventTime = prng.int(-3, 3) * 4294967296 + prng.int(0, 5);
    const id = `${eventTime}\u0000${key}`;
    const expected = oracle.get(id) ?? TieIndex.NONE;
    // The key inside a larger byte array, as the writer hashes it.
    const bytes = encoder.encode(`,${key},`);
    hashPair(bytes, 1, bytes.length - 1, eventTime, hashes, 0);
    probe = key;
    probeTime = eventTime;
    index.touch(hashes[0]!);
    const found = index.find(hashes[0]!, hashes[1]!, buffer);
    assert.equal(found, expected, `step ${step}: ${id}`);
    if (found === TieIndex.NONE) {
      index.add(keys.length);
      oracle.set(id, keys.length);
      keys.push(key);
      times.push(eventTime);
    }
  }
  assert.equal(index.size, oracle.size);
});
