import assert from "node:assert/strict";
import { KeyFilter } from "./key_filter.ts";
import { Prng } from "../write/prng.ts";
import { utf8Compare } from "../testing/utf8_compare.ts";

const ALPHABET = ["a", "b", "é", "\u{1F600}"];

function word(random: Prng, max: number): string {
  let out = "";
  for (let n = random.int(0, max); n > 0; n--) out += random.pick(ALPHABET);
  return out;
}

Deno.test("KeyFilter.mayHold() is false only for ranges holding no selected key", () => {
  const random = new Prng(11);
  const universe = new Set<string>();
  for (let i = 0; i < 400; i++) universe.add(word(random, 4));
  const all = [...universe].sort(utf8Compare);
  let pruned = 0;
  for (let round = 0; round < 400; round++) {
    const keys = [word(random, 3)];
    const prefixes = random.chance(0.5) ? [word(random, 2)] : [];
    const filter = new KeyFilter(keys, prefixes);
    const [lo, hi] = [word(random, 4), word(random, 4)].sort(utf8Compare) as [string, string];
    const candidates = [...all, ...keys, ...prefixes.flatMap((p) => [p, p + "a", p + "\u{1F600}"])];
    const selected = candidates.filter((k) =>
      utf8Compare(lo, k) <= 0 && utf8Compare(k, hi) <= 0 &&
      (keys.includes(k) || prefixes.some((p) => k.startsWith(p)))
    );
    const bytes = (k: string) => new TextEncoder().encode(k);
    for (const k of selected) assert.ok(filter.matches(bytes(k), 0, bytes(k).length));
    if (!filter.mayHold(lo, hi)) {
      assert.deepEqual(selected, [], `[${lo}, ${hi}] holds ${selected[0]} (${keys}, ${prefixes})`);
      pruned++;
    }
  }
  assert.ok(pruned > 100, `some ranges pruned (${pruned})`);
  assert.equal(new KeyFilter(["x"], []).mayHold(undefined, "a"), true, "no statistics");
});
