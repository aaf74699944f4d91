import assert from "node:assert/strict";
import { csvField, writeCsv } from "./csv.ts";
import type { BatchColumn, RowBatch } from "../read/batch.ts";
import type { Value } from "../format/schema.ts";
import type { ColumnType } from "../format/schema.ts";
import { Prng } from "../write/prng.ts";
import { fromValues, type Utf8Data } from "../columns/column_data.ts";

/** CSV of the columns; with `bytes`, String columns also carry their UTF-8 bytes (`utf8`). */
async function _csv(columns: [ColumnType, Value[]][], bytes = false): Promise<string> {
  const chunks: Uint8Array[] = [];
  const batch: RowBatch = {
    rows: columns[0]![1].length,
    columns: columns.map(([type, values], i): BatchColumn => ({
      name: `c${i}`,
      type,
      nullable: true,
      values,
      ...(bytes && type === "String" ? { utf8: fromValues(values, "utf8") as Utf8Data } : {}),
    })),
  };
  const rows = (async function* () {
    yield batch;
  })();
  await writeCsv(columns.map((_, i) => `c${i}`), rows, {
    write: (b) => Promise.resolve(void chunks.push(b)),
  });
  return new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
}

/**
 * The same rows as plain string concatenation would write them (an independent formatter), with
 * negative zero as `-0` (which `String()` writes as `0`, losing the sign).
 */
function _expected(columns: [ColumnType, Value[]][]): string {
  const lines = [columns.map((_, i) => `c${i}`).join(",")];
  for (let r = 0; r < columns[0]![1].length; r++) {
    lines.push(
      columns.map(([type, values]) => {
        const v = values[r]!;
        if (v === null) return "";
        if (type === "DateTime") return new Date(v as number).toISOString();
        if (Object.is(v, -0)) return "-0";
        return type === "String" ? csvField(v as string) : String(v);
      }).join(","),
    );
  }
  return lines.join("\n") + "\n";
}

Deno.test("writeCsv() writes DateTime fields as toISOString() does, years 0000-9999 and beyond", async () => {
  const prng = new Prng(3);
  const edges = [0, -1, 1, Date.UTC(0, 0, 1) - 1, Date.UTC(1900, 1, 28, 23, 59, 59, 999)];
  const year0 = new Date(0);
  year0.setUTCFullYear(0, 0, 1);
  const year10000 = new Date(0);
  year10000.setUTCFullYear(10000, 0, 1);
  edges.push(year0.getTime(), year0.getTime() - 1, year10000.getTime(), year10000.getTime() - 1);
  edges.push(Date.UTC(2000, 1, 29, 12), Date.UTC(2100, 2, 1), 8.64e15, -8.64e15);
  const random = Array.from({ length: 20_000 }, () => prng.int(-8.64e15, 8.64e15));
  const near = Array.from({ length: 20_000 }, () => prng.int(-3e12, 3e12));
  const instants = [...edges, ...random, ...near, null];
  const columns: [ColumnType, Value[]][] = [["DateTime", instants]];
  assert.equal(await _csv(columns), _expected(columns));
});

Deno.test("writeCsv() quotes strings as csvField() does and writes other types as String() (-0 as -0)", async () => {
  const strings = [
    "",
    "a",
    " a",
    "a ",
    "a,b",
    'say "hi"',
    "x\ny",
    "\r",
    "é",
    "日本,",
    "😀",
    "\t",
    null,
  ];
  const n = strings.length;
  const columns: [ColumnType, Value[]][] = [
    ["String", strings],
    ["Int", Array.from({ length: n }, (_, i) => (i === 3 ? null : BigInt(i) ** 19n - 7n))],
    ["Float", Array.from({ length: n }, (_, i) => [0.1, -0, NaN, Infinity, 1e21, null][i % 6]!)],
    ["Boolean", Array.from({ length: n }, (_, i) => (i % 3 === 2 ? null : i % 3 === 0))],
  ];
  assert.equal(await _csv(columns), _expected(columns));
  assert.equal(await _csv(columns, true), _expected(columns));
});

Deno.test("writeCsv() writes String columns given as UTF-8 bytes exactly as it writes the strings", async () => {
  const prng = new Prng(11);
  const pieces = [
    "a",
    "Z",
    " ",
    ",",
    '"',
    "\n",
    "\r",
    "é",
    "😀",
    "\uFEFF",
    "\u00A0",
    "\u2028",
    "~",
  ];
  const strings: Value[] = ["", "\uFEFFx", "x\u00A0", "\u2028", "plain", null];
  for (let i = 0; i < 2_000; i++) {
    const n = prng.int(0, 6);
    strings.push(
      prng.chance(0.05) ? null : Array.from({ length: n }, () => prng.pick(pieces)).join(""),
    );
  }
  const columns: [ColumnType, Value[]][] = [["String", strings], ["String", strings.toReversed()]];
  assert.equal(await _csv(columns, true), _expected(columns));
  assert.equal(await _csv(columns, true), await _csv(columns));
});

Deno.test("writeCsv() writes rows longer than its buffer, and many buffers' worth", async () => {
  const long = "x".repeat(3 << 20);
  const many = Array.from({ length: 300_000 }, (_, i) => `k${i}`);
  for (const values of [[long, "y"], many]) {
    const columns: [ColumnType, Value[]][] = [["String", values]];
    assert.equal(await _csv(columns), _expected(columns));
  }
});

Deno.test("writeCsv() writes random Int and Float values exactly as String() does", async () => {
  const prng = new Prng(5);
  const n = 50_000;
  const floats = Array.from({ length: n }, (_, i): number => {
    const scale = 10 ** prng.int(-3, 16);
    switch (i % 5) {
      case 0:
        return prng.int(-1e9, 1e9) / 100 * (prng.chance(0.5) ? 1 : scale);
      case 1:
        return (prng.next() - 0.5) * scale;
      case 2:
        return prng.int(-(2 ** 46), 2 ** 46) / 100;
      case 3:
        return prng.pick([0.1 + 0.2, 7e13, 7e13 - 0.01, 70368744177663.99, 1e-7, 5e-324, -0]);
      default:
        return prng.int(-(2 ** 53), 2 ** 53) / prng.pick([1, 10, 100, 1000]);
    }
  });
  const ints = Array.from(
    { length: n },
    (_, i): bigint =>
      i % 3 === 0
        ? BigInt(prng.int(-(2 ** 53), 2 ** 53))
        : BigInt(prng.int(-(2 ** 31), 2 ** 31)) * BigInt(prng.int(0, 2 ** 32)) +
          BigInt(prng.int(-9, 9)),
  );
  const columns: [ColumnType, Value[]][] = [["Float", floats], ["Int", ints]];
  assert.equal(await _csv(columns), _expected(columns));
});

Deno.test("writeCsv() writes Int columns given as typed arrays exactly as String() does", async () => {
  const prng = new Prng(6);
  const edges = [0n, -1n, 2n ** 53n, -(2n ** 53n), 2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 63n - 1n];
  const values: Value[] = Array.from({ length: 20_000 }, (_, i): Value => {
    if (i % 11 === 0) return null;
    if (i % 7 === 0) return prng.pick([...edges, -(2n ** 63n), 2n ** 52n * 3n, -(2n ** 54n)]);
    const hi = BigInt(prng.int(-(2 ** 31), 2 ** 31 - 1));
    return BigInt.asIntN(64, (hi << BigInt(prng.int(0, 32))) + BigInt(prng.int(0, 2 ** 32 - 1)));
  });
  const chunks: Uint8Array[] = [];
  const data = fromValues(values, "i64");
  const batch: RowBatch = {
    rows: values.length,
    columns: [{ name: "c0", type: "Int", nullable: true, values, data }],
  };
  await writeCsv(
    ["c0"],
    (async function* () {
      yield batch;
    })(),
    { write: (b) => Promise.resolve(void chunks.push(b)) },
  );
  const text = new TextDecoder().decode(new Uint8Array(chunks.flatMap((c) => [...c])));
  assert.equal(text, _expected([["Int", values]]));
});
