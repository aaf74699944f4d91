/**
 * Serializing the snapshot model back to `sN.json`, in the field names and timestamp form upstream
 * writes (docs/SPEC.md §3–§4), keeping unknown top-level fields.
 *
 * @module
 */

import type { Delta, Segment, Snapshot } from "./snapshot.ts";
import { formatInstant } from "./time.ts";
import { COLUMN_IDS_FIELD, columnIdsJson } from "./column_ids.ts";

/** What a snapshot file holds: the model without its number. */
export type SnapshotContent = Omit<Snapshot, "version">;

/**
 * Serializes a snapshot: `schema`, `segments`, `column_ids` when the schema has ids, then the
 * `extra` top-level fields. Timestamps are
 * written as `YYYY-MM-DDTHH:mm:ss.sssZ`; absent optional fields are left out.
 *
 * @param snapshot The snapshot (its `version` is not written).
 * @returns The JSON text, indented by two spaces, ending with a newline.
 *
 * @example Round trip through the parser
 * ```ts
 * import { parseSnapshot, serializeSnapshot } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const text = JSON.stringify({
 *   schema: { columns: [{ name: "v", data_type: "Int", nullable: true }] },
 *   segments: [{ id: "2024", start: "2024-01-01T00:00:00.000Z", delta: [] }],
 *   operation: "create",
 * });
 * const snapshot = parseSnapshot(text, 1);
 * assert.deepEqual(parseSnapshot(serializeSnapshot(snapshot), 1), snapshot);
 * ```
 */
export function serializeSnapshot(snapshot: SnapshotContent): string {
  const json: Record<string, unknown> = {
    schema: {
      columns: snapshot.schema.columns.map((c) => ({
        name: c.name,
        data_type: c.type,
        nullable: c.nullable,
      })),
    },
    segments: snapshot.segments.map(_segment),
  };
  const ids = columnIdsJson(snapshot.schema);
  if (ids !== undefined) json[COLUMN_IDS_FIELD] = ids;
  for (const [name, value] of Object.entries(snapshot.extra)) {
    if (name !== "schema" && name !== "segments" && name !== COLUMN_IDS_FIELD) json[name] = value;
  }
  return JSON.stringify(json, null, 2) + "\n";
}

function _segment(segment: Segment): Record<string, unknown> {
  return {
    id: segment.id,
    start: formatInstant(segment.start),
    ...(segment.end === undefined ? {} : { end: formatInstant(segment.end) }),
    ...(segment.base === undefined ? {} : { file: segment.base }),
    ...(segment.baseFrom === undefined ? {} : { base_from: formatInstant(segment.baseFrom) }),
    delta: segment.deltas.map(_delta),
    segments: segment.children.map(_segment),
  };
}

function _delta(delta: Delta): Record<string, unknown> {
  return { file: delta.file, start: formatInstant(delta.start), end: formatInstant(delta.end) };
}
