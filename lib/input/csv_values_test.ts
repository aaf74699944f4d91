import assert from "node:assert/strict";
import {
  floatAt,
  floatBytesAt,
  instantAt,
  instantBytesAt,
  intAt,
  intBytesAt,
} from "./csv_values.ts";
import { Prng } from "../write/prng.ts";
import { instantFromText, valueFromText } from "./row.ts";
import type { Column } from "../format/schema.ts";

const INT: Column = { name: "n", type: "Int", nullable: false };
const FLOAT: Column = { name: "f", type: "Float", nullable: false };

/** The general path's answer: the value, or "error". */
function general(text: string, column: Column): unknown {
  try {
    return valueFromText(text, column, "line 1");
  } catch {
    return "error";
  }
}

function randomNumberText(prng: Prng, alphabet: string): string {
  let s = ["", "-", "+"][prng.int(0, 2)]!;
  for (let n = prng.int(0, 20); n > 0; n--) s += alphabet[prng.int(0, alphabet.length - 1)];
  return s;
}

Deno.test("intAt() gives valueFromText's value or leaves the field to it", () => {
  const prng = new Prng(3);
  for (const text of ["9007199254740991", "-9007199254740991", "9007199254740992"]) {
    const fast = intAt(text, 0, text.length);
    assert.equal(fast === undefined ? undefined : BigInt(fast), fast && BigInt(text));
  }
  for (let i = 0; i < 20_000; i++) {
    const text = randomNumberText(prng, i % 2 ? "0123456789" : "0123456789 .e-x");
    const padded = `ab,${text},cd`;
    const fast = intAt(padded, 3, 3 + text.length);
    if (fast !== undefined) assert.equal(BigInt(fast), general(text, INT), JSON.stringify(text));
    if (/^[+-]?\d{1,16}$/.test(text) && Math.abs(Number(text)) <= Number.MAX_SAFE_INTEGER) {
      assert.notEqual(fast, undefined, JSON.stringify(text));
    }
  }
});

Deno.test("floatAt() gives valueFromText's value (correctly rounded) or leaves the field to it", () => {
  const prng = new Prng(4);
  for (let i = 0; i < 50_000; i++) {
    const text = randomNumberText(prng, i % 2 ? "0123456789." : "0123456789.e+ ");
    const fast = floatAt(`x${text}`, 1, 1 + text.length);
    if (fast !== undefined) assert.ok(Object.is(fast, general(text, FLOAT)), JSON.stringify(text));
  }
  for (const text of ["3959.75", "-0.25", "0.1", "123456789012.345", "5.", ".5", "-0"]) {
    const fast = floatAt(text, 0, text.length);
    assert.ok(Object.is(fast, Number(text)), text);
  }
});

Deno.test("instantAt() reads azof's own form like instantFromText, and nothing else", () => {
  const prng = new Prng(5);
  for (let i = 0; i < 20_000; i++) {
    const ms = prng.int(-62167219200000, 253402300799999);
    const text = new Date(ms).toISOString();
    if (text.length === 24) {
      assert.equal(instantAt(`k,${text},x`, 2, 2 + text.length), ms, text);
    }
    const broken = text.slice(0, prng.int(0, 23)) + "x9:+ZT."[prng.int(0, 6)] +
      text.slice(prng.int(0, 24));
    const fast = instantAt(broken, 0, broken.length);
    if (fast !== undefined) assert.equal(fast, instantFromText(broken, "line 1", "t"), broken);
  }
  for (const text of ["2023-02-30T00:00:00.000Z", "2024-01-01T24:00:00.000Z", "2024-01-01"]) {
    assert.equal(instantAt(text, 0, text.length), undefined, text);
  }
});

Deno.test("the byte forms read ASCII fields exactly as the text forms do", () => {
  const prng = new Prng(6);
  const encode = (s: string) => new TextEncoder().encode(s);
  for (let i = 0; i < 20_000; i++) {
    const number = randomNumberText(prng, i % 2 ? "0123456789." : "0123456789.e+- x");
    const padded = `ab,${number},cd`;
    const to = 3 + number.length;
    assert.equal(intBytesAt(encode(padded), 3, to), intAt(padded, 3, to), padded);
    assert.ok(Object.is(floatBytesAt(encode(padded), 3, to), floatAt(padded, 3, to)), padded);
    const ms = prng.int(-62167219200000, 253402300799999);
    const iso = new Date(ms).toISOString();
    const text = prng.next() < 0.5 ? iso : iso.slice(0, prng.int(0, 23)) +
      "x9:+ZT.-0"[prng.int(0, 8)] + iso.slice(prng.int(0, 24));
    const line = `k,${text},x`;
    const end = 2 + text.length;
    assert.equal(instantBytesAt(encode(line), 2, end), instantAt(line, 2, end), text);
  }
});
