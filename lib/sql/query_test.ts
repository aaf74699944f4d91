import assert from "node:assert/strict";
import type { Value } from "../format/schema.ts";
import { AzofError } from "../errors.ts";
import { scan } from "../read/scan.ts";
import { openTable } from "../format/table.ts";
import { parseInstant } from "../format/time.ts";
import { openEngine } from "./engine.ts";
import { query } from "./query.ts";
import { collectRows, sqlRows, writeDataFile } from "./test_util.ts";

const COLUMNS = [
  { name: "value", type: "String" },
  { name: "n", type: "Int" },
  { name: "price", type: "Float" },
] as const;
const SCHEMA = {
  columns: COLUMNS.map((c) => ({ name: c.name, data_type: c.type, nullable: true })),
};
const ms = (text: string) => parseInstant(text);

/**
 * Table `hist`: s1 has base.parquet only; s2 adds d1.parquet (with `_deleted`, ties within and
 * across files) and d2.parquet (written by DuckDB: naive micros timestamps, no `price`, no
 * `_deleted`). Table `labels`: key → label. Table `none`: no files.
 */
async function makeTables(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "azof-sql-" });
  const dir = `${root}/hist`;
  await Deno.mkdir(dir);
  const jan1 = ms("2024-01-01");
  await writeDataFile(`${dir}/base.parquet`, COLUMNS, [
    ["a", jan1, "a0", 1n, 1.5],
    ["b", jan1, "b0", 2n, 2.5],
    ["c", jan1, "c0", 3n, null],
    ["f", jan1, "f-base", 6n, 6.5],
  ]);
  await writeDataFile(`${dir}/d1.parquet`, COLUMNS, [
    ["a", ms("2024-02-10"), "a1", 10n, 10.5, false],
    ["b", ms("2024-02-15"), null, null, null, true],
    ["d", ms("2024-03-01"), "d0", 4n, 4.5, null],
    ["c", ms("2024-03-05"), null, null, null, true],
    ["e", ms("2024-03-10"), "e-first", 5n, 5.5, false],
    ["e", ms("2024-03-10"), "e-second", 55n, 55.5, false],
    ["f", jan1, "f-delta", 66n, 66.5, false],
    ["b", ms("2024-03-20"), "b2", 22n, 22.5, false],
  ], true);
  const engine = await openEngine({ threads: 1 });
  await engine.connection.run(`COPY (SELECT * FROM (VALUES
    ('g', TIMESTAMP '2024-04-02 12:00:00.000999', 'g0', 7::BIGINT),
    ('a', TIMESTAMP '2024-04-03 00:00:00', 'a2', 20::BIGINT))
    AS v(key, event_time, value, n)) TO '${dir}/d2.parquet' (FORMAT parquet)`);
  engine.close();
  const segment = { id: "2024", start: "2024-01-01T00:00:00.000Z", file: "base.parquet" };
  await Deno.writeTextFile(
    `${dir}/s1.json`,
    JSON.stringify({ schema: SCHEMA, segments: [segment] }),
  );
  const deltas = [
    { file: "d1.parquet", start: "2024-02-01T00:00:00.000Z", end: "2024-03-31T23:59:59.999Z" },
    { file: "d2.parquet", start: "2024-04-01T00:00:00.000Z", end: "2024-04-30T23:59:59.999Z" },
  ];
  await Deno.writeTextFile(
    `${dir}/s2.json`,
    JSON.stringify({ schema: SCHEMA, segments: [{ ...segment, delta: deltas }] }),
  );
  await Deno.writeTextFile(`${dir}/version.txt`, "2");
  await Deno.mkdir(`${root}/labels`);
  await writeDataFile(`${root}/labels/base.parquet`, [{ name: "label", type: "String" }], [
    ["a", jan1, "Apple"],
    ["d", jan1, "Durian"],
    ["g", jan1, "Grape"],
  ]);
  await Deno.writeTextFile(
    `${root}/labels/s1.json`,
    JSON.stringify({
      schema: { columns: [{ name: "label", data_type: "String", nullable: false }] },
      segments: [{ id: "all", start: "2024-01-01T00:00:00.000Z", file: "base.parquet" }],
    }),
  );
  await Deno.mkdir(`${root}/none`);
  await Deno.writeTextFile(
    `${root}/none/s1.json`,
    JSON.stringify({ schema: SCHEMA, segments: [] }),
  );
  return root;
}

async function scanRows(root: string, asOf?: number, version?: number): Promise<Value[][]> {
  return collectRows((await scan(openTable(root, "hist"), { asOf, version })).batches);
}

const INSTANTS = [
  "2023-12-31T23:59:59.999Z",
  "2024-01-01T00:00:00.000Z",
  "2024-02-10T00:00:00.000Z",
  "2024-02-15T00:00:00.000Z",
  "2024-03-05T00:00:00.000Z",
  "2024-03-10T00:00:00.000Z",
  "2024-03-31T23:59:59.999Z",
  "2024-04-02T12:00:00.000Z",
  "2024-04-02T11:59:59.999Z",
  "2025-01-01T00:00:00.000Z",
];

Deno.test("query() reads each table state as scan() does", async (t) => {
  const root = await makeTables();
  try {
    for (const instant of INSTANTS) {
      await t.step(`as of ${instant}`, async () => {
        const rows = await sqlRows(root, `SELECT * FROM hist AT ('${instant}') ORDER BY key`);
        assert.deepEqual(rows, await scanRows(root, ms(instant)));
      });
    }
    await t.step("current state", async () => {
      const rows = await sqlRows(root, "SELECT * FROM hist ORDER BY key");
      assert.deepEqual(rows, await scanRows(root));
      assert.deepEqual(rows.map((r) => r[0]), ["a", "b", "d", "e", "f", "g"]);
      assert.deepEqual(rows.find((r) => r[0] === "e")?.[2], "e-second", "later row of a file wins");
      assert.deepEqual(rows.find((r) => r[0] === "f")?.[2], "f-delta", "earlier file wins a tie");
      assert.deepEqual(rows.find((r) => r[0] === "g")?.[1], ms("2024-04-02T12:00:00.000Z"));
    });
    await t.step("AT (VERSION => n) reads snapshot n", async () => {
      const v1 = await sqlRows(root, "SELECT * FROM hist AT (VERSION => 1) ORDER BY key");
      assert.deepEqual(v1, await scanRows(root, undefined, 1));
      assert.deepEqual(v1.map((r) => r[2]), ["a0", "b0", "c0", "f-base"]);
      const v2 = await sqlRows(root, "SELECT * FROM hist AT (VERSION => 2) ORDER BY key");
      assert.deepEqual(v2, await scanRows(root));
    });
    await t.step("deleted keys are absent, and come back when written again", async () => {
      const at = (i: string) => sqlRows(root, `SELECT key FROM hist AT ('${i}') ORDER BY key`);
      assert.deepEqual((await at("2024-03-06")).flat(), ["a", "d", "f"]);
      assert.deepEqual((await at("2024-03-20")).flat(), ["a", "b", "d", "e", "f"]);
    });
    await t.step("a table with no files is empty, with typed columns", async () => {
      const result = await query(root, "SELECT * FROM none");
      assert.deepEqual(result.columns.map((c) => `${c.name}:${c.type}`), [
        "key:String",
        "event_time:DateTime",
        "value:String",
        "n:Int",
        "price:Float",
      ]);
      assert.deepEqual(await collectRows(result.batches), []);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("query() accepts every time-travel syntax, before or after an alias", async () => {
  const root = await makeTables();
  try {
    const expected = await scanRows(root, ms("2024-03-06"));
    for (
      const from of [
        "hist AT ('2024-03-06T00:00:00.000Z')",
        "hist AT ('2024-03-06')",
        "hist FOR SYSTEM_TIME AS OF '2024-03-06T01:00:00+01:00'",
        "hist AT (TIMESTAMP => '2024-03-06 00:00:00')",
        "hist h AT (TIMESTAMP => '2024-03-06')",
        "hist AS h AT ('2024-03-06')",
        "hist AT ('2024-03-06') AS h",
        "hist AT ('2024-03-06') h",
        `"hist" FOR SYSTEM_TIME AS OF '2024-03-06' h`,
      ]
    ) {
      const rows = await sqlRows(root, `SELECT * FROM ${from} ORDER BY key`);
      assert.deepEqual(rows, expected, from);
    }
    const qualified = await sqlRows(root, "SELECT hist.key FROM hist AT ('2024-03-06') ORDER BY 1");
    assert.deepEqual(qualified.flat(), expected.map((r) => r[0]));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("query() joins tables, aggregates, and reads one table at two instants", async (t) => {
  const root = await makeTables();
  try {
    const before = await scanRows(root, ms("2024-01-15"));
    const after = await scanRows(root, ms("2024-04-15"));
    await t.step("self-join of two instants", async () => {
      const rows = await sqlRows(
        root,
        `SELECT coalesce(a.key, b.key) AS key, a.n AS n_before, b.n AS n_after
           FROM hist AT ('2024-01-15') a FULL JOIN hist AT ('2024-04-15') b ON a.key = b.key
          ORDER BY 1`,
      );
      const keys = [...new Set([...before, ...after].map((r) => r[0] as string))].sort();
      const n = (rows: Value[][], key: string) => rows.find((r) => r[0] === key)?.[3] ?? null;
      assert.deepEqual(rows, keys.map((k) => [k, n(before, k), n(after, k)]));
    });
    await t.step("aggregates", async () => {
      const rows = await sqlRows(
        root,
        "SELECT count(*), sum(n), max(price), max(event_time) FROM hist AT ('2024-04-15')",
      );
      const sum = after.reduce((s, r) => s + ((r[3] as bigint | null) ?? 0n), 0n);
      const maxPrice = Math.max(
        ...after.map((r) => r[4] as number | null).filter((p) => p !== null),
      );
      const maxTime = Math.max(...after.map((r) => r[1] as number));
      assert.deepEqual(rows, [[BigInt(after.length), sum, maxPrice, maxTime]]);
    });
    await t.step("join of two tables, each at its own instant", async () => {
      const rows = await sqlRows(
        root,
        `SELECT h.key, h.value, l.label FROM hist h JOIN labels AT ('2024-06-01') l USING (key)
          ORDER BY h.key`,
      );
      const labels: Record<string, string> = { a: "Apple", d: "Durian", g: "Grape" };
      const current = await scanRows(root);
      assert.deepEqual(
        rows,
        current.filter((r) => labels[r[0] as string]).map((
          r,
        ) => [r[0], r[2], labels[r[0] as string]]),
      );
    });
    await t.step("CTEs and table functions are not taken for tables", async () => {
      const rows = await sqlRows(
        root,
        "WITH hist AS (SELECT 1 AS x) SELECT count(*) FROM hist, range(3)",
      );
      assert.deepEqual(rows, [[3n]]);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("query() maps DuckDB types to azof column types", async () => {
  const root = await Deno.makeTempDir();
  try {
    const result = await query(
      root,
      `SELECT 1::TINYINT a, 2::UBIGINT b, 1.25::DECIMAL(5,2) c, 0.5::FLOAT d, true e,
        DATE '2020-01-02' f, TIMESTAMP_NS '2020-01-01 00:00:00.0015' g, [1, 2] h, NULL::VARCHAR i,
        TIMESTAMPTZ '1969-12-31 23:59:59.9995+00' j`,
    );
    assert.deepEqual(result.columns.map((c) => c.type), [
      "Int",
      "Int",
      "Float",
      "Float",
      "Boolean",
      "DateTime",
      "DateTime",
      "String",
      "String",
      "DateTime",
    ]);
    assert.deepEqual(await collectRows(result.batches), [[
      1n,
      2n,
      1.25,
      0.5,
      true,
      ms("2020-01-02"),
      ms("2020-01-01T00:00:00.001Z"),
      "[1, 2]",
      null,
      -1,
    ]]);
  } finally {
    await Deno.remove(root);
  }
});

Deno.test("query() streams a large result in chunks", async () => {
  const root = await Deno.makeTempDir();
  try {
    const result = await query(root, "SELECT range AS i FROM range(100000)");
    let rows = 0;
    let batches = 0;
    for await (const batch of result.batches) {
      rows += batch.rows;
      batches++;
      assert.ok(batch.rows <= 2048);
    }
    assert.equal(rows, 100000);
    assert.ok(batches >= 49);
  } finally {
    await Deno.remove(root);
  }
});

Deno.test("query() errors: one line naming the problem", async (t) => {
  const root = await makeTables();
  const fails = async (sql: string, code: string, message: RegExp) => {
    await assert.rejects(() => sqlRows(root, sql), (error: unknown) => {
      assert.ok(error instanceof AzofError, String(error));
      assert.equal(error.code, code);
      assert.match(error.message, message);
      assert.ok(!error.message.includes("\n"), error.message);
      assert.ok(!error.message.includes("__azof"), error.message);
      return true;
    });
  };
  try {
    await t.step("syntax error with the position in the query as written", () =>
      fails(
        "SELECT key\nFROM hist AT ('2024-01-01')\nWHER n > 1",
        "InputInvalid",
        /^SQL syntax error at line 3, column 6: syntax error at or near "n"/,
      ));
    await t.step(
      "unknown table",
      () =>
        fails(
          "SELECT * FROM nope",
          "TableNotFound",
          /Unknown table "nope".*tables there: hist, labels, none/,
        ),
    );
    await t.step(
      "unknown table with a clause",
      () => fails("SELECT * FROM nope AT ('2024-01-01')", "TableNotFound", /Unknown table "nope"/),
    );
    await t.step(
      "bad time literal",
      () =>
        fails(
          "SELECT * FROM hist AT ('2024-02-30')",
          "InputInvalid",
          /Invalid time '2024-02-30' after hist/,
        ),
    );
    await t.step(
      "missing snapshot",
      () => fails("SELECT * FROM hist AT (VERSION => 9)", "InputInvalid", /s9\.json/),
    );
    await t.step(
      "unknown column, with the table named as written",
      () =>
        fails(
          "SELECT nope FROM hist AT ('2024-01-01') h",
          "InputInvalid",
          /Query failed: Binder Error.*"nope"/,
        ),
    );
    await t.step(
      "statements other than queries",
      () => fails("DROP TABLE hist", "InputInvalid", /queries only/),
    );
    await t.step(
      "several statements",
      () => fails("SELECT 1; SELECT 2", "InputInvalid", /one query at a time/),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
