/**
 * Which (key, `event_time`) pairs an open data file already holds, in 12 bytes per row: an
 * open-addressing table of two 32-bit hashes per pair and, for rows still buffered, their buffer
 * index (checked exactly). A hash match with a row already written counts as a tie; with 64 hash bits
 * a false match is about one in 2^64 / rows, and it only makes the writer start a new file early.
 *
 * @module
 */

/** The buffered rows the index checks exactly: their keys and event times by buffer index. */
export interface TieBuffer {
  /** Keys. */
  readonly keys: ArrayLike<string | null>;
  /** Event times (ms). */
  readonly times: ArrayLike<number>;
}

const _EMPTY = -2;

/**
 * The tie index of one open file.
 *
 * @example Find a buffered row, then the same pair once written
 * ```ts
 * import { TieIndex } from "./tie_index.ts";
 * import assert from "node:assert/strict";
 * const index = new TieIndex();
 * const buffer = { keys: ["a"], times: [1] };
 * assert.equal(index.find("a", 1, buffer), TieIndex.NONE);
 * index.add(0);
 * assert.equal(index.find("a", 1, buffer), 0);
 * index.written();
 * const empty = { keys: [], times: [] };
 * assert.equal(index.find("a", 1, empty), TieIndex.WRITTEN);
 * assert.equal(index.find("b", 1, empty), TieIndex.NONE);
 * ```
 */
export class TieIndex {
  /** {@linkcode TieIndex.find}: the pair is not in the file. */
  static readonly NONE: number = -2;
  /** {@linkcode TieIndex.find}: the pair is in a row already written. */
  static readonly WRITTEN: number = -1;
  #h1 = new Int32Array(1024);
  #h2 = new Int32Array(1024);
  #at = new Int32Array(1024).fill(_EMPTY);
  #size = 0;
  #pending: number[] = [];
  #lastPos = 0;
  #last1 = 0;
  #last2 = 0;

  /** Pairs held. */
  get size(): number {
    return this.#size;
  }

  /**
   * Looks a pair up.
   *
   * @param key The key.
   * @param eventTime The event time (ms).
   * @param buffer The buffered rows, by the indexes given to {@linkcode TieIndex.add}.
   * @returns The buffer index of the same pair, {@linkcode TieIndex.WRITTEN} or
   * {@linkcode TieIndex.NONE}.
   */
  find(key: string, eventTime: number, buffer: TieBuffer): number {
    const hi = Math.floor(eventTime / 4294967296);
    const lo = (eventTime - hi * 4294967296) | 0;
    let a = Math.imul(lo ^ 0x3c6ef372, 0x9e3779b1) ^ hi;
    let b = Math.imul(hi ^ 0x1b873593, 0x85ebca6b) ^ lo;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
    }
    a ^= a >>> 16;
    b = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
    const mask = this.#at.length - 1;
    let pos = a & mask;
    for (let at = this.#at[pos]!; at !== _EMPTY; at = this.#at[pos]!) {
      if (this.#h1[pos] === a && this.#h2[pos] === b) {
        if (at < 0) return TieIndex.WRITTEN;
        if (buffer.keys[at] === key && buffer.times[at] === eventTime) return at;
      }
      pos = (pos + 1) & mask;
    }
    this.#lastPos = pos;
    this.#last1 = a;
    this.#last2 = b;
    return TieIndex.NONE;
  }

  /**
   * Adds the pair of the last {@linkcode TieIndex.find} that returned `NONE`.
   *
   * @param index The row's buffer index.
   */
  add(index: number): void {
    const pos = this.#lastPos;
    this.#h1[pos] = this.#last1;
    this.#h2[pos] = this.#last2;
    this.#at[pos] = index;
    this.#pending.push(pos);
    if (++this.#size * 2 > this.#at.length) this.#grow();
  }

  /** Marks every buffered pair as written (the buffer became a row group). */
  written(): void {
    for (const pos of this.#pending) this.#at[pos] = TieIndex.WRITTEN;
    this.#pending = [];
  }

  #grow(): void {
    const [h1, h2, at] = [this.#h1, this.#h2, this.#at];
    const size = at.length * 2;
    this.#h1 = new Int32Array(size);
    this.#h2 = new Int32Array(size);
    this.#at = new Int32Array(size).fill(_EMPTY);
    const mask = size - 1;
    const moved = new Map<number, number>();
    for (let i = 0; i < at.length; i++) {
      if (at[i] === _EMPTY) continue;
      let pos = h1[i]! & mask;
      while (this.#at[pos] !== _EMPTY) pos = (pos + 1) & mask;
      this.#h1[pos] = h1[i]!;
      this.#h2[pos] = h2[i]!;
      this.#at[pos] = at[i]!;
      if (at[i]! >= 0) moved.set(i, pos);
    }
    this.#pending = this.#pending.map((p) => moved.get(p)!);
  }
}
