/**
 * The key order of the tests' oracles, computed independently of azof's own comparison.
 *
 * @module
 */

/** Compares strings by their UTF-8 bytes, independently of azof's `compareKeys`. */
export function utf8Compare(a: string, b: string): number {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
