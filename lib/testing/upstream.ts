/**
 * Where the upstream crate's test tables live: `../shared/upstream-testdata` beside the checkout.
 * Tests that need them skip, with a message saying so, when the folder is absent.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The folder holding the upstream test tables (`table0`, `table1`, `table2`, `financials`). */
export const UPSTREAM_ROOT: string = fileURLToPath(
  new URL("../../../shared/upstream-testdata/", import.meta.url),
);

/**
 * Tells whether an upstream test table is present.
 *
 * @param table The table's folder name, such as `"financials"`.
 * @returns `true` when `<UPSTREAM_ROOT>/<table>/s1.json` exists.
 */
export function hasUpstreamTable(table: string): boolean {
  try {
    return Deno.statSync(`${UPSTREAM_ROOT}${table}/s1.json`).isFile;
  } catch {
    return false;
  }
}

/**
 * A test name that says when, and why, the test is skipped.
 *
 * @param name The behaviour the test states.
 * @param table The upstream table it needs.
 * @returns The name, with a skip note when the table is absent.
 */
export function upstreamTestName(name: string, table: string): string {
  return hasUpstreamTable(table)
    ? name
    : `${name} (skipped: ../shared/upstream-testdata/${table} not found)`;
}
