import assert from "node:assert/strict";
import { batchColumnData } from "./batch.ts";
import { AzofError } from "../errors.ts";

Deno.test("batchColumnData() builds typed arrays from the values of every type", () => {
  const column = (type: "String" | "Int" | "Float" | "Boolean" | "DateTime", values: unknown[]) =>
    batchColumnData({ name: "c", type, nullable: true, values: values as never });
  assert.deepEqual(column("String", ["é", null, ""]), {
    kind: "utf8",
    offsets: new Int32Array([0, 2, 2, 2]),
    bytes: new Uint8Array([0xc3, 0xa9]),
    nulls: new Uint8Array([0, 1, 0]),
  });
  assert.deepEqual(column("Int", [-(2n ** 63n), 1n]), {
    kind: "i64",
    values: new BigInt64Array([-(2n ** 63n), 1n]),
  });
  assert.deepEqual(column("DateTime", [-1, null]), {
    kind: "f64",
    values: new Float64Array([-1, 0]),
    nulls: new Uint8Array([0, 1]),
  });
  assert.deepEqual(column("Boolean", [true, false]), {
    kind: "bool",
    values: new Uint8Array([1, 0]),
  });
});

Deno.test("batchColumnData() refuses more string bytes than 32-bit offsets address", () => {
  const big = "é".repeat(2 ** 27); // 2^28 bytes of UTF-8
  const values = Array.from({ length: 8 }, () => big);
  assert.throws(
    () => batchColumnData({ name: "note", type: "String", nullable: true, values }),
    (e: unknown) =>
      e instanceof AzofError && e.code === "Unsupported" &&
      /Cannot write column note: a batch of 8 rows holds 2147483648 bytes/.test(e.message),
  );
});
