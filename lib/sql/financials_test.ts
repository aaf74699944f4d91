/**
 * SQL over the upstream `financials` table (pyarrow files, yearly segments with quarterly children),
 * checked against `scan()` at the same instants with filters, sorts and joins done in TypeScript.
 */

import assert from "node:assert/strict";
import type { Value } from "../format/schema.ts";
import { scan } from "../read/scan.ts";
import { openTable } from "../format/table.ts";
import { parseInstant } from "../format/time.ts";
import { hasUpstreamTable, UPSTREAM_ROOT, upstreamTestName } from "../testing/upstream.ts";
import { scanObjects, sqlRows } from "./test_util.ts";

const TABLE = "financials";
const ignore = !hasUpstreamTable(TABLE);

/** The README query. */
export const README_QUERY = `SELECT key AS symbol, revenue, net_income
  FROM financials AT ('2019-01-17T00:00:00.000Z')
 WHERE industry IN ('Software')
 ORDER BY revenue DESC
 LIMIT 5`;

async function financialsAt(instant: string | undefined): Promise<Record<string, Value>[]> {
  const asOf = instant === undefined ? undefined : parseInstant(instant);
  return scanObjects(await scan(openTable(UPSTREAM_ROOT, TABLE), { asOf }));
}

/**
 * The README query computed from `scan()`: filter, sort by revenue descending (nulls last, as
 * DuckDB does), first five.
 */
export async function readmeExpected(): Promise<Value[][]> {
  const rows = (await financialsAt("2019-01-17T00:00:00.000Z"))
    .filter((r) => r.industry === "Software")
    .toSorted((a, b) => _compareDesc(a.revenue as bigint | null, b.revenue as bigint | null));
  return rows.slice(0, 5).map((r) => [r.key!, r.revenue!, r.net_income!]);
}

function _compareDesc(a: bigint | null, b: bigint | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return a === b ? 0 : a > b ? -1 : 1;
}

Deno.test({
  name: upstreamTestName("query() answers the README query as scan() + a TypeScript sort", TABLE),
  ignore,
  async fn() {
    const expected = await readmeExpected();
    assert.equal(expected.length, 5);
    assert.deepEqual(await sqlRows(UPSTREAM_ROOT, README_QUERY), expected);
  },
});

Deno.test({
  name: upstreamTestName("the README golden CSV equals scan() + a TypeScript sort", TABLE),
  ignore,
  async fn() {
    const golden = await Deno.readTextFile(
      new URL("./testdata/financials_readme.csv", import.meta.url),
    );
    const lines = (await readmeExpected()).map((r) => r.map(String).join(","));
    assert.equal(golden, ["symbol,revenue,net_income", ...lines, ""].join("\n"));
  },
});

Deno.test({
  name: upstreamTestName(
    "query() over financials: every row at several instants, aggregates, self-join",
    TABLE,
  ),
  ignore,
  async fn(t) {
    for (
      const instant of [
        "2000-01-01T00:00:00.000Z",
        "2019-03-31T23:59:59.999Z",
        "2019-04-01T00:00:00.000Z",
        undefined,
      ]
    ) {
      await t.step(`every column as of ${instant ?? "now"}`, async () => {
        const clause = instant === undefined ? "" : `AT ('${instant}')`;
        const rows = await sqlRows(
          UPSTREAM_ROOT,
          `SELECT * FROM financials ${clause} ORDER BY key`,
        );
        const expected = (await financialsAt(instant)).map((r) => Object.values(r));
        assert.equal(rows.length, expected.length);
        assert.deepEqual(rows, expected);
      });
    }
    await t.step("revenue per industry as of 2019-01-17", async () => {
      const rows = await sqlRows(
        UPSTREAM_ROOT,
        `SELECT industry, count(*) AS n, sum(revenue) AS revenue
           FROM financials FOR SYSTEM_TIME AS OF '2019-01-17' GROUP BY industry ORDER BY industry NULLS LAST`,
      );
      const groups = new Map<string | null, { n: bigint; revenue: bigint | null }>();
      for (const r of await financialsAt("2019-01-17")) {
        const g = groups.get(r.industry as string | null) ?? { n: 0n, revenue: null };
        g.n++;
        if (r.revenue !== null) g.revenue = (g.revenue ?? 0n) + (r.revenue as bigint);
        groups.set(r.industry as string | null, g);
      }
      const expected = [...groups].toSorted(([a], [b]) =>
        a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0
      ).map(([industry, g]) => [industry, g.n, g.revenue]);
      assert.deepEqual(rows, expected);
    });
    await t.step("revenue change of each company between two instants (self-join)", async () => {
      const rows = await sqlRows(
        UPSTREAM_ROOT,
        `SELECT a.key, b.revenue - a.revenue AS change
           FROM financials AT ('2018-01-17') a JOIN financials AT (TIMESTAMP => '2019-01-17') b
             ON a.key = b.key
          WHERE a.revenue IS NOT NULL AND b.revenue IS NOT NULL ORDER BY a.key`,
      );
      const before = new Map((await financialsAt("2018-01-17")).map((r) => [r.key, r.revenue]));
      const expected = (await financialsAt("2019-01-17"))
        .filter((r) => r.revenue !== null && before.get(r.key) != null)
        .map((r) => [r.key, (r.revenue as bigint) - (before.get(r.key) as bigint)]);
      assert.ok(expected.length > 1000);
      assert.deepEqual(rows, expected);
    });
  },
});

if (import.meta.main) {
  // Writes the golden file from scan() + the TypeScript sort (never from the SQL path):
  // deno run -A lib/sql/financials_test.ts
  const lines = (await readmeExpected()).map((r) => r.map(String).join(","));
  await Deno.writeTextFile(
    new URL("./testdata/financials_readme.csv", import.meta.url),
    ["symbol,revenue,net_income", ...lines, ""].join("\n"),
  );
}
