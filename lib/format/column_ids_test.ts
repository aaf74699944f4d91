import assert from "node:assert/strict";
import { parseSnapshot } from "./snapshot.ts";
import { serializeSnapshot } from "./snapshot_json.ts";
import { alterSchema } from "./schema_evolution.ts";

const _columns = [
  { name: "a", data_type: "Int", nullable: false },
  { name: "b", data_type: "String", nullable: true },
];

function _text(columnIds: unknown): string {
  return JSON.stringify({
    schema: { columns: _columns },
    segments: [],
    column_ids: columnIds,
    operation: "alter",
  });
}

Deno.test("column_ids: ids on the columns, kept through a rewrite, and no field for a table never altered", () => {
  const snapshot = parseSnapshot(_text({ columns: [1, 3], last: 3, by_name: { a: 1, x: 2 } }), 2);
  assert.deepEqual(snapshot.schema.columns.map((c) => c.id), [1, 3]);
  assert.deepEqual(snapshot.schema.ids, { last: 3, byName: { a: 1, x: 2 } });
  assert.deepEqual(snapshot.extra, { operation: "alter" });
  assert.deepEqual(parseSnapshot(serializeSnapshot(snapshot), 2), snapshot);
  const plain = parseSnapshot(JSON.stringify({ schema: { columns: _columns }, segments: [] }), 1);
  assert.equal(plain.schema.ids, undefined);
  assert.ok(!serializeSnapshot(plain).includes("column_ids"));
});

Deno.test("column_ids: a snapshot whose ids do not fit its schema is refused", () => {
  const bad: [unknown, RegExp][] = [
    [{ columns: [1], last: 2, by_name: {} }, /must be an array of 2 ids/],
    [{ columns: [1, 1], last: 2, by_name: {} }, /holds an id twice/],
    [{ columns: [1, 5], last: 2, by_name: {} }, /column id 5 is greater than "column_ids.last" 2/],
    [{ columns: [1, 0], last: 2, by_name: {} }, /columns\[1\]" must be a positive whole number/],
    [{ columns: [1, 2], by_name: {} }, /"column_ids.last" must be a positive whole number/],
    [{ columns: [1, 2], last: 2, by_name: { a: "1" } }, /by_name.a" must be a positive/],
    [{ columns: [1, 2], last: 2 }, /"column_ids.by_name" must be an object/],
    ["x", /"column_ids" must be an object/],
  ];
  for (const [value, message] of bad) {
    assert.throws(() => parseSnapshot(_text(value), 4), (e: Error) => {
      assert.match(e.message, /^Cannot read snapshot s4\.json: /);
      assert.match(e.message, message);
      return (e as { code?: string }).code === "SnapshotInvalid";
    });
  }
});

Deno.test("alterSchema() never gives an id twice, even to a dropped column's name", () => {
  const schema = { columns: [{ name: "a", type: "Int" as const, nullable: false }] };
  const dropped = alterSchema(schema, {
    drop: ["a"],
    add: [{ name: "b", type: "Int", nullable: true }],
  });
  const again = alterSchema(dropped, { add: [{ name: "a", type: "Int", nullable: true }] });
  assert.deepEqual(again.columns.map((c) => [c.name, c.id]), [["b", 2], ["a", 3]]);
  assert.deepEqual(again.ids, { last: 3, byName: { a: 1 } });
  const widened = alterSchema(again, { widen: [{ name: "a", type: "Float", nullable: true }] });
  assert.deepEqual(widened.columns[1], { name: "a", type: "Float", nullable: true, id: 3 });
  assert.throws(() => alterSchema(widened, {}), /no change given/);
});
