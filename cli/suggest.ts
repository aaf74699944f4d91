/**
 * "Did you mean ...?" for mistyped commands and flags: the nearest candidate by edit distance.
 *
 * @module
 */

/**
 * The candidate nearest to a mistyped word, when it is near enough to be a likely typo: at most one
 * edit (insert, delete, change, or swap of two neighbours) for short words, two from 5 characters.
 *
 * @param word What the user typed.
 * @param candidates The valid words.
 * @returns The nearest candidate, or `undefined` when none is near.
 *
 * @example Suggest a command
 * ```ts
 * import { nearest } from "./suggest.ts";
 * import assert from "node:assert/strict";
 * assert.equal(nearest("scna", ["scan", "write", "sql"]), "scan");
 * assert.equal(nearest("frobnicate", ["scan", "write"]), undefined);
 * ```
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const limit = word.length >= 5 ? 2 : 1;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = _distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/**
 * The text to append to an error about an unknown word: ` (did you mean scan?)`, or `""`.
 *
 * @param word What the user typed.
 * @param candidates The valid words.
 * @returns The hint, with a leading space, or an empty string.
 */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const hint = nearest(word, candidates);
  return hint === undefined ? "" : ` (did you mean ${hint}?)`;
}

/** Optimal string alignment distance (Levenshtein plus swaps of neighbours). */
function _distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      }
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
