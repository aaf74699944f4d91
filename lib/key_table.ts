/**
 * An open-addressing hash table of keys held as UTF-8 bytes: each distinct key gets a slot number
 * (0, 1, 2, … in order of first sight) without making a JS string per row.
 *
 * @module
 */

import { utf8Strings } from "./column_data.ts";

/**
 * Distinct UTF-8 keys, numbered in order of first sight.
 *
 * @example Intern keys from a byte run
 * ```ts
 * import { KeyTable } from "./key_table.ts";
 * import assert from "node:assert/strict";
 * const bytes = new TextEncoder().encode("abab");
 * const keys = new KeyTable();
 * assert.deepEqual([keys.intern(bytes, 0, 2), keys.intern(bytes, 2, 4)], [0, 0]);
 * assert.deepEqual(keys.strings(), ["ab"]);
 * ```
 */
export class KeyTable {
  #bytes = new Uint8Array(1 << 16);
  /** Key `s` is `#bytes[#starts[s] .. #starts[s + 1])`. */
  #starts = new Int32Array(1025);
  /** Pairs (hash, slot + 1) per bucket, so a probe reads one cache line; slot + 1 = 0 is empty. */
  #buckets = new Int32Array(4096);
  #size = 0;
  #supplementary = false;
  /** The slot returned last: rows often repeat it, or go on to the next slot (keys repeating in the same sequence). */
  #last = -1;

  /** Number of distinct keys. */
  get size(): number {
    return this.#size;
  }

  /** Whether some key has a character beyond U+FFFF (a surrogate pair in a JS string). */
  get hasSupplementary(): boolean {
    return this.#supplementary;
  }

  /**
   * The slot of the key `bytes[start .. end)`, adding it when new (its slot is then the old size).
   *
   * @param bytes Bytes holding the key.
   * @param start Where the key starts.
   * @param end Where it ends.
   * @returns The key's slot.
   */
  intern(bytes: Uint8Array, start: number, end: number): number {
    const last = this.#last;
    if (last >= 0 && this.#equals(last, bytes, start, end)) return last;
    if (last + 1 < this.#size && this.#equals(last + 1, bytes, start, end)) {
      return this.#last = last + 1;
    }
    return this.#last = this.#find(bytes, start, end);
  }

  #find(bytes: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5 | 0;
    for (let j = start; j < end; j++) h = Math.imul(h ^ bytes[j]!, 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    const buckets = this.#buckets;
    const mask = (buckets.length >> 1) - 1;
    for (let b = h & mask;; b = (b + 1) & mask) {
      const entry = buckets[2 * b + 1]!;
      if (entry === 0) return this.#add(bytes, start, end, h, b);
      if (buckets[2 * b] === h && this.#equals(entry - 1, bytes, start, end)) return entry - 1;
    }
  }

  #equals(slot: number, bytes: Uint8Array, start: number, end: number): boolean {
    const at = this.#starts[slot]!;
    const length = end - start;
    if (this.#starts[slot + 1]! - at !== length) return false;
    const own = this.#bytes;
    for (let j = 0; j < length; j++) if (own[at + j] !== bytes[start + j]) return false;
    return true;
  }

  /**
   * Every key as a JS string, by slot.
   *
   * @returns The keys.
   */
  strings(): string[] {
    const out = new Array<string>(this.#size);
    const starts = this.#starts;
    for (let from = 0; from < this.#size;) {
      // Decode about 1 MiB of key bytes per call.
      let to = from + 1;
      while (to < this.#size && starts[to]! - starts[from]! < 1 << 20) to++;
      utf8Strings(this.#bytes, starts, from, to, out, from);
      from = to;
    }
    return out;
  }

  #add(bytes: Uint8Array, start: number, end: number, h: number, bucket: number): number {
    const slot = this.#size;
    if (slot + 1 === this.#starts.length) this.#growSlots();
    const at = this.#starts[slot]!;
    const length = end - start;
    if (at + length > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(this.#bytes.length * 2, at + length));
      grown.set(this.#bytes.subarray(0, at));
      this.#bytes = grown;
    }
    const own = this.#bytes;
    for (let j = 0; j < length; j++) {
      const byte = bytes[start + j]!;
      own[at + j] = byte;
      if (byte >= 0xf0) this.#supplementary = true;
    }
    this.#starts[slot + 1] = at + length;
    this.#buckets[2 * bucket] = h;
    this.#buckets[2 * bucket + 1] = slot + 1;
    this.#size = slot + 1;
    if (this.#size * 4 > this.#buckets.length) this.#rehash();
    return slot;
  }

  #growSlots(): void {
    const starts = new Int32Array(this.#starts.length * 2 - 1);
    starts.set(this.#starts);
    this.#starts = starts;
  }

  #rehash(): void {
    const old = this.#buckets;
    const buckets = new Int32Array(old.length * 2);
    const mask = (buckets.length >> 1) - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] === 0) continue;
      let b = old[i]! & mask;
      while (buckets[2 * b + 1] !== 0) b = (b + 1) & mask;
      buckets[2 * b] = old[i]!;
      buckets[2 * b + 1] = old[i + 1]!;
    }
    this.#buckets = buckets;
  }
}
