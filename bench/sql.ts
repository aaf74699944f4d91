/**
 * `azof sql` benchmarks (issue 7): the README query on financials and an aggregate over the 5M-row
 * table of {@linkcode generate5m}, whole-process, through the shared {@linkcode measure} harness.
 *
 * @module
 */

import { AZOF, exists, UPSTREAM } from "./common.ts";
import { measure } from "./measure.ts";
import type { Row } from "./report.ts";
import { generate5m } from "./scan_5m.ts";

const _SQL = [...AZOF.slice(0, -1), "--allow-ffi", AZOF.at(-1)!, "sql"];

const _README_QUERY = `SELECT key AS symbol, revenue, net_income
  FROM financials AT ('2019-01-17T00:00:00.000Z')
 WHERE industry IN ('Software') ORDER BY revenue DESC LIMIT 5`;

const _AGGREGATE = "SELECT count(*) AS keys, sum(amount) AS amount, avg(price) AS price FROM t5m";

/**
 * Measures the SQL cases.
 *
 * @param runs Measured runs each.
 * @returns Result rows.
 */
export async function benchSql(runs: number): Promise<Row[]> {
  const rows: Row[] = [];
  if (await exists(`${UPSTREAM}/financials/s1.json`)) {
    rows.push({
      name: "azof sql: README query on financials",
      azof: await measure([..._SQL, "-p", UPSTREAM, _README_QUERY], { runs }),
      target: { ms: 1000 },
    });
  } else {
    console.error("skipping the README query: ../shared/upstream-testdata/financials not found");
  }
  const root = (await generate5m()).replace(/\/t5m$/, "");
  const cases: [string, string][] = [
    ["as of 2024-01-03T12:00Z", `${_AGGREGATE} AT ('2024-01-03T12:00:00Z')`],
    ["current state", _AGGREGATE],
  ];
  for (const [name, query] of cases) {
    rows.push({
      name: `azof sql: aggregate over 5M rows, ${name}`,
      azof: await measure([..._SQL, "-p", root, query], { runs }),
      target: {},
    });
  }
  rows.push({
    name: "azof sql: SELECT 1 (start-up + DuckDB load)",
    azof: await measure([..._SQL, "-p", root, "SELECT 1"], { runs }),
    target: {},
  });
  return rows;
}
