/**
 * The S3 cost of compaction (issue 13): a 1,000-row table written in 10 batches of 100 rows to a
 * local s3rver through the fault proxy ({@linkcode startS3FaultProxy}), then compacted with the
 * default layout and with a monthly one (`P1M`), clean and with 10% of requests answered 500 (seeded).
 * Prints requests by method, files read and written, and the compaction's wall time, as Markdown.
 *
 *     AZOF_S3RVER_DIR=/tmp/s3rver-bench .ci/s3rver.sh start && . /tmp/s3rver-bench/env
 *     deno run --allow-all bench/s3_compact.ts [--runs 3] [--verbose]
 *
 * @module
 */

import { parseArgs } from "node:util";
import { compactTable } from "../lib/compact/compact.ts";
import { createTable } from "../lib/write/create.ts";
import { Prng } from "../lib/write/prng.ts";
import { openTable } from "../lib/format/table.ts";
import { type S3ProxyLogEntry, startS3FaultProxy } from "../lib/testing/s3_fault_proxy.ts";
import { S3RVER_ENDPOINT, s3rverStore } from "../lib/testing/s3rver.ts";
import { writeRows } from "../lib/write/write.ts";
import { median } from "./measure.ts";

/** One compaction measured. */
export interface S3CompactRun {
  /** `default` or `P1M`. */
  readonly layout: string;
  /** The share of requests answered 500. */
  readonly faultRate: number;
  /** Requests the compaction sent (retries included). */
  readonly requests: number;
  /** Requests by method (`GET`, `HEAD`, `PUT`, `DELETE`, `LIST`). */
  readonly byMethod: Readonly<Record<string, number>>;
  /** Distinct data files read. */
  readonly filesRead: number;
  /** Data files written. */
  readonly filesWritten: number;
  /** Wall time of the compaction, ms (median of the runs). */
  readonly wallMs: number;
}

const _SCHEMA = { columns: [{ name: "v", type: "Int" as const, nullable: false }] };
const _START = Date.UTC(2022, 0, 1);
const _SPAN = Date.UTC(2025, 0, 1) - _START;

/**
 * Writes the 10 batches into a fresh prefix, directly (not through the proxy).
 *
 * @param endpoint The s3rver.
 * @returns The prefix the table is under.
 */
export async function writeBenchTable(endpoint: string): Promise<string> {
  const prefix = `compact-${crypto.randomUUID().slice(0, 8)}`;
  const table = await createTable(s3rverStore(endpoint, {}, prefix), "t", _SCHEMA);
  const prng = new Prng(13);
  for (let batch = 0; batch < 10; batch++) {
    const rows = Array.from({ length: 100 }, (_, i) => ({
      key: `k${prng.int(0, 199)}`,
      event_time: new Date(_START + Math.floor(prng.next() * _SPAN)).toISOString(),
      v: BigInt(batch * 100 + i),
    }));
    await writeRows(table, rows);
  }
  return prefix;
}

/**
 * Compacts a freshly written table through the proxy and counts what it sent.
 *
 * @param endpoint The s3rver.
 * @param layout `default` or a segment policy such as `P1M`.
 * @param faultRate The share of requests to answer 500.
 * @param verbose Print every request.
 * @returns The figures of one run.
 */
export async function measureCompaction(
  endpoint: string,
  layout: string,
  faultRate: number,
  verbose = false,
): Promise<S3CompactRun> {
  const prefix = await writeBenchTable(endpoint);
  const proxy = startS3FaultProxy({ upstream: endpoint, verbose });
  try {
    if (faultRate > 0) proxy.inject({ rate: faultRate, seed: 5, fault: { kind: "error-before" } });
    const table = openTable(s3rverStore(proxy.endpoint, {}, prefix), "t");
    const started = performance.now();
    const result = await compactTable(
      table,
      layout === "default" ? {} : { policy: { segment: [layout] } },
    );
    const wallMs = performance.now() - started;
    return _figures(layout, faultRate, proxy.log, result.files.length, wallMs);
  } finally {
    await proxy.close();
  }
}

function _figures(
  layout: string,
  faultRate: number,
  log: readonly S3ProxyLogEntry[],
  filesWritten: number,
  wallMs: number,
): S3CompactRun {
  const byMethod: Record<string, number> = {};
  for (const e of log) {
    const name = e.list ? "LIST" : e.method;
    byMethod[name] = (byMethod[name] ?? 0) + 1;
  }
  const read = new Set(
    log.filter((e) => e.method === "GET" && !e.list && e.key.endsWith(".parquet")).map((e) =>
      e.key
    ),
  );
  return {
    layout,
    faultRate,
    requests: log.length,
    byMethod,
    filesRead: read.size,
    filesWritten,
    wallMs,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { runs: { type: "string", default: "3" }, verbose: { type: "boolean" } },
  });
  if (!S3RVER_ENDPOINT) {
    console.error("error: AZOF_TEST_S3_ENDPOINT is not set (start a server with .ci/s3rver.sh)");
    Deno.exit(2);
  }
  console.log(
    "| layout | 5xx injected | requests | by method | files read | files written | bound 2(r+w)+20 | wall (median) |",
  );
  console.log("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: |");
  for (const layout of ["default", "P1M"]) {
    for (const rate of [0, 0.1]) {
      const runs: S3CompactRun[] = [];
      for (let i = 0; i < Number(values.runs); i++) {
        runs.push(await measureCompaction(S3RVER_ENDPOINT, layout, rate, values.verbose));
      }
      const r = runs[0]!;
      const methods = Object.entries(r.byMethod).map(([m, n]) => `${m} ${n}`).join(", ");
      const bound = 2 * (r.filesRead + r.filesWritten) + 20;
      const wall = median(runs.map((x) => x.wallMs));
      console.log(
        `| ${layout} | ${
          rate * 100
        }% | ${r.requests} | ${methods} | ${r.filesRead} | ${r.filesWritten} | ${bound} | ${
          (wall / 1000).toFixed(2)
        } s |`,
      );
    }
  }
}
