/**
 * `deno task bench`: runs the benchmarks of issue 2 and prints a Markdown report for
 * docs/BENCHMARKS.md. Flags: `--only startup,financials,scan5m,sql` (default all), `--runs N` (measured
 * runs per command after one warm-up; default 5 for start-up, 3 for the scans). `--only write` (or
 * `ingest`, `append`, `stream`) runs the write-path benchmarks of issue 3 (not in the default set:
 * they take minutes; default 1 run).
 * `--only keys` runs the key-scaling scan of issue 15 (bench/scan_keys.ts; not in the default set:
 * it writes tables of 1M and 10M keys first). `--only foreign` scans the same rows written by DuckDB
 * as files that are not key-ordered (bench/scan_foreign.ts; reads the CSVs `--only keys` wrote).
 * `--only s3` runs the object-storage benchmark of issue 5 (bench/s3.ts; not in the default set).
 * `--only compact` runs the compaction benchmark of issue 4 (bench/compact.ts; not in the default
 * set: generating and compacting 40 years takes minutes).
 * `--only evolve` runs the change-feed and diff benchmarks of issue 17 (bench/evolve.ts; not in the
 * default set).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { OUT } from "./common.ts";
import { rssMethod } from "./measure.ts";
import { machine, markdown, type Row } from "./report.ts";
import { bench5m } from "./scan_5m.ts";
import { benchFinancials } from "./scan_financials.ts";
import { benchKeys } from "./scan_keys.ts";
import { benchForeign } from "./scan_foreign.ts";
import { benchSql } from "./sql.ts";
import { benchS3 } from "./s3.ts";
import { benchCompact, compactMarkdown } from "./compact.ts";
import { benchStartup } from "./startup.ts";
import { benchWrite, WRITE_CASES } from "./write.ts";
import { benchEvolve } from "./evolve.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { only: { type: "string" }, runs: { type: "string" } },
});
const only = new Set((values.only ?? "startup,financials,scan5m,sql").split(","));
const runs = values.runs === undefined ? undefined : Number(values.runs);

const rows: Row[] = [];
if (only.has("startup")) rows.push(...await benchStartup(runs ?? 5));
if (only.has("financials")) rows.push(...await benchFinancials(runs ?? 3));
if (only.has("scan5m")) rows.push(...await bench5m(runs ?? 3));
if (only.has("sql")) rows.push(...await benchSql(runs ?? 3));
if (only.has("keys")) rows.push(...await benchKeys(runs ?? 3));
if (only.has("foreign")) rows.push(...await benchForeign(runs ?? 3));
const s3Report = only.has("s3") ? await benchS3(runs ?? 5) : undefined;
const writeCases = new Set(WRITE_CASES.filter((c) => only.has("write") || only.has(c)));
if (writeCases.size > 0) rows.push(...await benchWrite(writeCases, runs ?? 1));
const compact = only.has("compact") ? await benchCompact(runs ?? 3) : undefined;
const evolve = only.has("evolve") ? await benchEvolve(runs ?? 3) : undefined;
if (compact) rows.push(...compact.rows);

await Deno.mkdir(OUT, { recursive: true });
await Deno.writeTextFile(`${OUT}results.json`, JSON.stringify(rows, null, 2) + "\n");
console.log(await machine());
console.log(`- Peak RSS: ${rssMethod()}; times are medians of the measured runs\n`);
console.log(markdown(rows));
if (s3Report) console.log(`\n${s3Report}`);
if (compact) console.log(`\n${compactMarkdown(compact)}`);
if (evolve) console.log(`\n${evolve}`);
