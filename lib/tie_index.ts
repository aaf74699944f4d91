/**
 * Which (key, `event_time`) pairs an open data file already holds, in 12 bytes per slot (at most half
 * the slots in use): an open-addressing table of two 32-bit hashes per pair and its row number in the
 * file; rows past those written are still buffered and are checked exactly. A hash match with a row already written counts as a tie; with 64 hash bits
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
 * index.written(1);
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
  // Slots of three 32-bit words side by side (one cache line per probe): hash 1, hash 2, and the
  // row's number in the file plus one (0: an empty slot).
  #slots = new Int32Array(3 * 1024);
  #capacity = 1024;
  #size = 0;
  #written = 0;
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
    const slots = this.#slots;
    const mask = this.#capacity - 1;
    let pos = a & mask;
    for (let at = slots[3 * pos + 2]!; at !== 0; at = slots[3 * pos + 2]!) {
      if (slots[3 * pos] === a && slots[3 * pos + 1] === b) {
        const row = at - 1 - this.#written;
        if (row < 0) return TieIndex.WRITTEN;
        if (buffer.keys[row] === key && buffer.times[row] === eventTime) return row;
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
    const at = 3 * this.#lastPos;
    this.#slots[at] = this.#last1;
    this.#slots[at + 1] = this.#last2;
    this.#slots[at + 2] = this.#written + index + 1;
    if (++this.#size * 2 > this.#capacity) this.#grow();
  }

  /**
   * Marks the buffered pairs as written (the buffer became a row group and starts again at 0).
   *
   * @param rows The rows written.
   */
  written(rows: number): void {
    this.#written += rows;
  }

  #grow(): void {
    const old = this.#slots;
    const capacity = this.#capacity * 2;
    const slots = new Int32Array(3 * capacity);
    const mask = capacity - 1;
    for (let i = 0; i < this.#capacity; i++) {
      const at = old[3 * i + 2]!;
      if (at === 0) continue;
      let pos = old[3 * i]! & mask;
      while (slots[3 * pos + 2] !== 0) pos = (pos + 1) & mask;
      slots[3 * pos] = old[3 * i]!;
      slots[3 * pos + 1] = old[3 * i + 1]!;
      slots[3 * pos + 2] = at;
    }
    this.#slots = slots;
    this.#capacity = capacity;
  }
}
