/**
 * The exported plan (`azof plan`) checked against things it does not compute itself: the files'
 * footers read with hyparquet, the fold of every row written (random histories with late rows,
 * ties and deletions), and DuckDB running the plan's SQL query.
 */

import assert from "node:assert/strict";
import { parquetMetadataAsync } from "npm:hyparquet@1.31.5";
import { type ExportedPlan, exportPlan } from "./plan_export.ts";
import { planSql } from "./plan_sql.ts";
import { planScan } from "./plan.ts";
import { scan } from "./scan.ts";
import { inRange } from "./key_ranges.ts";
import { openTable } from "../format/table.ts";
import { createTable } from "../write/create.ts";
import { LocalStore } from "../store/local.ts";
import type { ColumnType } from "../format/schema.ts";
import { type Cell, scanRows, toCell } from "../testing/cells.ts";
import { DuckOracle } from "../testing/duckdb_oracle.ts";
import {
  foldMap,
  type HistoryState,
  instantsToCheck,
  random,
  randomBatch,
  randomColumns,
  writeBatch,
} from "../testing/random_history.ts";
import { buildEvolvingTable, foldAt } from "../testing/evolving_history.ts";
import { hasUpstreamTable, UPSTREAM_ROOT, upstreamTestName } from "../testing/upstream.ts";

const _DAY = 86_400_000;
const _TESTDATA = new URL("../../testdata", import.meta.url).pathname;

/** Runs a plan's DuckDB query and returns its rows as cells (Int as text, instants as ms). */
async function duckRows(oracle: DuckOracle, plan: ExportedPlan): Promise<Cell[][]> {
  const types = new Map<string, ColumnType>(plan.schema.columns.map((c) => [c.name, c.type]));
  types.set("key", "String").set("event_time", "DateTime");
  const cells = plan.columns.map((name) => {
    const c = `q."${name.replaceAll('"', '""')}"`;
    const type = types.get(name)!;
    return type === "Int" ? `CAST(${c} AS VARCHAR)` : type === "DateTime" ? `epoch_ms(${c})` : c;
  });
  const rows = await oracle.rows(`SELECT ${cells.join(", ")} FROM (${planSql(plan, "duckdb")}) q`);
  return rows.map((row) => row.map((v) => toCell(typeof v === "bigint" ? Number(v) : v)));
}

Deno.test("exportPlan() lists planScan's files with ranks, paths and the footers' row groups", async () => {
  const table = openTable(_TESTDATA, "prices");
  const plan = await exportPlan(table, { splits: 3 });
  const planned = planScan(await table.snapshot()).files;
  assert.deepEqual(plan.files.map((f) => f.file), planned.map((f) => f.file));
  assert.deepEqual(plan.files.map((f) => f.rank), planned.map((_, i) => planned.length - 1 - i));
  for (const file of plan.files) {
    assert.equal(file.path, `${_TESTDATA}/prices/${file.file}`);
    const bytes = await Deno.readFile(file.path);
    assert.equal(file.bytes, bytes.length);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    const footer = await parquetMetadataAsync(buffer as ArrayBuffer);
    assert.equal(file.rows, Number(footer.num_rows));
    assert.deepEqual(
      file.rowGroups.map((g) => [g.index, g.rows]),
      footer.row_groups.map((g, i) => [i, Number(g.num_rows)]),
    );
    const names = footer.schema.slice(1).map((e) => e.name);
    assert.equal(file.hasDeleted, names.includes("_deleted"));
    assert.deepEqual(file.columns, plan.columns.filter((c) => names.includes(c)));
    assert.deepEqual(
      Object.entries(file.fileColumns),
      ["key", "event_time", ...file.columns.slice(2)].map((c) => [c, c]),
    );
  }
  assert.equal(plan.asOf, null);
  assert.deepEqual(plan.columns.slice(0, 2), ["key", "event_time"]);
  assert.match(plan.resolution.winner, /higher rank/);
});

Deno.test("exportPlan() leaves out row groups after the instant and those without a selected key", async () => {
  const table = openTable(_TESTDATA, "prices");
  const all = await exportPlan(table, { asOf: Date.UTC(2024, 11, 31) });
  const one = await exportPlan(table, { asOf: Date.UTC(2024, 11, 31), keys: ["ZZZZ"] });
  assert.ok(all.files.some((f) => f.rowGroups.length > 0));
  assert.deepEqual(one.files.map((f) => f.rowGroups.length), one.files.map(() => 0));
  assert.deepEqual(one.keys, ["ZZZZ"]);
  for (const f of all.files) {
    for (const g of f.rowGroups) assert.ok(g.eventTimeMin === null || g.eventTimeMin <= all.asOf!);
  }
});

Deno.test("the DuckDB query of a plan equals the fold of every write (random histories)", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "azof-plan-sql-" });
  const oracle = await DuckOracle.open();
  try {
    for (const seed of [11, 12, 13]) {
      await t.step(`seed ${seed}`, async () => {
        const rnd = random(seed);
        const columns = randomColumns(rnd);
        const table = await createTable(new LocalStore(dir), `t${seed}`, { columns }, {
          segment: ["P1Y", "P3M"],
        });
        const origin = Date.UTC(2021, 0, 1);
        const keys = Array.from({ length: 40 }, (_, i) => `k${i}`).concat([
          "é",
          "\u{1F600}",
          "\uffff",
        ]);
        const h: HistoryState = { columns, keys, origin, clock: origin, written: [] };
        for (let w = 0; w < 6; w++) {
          await writeBatch(table, rnd, h, randomBatch(rnd, h, 200 * _DAY, 60));
        }
        const segments = (await table.snapshot()).segments;
        const instants = instantsToCheck(rnd, h, segments, 800 * _DAY)
          .filter(() => rnd() < 0.3)
          .slice(0, 8);
        for (const asOf of [undefined, ...instants]) {
          const plan = await exportPlan(table, { asOf, splits: 3 });
          const want = [...foldMap(h.written, asOf)]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, v]) => [k, ...v].map(toCell));
          // JavaScript's < orders UTF-16 units; DuckDB and azof use code points.
          want.sort((a, b) => _codePoints(a[0] as string, b[0] as string));
          assert.deepEqual(await duckRows(oracle, plan), want, `seed ${seed} as of ${asOf}`);
          for (const row of want) {
            assert.equal(plan.keyRanges.filter((r) => inRange(row[0] as string, r)).length, 1);
          }
        }
        const selected = await exportPlan(table, {
          columns: [columns[0]!.name, "key"],
          keys: ["k1", "k2"],
          keyPrefixes: ["k3"],
        });
        const picked = [...foldMap(h.written, undefined)]
          .filter(([k]) => k === "k1" || k === "k2" || k.startsWith("k3"))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => [toCell(v[1]), k]);
        assert.deepEqual(await duckRows(oracle, selected), picked);
      });
    }
  } finally {
    oracle.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the DuckDB query of a plan equals scan() and the fold on altered tables, at every snapshot", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "azof-plan-evolve-" });
  const oracle = await DuckOracle.open();
  try {
    for (const seed of [3, 4, 5, 6, 7, 8]) {
      await t.step(`seed ${seed}`, async () => {
        const store = new LocalStore(`${dir}/${seed}`);
        const { table, h } = await buildEvolvingTable(store, seed);
        const rnd = random(seed * 31);
        for (const [version, columns] of h.schemas) {
          const times = h.rows.map((r) => r.t).filter(() => rnd() < 0.1).slice(0, 3);
          for (const asOf of [undefined, ...times]) {
            const plan = await exportPlan(table, { asOf, version });
            const where = `seed ${seed}, s${version}, as of ${asOf}`;
            assert.deepEqual(plan.schema.columns.map((c) => c.name), columns.map((c) => c.name));
            const want = [...foldAt(h, version, columns, asOf)]
              .map(([k, v]) => [k, ...v].map(toCell))
              .sort((a, b) => _codePoints(a[0] as string, b[0] as string));
            const got = await duckRows(oracle, plan);
            assert.deepEqual(got, want, where);
            assert.deepEqual(got, await scanRows(await scan(table, { asOf, version })), where);
          }
        }
        // Only some columns, in another order: renamed ones come from each file's own column.
        const columns = [...h.columns.map((c) => c.name).reverse(), "key"];
        const some = await duckRows(oracle, await exportPlan(table, { columns }));
        assert.deepEqual(some, await scanRows(await scan(table, { columns })), `seed ${seed}`);
      });
    }
  } finally {
    oracle.close();
    await Deno.remove(dir, { recursive: true });
  }
});

function _codePoints(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

Deno.test({
  name: upstreamTestName("the DuckDB query of financials' plan equals scan()", "financials"),
  ignore: !hasUpstreamTable("financials"),
  async fn() {
    const table = openTable(UPSTREAM_ROOT, "financials");
    const oracle = await DuckOracle.open();
    try {
      const instants = [Date.UTC(2019, 0, 17), Date.UTC(2019, 5, 1), Date.UTC(2010, 5, 30, 1)];
      for (const asOf of [...instants, undefined]) {
        const plan = await exportPlan(table, { asOf });
        assert.deepEqual(await duckRows(oracle, plan), await scanRows(await scan(table, { asOf })));
      }
    } finally {
      oracle.close();
    }
  },
});

Deno.test("the Spark and Trino queries have one SELECT per file, ranks and the instant's next ms", async () => {
  const plan = await exportPlan(openTable(_TESTDATA, "prices"), {
    asOf: Date.UTC(2024, 5, 30),
    keyPrefixes: ["A'B"],
  });
  for (const dialect of ["spark", "trino"] as const) {
    const sql = planSql(plan, dialect);
    for (const f of plan.files) {
      assert.ok(sql.includes(`${f.rank} AS __rank`), dialect);
      assert.ok(sql.includes(f.path), dialect);
    }
    assert.equal(sql.split("UNION ALL").length, plan.files.length);
    assert.match(sql, /2024-06-30.00:00:00\.001/);
    assert.match(sql, /'A''B'/);
    assert.match(sql, /ORDER BY .*event_time.* DESC, __rank DESC, __row DESC/);
  }
  assert.match(planSql(plan, "spark"), /_metadata\.row_index/);
  assert.match(planSql(plan, "trino"), /"\$path" = '/);
});

Deno.test("the query of an empty plan returns no rows with the output's types", async () => {
  const plan = await exportPlan(openTable(_TESTDATA, "prices"), { asOf: Date.UTC(1990, 0, 1) });
  assert.equal(plan.files.length, 0);
  const oracle = await DuckOracle.open();
  try {
    assert.deepEqual(await duckRows(oracle, plan), []);
  } finally {
    oracle.close();
  }
});
