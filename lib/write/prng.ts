/**
 * A small seeded pseudo-random generator (mulberry32), so that generated data and random tests
 * repeat exactly.
 *
 * @module
 */

/** Random choices drawn from one seed. */
export class Prng {
  #state: number;

  /** @param seed Any 32-bit integer; the same seed gives the same sequence. */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** @returns A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** @returns An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** @returns `true` with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** @returns One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** @returns A shuffled copy. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
