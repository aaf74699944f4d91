/**
 * Which (key, `event_time`) pairs an open data file already holds, in 12 bytes per slot (at most half
 * the slots in use): an open-addressing table of two 32-bit hashes per pair and its row in the file's
 * buffer (a file's rows stay buffered until it is finished, lib/write/part_writer.ts), where a hash
 * match is checked exactly, so two pairs that hash alike are never taken for a tie.
 *
 * @module
 */

import type { TypedColumn } from "../columns/column_buffer.ts";

/** The buffered rows the index checks exactly against the pair being looked up. */
export interface TieBuffer {
  /**
   * Whether a buffered row holds the pair being looked up.
   *
   * @param row The buffer index given to {@linkcode TieIndex.add}.
   */
  holds(row: number): boolean;
}

/**
 * Hashes a (key, `event_time`) pair into two 32-bit words, `out[2 * at]` and `out[2 * at + 1]`.
 *
 * @param key Holds the key's UTF-8 bytes.
 * @param from Where the key starts in `key`.
 * @param to Where it ends (exclusive).
 * @param eventTime The event time (ms).
 * @param out Receives the hash.
 * @param at Which pair of words of `out`.
 */
export function hashPair(
  key: Uint8Array,
  from: number,
  to: number,
  eventTime: number,
  out: Int32Array,
  at: number,
): void {
  const hi = Math.floor(eventTime / 4294967296);
  const lo = (eventTime - hi * 4294967296) | 0;
  let a = Math.imul(lo ^ 0x3c6ef372, 0x9e3779b1) ^ hi;
  let b = Math.imul(hi ^ 0x1b873593, 0x85ebca6b) ^ lo;
  for (let i = from; i < to; i++) {
    const c = key[i]!;
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  out[2 * at] = a ^ (a >>> 16);
  out[2 * at + 1] = Math.imul(b ^ (b >>> 13), 0xc2b2ae35);
}

/**
 * {@linkcode hashPair} of every row of a buffer's `key` and `event_time` columns.
 *
 * @param keys The `String` column of keys.
 * @param times The event times.
 * @param rows How many rows.
 * @param out Receives two words per row (at least `2 * rows` long).
 */
export function hashPairs(
  keys: TypedColumn,
  times: Float64Array,
  rows: number,
  out: Int32Array,
): void {
  const bytes = keys.data as Uint8Array;
  const starts = keys.starts!;
  const lengths = keys.lengths!;
  for (let r = 0; r < rows; r++) {
    const from = starts[r]!;
    hashPair(bytes, from, from + lengths[r]!, times[r]!, out, r);
  }
}

/**
 * The tie index of one open file.
 *
 * @example Find a buffered row
 * ```ts
 * import { hashPair, TieIndex } from "./tie_index.ts";
 * import assert from "node:assert/strict";
 * const hashes = new Int32Array(4);
 * const key = new TextEncoder().encode("ab");
 * hashPair(key, 0, 1, 1, hashes, 0); // ("a", 1)
 * hashPair(key, 1, 2, 1, hashes, 1); // ("b", 1)
 * const index = new TieIndex();
 * const buffer = { holds: (row: number) => row === 0 };
 * assert.equal(index.find(hashes[0]!, hashes[1]!, buffer), TieIndex.NONE);
 * index.add(0);
 * assert.equal(index.find(hashes[0]!, hashes[1]!, buffer), 0);
 * assert.equal(index.find(hashes[2]!, hashes[3]!, buffer), TieIndex.NONE);
 * ```
 */
export class TieIndex {
  /** {@linkcode TieIndex.find}: the pair is not in the file. */
  static readonly NONE: number = -1;
  // Slots of three 32-bit words side by side (one cache line per probe): hash 1, hash 2, and the
  // row's buffer index plus one (0: an empty slot).
  #slots = new Int32Array(3 * 1024);
  #capacity = 1024;
  #size = 0;
  #lastPos = 0;
  #last1 = 0;
  #last2 = 0;
  #touched = 0;

  /** Pairs held. */
  get size(): number {
    return this.#size;
  }

  /**
   * Reads the slot where a lookup of hash `a` starts, so that a pass over a batch's rows brings
   * their slots into the cache before the rows are looked up one by one (each lookup in a large
   * index is otherwise a cache miss that nothing overlaps).
   *
   * @param a The first hash word.
   */
  touch(a: number): void {
    // Kept in a field, so that the compiler cannot leave the read out.
    this.#touched = this.#slots[3 * (a & (this.#capacity - 1)) + 2]!;
  }

  /**
   * Looks a pair up by its {@linkcode hashPair}.
   *
   * @param a The first hash word.
   * @param b The second hash word.
   * @param buffer The buffered rows, by the indexes given to {@linkcode TieIndex.add}.
   * @returns The buffer index of the same pair, or {@linkcode TieIndex.NONE}.
   */
  find(a: number, b: number, buffer: TieBuffer): number {
    const slots = this.#slots;
    const mask = this.#capacity - 1;
    let pos = a & mask;
    for (let at = slots[3 * pos + 2]!; at !== 0; at = slots[3 * pos + 2]!) {
      if (slots[3 * pos] === a && slots[3 * pos + 1] === b) {
        if (buffer.holds(at - 1)) return at - 1;
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
    this.#slots[at + 2] = index + 1;
    if (++this.#size * 2 > this.#capacity) this.#grow();
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
