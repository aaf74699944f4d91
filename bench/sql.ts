/**
 * `azof sql` benchmarks, whole-process (`deno run ... cli/main.ts sql ...`, median of 5 runs after
 * one warm-up):
 *
 * 1. the README query on the upstream `financials` table (target: under 1 s);
 * 2. aggregates over a synthetic 5,000,000-row table (1,000,000 keys × 5 events, one Parquet file
 *    written by DuckDB into bench/out/sql/, which is git-ignored), as of an instant and current.
 *
 * Run: `deno run --allow-all bench/sql.ts` (the table is generated on the first run).
 *
 * @module
 */

import { DuckDBInstance } from "@duckdb/node-api";

const ROOT = new URL("../", import.meta.url).pathname;
const OUT = `${ROOT}bench/out/sql`;
const UPSTREAM = `${ROOT}../shared/upstream-testdata`;
const AZOF = [
  Deno.execPath(),
  "run",
  "--quiet",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  "--allow-ffi",
  `${ROOT}cli/main.ts`,
  "sql",
];
const README_QUERY = `SELECT key AS symbol, revenue, net_income
  FROM financials AT ('2019-01-17T00:00:00.000Z')
 WHERE industry IN ('Software') ORDER BY revenue DESC LIMIT 5`;

async function makeTable(): Promise<void> {
  try {
    await Deno.stat(`${OUT}/t5m/s1.json`);
    return;
  } catch {
    // generate it
  }
  await Deno.mkdir(`${OUT}/t5m`, { recursive: true });
  const instance = await DuckDBInstance.create(":memory:", { threads: "2" });
  const connection = await instance.connect();
  await connection.run(`COPY (
    SELECT 'k' || lpad(CAST(i % 1000000 AS VARCHAR), 7, '0') AS key,
           make_timestamp(CAST(epoch_us(TIMESTAMP '2024-01-01') + (i // 1000000) * 86400000000
             + (i % 86400) * 1000000 AS BIGINT))::TIMESTAMPTZ AS event_time,
           CASE WHEN i % 7 = 0 THEN NULL ELSE 'name' || (i % 1000) END AS name,
           CAST(i % 10007 AS BIGINT) AS amount,
           (i % 1000) / 10.0 AS price
      FROM range(5000000) r(i)
  ) TO '${OUT}/t5m/data.parquet' (FORMAT parquet, COMPRESSION snappy)`);
  connection.closeSync();
  instance.closeSync();
  await Deno.writeTextFile(
    `${OUT}/t5m/s1.json`,
    JSON.stringify({
      schema: {
        columns: [
          { name: "name", data_type: "String", nullable: true },
          { name: "amount", data_type: "Int", nullable: false },
          { name: "price", data_type: "Float", nullable: false },
        ],
      },
      segments: [{ id: "all", start: "2024-01-01T00:00:00.000Z", file: "data.parquet" }],
    }),
  );
  await Deno.writeTextFile(`${OUT}/t5m/version.txt`, "1");
}

async function timeRuns(args: string[], runs = 5): Promise<{ median: number; output: string }> {
  let output = "";
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const out = await new Deno.Command(AZOF[0]!, { args: [...AZOF.slice(1), ...args] }).output();
    const ms = performance.now() - start;
    if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
    output = new TextDecoder().decode(out.stdout);
    if (i > 0) times.push(ms); // the first run warms caches
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, output };
}

if (import.meta.main) {
  const cases: [string, string[]][] = [];
  try {
    await Deno.stat(`${UPSTREAM}/financials/s1.json`);
    cases.push(["README query on financials", ["-p", UPSTREAM, README_QUERY]]);
  } catch {
    console.log("skipping the README query: ../shared/upstream-testdata/financials not found");
  }
  await makeTable();
  const aggregate = "SELECT count(*) AS keys, sum(amount) AS amount, avg(price) AS price FROM t5m";
  cases.push(
    ["aggregate, 5M rows, as of 2024-01-03T12:00Z", [
      "-p",
      OUT,
      `${aggregate} AT ('2024-01-03T12:00:00Z')`,
    ]],
    ["aggregate, 5M rows, current state", ["-p", OUT, aggregate]],
    ["SELECT 1 (start-up + DuckDB load)", ["-p", OUT, "SELECT 1"]],
  );
  console.log(`| case | median wall time (5 runs) | output |\n| --- | --- | --- |`);
  for (const [name, args] of cases) {
    const { median, output } = await timeRuns(args);
    const shown = output.trim().split("\n").slice(-1)[0]!.slice(0, 60);
    console.log(`| ${name} | ${median.toFixed(0)} ms | ${shown} |`);
  }
}
