/**
 * An open-addressing hash table of keys held as UTF-8 bytes: each distinct key gets a slot number
 * (0, 1, 2, … in order of first sight) without making a JS string per row. While keys arrive in
 * ascending runs (files sorted by key, as compaction writes them), no hash is kept: the table keeps
 * its slots in key order, finds a key by galloping forward through them from the previous key, and
 * merges the run's new keys in when the next run starts. Input that restarts too often (unsorted
 * files) builds a hash table instead, which is used from then on.
 *
 * @module
 */

import { type Utf8Data, utf8Strings } from "../columns/column_data.ts";
import { sortByKey } from "../format/key_order.ts";

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
  /**
   * Pairs (hash, slot + 1) per bucket, so a probe reads one cache line; slot + 1 = 0 is empty.
   * Absent in sorted mode.
   */
  #buckets: Int32Array | undefined;
  #size = 0;
  #supplementary = false;
  /** The slot returned last: rows often repeat it, or go on to the next slot (keys repeating in the same sequence). */
  #last = -1;
  /** Sorted mode: the slots in key order, except those of `#pending`. */
  #sorted = new Int32Array(1024);
  #sortedSize = 0;
  /** Sorted mode: where in `#sorted` the current run is. */
  #cursor = 0;
  /** Sorted mode: new slots of the current run with their places in `#sorted`, as pairs. */
  #pending = new Int32Array(1024);
  #pendingSize = 0;
  /** Sorted mode: runs merged in so far, and rows seen (too many runs per row leave sorted mode). */
  #runs = 0;
  #rows = 0;
  #frozen = false;
  /** Keys the hash index is sized for when built or grown (see `reserve`). */
  #expected = 0;

  /** Number of distinct keys. */
  get size(): number {
    return this.#size;
  }

  /** Whether some key has a character beyond U+FFFF (a surrogate pair in a JS string). */
  get hasSupplementary(): boolean {
    return this.#supplementary;
  }

  /**
   * The slots in key order (UTF-8 byte order) when the table knows it, that is while every key came
   * in an ascending run; `undefined` once it hashes keys instead.
   *
   * @returns Slot numbers in key order, or `undefined`.
   */
  order(): Int32Array | undefined {
    if (this.#frozen) throw new TypeError("Cannot order keys after freeze()");
    if (this.#buckets !== undefined) return undefined;
    this.#merge();
    return this.#sorted.subarray(0, this.#sortedSize);
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
    if (this.#frozen) throw new TypeError("Cannot intern a key after freeze()");
    const last = this.#last;
    if (last >= 0 && this.#equals(last, bytes, start, end)) return last;
    if (this.#buckets === undefined) {
      this.#rows++;
      const slot = this.#seek(bytes, start, end);
      if (slot >= 0) return this.#last = slot;
      this.#buildBuckets();
    }
    if (last + 1 < this.#size && this.#equals(last + 1, bytes, start, end)) {
      return this.#last = last + 1;
    }
    return this.#last = this.#find(bytes, start, end);
  }

  /**
   * Sorted mode: the key's slot, found by galloping forward from the cursor, or a new slot placed
   * there. A key below the previous one starts a new run: the last run's new slots are merged in
   * first. Returns -1 when runs come too often for sorted mode to pay.
   */
  #seek(bytes: Uint8Array, start: number, end: number): number {
    if (this.#last >= 0 && this.#compare(this.#last, bytes, start, end) > 0) {
      if (this.#pendingSize > 0) {
        if (++this.#runs > 8 + this.#rows / 16_384) return -1;
        this.#merge();
      }
      this.#cursor = 0;
    }
    const sorted = this.#sorted;
    const size = this.#sortedSize;
    let lo = this.#cursor;
    let hi = size;
    for (let step = 0;; step = step * 2 + 1) {
      const probe = lo + step;
      if (probe >= size) break;
      if (this.#compare(sorted[probe]!, bytes, start, end) >= 0) {
        hi = probe;
        break;
      }
      lo = probe + 1;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#compare(sorted[mid]!, bytes, start, end) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.#cursor = lo;
    if (lo < size && this.#equals(sorted[lo]!, bytes, start, end)) return sorted[lo]!;
    const slot = this.#store(bytes, start, end);
    if (this.#pendingSize * 2 + 2 > this.#pending.length) {
      this.#pending = _grown(this.#pending, this.#pending.length * 2);
    }
    this.#pending[this.#pendingSize * 2] = slot;
    this.#pending[this.#pendingSize * 2 + 1] = lo;
    this.#pendingSize++;
    return slot;
  }

  /** Merges the pending new slots into `#sorted` (their places are ascending, as are their keys). */
  #merge(): void {
    const n = this.#pendingSize;
    if (n === 0) return;
    const old = this.#sorted;
    const size = this.#sortedSize;
    const out = size + n > old.length ? new Int32Array(Math.max(2 * old.length, size + n)) : old;
    const pending = this.#pending;
    // Fill from the back, so merging in place is safe.
    let i = size - 1;
    for (let k = n - 1; k >= 0; k--) {
      const place = pending[2 * k + 1]!;
      for (; i >= place; i--) out[i + k + 1] = old[i]!;
      out[place + k] = pending[2 * k]!;
    }
    if (out !== old) out.set(old.subarray(0, i + 1));
    this.#sorted = out;
    this.#sortedSize = size + n;
    this.#pendingSize = 0;
  }

  /** Slot key minus the given key in byte order: negative, zero or positive. */
  #compare(slot: number, bytes: Uint8Array, start: number, end: number): number {
    const own = this.#bytes;
    const at = this.#starts[slot]!;
    const length = this.#starts[slot + 1]! - at;
    const n = Math.min(length, end - start);
    for (let j = 0; j < n; j++) {
      const d = own[at + j]! - bytes[start + j]!;
      if (d !== 0) return d;
    }
    return length - (end - start);
  }

  #find(bytes: Uint8Array, start: number, end: number): number {
    const h = _hash(bytes, start, end);
    const buckets = this.#buckets!;
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
   * Announces up to `more` new keys (the rows about to be interned), so that the hash index, when
   * there is one, grows to fit them at once instead of doubling step by step (an earlier, larger
   * announcement stands).
   *
   * @param more The most keys the next calls may add.
   */
  reserve(more: number): void {
    this.#expected = Math.max(this.#expected, this.#size + more);
    if (this.#buckets && this.#expected * 3 > this.#buckets.length) this.#rehash();
  }

  /**
   * Sorts slots by their keys in UTF-8 byte order (the slots' keys must be distinct), without making
   * a JS string per key ({@linkcode sortByKey}).
   *
   * @param slots Slot numbers, sorted in place.
   */
  sort(slots: Int32Array): void {
    const starts = this.#starts;
    sortByKey(slots, this.#bytes, starts, starts.subarray(1), () => 0);
  }

  /**
   * The keys of `slots[from .. to)`, in that order, as one UTF-8 column.
   *
   * @param slots Slot numbers.
   * @param from The first position in `slots`.
   * @param to One past the last.
   * @returns The keys' bytes and offsets (starting at 0).
   */
  utf8(slots: Int32Array, from: number, to: number): Utf8Data {
    const starts = this.#starts;
    const offsets = new Int32Array(to - from + 1);
    for (let i = from; i < to; i++) {
      const slot = slots[i]!;
      offsets[i - from + 1] = offsets[i - from]! + starts[slot + 1]! - starts[slot]!;
    }
    const bytes = new Uint8Array(offsets[to - from]!);
    const own = this.#bytes;
    for (let i = from; i < to; i++) {
      const slot = slots[i]!;
      const start = starts[slot]!;
      const n = starts[slot + 1]! - start;
      const at = offsets[i - from]!;
      if (n < 32) { for (let j = 0; j < n; j++) bytes[at + j] = own[start + j]!; }
      else bytes.set(own.subarray(start, start + n), at);
    }
    return { kind: "utf8", offsets, bytes };
  }

  /**
   * Ends interning: frees the index (hash buckets or sorted runs) and keeps the keys for
   * {@linkcode KeyTable.utf8}. {@linkcode KeyTable.intern} and `order()` throw after.
   */
  freeze(): void {
    this.#frozen = true;
    this.#buckets = undefined;
    this.#sorted = new Int32Array(0);
    this.#pending = new Int32Array(0);
    this.#pendingSize = 0;
    this.#sortedSize = 0;
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

  /** Copies a new key's bytes into the next slot; returns the slot. */
  #store(bytes: Uint8Array, start: number, end: number): number {
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
    this.#size = slot + 1;
    return slot;
  }

  #add(bytes: Uint8Array, start: number, end: number, h: number, bucket: number): number {
    const slot = this.#store(bytes, start, end);
    const buckets = this.#buckets!;
    buckets[2 * bucket] = h;
    buckets[2 * bucket + 1] = slot + 1;
    if (this.#size * 3 > buckets.length) this.#rehash();
    return slot;
  }

  #growSlots(): void {
    const starts = new Int32Array(this.#starts.length * 2 - 1);
    starts.set(this.#starts);
    this.#starts = starts;
  }

  /** Leaves sorted mode: hashes every slot into a new table. */
  #buildBuckets(): void {
    this.#sorted = new Int32Array(0);
    this.#pending = new Int32Array(0);
    this.#pendingSize = 0;
    const buckets = new Int32Array(2 * _pairs(Math.max(this.#size, this.#expected)));
    const mask = (buckets.length >> 1) - 1;
    const starts = this.#starts;
    for (let slot = 0; slot < this.#size; slot++) {
      const h = _hash(this.#bytes, starts[slot]!, starts[slot + 1]!);
      let b = h & mask;
      while (buckets[2 * b + 1] !== 0) b = (b + 1) & mask;
      buckets[2 * b] = h;
      buckets[2 * b + 1] = slot + 1;
    }
    this.#buckets = buckets;
  }

  /** Moves the index into one twice as big, or big enough for the keys `reserve` announced. */
  #rehash(): void {
    const old = this.#buckets!;
    const buckets = new Int32Array(2 * Math.max(old.length, _pairs(this.#expected)));
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

/**
 * Buckets (a power of two, at least 2,048) for `keys` keys at a load of at most two thirds: a
 * probe mostly stays within one cache line of pairs, while a larger table costs a page fault per
 * 512 pairs first touched.
 */
function _pairs(keys: number): number {
  let pairs = 2048;
  while (pairs * 2 < keys * 3) pairs *= 2;
  return pairs;
}

function _grown(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(size);
  grown.set(array);
  return grown;
}

function _hash(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let j = start; j < end; j++) h = Math.imul(h ^ bytes[j]!, 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h;
}
