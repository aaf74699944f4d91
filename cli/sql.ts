/**
 * `azof sql`: run a SQL query over the tables under a root, with event-time travel per table.
 *
 * @module
 */

import { AzofError } from "../lib/errors.ts";
import type { Context } from "./context.ts";

/**
 * Runs `azof sql` (being built: issue 7).
 *
 * @param _args Arguments after `sql`.
 * @param _context The command context.
 */
export function run(_args: string[], _context: Context): Promise<void> {
  return Promise.reject(new AzofError("Unsupported", "azof sql is not available yet"));
}
