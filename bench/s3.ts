/**
 * The object-storage benchmark of issue 5 (`deno task bench --only s3`): `azof scan` of the upstream
 * `financials` table from a local S3 server (s3rver on loopback) beside the same scan from disk,
 * whole-process, in alternating runs (after one warm-up run of each), with wall time, CPU time
 * (user + system, from GNU time) and peak RSS per run. Requests and bytes fetched come from
 * `azof --verbose`; the bytes the scan needs are the column chunks of the row groups it decodes,
 * summed from the Parquet footers.
 *
 * The server is the one `AZOF_TEST_S3_ENDPOINT` names, else one this benchmark starts with
 * `.ci/s3rver.sh` (in bench/out/s3rver) and stops at the end. The table is uploaded once, under
 * `s3://<bucket>/bench/financials`, and re-uploaded only when its listing differs from the disk.
 *
 * @module
 */

import { parquetMetadata } from "npm:hyparquet@1.31.5";
import { openDataFile } from "../lib/parquet/data_file.ts";
import { scan } from "../lib/read/scan.ts";
import { fakeS3 } from "../lib/store/fake_s3_test_util.ts";
import { planScan } from "../lib/read/plan.ts";
import { DELETED, EVENT_TIME, KEY } from "../lib/format/schema.ts";
import { LocalStore } from "../lib/store/local.ts";
import { S3Store } from "../lib/store/s3.ts";
import { resolveS3Config } from "../lib/store/s3_config.ts";
import { openTable } from "../lib/format/table.ts";
import { parseInstant } from "../lib/format/time.ts";
import { AZOF, exists, OUT, ROOT, sha256File, UPSTREAM } from "./common.ts";
import { median } from "./measure.ts";

const _TABLE = "financials";
const _PREFIX = "bench";
/** Scans (`azof scan ... --format csv`), and `azof sql` queries (`sql` holds the query). */
const _CASES: readonly { name: string; asOf?: string; sql?: string }[] = [
  { name: "as of 2019-01-17", asOf: "2019-01-17" },
  { name: "current state" },
  {
    name: "sql: README query (as of 2019-01-17)",
    asOf: "2019-01-17",
    sql: `SELECT key AS symbol, revenue, net_income FROM financials AT ('2019-01-17T00:00:00.000Z')
      WHERE industry IN ('Software') ORDER BY revenue DESC LIMIT 5`,
  },
  {
    name: "sql: self-join 2018-06-30 / 2019-06-30",
    sql: `SELECT a.key, a.revenue AS r2018, b.revenue AS r2019
      FROM financials AT ('2018-06-30') a JOIN financials AT ('2019-06-30') b USING (key)
      ORDER BY key`,
  },
];
/** `azof` with `--allow-ffi`, as `azof sql` needs. */
const _AZOF_FFI = [...AZOF.slice(0, -1), "--allow-ffi", AZOF.at(-1)!];
/** s3rver's built-in key; it does not check signatures, so no secret is exercised here. */
const _CREDENTIALS = { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };

/** Runs of one command: medians and every run's figures. */
export interface S3Runs {
  /** Median wall time (ms). */
  readonly wallMs: number;
  /** Median CPU time, user + system (ms). */
  readonly cpuMs: number;
  /** Median peak RSS (MiB). */
  readonly rssMiB: number;
  /** Every run's wall time (ms). */
  readonly runsMs: readonly number[];
  /** Every run's CPU time (ms). */
  readonly runsCpuMs: readonly number[];
  /** Every run's peak RSS (MiB). */
  readonly runsMiB: readonly number[];
}

/** One scan from disk and from S3. */
export interface S3Row {
  /** Which scan. */
  readonly name: string;
  /** The scan from disk. */
  readonly disk: S3Runs;
  /** The scan from `s3://`. */
  readonly s3: S3Runs;
  /** HTTP requests of one S3 scan. */
  readonly requests: number;
  /** Response bytes of one S3 scan (snapshot files included). */
  readonly bytes: number;
  /** Bytes of the column chunks the scan decodes; for `sql`, the bytes of the planned files. */
  readonly needed: number;
  /** Whether this is an `azof sql` query rather than a scan. */
  readonly sql: boolean;
  /**
   * For a scan: the requests and bytes of the same scan (in-process, snapshot reads included)
   * against the in-process fake S3, which honours suffix ranges as AWS S3 does (s3rver does not).
   */
  readonly conforming?: { readonly requests: number; readonly bytes: number };
  /** Whether both scans wrote the same CSV. */
  readonly same: boolean;
}

/**
 * Runs the benchmark and renders its Markdown table.
 *
 * @param runs Measured runs per command (after one warm-up).
 * @returns The Markdown, or a line saying why it was skipped.
 */
export async function benchS3(runs: number): Promise<string> {
  if (!await exists(`${UPSTREAM}/${_TABLE}`)) return `skipped s3: ${UPSTREAM}/${_TABLE} is absent`;
  await Deno.mkdir(OUT, { recursive: true });
  const server = await _server();
  try {
    const env = { ..._CREDENTIALS, AWS_ENDPOINT_URL_S3: server.endpoint, AWS_REGION: "us-east-1" };
    for (const [name, value] of Object.entries(env)) Deno.env.set(name, value);
    const url = `s3://${server.bucket}/${_PREFIX}`;
    await _upload(new S3Store(url, { config: resolveS3Config(env, () => undefined) }));
    const rows: S3Row[] = [];
    for (const c of _CASES) rows.push(await _case(c, url, runs));
    await Deno.writeTextFile(`${OUT}s3_results.json`, JSON.stringify(rows, null, 2) + "\n");
    return markdownS3(rows);
  } finally {
    await server.stop();
  }
}

async function _case(c: (typeof _CASES)[number], url: string, runs: number): Promise<S3Row> {
  const args = (path: string) =>
    c.sql === undefined
      ? [
        ...AZOF,
        "scan",
        ...["--path", path, "--table", _TABLE, "--format", "csv"],
        ...(c.asOf ? ["--as-of", c.asOf] : []),
      ]
      : [..._AZOF_FFI, "sql", "--path", path, "--format", "csv", c.sql];
  const [diskCsv, s3Csv] = [`${OUT}s3_disk.csv`, `${OUT}s3_s3.csv`];
  await _timed(args(UPSTREAM), diskCsv);
  await _timed(args(url), s3Csv);
  // Alternating single runs, so that load from other processes falls on both alike.
  const [disk, s3] = [[] as _Run[], [] as _Run[]];
  for (let i = 0; i < runs; i++) {
    disk.push(await _timed(args(UPSTREAM), "/dev/null"));
    s3.push(await _timed(args(url), "/dev/null"));
  }
  const verbose = await new Deno.Command(args(url)[0]!, {
    args: [...args(url).slice(1), "--verbose"],
    stdout: "null",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(verbose.stderr);
  const traffic = /^s3: (\d+) requests, (\d+) bytes read$/m.exec(stderr);
  if (!verbose.success || !traffic) throw new Error(`azof scan --verbose on ${url}: ${stderr}`);
  return {
    name: c.name,
    disk: _combine(disk),
    s3: _combine(s3),
    requests: Number(traffic[1]),
    bytes: Number(traffic[2]),
    needed: c.sql === undefined
      ? await neededBytes(UPSTREAM, _TABLE, c.asOf ? parseInstant(c.asOf) : undefined)
      : await _plannedBytes(c.sql),
    sql: c.sql !== undefined,
    same: await sha256File(diskCsv) === await sha256File(s3Csv),
    ...(c.sql === undefined ? { conforming: await _conforming(c.asOf) } : {}),
  };
}

/** Requests and bytes of a scan from the in-process fake S3 (suffix ranges honoured). */
async function _conforming(asOf: string | undefined) {
  const fake = fakeS3("b");
  const local = new LocalStore(UPSTREAM);
  for (const entry of await local.list(`${_TABLE}/`)) {
    fake.objects.set(entry.key, await local.read(entry.key));
  }
  const store = new S3Store("s3://b", {
    config: { region: "us-east-1", endpoint: "http://s3.test", pathStyle: true },
    fetch: fake.fetch,
  });
  const result = await scan(openTable(store, _TABLE), {
    asOf: asOf === undefined ? undefined : parseInstant(asOf),
  });
  for await (const _ of result.batches);
  return { requests: store.stats.requests, bytes: store.stats.bytes };
}

/** The bytes of the files the plans of a query's time-travel clauses read (each file once). */
async function _plannedBytes(sql: string): Promise<number> {
  const table = openTable(UPSTREAM, _TABLE);
  const snapshot = await table.snapshot();
  const instants = [...sql.matchAll(/AT \('([^']+)'\)/g)].map((m) => parseInstant(m[1]!));
  const files = new Set(
    instants.flatMap((asOf) => planScan(snapshot, { asOf }).files.map((f) => f.file)),
  );
  let total = 0;
  for (const file of files) total += (await Deno.stat(`${UPSTREAM}/${table.key(file)}`)).size;
  return total;
}

interface _Run {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMiB: number;
}

/** Runs a command once under GNU time, stdout to `stdout`: wall, CPU (user + system) and peak RSS. */
async function _timed(command: readonly string[], stdout: string): Promise<_Run> {
  const stats = await Deno.makeTempFile({ prefix: "azof_bench_s3_" });
  try {
    const started = performance.now();
    const shell = ["sh", "-c", 'out="$1"; shift; exec "$@" > "$out"', "sh", stdout, ...command];
    const result = await new Deno.Command("/usr/bin/time", {
      args: ["-f", "%U %S %M", "-o", stats, ...shell],
      stderr: "piped",
    }).output();
    const wallMs = performance.now() - started;
    if (!result.success) {
      throw new Error(`${command.join(" ")}: ${new TextDecoder().decode(result.stderr)}`);
    }
    const line = (await Deno.readTextFile(stats)).trim().split("\n").at(-1) ?? "";
    const [user, sys, kib] = line.split(" ").map(Number) as [number, number, number];
    return { wallMs, cpuMs: (user + sys) * 1000, rssMiB: kib / 1024 };
  } finally {
    await Deno.remove(stats);
  }
}

function _combine(runs: readonly _Run[]): S3Runs {
  const pick = (f: (r: _Run) => number) => runs.map(f);
  return {
    wallMs: median(pick((r) => r.wallMs)),
    cpuMs: median(pick((r) => r.cpuMs)),
    rssMiB: median(pick((r) => r.rssMiB)),
    runsMs: pick((r) => r.wallMs),
    runsCpuMs: pick((r) => r.cpuMs),
    runsMiB: pick((r) => r.rssMiB),
  };
}

/**
 * The bytes of the column chunks a scan decodes: in each planned file, the chunks of `key`,
 * `event_time`, `_deleted` and the planned columns of every row group the scan does not skip (it skips
 * a row group whose smallest `event_time` lies after the instant).
 *
 * @param root The tables' folder.
 * @param name The table.
 * @param asOf The instant (ms), or `undefined` for the current state.
 * @returns The byte count.
 */
export async function neededBytes(
  root: string,
  name: string,
  asOf: number | undefined,
): Promise<number> {
  const table = openTable(root, name);
  const snapshot = await table.snapshot();
  const plan = planScan(snapshot, { asOf });
  const columns = new Set([KEY, EVENT_TIME, DELETED, ...plan.columns]);
  let total = 0;
  for (const { file } of plan.files) {
    const opened = await openDataFile(table, file, snapshot.schema);
    const bytes = await Deno.readFile(`${root}/${table.key(file)}`);
    const metadata = parquetMetadata(bytes.buffer);
    metadata.row_groups.forEach((group, g) => {
      const min = opened.rowGroups[g]?.minEventTime;
      if (asOf !== undefined && min !== undefined && min > asOf) return;
      for (const chunk of group.columns) {
        const meta = chunk.meta_data!;
        if (columns.has(meta.path_in_schema[0]!)) total += Number(meta.total_compressed_size);
      }
    });
  }
  return total;
}

/**
 * Renders the rows with pass/fail against issue 5's targets (time ≤ 1.5x disk, bytes ≤ 1.2x needed).
 *
 * @param rows The results.
 * @returns A Markdown table.
 */
export function markdownS3(rows: readonly S3Row[]): string {
  const lines = [
    "| financials scan to CSV | disk time (CPU) | S3 time (CPU) | time ratio | requests | bytes fetched | column chunks needed | bytes ratio | same CSV | targets (≤ 1.5x time, ≤ 1.2x bytes) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|:-:|:-:|",
  ];
  const ms = (n: number) => `${Math.round(n)} ms`;
  const times = (r: S3Row) =>
    `${ms(r.disk.wallMs)} (${ms(r.disk.cpuMs)}) | ${ms(r.s3.wallMs)} (${ms(r.s3.cpuMs)}) | ${
      (r.s3.wallMs / r.disk.wallMs).toFixed(2)
    }x | ${r.requests} | ${r.bytes.toLocaleString("en")} | ${r.needed.toLocaleString("en")}`;
  for (const r of rows.filter((r) => !r.sql)) {
    const pass = r.s3.wallMs / r.disk.wallMs <= 1.5 && r.bytes / r.needed <= 1.2 && r.same;
    lines.push(
      `| ${r.name} | ${times(r)} | ${(r.bytes / r.needed).toFixed(2)}x | ${
        r.same ? "yes" : "no"
      } | ${pass ? "pass" : "**fail**"} |`,
    );
  }
  const conforming = rows.filter((r) => r.conforming);
  if (conforming.length > 0) {
    lines.push(
      "",
      "| the same scans from a server that honours suffix ranges (in-process fake S3, untimed) | requests | bytes fetched | bytes ratio |",
      "|---|---:|---:|---:|",
      ...conforming.map((r) =>
        `| ${r.name} | ${r.conforming!.requests} | ${r.conforming!.bytes.toLocaleString("en")} | ${
          (r.conforming!.bytes / r.needed).toFixed(2)
        }x |`
      ),
    );
  }
  const queries = rows.filter((r) => r.sql);
  if (queries.length > 0) {
    lines.push(
      "",
      "| `azof sql` to CSV | disk time (CPU) | S3 time (CPU) | time ratio | requests | bytes fetched | bytes of the planned files | same CSV |",
      "|---|---:|---:|---:|---:|---:|---:|:-:|",
      ...queries.map((r) => `| ${r.name} | ${times(r)} | ${r.same ? "yes" : "no"} |`),
    );
  }
  return lines.join("\n");
}

/** Makes `s3://<prefix>/financials` hold the same objects as the disk copy (by key and size). */
async function _upload(s3: S3Store): Promise<void> {
  const local = new LocalStore(UPSTREAM);
  const remote = new Map((await s3.list(`${_TABLE}/`)).map((e) => [e.key, e.size]));
  for (const entry of await local.list(`${_TABLE}/`)) {
    if (remote.get(entry.key) !== entry.size) await s3.put(entry.key, await local.read(entry.key));
  }
}

interface _Server {
  readonly endpoint: string;
  readonly bucket: string;
  stop(): Promise<void>;
}

/** The server `AZOF_TEST_S3_ENDPOINT` names, or one started (and later stopped) here. */
async function _server(): Promise<_Server> {
  const endpoint = Deno.env.get("AZOF_TEST_S3_ENDPOINT");
  const bucket = Deno.env.get("AZOF_TEST_S3_BUCKET") ?? "azof-test";
  if (endpoint) return { endpoint, bucket, stop: () => Promise.resolve() };
  const env = { AZOF_S3RVER_DIR: `${OUT}s3rver`, AZOF_TEST_S3_BUCKET: bucket };
  const script = `${ROOT}.ci/s3rver.sh`;
  const started = await new Deno.Command(script, { args: ["start"], env, stderr: "inherit" })
    .output();
  if (!started.success) throw new Error(`${script} start failed`);
  const out = new TextDecoder().decode(started.stdout);
  const url = /AZOF_TEST_S3_ENDPOINT=(\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`${script} start printed no endpoint: ${out}`);
  const stop = async () => {
    await new Deno.Command(script, { args: ["stop"], env, stderr: "inherit" }).output();
  };
  return { endpoint: url, bucket, stop };
}
