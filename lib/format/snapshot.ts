/**
 * The snapshot model: `sN.json` parsed and validated into immutable values.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { type Column, DELETED, EVENT_TIME, isColumnType, KEY, type Schema } from "./schema.ts";
import { tryParseInstant } from "./time.ts";
import { COLUMN_IDS_FIELD, schemaWithIds } from "./column_ids.ts";

/** A delta file: the changes to a segment's keys within `[start, end]`. */
export interface Delta {
  /** The data file, relative to the table folder. */
  readonly file: string;
  /** First instant the delta covers (ms since the epoch). */
  readonly start: number;
  /** Last instant the delta covers, inclusive. */
  readonly end: number;
}

/** A time segment: an optional base, deltas, and child segments refining sub-ranges. */
export interface Segment {
  /** The segment's id, unique among its siblings. */
  readonly id: string;
  /** First instant the segment covers (ms since the epoch). */
  readonly start: number;
  /** Last instant covered, inclusive; `undefined` for an open (current) segment. */
  readonly end?: number;
  /** The base file: the state of the segment's keys at `start`. */
  readonly base?: string;
  /** `base_from`: no row of the base is before this instant (a writer's promise, SPEC §3.3). */
  readonly baseFrom?: number;
  /** Delta files in the order the snapshot lists them. */
  readonly deltas: readonly Delta[];
  /** Child segments in the order the snapshot lists them. */
  readonly children: readonly Segment[];
}

/** One version of a table: its schema and segment tree. */
export interface Snapshot {
  /** The snapshot number N of `sN.json`. */
  readonly version: number;
  /** The table schema. */
  readonly schema: Schema;
  /** Top-level segments in the order the snapshot lists them. */
  readonly segments: readonly Segment[];
  /** Top-level fields azof does not interpret, kept so that a rewrite preserves them. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/**
 * Parses and validates the text of a snapshot file.
 *
 * @param text The JSON text of `sN.json`.
 * @param version The snapshot number N, used in messages and kept in the result.
 * @returns The snapshot.
 * @throws {AzofError} `SnapshotInvalid` naming the field that is missing, of the wrong type or out of order.
 *
 * @example Parse a one-segment snapshot
 * ```ts
 * import { parseSnapshot } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const snapshot = parseSnapshot(JSON.stringify({
 *   schema: { columns: [{ name: "value", data_type: "String", nullable: false }] },
 *   segments: [{ id: "10", start: "2024-01-01T00:00:00.000Z", file: "base.parquet" }],
 * }), 1);
 * assert.equal(snapshot.segments[0]?.base, "base.parquet");
 * ```
 */
export function parseSnapshot(text: string, version: number): Snapshot {
  const where = `s${version}.json`;
  if (text.startsWith("\uFEFF")) {
    throw _invalid(
      where,
      "it starts with a byte order mark (U+FEFF); a snapshot is UTF-8 without one",
    );
  }
  _checkDepth(text, where);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AzofError(
      "SnapshotInvalid",
      `Cannot read snapshot ${where}: not valid JSON (${(error as Error).message})`,
    );
  }
  const root = _object(json, where, "the document");
  const schemaJson = _object(root.schema, where, `"schema"`);
  const columnsJson = _array(schemaJson.columns, where, `"schema.columns"`);
  const columns = columnsJson.map((c, i) => _column(c, where, `"schema.columns[${i}]"`));
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column.name)) {
      throw _invalid(where, `column "${column.name}" appears twice in "schema.columns"`);
    }
    seen.add(column.name);
  }
  const segments = _array(root.segments, where, `"segments"`).map((s, i) =>
    _segment(s, where, `"segments[${i}]"`)
  );
  const extra: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(root)) {
    if (name !== "schema" && name !== "segments" && name !== COLUMN_IDS_FIELD) extra[name] = value;
  }
  const schema = schemaWithIds(columns, root[COLUMN_IDS_FIELD] ?? undefined, where);
  return { version, schema, segments, extra };
}

/** The most JSON levels (objects and arrays) a snapshot may nest (§3.5). */
export const SNAPSHOT_MAX_DEPTH = 256;

/**
 * The text of a snapshot file's bytes: UTF-8, kept exactly (a byte order mark is not skipped, so
 * that {@linkcode parseSnapshot} can refuse it).
 *
 * @param bytes The file's bytes.
 * @param version The snapshot number, for messages.
 * @returns The text.
 * @throws {AzofError} `SnapshotInvalid` when the bytes are not UTF-8.
 */
export function snapshotText(bytes: Uint8Array, version: number): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw _invalid(`s${version}.json`, "it is not valid UTF-8");
  }
}

/** Refuses nesting deeper than the limit, without recursion, before the document is walked. */
function _checkDepth(text: string, where: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > SNAPSHOT_MAX_DEPTH) {
        throw _invalid(
          where,
          `it nests deeper than ${SNAPSHOT_MAX_DEPTH} levels of objects and arrays (at character ${i})`,
        );
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

function _column(json: unknown, where: string, field: string): Column {
  const c = _object(json, where, field);
  const name = _string(c.name, where, `${field}.name`);
  if (name === "" || name === KEY || name === EVENT_TIME || name === DELETED) {
    throw _invalid(
      where,
      `${field}.name must be a non-empty name other than key, event_time and _deleted, found "${name}"`,
    );
  }
  if (!isColumnType(c.data_type)) {
    throw _invalid(
      where,
      `${field}.data_type must be one of String, Int, Boolean, DateTime, Float, found ${
        JSON.stringify(c.data_type)
      }`,
    );
  }
  if (typeof c.nullable !== "boolean") {
    throw _invalid(
      where,
      `${field}.nullable must be true or false, found ${JSON.stringify(c.nullable)}`,
    );
  }
  return { name, type: c.data_type, nullable: c.nullable };
}

function _segment(json: unknown, where: string, field: string): Segment {
  const s = _object(json, where, field);
  const id = _string(s.id, where, `${field}.id`);
  const label = `segment ${id}`;
  const start = _instant(s.start, where, `"start" of ${label}`);
  const end = s.end === undefined || s.end === null
    ? undefined
    : _instant(s.end, where, `"end" of ${label}`);
  if (end !== undefined && end < start) {
    throw _invalid(where, `"end" is before "start" in ${label}`);
  }
  const base = s.file === undefined || s.file === null
    ? undefined
    : _fileName(s.file, where, `"file" of ${label}`);
  const baseFrom = s.base_from === undefined || s.base_from === null
    ? undefined
    : _instant(s.base_from, where, `"base_from" of ${label}`);
  const deltas = s.delta === undefined || s.delta === null
    ? []
    : _array(s.delta, where, `"delta" of ${label}`).map((d, i) =>
      _delta(d, where, `"delta[${i}]" of ${label}`)
    );
  const children = s.segments === undefined || s.segments === null
    ? []
    : _array(s.segments, where, `"segments" of ${label}`).map((c, i) =>
      _segment(c, where, `"segments[${i}]" of ${label}`)
    );
  return {
    id,
    start,
    ...(end === undefined ? {} : { end }),
    ...(base === undefined ? {} : { base }),
    ...(baseFrom === undefined ? {} : { baseFrom }),
    deltas,
    children,
  };
}

function _delta(json: unknown, where: string, field: string): Delta {
  const d = _object(json, where, field);
  const file = _fileName(d.file, where, `${field}.file`);
  const start = _instant(d.start, where, `${field}.start`);
  const end = _instant(d.end, where, `${field}.end`);
  if (end < start) throw _invalid(where, `"end" is before "start" in ${field}`);
  return { file, start, end };
}

/**
 * Tells whether a data file name stays inside the table folder: a relative path of `/`-separated parts,
 * none of them empty, `.` or `..`, with no backslash, colon or NUL.
 *
 * @param name The file name as written in a snapshot.
 * @returns `true` when a reader may open it.
 */
export function isSafeFileName(name: string): boolean {
  if (name === "" || /[\\:\0]/.test(name)) return false;
  return name.split("/").every((part) => part !== "" && part !== "." && part !== "..");
}

function _fileName(value: unknown, where: string, field: string): string {
  const name = _string(value, where, field);
  if (!isSafeFileName(name)) {
    throw _invalid(
      where,
      `${field} must be a file inside the table folder, found ${JSON.stringify(name)}`,
    );
  }
  return name;
}

function _instant(value: unknown, where: string, field: string): number {
  const text = _string(value, where, field);
  const ms = /[Zz]|[+-]\d{2}:\d{2}$/.test(text) ? tryParseInstant(text) : undefined;
  if (ms === undefined) {
    throw _invalid(
      where,
      `${field} must be an RFC 3339 timestamp such as 2024-01-01T00:00:00.000Z, found "${text}"`,
    );
  }
  return ms;
}

function _object(value: unknown, where: string, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw _invalid(where, `${field} must be an object, found ${_describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function _array(value: unknown, where: string, field: string): unknown[] {
  if (!Array.isArray(value)) {
    throw _invalid(where, `${field} must be an array, found ${_describe(value)}`);
  }
  return value;
}

function _string(value: unknown, where: string, field: string): string {
  if (typeof value !== "string") {
    throw _invalid(where, `${field} must be a string, found ${_describe(value)}`);
  }
  return value;
}

function _describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

function _invalid(where: string, message: string): AzofError {
  return new AzofError("SnapshotInvalid", `Cannot read snapshot ${where}: ${message}`);
}
