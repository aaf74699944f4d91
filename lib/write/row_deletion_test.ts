import assert from "node:assert/strict";
import { csvRows } from "../input/csv.ts";
import { rowFromObject } from "../input/row.ts";

const schema = {
  columns: [
    { name: "price", type: "Float" as const, nullable: false },
    { name: "note", type: "String" as const, nullable: true },
  ],
};

Deno.test("a deletion row may leave out the values of non-nullable columns", async (t) => {
  await t.step("from an object (NDJSON)", () => {
    const row = rowFromObject(
      { key: "a", event_time: "2024-05-01", _deleted: true },
      schema,
      "row 1",
    );
    assert.equal(row.deleted, true);
    assert.deepEqual(row.values, [0, null]);
  });
  await t.step("an ordinary row still needs them", () => {
    assert.throws(
      () => rowFromObject({ key: "a", event_time: "2024-05-01" }, schema, "row 1"),
      /row 1, column "price": a value is required/,
    );
  });
  await t.step("from CSV with an empty field", async () => {
    const text = "key,event_time,price,_deleted\na,2024-05-01,,true\nb,2024-05-01,,false\n";
    const stream = ReadableStream.from([new TextEncoder().encode(text)]);
    const rows: { deleted: boolean }[] = [];
    await assert.rejects(async () => {
      for await (const row of csvRows(stream, schema)) rows.push(row);
    }, /line 3, column "price": a value is required/);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.deleted, true);
  });
});
