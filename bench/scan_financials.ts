/**
 * The financials benchmark: `scan --as-of 2019-01-17 --format csv` on the upstream `financials`
 * table (171 pyarrow files), beside DuckDB computing the same answer from the same planned files.
 *
 * @module
 */

import { AZOF, duckCommand, exists, OUT, sha256File, UPSTREAM } from "./common.ts";
import { measure } from "./measure.ts";
import type { Row } from "./report.ts";

const _AS_OF = "2019-01-17";

/**
 * Measures both, and compares the outputs of their warm-up runs.
 *
 * @param runs Measured runs each.
 * @returns Result rows (none when `../shared` is absent).
 */
export async function benchFinancials(runs: number): Promise<Row[]> {
  if (!await exists(`${UPSTREAM}/financials`)) {
    console.error(`skipping financials: ${UPSTREAM}/financials is absent`);
    return [];
  }
  await Deno.mkdir(OUT, { recursive: true });
  const azofCsv = `${OUT}financials_azof.csv`;
  const duckCsv = `${OUT}financials_duckdb.csv`;
  const azof = await measure(
    [
      ...AZOF,
      "scan",
      "--path",
      UPSTREAM,
      "--table",
      "financials",
      "--as-of",
      _AS_OF,
      "--format",
      "csv",
    ],
    { runs, warmupStdout: azofCsv },
  );
  const duck = await measure(
    await duckCommand(UPSTREAM, "financials", {
      asOf: Date.parse(`${_AS_OF}T00:00:00Z`),
      job: `${OUT}financials_job.json`,
      csv: duckCsv,
    }),
    { runs },
  );
  const same = await sha256File(azofCsv) === await sha256File(duckCsv);
  return [{
    name: `financials scan --as-of ${_AS_OF} to CSV`,
    azof,
    duckdb: duck,
    same,
    target: { ratio: 2, ms: 300 },
  }];
}
