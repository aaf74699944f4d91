/**
 * The JSON that commands print for scripts (`--format json`): one object with `"formatVersion": 1`
 * first, camelCase keys, instants as RFC 3339 strings and durations in seconds (`...Seconds`). The
 * shapes are described in the README ("JSON output"); a change to one raises the version.
 *
 * @module
 */

/** The version of every command's JSON shape. */
export const JSON_FORMAT_VERSION = 1;

/**
 * Renders a command's JSON answer: `formatVersion` first, then the fields, indented, with a newline.
 *
 * @param fields The answer's fields.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { jsonAnswer } from "./json_output.ts";
 * console.log(jsonAnswer({ table: "prices" })); // {"formatVersion": 1, "table": "prices"}, indented
 * ```
 */
export function jsonAnswer(fields: Readonly<Record<string, unknown>>): string {
  return JSON.stringify({ formatVersion: JSON_FORMAT_VERSION, ...fields }, null, 2) + "\n";
}

/**
 * Copies a JSON value with every object key in camelCase (`carried_rows` becomes `carriedRows`), for
 * records read from disk in the snapshot's snake_case.
 *
 * @param value Any JSON value.
 * @returns The copy.
 *
 * @example
 * ```ts
 * import { camelKeys } from "./json_output.ts";
 * console.log(camelKeys({ segments_created: 1, files: ["a"] })); // { segmentsCreated: 1, files: ["a"] }
 * ```
 */
export function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map((
      [key, v],
    ) => [key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), camelKeys(v)]),
  );
}
