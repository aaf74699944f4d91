/** Parsing and validating sN.json: what is rejected, with which message, and what is kept. */

import assert from "node:assert/strict";
import { AzofError } from "../errors.ts";
import { isSafeFileName, parseSnapshot, snapshotText } from "./snapshot.ts";
import { serializeSnapshot } from "./snapshot_json.ts";

type Json = Record<string, unknown>;

const COLUMNS = [{ name: "value", data_type: "String", nullable: false }];
const SEGMENT = { id: "10", start: "2024-01-01T00:00:00.000Z", file: "base.parquet" };

function doc(overrides: Json = {}): string {
  return JSON.stringify({ schema: { columns: COLUMNS }, segments: [SEGMENT], ...overrides });
}

function withSegment(segment: Json): string {
  return doc({ segments: [segment] });
}

/** Asserts `text` is rejected as SnapshotInvalid with a message matching `pattern`. */
function assertInvalid(text: string, pattern: RegExp): void {
  assert.throws(() => parseSnapshot(text, 3), (error: unknown) => {
    assert.ok(error instanceof AzofError, `expected AzofError, got ${error}`);
    assert.equal(error.code, "SnapshotInvalid");
    assert.match(error.message, /^Cannot read snapshot s3\.json: /);
    assert.match(error.message, pattern);
    return true;
  });
}

Deno.test("parseSnapshot() rejects text that is not a snapshot document", async (t) => {
  await t.step("not JSON", () => assertInvalid("{", /not valid JSON/));
  await t.step("an array", () => assertInvalid("[]", /must be an object, found an array/));
  await t.step("no schema", () => assertInvalid(JSON.stringify({ segments: [] }), /"schema"/));
  await t.step("no segments", () => {
    assertInvalid(JSON.stringify({ schema: { columns: [] } }), /"segments" must be an array/);
  });
  await t.step("columns not an array", () => {
    assertInvalid(doc({ schema: { columns: {} } }), /"schema.columns" must be an array/);
  });
});

Deno.test("parseSnapshot() rejects fields of the wrong type", async (t) => {
  const cases: [string, string, RegExp][] = [
    ["id as a number", withSegment({ ...SEGMENT, id: 10 }), /id must be a string, found number 10/],
    [
      "start as epoch ms",
      withSegment({ ...SEGMENT, start: 1704067200000 }),
      /"start" of segment 10 must be a string/,
    ],
    [
      "file as an array",
      withSegment({ ...SEGMENT, file: ["a"] }),
      /"file" of segment 10 must be a string/,
    ],
    [
      "delta as an object",
      withSegment({ ...SEGMENT, delta: {} }),
      /"delta" of segment 10 must be an array/,
    ],
    [
      "segments as a string",
      withSegment({ ...SEGMENT, segments: "x" }),
      /"segments" of segment 10 must be an array/,
    ],
    [
      "delta without end",
      withSegment({
        ...SEGMENT,
        delta: [{ file: "d.parquet", start: "2024-01-01T00:00:00.000Z" }],
      }),
      /delta\[0\].*end must be a string, found nothing/,
    ],
    [
      "column type unknown",
      doc({ schema: { columns: [{ name: "v", data_type: "Decimal", nullable: false }] } }),
      /data_type must be one of String, Int, Boolean, DateTime, Float, found "Decimal"/,
    ],
    [
      "nullable as a string",
      doc({ schema: { columns: [{ name: "v", data_type: "Int", nullable: "no" }] } }),
      /nullable must be true or false, found "no"/,
    ],
    [
      "nullable missing",
      doc({ schema: { columns: [{ name: "v", data_type: "Int" }] } }),
      /nullable must be true or false/,
    ],
  ];
  for (const [name, text, pattern] of cases) await t.step(name, () => assertInvalid(text, pattern));
});

Deno.test("parseSnapshot() rejects an end before its start", async (t) => {
  await t.step("segment", () => {
    assertInvalid(
      withSegment({
        ...SEGMENT,
        id: "year_2019",
        start: "2019-01-01T00:00:00.000Z",
        end: "2018-12-31T23:59:59.999Z",
      }),
      /"end" is before "start" in segment year_2019/,
    );
  });
  await t.step("nested segment", () => {
    assertInvalid(
      withSegment({
        ...SEGMENT,
        segments: [{
          id: "q1",
          start: "2024-01-01T00:00:00.001Z",
          end: "2024-01-01T00:00:00.000Z",
        }],
      }),
      /"end" is before "start" in segment q1/,
    );
  });
  await t.step("delta", () => {
    assertInvalid(
      withSegment({
        ...SEGMENT,
        delta: [{
          file: "d.parquet",
          start: "2024-02-01T00:00:00.000Z",
          end: "2024-01-31T23:59:59.999Z",
        }],
      }),
      /"end" is before "start" in "delta\[0\]" of segment 10/,
    );
  });
  await t.step("end equal to start is a one-millisecond segment, accepted", () => {
    const s = parseSnapshot(withSegment({ ...SEGMENT, end: SEGMENT.start }), 1);
    assert.equal(s.segments[0]!.end, s.segments[0]!.start);
  });
});

Deno.test("parseSnapshot() rejects data file names that leave the table folder", async (t) => {
  const unsafe = [
    "../x",
    "/etc/passwd",
    "a\\b",
    "",
    ".",
    "a/../b",
    "a//b",
    "./a",
    "C:x",
    "a\0b",
    "dir/",
  ];
  for (const name of unsafe) {
    await t.step(`base ${JSON.stringify(name)}`, () => {
      assert.equal(isSafeFileName(name), false);
      assertInvalid(
        withSegment({ ...SEGMENT, file: name }),
        /must be a file inside the table folder/,
      );
    });
  }
  await t.step("delta ../x", () => {
    assertInvalid(
      withSegment({
        ...SEGMENT,
        delta: [{
          file: "../x",
          start: "2024-01-01T00:00:00.000Z",
          end: "2024-01-02T00:00:00.000Z",
        }],
      }),
      /delta\[0\]".*file must be a file inside the table folder, found "\.\.\/x"/,
    );
  });
  await t.step("nested segment /etc/passwd", () => {
    assertInvalid(
      withSegment({
        ...SEGMENT,
        segments: [{ id: "c", start: SEGMENT.start, file: "/etc/passwd" }],
      }),
      /"file" of segment c must be a file inside the table folder/,
    );
  });
  await t.step("relative names in subfolders are fine", () => {
    for (const name of ["a.parquet", "data/2024/a.parquet", "..a.parquet", "a..b"]) {
      assert.equal(isSafeFileName(name), true, name);
      assert.equal(
        parseSnapshot(withSegment({ ...SEGMENT, file: name }), 1).segments[0]!.base,
        name,
      );
    }
  });
});

Deno.test("parseSnapshot() rejects duplicate and reserved column names", async (t) => {
  await t.step("duplicate", () => {
    const columns = [
      { name: "v", data_type: "Int", nullable: false },
      { name: "v", data_type: "String", nullable: true },
    ];
    assertInvalid(doc({ schema: { columns } }), /column "v" appears twice/);
  });
  for (const name of ["key", "event_time", "_deleted", ""]) {
    await t.step(`reserved ${JSON.stringify(name)}`, () => {
      assertInvalid(
        doc({ schema: { columns: [{ name, data_type: "String", nullable: false }] } }),
        /must be a non-empty name other than key, event_time and _deleted/,
      );
    });
  }
});

Deno.test("parseSnapshot() accepts RFC 3339 timestamps only", async (t) => {
  const bad = [
    "2024-01-01",
    "2024-01-01T00:00:00",
    "2024-01-01T00:00:00.000",
    "2024-13-01T00:00:00.000Z",
    "2024-02-30T00:00:00.000Z",
    "2023-02-29T00:00:00.000Z",
    "2024-01-01T24:00:00.000Z",
    "2024-01-01T00:00:60.000Z",
    "2024-01-01T00:00:00.000+25:00",
    "yesterday",
    "",
  ];
  for (const text of bad) {
    await t.step(`rejects ${JSON.stringify(text)}`, () => {
      assertInvalid(withSegment({ ...SEGMENT, start: text }), /must be an RFC 3339 timestamp/);
    });
  }
  const good: [string, number][] = [
    ["2024-01-01T00:00:00.000Z", Date.UTC(2024, 0, 1)],
    ["2024-01-01T00:00:00Z", Date.UTC(2024, 0, 1)],
    ["2024-06-01T00:00:00.0Z", Date.UTC(2024, 5, 1)],
    ["2024-02-29T23:59:59.999Z", Date.UTC(2024, 1, 29, 23, 59, 59, 999)],
    ["2024-01-01T02:00:00.000+02:00", Date.UTC(2024, 0, 1)],
    ["2023-12-31T19:00:00-05:00", Date.UTC(2024, 0, 1)],
    ["1899-12-31T23:59:59.999Z", Date.UTC(1899, 11, 31, 23, 59, 59, 999)],
    ["2024-01-01T00:00:00.123456789Z", Date.UTC(2024, 0, 1, 0, 0, 0, 123)],
  ];
  for (const [text, expected] of good) {
    await t.step(`reads ${text}`, () => {
      assert.equal(
        parseSnapshot(withSegment({ ...SEGMENT, start: text }), 1).segments[0]!.start,
        expected,
      );
    });
  }
});

Deno.test("parseSnapshot() keeps unknown top-level fields in extra and ignores others", async (t) => {
  const text = JSON.stringify({
    format_version: 2,
    schema: { columns: COLUMNS, comment: "ignored" },
    segments: [{
      ...SEGMENT,
      stats: { rows: 3 },
      delta: [{ file: "d.parquet", start: SEGMENT.start, end: SEGMENT.start, rows: 1 }],
    }],
    properties: { owner: "ops" },
  });
  const snapshot = parseSnapshot(text, 4);
  await t.step("top-level unknown fields are kept as they were", () => {
    assert.deepEqual(snapshot.extra, { format_version: 2, properties: { owner: "ops" } });
  });
  await t.step("schema and segment fields azof knows are read normally", () => {
    assert.equal(snapshot.version, 4);
    assert.deepEqual(snapshot.schema.columns, [{ name: "value", type: "String", nullable: false }]);
    assert.deepEqual(snapshot.segments[0], {
      id: "10",
      start: Date.UTC(2024, 0, 1),
      base: "base.parquet",
      deltas: [{ file: "d.parquet", start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 0, 1) }],
      children: [],
    });
  });
  await t.step("a document without unknown fields has an empty extra", () => {
    assert.deepEqual(parseSnapshot(doc(), 1).extra, {});
  });
});

Deno.test("parseSnapshot() treats null optional fields like absent ones", async (t) => {
  const absent = parseSnapshot(withSegment({ id: "10", start: SEGMENT.start }), 1).segments[0]!;
  const nulls = parseSnapshot(
    withSegment({
      id: "10",
      start: SEGMENT.start,
      end: null,
      file: null,
      delta: null,
      segments: null,
    }),
    1,
  ).segments[0]!;
  await t.step("both read as an open segment with no files", () => {
    assert.deepEqual(absent, { id: "10", start: Date.UTC(2024, 0, 1), deltas: [], children: [] });
    assert.deepEqual(nulls, absent);
  });
  await t.step("absent optional fields are absent properties, not undefined values", () => {
    assert.equal("end" in absent, false);
    assert.equal("base" in absent, false);
  });
  await t.step("empty arrays are accepted", () => {
    const s = parseSnapshot(withSegment({ ...SEGMENT, delta: [], segments: [] }), 1).segments[0]!;
    assert.deepEqual([s.deltas, s.children], [[], []]);
  });
  await t.step("an empty table has no segments", () => {
    assert.deepEqual(parseSnapshot(doc({ segments: [] }), 1).segments, []);
  });
  await t.step("required fields may not be null", () => {
    assertInvalid(
      withSegment({ ...SEGMENT, start: null }),
      /"start" of segment 10 must be a string, found null/,
    );
    assertInvalid(withSegment({ ...SEGMENT, id: null }), /id must be a string, found null/);
  });
});

Deno.test("parseSnapshot() refuses a byte order mark, trailing text, bad UTF-8 and deep nesting with SnapshotInvalid", async (t) => {
  const text = JSON.stringify({
    schema: { columns: [{ name: "v", data_type: "Int", nullable: true }] },
    segments: [{ id: "2024", start: "2024-01-01T00:00:00.000Z" }],
  });
  const refused = (input: string, message: RegExp) =>
    assert.throws(
      () => parseSnapshot(input, 3),
      (e) => e instanceof AzofError && e.code === "SnapshotInvalid" && message.test(e.message),
    );
  await t.step("byte order mark", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    refused(
      snapshotText(bytes, 3),
      /^Cannot read snapshot s3\.json: it starts with a byte order mark/,
    );
  });
  await t.step("trailing text", () => {
    refused(`${text} {}`, /^Cannot read snapshot s3\.json: not valid JSON/);
    refused(`${text}x`, /^Cannot read snapshot s3\.json: not valid JSON/);
  });
  await t.step("bad UTF-8", () => {
    const bytes = new TextEncoder().encode(text);
    bytes[bytes.indexOf(0x76)] = 0xff; // the column name "v"
    assert.throws(
      () => snapshotText(bytes, 3),
      (e) => e instanceof AzofError && /s3\.json: it is not valid UTF-8/.test(e.message),
    );
  });
  await t.step("20,000 levels of children, and the limit", () => {
    const nested = (levels: number) => {
      let segment = `{"id":"x","start":"2024-01-01T00:00:00Z"}`;
      for (let i = 1; i < levels; i++) {
        segment = `{"id":"x${i}","start":"2024-01-01T00:00:00Z","segments":[${segment}]}`;
      }
      return `{"schema":{"columns":[]},"segments":[${segment}]}`;
    };
    refused(nested(20_000), /nests deeper than 256 levels of objects and arrays/);
    // Document, "segments" array, then two levels per segment: 127 segments fit.
    assert.equal(parseSnapshot(nested(127), 3).segments.length, 1);
    refused(nested(128), /nests deeper than 256 levels/);
    // Brackets inside strings do not count.
    assert.equal(
      parseSnapshot(text.replace('"v"', `"${"[{".repeat(300)}\\""`), 3).schema.columns.length,
      1,
    );
  });
});

Deno.test("parseSnapshot() reads base_from as an instant, serializeSnapshot() writes it back, a bad one is refused", () => {
  const child = {
    id: "2024-04",
    start: "2024-04-01T00:00:00.000Z",
    file: "b.parquet",
    base_from: "2024-01-01T00:00:00.000Z",
  };
  const snapshot = parseSnapshot(withSegment({ ...SEGMENT, segments: [child] }), 1);
  assert.equal(snapshot.segments[0]!.children[0]!.baseFrom, Date.UTC(2024, 0, 1));
  assert.equal(snapshot.segments[0]!.baseFrom, undefined);
  assert.deepEqual(parseSnapshot(serializeSnapshot(snapshot), 1), snapshot);
  assert.throws(
    () => parseSnapshot(withSegment({ ...SEGMENT, base_from: "2024-01-01" }), 2),
    (e) =>
      e instanceof AzofError && /"base_from" of segment 10 must be an RFC 3339/.test(e.message),
  );
});
