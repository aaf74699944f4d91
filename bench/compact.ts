/**
 * The compaction benchmark (issue 4): a synthetic table of 1,000,000 keys (one initial row each)
 * updated `UPDATES_PER_YEAR` times a year over 1, 10 and 40 years of event time, laid out as the
 * write path lays out a `P1Y` table (one open segment per year, its rows in a delta; the files are
 * generated directly by DuckDB, since writing 10M+ rows through `azof write` per size would dominate
 * the run), then compacted with `azof compact --segment P1Y,P3M`. Measured: the compaction, then
 * `azof scan --as-of T` at random instants (time and files opened) beside DuckDB computing the same
 * answer with `QUALIFY` over every raw event file, with byte-identical CSV outputs checked.
 *
 * @module
 */

import { DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";
import { planScan } from "../lib/read/plan.ts";
import { Prng } from "../lib/write/prng.ts";
import { openTable } from "../lib/format/table.ts";
import { formatInstant } from "../lib/format/time.ts";
import { parseArgs } from "node:util";
import { AZOF, exists, OUT, sha256File } from "./common.ts";
import type { DuckJob } from "./duckdb_asof.ts";
import { median } from "./measure.ts";
import type { Row } from "./report.ts";

/** Keys in the table. */
export const KEYS = 1_000_000;
/** Updates per year of event time (the same every year) at the scaled-down size. */
export const UPDATES_PER_YEAR = 250_000;
const _FIRST_YEAR = 2000;
const _ROOT = `${OUT}compact`;

/** Wall and CPU (user + system) time of one process run, and its peak RSS. */
export interface Timing {
  /** Wall time (ms). */
  readonly wallMs: number;
  /** User + system CPU time (ms). */
  readonly cpuMs: number;
  /** Peak resident set size (MiB). */
  readonly rssMiB: number;
}

/** What the compaction of one table size did. */
export interface CompactFigures {
  /** Years of history. */
  readonly years: number;
  /** Raw rows (initial + updates). */
  readonly rows: number;
  /** `azof compact`'s time. */
  readonly compact: Timing;
  /** Most files a read opened at the instants measured. */
  readonly maxFiles: number;
}

/** One as-of instant: both engines' median times and whether their CSV outputs matched. */
export interface ScanFigures {
  /** Years of history. */
  readonly years: number;
  /** The instant. */
  readonly asOf: string;
  /** Files azof's plan opens. */
  readonly files: number;
  /** azof's medians. */
  readonly azof: Timing;
  /** DuckDB's medians (QUALIFY over every raw file). */
  readonly duckdb: Timing;
  /** Whether the outputs were byte-identical. */
  readonly same: boolean;
}

/**
 * Generates the raw table of `years` years unless it exists: `init.parquet` (every key at
 * 2000-01-01) and one file per year of `updates` rows at distinct instants, `v` Int and `price`
 * Float (values ending in .25 or .75, the same text in both engines). With `updates` equal to
 * {@linkcode KEYS}, every key is updated once a year (key `k<(i * 7919 + year * 104729) mod 1e6>`,
 * a permutation); otherwise keys are `k<hash mod 1e6>`.
 *
 * @param years Years of history.
 * @param updates Updates per year.
 * @returns The table name under the benchmark root.
 */
export async function generateHistory(years: number, updates = UPDATES_PER_YEAR): Promise<string> {
  const name = updates === UPDATES_PER_YEAR ? `y${years}` : `y${years}_u${updates}`;
  const dir = `${_ROOT}/${name}`;
  if (await exists(`${dir}/version.txt`)) return name;
  await Deno.mkdir(`${dir}/raw`, { recursive: true });
  console.error(`generating ${dir} (${years} years, ${KEYS + years * updates} rows)...`);
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  await db.run("SET TimeZone = 'UTC'");
  const cols = (k: string, i: string, t: string) =>
    `'k' || ((${k}) % ${KEYS})::VARCHAR AS key, epoch_ms(${t})::TIMESTAMPTZ AS event_time,
     (${i}) * 7 AS v, ((${i}) * 7919 % 400000) * 0.5::DOUBLE + 0.25 AS price`;
  const start = Date.UTC(_FIRST_YEAR, 0, 1);
  await db.run(`COPY (SELECT ${cols("i", "i", `${start}`)} FROM range(${KEYS}) t(i))
    TO '${dir}/raw/init.parquet' (FORMAT parquet, COMPRESSION snappy)`);
  const segments = [];
  for (let y = 0; y < years; y++) {
    const ys = Date.UTC(_FIRST_YEAR + y, 0, 1);
    const ye = Date.UTC(_FIRST_YEAR + y + 1, 0, 1) - 1;
    const step = Math.floor((ye - ys) / updates);
    const key = updates === KEYS ? `i * 7919 + ${y} * 104729` : `hash(i, ${y})`;
    const file = `raw/y${_FIRST_YEAR + y}.parquet`;
    await db.run(
      `COPY (SELECT ${cols(key, `i + ${y + 1} * ${KEYS}`, `${ys} + 1 + i * ${step}`)}
      FROM range(${updates}) t(i)) TO '${dir}/${file}' (FORMAT parquet, COMPRESSION snappy)`,
    );
    const deltas = [{
      file,
      start: formatInstant(ys),
      end: formatInstant(ys + updates * step),
    }];
    if (y === 0) {
      deltas.push({ file: "raw/init.parquet", start: formatInstant(ys), end: formatInstant(ys) });
    }
    segments.push({
      id: String(_FIRST_YEAR + y),
      start: formatInstant(ys),
      delta: deltas,
      segments: [],
    });
  }
  db.closeSync();
  instance.closeSync();
  const snapshot = {
    schema: {
      columns: [{ name: "v", data_type: "Int", nullable: false }, {
        name: "price",
        data_type: "Float",
        nullable: false,
      }],
    },
    segments,
    policy: { segment: ["P1Y"] },
  };
  await Deno.writeTextFile(`${dir}/s1.json`, JSON.stringify(snapshot, null, 2) + "\n");
  await Deno.writeTextFile(`${dir}/version.txt`, "1");
  return name;
}

/** Options of {@linkcode benchCompact}. */
export interface BenchCompactOptions {
  /** Years of history per table; 1, 10 and 40 by default. */
  readonly sizes?: readonly number[];
  /** Updates per year; {@linkcode UPDATES_PER_YEAR} by default. */
  readonly updates?: number;
  /** Compact again a table compacted by an earlier run (its compacted snapshots are dropped). */
  readonly recompact?: boolean;
}

/**
 * Runs the benchmark for each size: compaction, then at three seeded random instants, one warm-up
 * run of each engine and `runs` measured runs, alternating azof and DuckDB.
 *
 * @param runs Measured scans per instant and engine.
 * @param options Sizes, updates per year, whether to compact again.
 * @returns Result rows (one per size and instant), the compaction and the scan figures.
 */
export async function benchCompact(
  runs: number,
  options: BenchCompactOptions = {},
): Promise<{ rows: Row[]; figures: CompactFigures[]; scans: ScanFigures[] }> {
  const updates = options.updates ?? UPDATES_PER_YEAR;
  const rows: Row[] = [];
  const figures: CompactFigures[] = [];
  const scans: ScanFigures[] = [];
  for (const years of options.sizes ?? [1, 10, 40]) {
    const name = await generateHistory(years, updates);
    if (options.recompact) await _reset(name);
    const raw = await openTable(_ROOT, name).snapshot(1);
    const compact = await _compact(name);
    const snapshot = await openTable(_ROOT, name).snapshot();
    const prng = new Prng(years);
    const from = Date.UTC(_FIRST_YEAR, 0, 1);
    const span = Date.UTC(_FIRST_YEAR + years, 0, 1) - from;
    let maxFiles = 0;
    for (let i = 0; i < 3; i++) {
      const asOf = from + Math.floor(prng.next() * span);
      const files = planScan(snapshot, { asOf }).files.length;
      maxFiles = Math.max(maxFiles, files);
      const scan = await _scan(name, years, asOf, files, raw.segments, runs);
      scans.push(scan);
      rows.push(_row(scan));
    }
    figures.push({ years, rows: KEYS + years * updates, compact, maxFiles });
  }
  return { rows, figures, scans };
}

/** Drops a table's compacted snapshots and files, back to the raw layout of snapshot 1. */
async function _reset(name: string): Promise<void> {
  const dir = `${_ROOT}/${name}`;
  for await (const entry of Deno.readDir(dir)) {
    if (/^s\d+\.json$/.test(entry.name) && entry.name !== "s1.json") {
      await Deno.remove(`${dir}/${entry.name}`);
    }
  }
  await Deno.remove(`${dir}/data`, { recursive: true }).catch(() => {});
  await Deno.remove(`${dir}/compact.json`).catch(() => {});
  await Deno.writeTextFile(`${dir}/version.txt`, "1");
}

async function _compact(name: string): Promise<Timing> {
  const dir = `${_ROOT}/${name}`;
  if ((await Deno.readTextFile(`${dir}/version.txt`)).trim() !== "1") {
    return JSON.parse(await Deno.readTextFile(`${dir}/compact.json`));
  }
  console.error(`compacting ${name}...`);
  const timing = await _timed(
    [...AZOF, "compact", "-p", _ROOT, "-t", name, "--segment", "P1Y,P3M"],
    "/dev/stderr",
  );
  await Deno.writeTextFile(`${dir}/compact.json`, JSON.stringify(timing));
  return timing;
}

/** Runs a command under GNU time, stdout to a file; wall, user + system CPU and peak RSS. */
async function _timed(command: readonly string[], stdout: string): Promise<Timing> {
  const times = await Deno.makeTempFile({ prefix: "azof_bench_time_" });
  const shell = ["sh", "-c", 'out="$1"; shift; exec "$@" > "$out"', "sh", stdout];
  const started = performance.now();
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "%U %S %M", "-o", times, ...shell, ...command],
    stderr: "inherit",
  }).output();
  const wallMs = performance.now() - started;
  if (!out.success) throw new Error(`${command.join(" ")} exited with ${out.code}`);
  const [user, sys, kib] = (await Deno.readTextFile(times)).trim().split("\n").at(-1)!.split(" ")
    .map(Number);
  await Deno.remove(times);
  return { wallMs, cpuMs: (user! + sys!) * 1000, rssMiB: kib! / 1024 };
}

function _medianTiming(runs: readonly Timing[]): Timing {
  return {
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
    rssMiB: median(runs.map((r) => r.rssMiB)),
  };
}

async function _scan(
  name: string,
  years: number,
  asOf: number,
  files: number,
  raw: readonly { deltas: readonly { file: string }[] }[],
  runs: number,
): Promise<ScanFigures> {
  const at = formatInstant(asOf);
  const azofCsv = `${OUT}compact_${name}_azof.csv`;
  const duckCsv = `${OUT}compact_${name}_duckdb.csv`;
  const azof = [
    ...AZOF,
    "scan",
    "--path",
    _ROOT,
    "--table",
    name,
    "--as-of",
    at,
    "--format",
    "csv",
  ];
  const job: DuckJob = {
    files: raw.flatMap((s) => s.deltas.map((d) => `${_ROOT}/${name}/${d.file}`)),
    asOf,
    columns: [{ name: "v", type: "Int" }, { name: "price", type: "Float" }],
    out: duckCsv,
  };
  await Deno.writeTextFile(`${OUT}compact_${name}_job.json`, JSON.stringify(job));
  const duckdb = [
    Deno.execPath(),
    "run",
    "--allow-all",
    new URL("./duckdb_asof.ts", import.meta.url).pathname,
    `${OUT}compact_${name}_job.json`,
  ];
  await _timed(azof, azofCsv);
  await _timed(duckdb, "/dev/null");
  const same = await sha256File(azofCsv) === await sha256File(duckCsv);
  const a: Timing[] = [];
  const d: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(await _timed(azof, "/dev/null"));
    d.push(await _timed(duckdb, "/dev/null"));
  }
  return { years, asOf: at, files, azof: _medianTiming(a), duckdb: _medianTiming(d), same };
}

function _row(scan: ScanFigures): Row {
  const measurement = (t: Timing) => ({
    wallMs: t.wallMs,
    rssMiB: t.rssMiB,
    runsMs: [t.wallMs],
    runsMiB: [t.rssMiB],
  });
  return {
    name:
      `compacted P1Y,P3M, ${scan.years} years: scan --as-of ${scan.asOf} (${scan.files} files opened)`,
    azof: measurement(scan.azof),
    duckdb: measurement(scan.duckdb),
    same: scan.same,
    target: scan.years === 40 ? { ratio: 0.2 } : {},
  };
}

const _s = (ms: number) => (ms / 1000).toFixed(2);

/**
 * The compaction figures as Markdown: per size, compaction time, most files opened, median as-of
 * scan times (wall, and CPU in parentheses) of azof and DuckDB (over the raw files), and the
 * flatness and speed-up ratios; then one line per instant.
 *
 * @param result What {@linkcode benchCompact} returned.
 * @returns Markdown.
 */
export function compactMarkdown(
  result: { figures: CompactFigures[]; scans: ScanFigures[] },
): string {
  const lines = [
    "| years | raw rows | compact wall (CPU) | files opened (max) | azof scan wall (CPU) | vs 1 year | DuckDB QUALIFY wall (CPU) | DuckDB / azof |",
    "| ----- | -------- | ------------------ | ------------------ | -------------------- | --------- | ------------------------- | ------------- |",
  ];
  let first: number | undefined;
  for (const f of result.figures) {
    const scans = result.scans.filter((s) => s.years === f.years);
    const azof = median(scans.map((s) => s.azof.wallMs));
    const azofCpu = median(scans.map((s) => s.azof.cpuMs));
    const duck = median(scans.map((s) => s.duckdb.wallMs));
    const duckCpu = median(scans.map((s) => s.duckdb.cpuMs));
    first ??= azof;
    lines.push(
      `| ${f.years} | ${f.rows.toLocaleString("en-US")} | ${_s(f.compact.wallMs)} s (${
        _s(f.compact.cpuMs)
      } s) | ${f.maxFiles} | ${_s(azof)} s (${_s(azofCpu)} s) | ${(azof / first).toFixed(2)}x | ${
        _s(duck)
      } s (${_s(duckCpu)} s) | ${(duck / azof).toFixed(1)}x |`,
    );
  }
  lines.push("", "Per instant (azof / DuckDB wall, s; outputs byte-identical):");
  for (const s of result.scans) {
    lines.push(
      `- ${s.years} years, ${s.asOf}: ${_s(s.azof.wallMs)} / ${_s(s.duckdb.wallMs)} (CPU ${
        _s(s.azof.cpuMs)
      } / ${_s(s.duckdb.cpuMs)})${s.same ? "" : " **OUTPUTS DIFFER**"}`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string" },
      sizes: { type: "string" },
      updates: { type: "string" },
      recompact: { type: "boolean" },
    },
  });
  const result = await benchCompact(Number(values.runs ?? 3), {
    ...(values.sizes ? { sizes: values.sizes.split(",").map(Number) } : {}),
    ...(values.updates ? { updates: Number(values.updates) } : {}),
    recompact: values.recompact === true,
  });
  console.log(compactMarkdown(result));
}
