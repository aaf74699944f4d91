import assert from "node:assert/strict";
import { readRleBitPackedHybrid } from "npm:hyparquet@1.31.5/src/encoding.js";
import { readHybrid } from "./hybrid.ts";
import { Prng } from "../write/prng.ts";

/** ULEB128, as run headers are written. */
function _varint(value: number, out: number[]): void {
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
}

/**
 * The reference encoder: random runs (RLE, or bit-packed groups of 8 written bit by bit) of random
 * values below 2^width; the last bit-packed run may be padded past the values asked for.
 */
function _encode(width: number, count: number, random: Prng) {
  const values: number[] = [];
  const bytes: number[] = [];
  const pick = () => width === 0 ? 0 : Math.floor(random.next() * 2 ** width);
  while (values.length < count) {
    if (random.next() < 0.4) {
      const run = 1 + Math.floor(random.next() * 40);
      const value = pick();
      _varint(run << 1, bytes);
      for (let b = 0; b < (width + 7) >> 3; b++) bytes.push(Math.floor(value / 2 ** (8 * b)) % 256);
      for (let i = 0; i < run; i++) values.push(value);
      continue;
    }
    const groups = 1 + Math.floor(random.next() * 6);
    _varint(groups * 2 + 1, bytes);
    const bits: number[] = [];
    for (let i = 0; i < groups * 8; i++) {
      const value = pick();
      values.push(value);
      for (let b = 0; b < width; b++) bits.push(Math.floor(value / 2 ** b) % 2);
    }
    for (let i = 0; i < bits.length; i += 8) {
      let byte = 0;
      for (let b = 0; b < 8; b++) byte |= (bits[i + b] ?? 0) << b;
      bytes.push(byte);
    }
  }
  return { bytes: new Uint8Array(bytes), values: values.slice(0, count) };
}

Deno.test("readHybrid() decodes random runs of every width from 0 to 32", () => {
  const random = new Prng(15);
  for (let width = 0; width <= 32; width++) {
    for (let trial = 0; trial < 20; trial++) {
      const count = 1 + Math.floor(random.next() * 300);
      const { bytes, values } = _encode(width, count, random);
      const out = width <= 8 && trial % 2 === 0 ? new Uint8Array(count) : new Uint32Array(count);
      const end = readHybrid(bytes, 0, bytes.length, width, out);
      assert.deepEqual([...out], values, `width ${width}, trial ${trial}`);
      assert.ok(end <= bytes.length);
    }
  }
});

Deno.test("readHybrid() gives what hyparquet's decoder gives, at an offset, into Int32Array", () => {
  const random = new Prng(16);
  // hyparquet's bit-packed reader holds its bits in one 32-bit integer, exact up to 24 bits; it
  // reads a byte at the start of a bit-packed run even of width 0 (which pages never hold).
  for (let width = 1; width <= 24; width++) {
    for (let trial = 0; trial < 20; trial++) {
      const count = 1 + Math.floor(random.next() * 500);
      const encoded = _encode(width, count, random);
      const bytes = new Uint8Array(encoded.bytes.length + 7);
      bytes.set(encoded.bytes, 3);
      const theirs = new Array<number>(count);
      const reader = { view: new DataView(bytes.buffer), offset: 3 };
      readRleBitPackedHybrid(reader, width, theirs, encoded.bytes.length);
      const ours = new Int32Array(count);
      readHybrid(bytes, 3, 3 + encoded.bytes.length, width, ours);
      // hyparquet writes a last RLE run whole, past the values asked for.
      assert.deepEqual([...ours], theirs.slice(0, count), `width ${width}, trial ${trial}`);
    }
  }
});

Deno.test("readHybrid() stops after the runs that fill the output", () => {
  // Two RLE runs of width 8; the second is not read when the first fills the output.
  const bytes = new Uint8Array([3 << 1, 7, 2 << 1, 9]);
  const out = new Uint8Array(3);
  assert.deepEqual(readHybrid(bytes, 0, bytes.length, 8, out), 2);
  assert.deepEqual([...out], [7, 7, 7]);
});

Deno.test("readHybrid() refuses data that ends before the values do", () => {
  assert.throws(
    () => readHybrid(new Uint8Array([2 << 1, 1]), 0, 2, 1, new Uint8Array(3)),
    /ends after 2 of 3 values/,
  );
  assert.throws(
    () => readHybrid(new Uint8Array([(2 << 1) | 1, 0xff]), 0, 2, 4, new Uint8Array(8)),
    /bit-packed run runs past its data/,
  );
  assert.throws(() => readHybrid(new Uint8Array([0x80]), 0, 1, 1, new Uint8Array(1)), /header/);
  assert.throws(() => readHybrid(new Uint8Array(0), 0, 0, 33, new Uint8Array(1)), RangeError);
});
