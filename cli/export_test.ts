/**
 * Exports are valid files: `scan -f parquet` and `-f arrow` of the upstream `financials` sample
 * (whose `industry` column is declared non-nullable but holds nulls) read in DuckDB with the same
 * rows as the CSV export, and in pyarrow (page CRCs verified) and polars when `AZOF_PYTHON` names a
 * Python with both installed (`.ci/run` makes one).
 */

import assert from "node:assert/strict";
import { DuckOracle, sqlString } from "../lib/testing/duckdb_oracle.ts";
import { CREATED_BY } from "../lib/format/version.ts";
import { runCli } from "./fixture_test_util.ts";
import { commandOutput } from "../lib/testing/deadline.ts";

const UPSTREAM = new URL("../../shared/upstream-testdata", import.meta.url).pathname;
async function exportTo(dir: string, format: string): Promise<string> {
  const path = `${dir}/financials.${format}`;
  const args = ["scan", "-p", UPSTREAM, "-t", "financials", "-f", format, "-o", path];
  const run = await runCli(args);
  assert.equal(run.code, 0, run.stderr);
  return path;
}

const PYTHON_CHECK = `
import json, sys
import pyarrow as pa, pyarrow.parquet as pq, polars as pl
parquet, arrow = sys.argv[1], sys.argv[2]
table = pq.read_table(parquet, page_checksum_verification=True)
frame = pl.read_parquet(parquet)
stream = pa.ipc.open_stream(open(arrow, "rb")).read_all()
print(json.dumps({
  "pyarrow": [table.num_rows, table.column("industry").null_count],
  "polars": [frame.height, frame["industry"].null_count()],
  "arrow": [stream.num_rows, stream.column("industry").null_count],
  "created_by": pq.ParquetFile(parquet).metadata.created_by,
}))
`;

Deno.test("scan exports of financials are valid files for DuckDB, pyarrow and polars", async (t) => {
  const dir = await Deno.makeTempDir();
  const duck = await DuckOracle.open();
  try {
    const parquet = await exportTo(dir, "parquet");
    const arrow = await exportTo(dir, "arrow");
    const csv = await exportTo(dir, "csv");
    const counts = async (from: string) =>
      (await duck.rows(`SELECT count(*), count(*) - count(industry) FROM ${from}`))[0]!.map(Number);
    const want = await counts(`read_csv(${sqlString(csv)})`);
    assert.ok(want[1]! > 0, "financials has null industries");
    await t.step("DuckDB reads the Parquet export with the CSV export's rows", async () => {
      const pq = `read_parquet(${sqlString(parquet)})`;
      assert.deepEqual(await counts(pq), want);
      const differ = await duck.rows(
        `SELECT count(*) FROM (SELECT key, epoch_ms(event_time), industry, revenue FROM ${pq}
         EXCEPT SELECT key, epoch_ms(event_time::TIMESTAMPTZ), industry, revenue
         FROM read_csv(${sqlString(csv)}))`,
      );
      assert.equal(Number(differ[0]![0]), 0);
    });
    await t.step("pyarrow and polars read both exports", async () => {
      const python = Deno.env.get("AZOF_PYTHON");
      if (!python) {
        console.warn(
          "\n!!! SKIPPED: AZOF_PYTHON is not set, so exports were not checked with pyarrow and " +
            "polars (.ci/run sets it) !!!\n",
        );
        return;
      }
      const out = await commandOutput(python, { args: ["-c", PYTHON_CHECK, parquet, arrow] });
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, stderr);
      const got = JSON.parse(new TextDecoder().decode(out.stdout));
      assert.deepEqual(got, {
        pyarrow: want,
        polars: want,
        arrow: want,
        created_by: CREATED_BY,
      });
    });
  } finally {
    duck.close();
    await Deno.remove(dir, { recursive: true });
  }
});
