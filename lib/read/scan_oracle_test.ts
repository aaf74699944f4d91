/**
 * The financials table (upstream's pyarrow files: 171 files, 22,855 companies, strings with
 * newlines; yearly segments 2000–2020 with quarterly children, 2021 open) read at many instants and
 * compared, full rows, with DuckDB resolving the same files on its own.
 *
 * Two independent checks per instant:
 * 1. the plan equals a file list derived from the files' naming and the calendar alone
 *    (`year_YYYY_qN_delta`, `year_YYYY_qN_base` except Q1, `year_YYYY_base`), not from s1.json;
 * 2. the scan's rows equal DuckDB's window-function resolution of the planned files.
 */

import assert from "node:assert/strict";
import { planScan } from "./plan.ts";
import { scan } from "./scan.ts";
import { openTable } from "../format/table.ts";
import { formatInstant } from "../format/time.ts";
import { assertSameRows, scanRows } from "../testing/cells.ts";
import { DuckOracle, rowsText } from "../testing/duckdb_oracle.ts";
import { Prng } from "../write/prng.ts";
import { within } from "../testing/deadline.ts";
import { hasUpstreamTable, UPSTREAM_ROOT, upstreamTestName } from "../testing/upstream.ts";

const TABLE = "financials";

/** The files a read as of `asOf` must open, from the financials naming and the calendar. */
function expectedFiles(asOf: number | null): string[] {
  if (asOf === null) return ["year_2021_base.parquet"];
  const date = new Date(asOf);
  const year = date.getUTCFullYear();
  if (year < 2000) return [];
  if (year >= 2021) return ["year_2021_base.parquet"];
  const quarter = Math.floor(date.getUTCMonth() / 3) + 1;
  const q = `year_${year}_q${quarter}`;
  return [
    `${q}_delta.parquet`,
    ...(quarter > 1 ? [`${q}_base.parquet`] : []),
    `year_${year}_base.parquet`,
  ];
}

/** Every quarter boundary from 2000 to 2021 ± 1 ms: each segment's and delta's start - 1, start, end, end + 1. */
function boundaryInstants(): number[] {
  const out: number[] = [];
  for (let year = 2000; year <= 2021; year++) {
    for (let month = 0; month < 12; month += 3) {
      const start = Date.UTC(year, month, 1);
      out.push(start - 1, start);
      if (year === 2021) break;
    }
  }
  return out;
}

Deno.test({
  name: upstreamTestName(
    "scan() of financials matches DuckDB at every boundary ±1 ms, 40 random instants and now",
    TABLE,
  ),
  ignore: !hasUpstreamTable(TABLE),
  async fn(t) {
    const table = openTable(UPSTREAM_ROOT, TABLE);
    const snapshot = await table.snapshot();
    const columns = snapshot.schema.columns.map((c) => ({ name: c.name, type: c.type }));
    const oracle = await DuckOracle.open();
    try {
      await t.step("the boundary list covers every segment and delta bound of s1.json", () => {
        const listed = new Set(boundaryInstants());
        const bounds: number[] = [];
        const visit = (s: (typeof snapshot.segments)[number]) => {
          bounds.push(s.start - 1, s.start);
          if (s.end !== undefined) bounds.push(s.end, s.end + 1);
          for (const d of s.deltas) bounds.push(d.start - 1, d.start, d.end, d.end + 1);
          s.children.forEach(visit);
        };
        snapshot.segments.forEach(visit);
        assert.equal(bounds.length, 2 * 106 + 2 * 105 + 4 * 84);
        for (const b of bounds) assert.ok(listed.has(b), `bound ${formatInstant(b)} not tested`);
      });

      const random = new Prng(20_240_517);
      const lo = Date.UTC(1999, 0, 1);
      const hi = Date.UTC(2022, 11, 31, 23, 59, 59, 999);
      const instants: (number | null)[] = [
        ...boundaryInstants(),
        ...Array.from({ length: 40 }, () => lo + Math.floor(random.next() * (hi - lo))),
        null,
      ];
      let nonEmpty = 0;
      let sorted = 0;
      for (const [i, asOf] of instants.entries()) {
        const label = asOf === null ? "current" : formatInstant(asOf);
        const plan = planScan(snapshot, { asOf: asOf ?? undefined });
        assert.deepEqual(plan.files.map((f) => f.file), expectedFiles(asOf), `plan as of ${label}`);
        const paths = plan.files.map((f) => `${UPSTREAM_ROOT}${TABLE}/${f.file}`);
        // Our scan (JavaScript) and DuckDB (native threads) run side by side.
        const [ours, theirs] = await Promise.all([
          scan(table, { asOf: asOf ?? undefined }).then(scanRows),
          oracle.resolveText(paths, asOf, columns),
        ]);
        if (rowsText(ours) !== theirs) {
          // Compare row by row for a message naming the first difference.
          assertSameRows(
            ours,
            await oracle.resolve(paths, asOf, columns),
            `financials as of ${label}`,
          );
          assert.fail(`financials as of ${label}: answers differ`);
        }
        if (ours.length > 0) nonEmpty++;
        if (i % 8 === 0) {
          // The same read through sorted runs of 4,096 rows (the files are pyarrow's, unordered),
          // sorted on two threads (the sorting worker).
          const runs = await within(
            `a scan of financials sorting on two threads, as of ${label}`,
            async () =>
              await scanRows(await scan(table, { asOf: asOf ?? undefined, sortBudgetRows: 4096 })),
            60_000,
          );
          assert.equal(rowsText(runs), theirs, `runs, as of ${label}`);
          sorted++;
        }
      }
      await t.step(`${sorted} of them also read through sorted runs`, () => {
        assert.ok(sorted > 20);
      });
      await t.step(`${instants.length} instants compared, ${nonEmpty} with rows`, () => {
        assert.ok(nonEmpty > instants.length * 0.8);
      });

      await t.step("some answers hold strings with newlines and Ints beyond 32 bits", async () => {
        const rows = await scanRows(await scan(table, { asOf: Date.UTC(2010, 5, 30) }));
        assert.ok(rows.some((r) => typeof r[2] === "string" && r[2].includes("\n")));
        const big = (v: unknown) =>
          typeof v === "string" && (BigInt(v) > 2n ** 31n || BigInt(v) < -(2n ** 31n));
        assert.ok(rows.some((r) => r.slice(3).some(big)));
      });

      await t.step(
        "the current state equals the last instant of 2020's answer moved forward",
        async () => {
          // year_2021_base holds the state at 2021-01-01: every key, each with its latest event.
          const now = await scanRows(await scan(table));
          const end2020 = await scanRows(await scan(table, { asOf: Date.UTC(2021, 0, 1) - 1 }));
          assert.equal(now.length, 22_855);
          assert.deepEqual(now.map((r) => r[0]), end2020.map((r) => r[0]));
        },
      );
    } finally {
      oracle.close();
    }
  },
});
