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

import { DuckDBInstance } from "@duckdb/node-api";
import { planScan } from "../lib/plan.ts";
import { Prng } from "../lib/prng.ts";
import { openTable } from "../lib/table.ts";
import { formatInstant } from "../lib/time.ts";
import { AZOF, exists, OUT, sha256File } from "./common.ts";
import type { DuckJob } from "./duckdb_asof.ts";
import { measure, median } from "./measure.ts";
import type { Row } from "./report.ts";

/** Keys in the table. */
export const KEYS = 1_000_000;
/** Updates per year of event time (the same every year). */
export const UPDATES_PER_YEAR = 250_000;
const _FIRST_YEAR = 2000;
const _ROOT = `${OUT}compact`;

/** What the compaction of one table size did. */
export interface CompactFigures {
  /** Years of history. */
  readonly years: number;
  /** Raw rows (initial + updates). */
  readonly rows: number;
  /** Wall time of `azof compact` (ms). */
  readonly compactMs: number;
  /** Most files a read opened at the instants measured. */
  readonly maxFiles: number;
}

/**
 * Generates the raw table of `years` years unless it exists: `init.parquet` (every key at
 * 2000-01-01) and one file per year of `UPDATES_PER_YEAR` rows at distinct instants, key
 * `k<hash mod 1e6>`, `v` Int and `price` Float (values ending in .25 or .75, the same text in both engines).
 *
 * @param years Years of history.
 * @returns The table name under the benchmark root.
 */
export async function generateHistory(years: number): Promise<string> {
  const name = `y${years}`;
  const dir = `${_ROOT}/${name}`;
  if (await exists(`${dir}/version.txt`)) return name;
  await Deno.mkdir(`${dir}/raw`, { recursive: true });
  console.error(`generating ${dir} (${years} years, ${KEYS + years * UPDATES_PER_YEAR} rows)...`);
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
    const step = Math.floor((ye - ys) / UPDATES_PER_YEAR);
    const file = `raw/y${_FIRST_YEAR + y}.parquet`;
    await db.run(
      `COPY (SELECT ${cols(`hash(i, ${y})`, `i + ${y + 1} * ${KEYS}`, `${ys} + 1 + i * ${step}`)}
      FROM range(${UPDATES_PER_YEAR}) t(i)) TO '${dir}/${file}' (FORMAT parquet, COMPRESSION snappy)`,
    );
    const deltas = [{
      file,
      start: formatInstant(ys),
      end: formatInstant(ys + UPDATES_PER_YEAR * step),
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

/**
 * Runs the benchmark for each size.
 *
 * @param runs Measured scans per instant and engine.
 * @param sizes Years of history per table.
 * @returns Result rows (one per size and instant) and the compaction figures.
 */
export async function benchCompact(
  runs: number,
  sizes: readonly number[] = [1, 10, 40],
): Promise<{ rows: Row[]; figures: CompactFigures[] }> {
  const rows: Row[] = [];
  const figures: CompactFigures[] = [];
  for (const years of sizes) {
    const name = await generateHistory(years);
    const raw = await openTable(_ROOT, name).snapshot(1);
    const compactMs = await _compact(name);
    const snapshot = await openTable(_ROOT, name).snapshot();
    const prng = new Prng(years);
    const from = Date.UTC(_FIRST_YEAR, 0, 1);
    const span = Date.UTC(_FIRST_YEAR + years, 0, 1) - from;
    let maxFiles = 0;
    for (let i = 0; i < 3; i++) {
      const asOf = from + Math.floor(prng.next() * span);
      const files = planScan(snapshot, { asOf }).files.length;
      maxFiles = Math.max(maxFiles, files);
      rows.push(await _scanRow(name, years, asOf, files, raw.segments, runs));
    }
    figures.push({ years, rows: KEYS + years * UPDATES_PER_YEAR, compactMs, maxFiles });
  }
  return { rows, figures };
}

async function _compact(name: string): Promise<number> {
  const dir = `${_ROOT}/${name}`;
  if ((await Deno.readTextFile(`${dir}/version.txt`)).trim() !== "1") {
    const ms = Number(await Deno.readTextFile(`${dir}/compact_ms.txt`).catch(() => "NaN"));
    return ms;
  }
  const started = performance.now();
  const out = await new Deno.Command(AZOF[0]!, {
    args: [...AZOF.slice(1), "compact", "-p", _ROOT, "-t", name, "--segment", "P1Y,P3M"],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`azof compact failed on ${name}`);
  const ms = performance.now() - started;
  await Deno.writeTextFile(`${dir}/compact_ms.txt`, String(Math.round(ms)));
  return ms;
}

async function _scanRow(
  name: string,
  years: number,
  asOf: number,
  files: number,
  raw: readonly { deltas: readonly { file: string }[] }[],
  runs: number,
): Promise<Row> {
  const at = formatInstant(asOf);
  const azofCsv = `${OUT}compact_${name}_azof.csv`;
  const duckCsv = `${OUT}compact_${name}_duckdb.csv`;
  const azof = await measure(
    [...AZOF, "scan", "--path", _ROOT, "--table", name, "--as-of", at, "--format", "csv"],
    { runs, warmupStdout: azofCsv },
  );
  const job: DuckJob = {
    files: raw.flatMap((s) => s.deltas.map((d) => `${_ROOT}/${name}/${d.file}`)),
    asOf,
    columns: [{ name: "v", type: "Int" }, { name: "price", type: "Float" }],
    out: duckCsv,
  };
  await Deno.writeTextFile(`${OUT}compact_${name}_job.json`, JSON.stringify(job));
  const duckdb = await measure(
    [
      Deno.execPath(),
      "run",
      "--allow-all",
      new URL("./duckdb_asof.ts", import.meta.url).pathname,
      `${OUT}compact_${name}_job.json`,
    ],
    { runs },
  );
  const same = await sha256File(azofCsv) === await sha256File(duckCsv);
  return {
    name: `compacted P1Y,P3M, ${years} years: scan --as-of ${at} (${files} files opened)`,
    azof,
    duckdb,
    same,
    target: years === 40 ? { ratio: 0.2 } : {},
  };
}

/**
 * The compaction figures as Markdown: per size, compaction time, most files opened, median as-of
 * scan time of azof and DuckDB (over the raw files), and the flatness and speed-up ratios.
 *
 * @param result What {@linkcode benchCompact} returned.
 * @returns A Markdown table.
 */
export function compactMarkdown(result: { rows: Row[]; figures: CompactFigures[] }): string {
  const lines = [
    "| years | raw rows | compact | files opened (max) | azof scan (median) | DuckDB QUALIFY (median) | DuckDB / azof |",
    "| ----- | -------- | ------- | ------------------ | ------------------ | ----------------------- | ------------- |",
  ];
  let first: number | undefined;
  for (const f of result.figures) {
    const rows = result.rows.filter((r) =>
      r.name.startsWith(`compacted P1Y,P3M, ${f.years} years:`)
    );
    const azof = median(rows.map((r) => r.azof.wallMs));
    const duck = median(rows.map((r) => r.duckdb!.wallMs));
    first ??= azof;
    lines.push(
      `| ${f.years} | ${f.rows.toLocaleString("en-US")} | ${
        (f.compactMs / 1000).toFixed(1)
      } s | ${f.maxFiles} | ${(azof / 1000).toFixed(2)} s (${
        (azof / first).toFixed(2)
      }x of 1 year) | ${(duck / 1000).toFixed(2)} s | ${(duck / azof).toFixed(1)}x |`,
    );
  }
  return lines.join("\n");
}
