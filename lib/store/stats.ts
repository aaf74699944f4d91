/**
 * Process-wide counters of object-store traffic, which `azof --verbose` prints after a command.
 * Kept apart from the S3 adapter so that reading them does not load it.
 *
 * @module
 */

/** Requests sent and bytes received. */
export interface StoreTraffic {
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Response body bytes received from object reads. */
  bytes: number;
}

/**
 * The traffic of every `S3Store` in this process so far (each store also keeps its own `stats`).
 *
 * @example Nothing is counted before a store sends a request
 * ```ts
 * import { s3Traffic } from "./stats.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(s3Traffic, { requests: 0, bytes: 0 });
 * ```
 */
export const s3Traffic: StoreTraffic = { requests: 0, bytes: 0 };
