/**
 * Builds `testdata/prices`, the sample table of the README quick start, and its golden answers.
 *
 * Run `deno run -A testdata/make_prices.ts` from the repository root. The output is deterministic:
 * the same events give the same files.
 *
 * - Data files are written with lib/testing/parquet_file.ts (azof's encoder; the committed ones came
 *   from hyparquet-writer) from a hand-written event history: 8 tickers with
 *   `name: String`, `price: Float`, `volume: Int`, `listed: Boolean?`, `updated: DateTime?`.
 * - Layout: a closed segment for 2023 (base = state at the end of 2022) with quarterly children
 *   (each with a delta for its quarter; Q2–Q4 with a base holding the keys changed since
 *   2023-01-01), and an open 2024 segment (base = state at the end of 2023) with two deltas listed
 *   oldest last, so that read order must sort them.
 * - It includes a late-arriving correction (a second AAPL row with the same event_time later in
 *   the Q2 delta; the later row wins), deletions via `_deleted` (META in 2023, re-listed in 2024;
 *   TSLA in 2024), nulls, and events on the exact boundary instants.
 * - Golden answers in `expected/<instant>.csv` and `expected/current.csv` are computed by DuckDB
 *   (see lib/testing/duckdb_oracle.ts) over the files each instant must read. The read order is
 *   written out below by hand from the plan rule, not taken from azof's planner.
 */

import { fileURLToPath } from "node:url";
import type { Column } from "../lib/format/schema.ts";
import type { Cell } from "../lib/testing/cells.ts";
import { csvText } from "../lib/testing/csv_text.ts";
import { DuckOracle } from "../lib/testing/duckdb_oracle.ts";
import { dataFileBytes, type DataRow } from "../lib/testing/parquet_file.ts";

const DIR = fileURLToPath(new URL("./prices/", import.meta.url));

const COLUMNS: Column[] = [
  { name: "name", type: "String", nullable: false },
  { name: "price", type: "Float", nullable: false },
  { name: "volume", type: "Int", nullable: false },
  { name: "listed", type: "Boolean", nullable: true },
  { name: "updated", type: "DateTime", nullable: true },
];

const NAMES: Record<string, string> = {
  AAPL: "Apple Inc.",
  AMZN: "Amazon.com, Inc.",
  GOOG: "Alphabet Inc. \"Class C\"",
  META: "Meta Platforms, Inc.",
  MSFT: "Microsoft Corporation",
  NFLX: "Netflix, Inc.",
  NVDA: "NVIDIA Corporation",
  TSLA: "Tesla, Inc.",
};

const t = (text: string): number => Date.parse(text);

/** One event: [key, event_time, price, volume, listed, updated | null] or a deletion. */
type Event = DataRow;

function ev(
  key: string,
  at: string,
  price: number,
  volume: bigint,
  listed: boolean | null = true,
  updated: string | null = at,
): Event {
  return {
    key,
    eventTime: t(at),
    values: {
      name: NAMES[key]!,
      price,
      volume,
      listed,
      updated: updated === null ? null : t(updated),
    },
  };
}

function del(key: string, at: string): Event {
  return { key, eventTime: t(at), deleted: true, values: { name: NAMES[key]!, price: 0, volume: 0n } };
}

/** The whole history, in the order it was written (a later row wins an event_time tie). */
const HISTORY: Event[] = [
  ev("AAPL", "2022-11-30T21:00:00.000Z", 148.03, 68_000_000n),
  ev("AMZN", "2022-12-30T21:00:00.000Z", 84.0, 62_401_194n),
  ev("GOOG", "2022-12-30T21:00:00.000Z", 88.73, 19_190_300n, true, null),
  ev("META", "2022-12-30T21:00:00.000Z", 120.34, 19_612_500n),
  ev("MSFT", "2022-12-30T21:00:00.000Z", 239.82, 21_938_500n),
  ev("NVDA", "2022-12-30T21:00:00.000Z", 146.14, 40_127_700n),
  ev("TSLA", "2022-12-30T21:00:00.000Z", 123.18, 157_777_300n),
  ev("AAPL", "2022-12-31T23:59:59.999Z", 129.93, 77_034_200n),
  // 2023 Q1
  ev("AAPL", "2023-01-01T00:00:00.000Z", 130.0, 1n, null),
  ev("NFLX", "2023-02-14T21:00:00.000Z", 359.0, 5_310_000n, null),
  ev("TSLA", "2023-02-28T21:00:00.000Z", 205.71, 153_144_900n),
  ev("MSFT", "2023-03-31T23:59:59.999Z", 288.3, 9_007_199_254_740_993n),
  // 2023 Q2
  ev("GOOG", "2023-04-01T00:00:00.000Z", 104.0, 22_000_000n),
  ev("AAPL", "2023-05-10T20:00:00.000Z", 172.5, 53_724_500n),
  ev("NVDA", "2023-05-25T20:00:00.000Z", 379.8, 154_391_100n, true, "2023-05-26T08:00:00.000Z"),
  // Late-arriving correction: same event_time, written later, wins.
  ev("AAPL", "2023-05-10T20:00:00.000Z", 173.56, 53_724_501n, true, "2023-05-12T09:30:00.000Z"),
  // 2023 Q3
  ev("AMZN", "2023-07-03T17:00:00.000Z", 130.22, 28_264_800n),
  del("META", "2023-08-15T00:00:00.000Z"),
  ev("NFLX", "2023-09-29T20:00:00.000Z", 377.6, -1n, true, null),
  // 2023 Q4
  ev("MSFT", "2023-10-01T00:00:00.000Z", 315.75, 19_000_000n),
  ev("TSLA", "2023-12-29T21:00:00.000Z", 248.48, 100_891_600n),
  ev("NVDA", "2023-12-31T23:59:59.999Z", 495.22, 38_869_000n),
  // 2024
  ev("AMZN", "2024-01-01T00:00:00.000Z", 151.94, 39_000_000n),
  ev("META", "2024-02-01T21:00:00.000Z", 394.78, 25_000_000n, false, null),
  ev("AAPL", "2024-02-29T23:59:59.999Z", 180.75, 136_682_600n),
  ev("TSLA", "2024-03-01T00:00:00.000Z", 202.64, 82_000_000n),
  del("TSLA", "2024-03-20T12:00:00.000Z"),
  ev("NVDA", "2024-06-07T20:00:00.000Z", 1208.88, 41_238_600n, true, "2024-06-10T13:30:00.000Z"),
];

/** Events with start <= event_time <= end, in history order. */
function between(start: number, end: number): Event[] {
  return HISTORY.filter((e) => start <= e.eventTime && e.eventTime <= end);
}

/** Each key's winning event with event_time <= at (ties: later in history), deletions kept. */
function stateAt(at: number, keys?: Set<string>): Event[] {
  const win = new Map<string, Event>();
  for (const e of HISTORY) {
    if (e.eventTime > at || (keys && !keys.has(e.key))) continue;
    const w = win.get(e.key);
    if (!w || e.eventTime >= w.eventTime) win.set(e.key, e);
  }
  return [...win.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

const Y2023 = t("2023-01-01T00:00:00.000Z");
const Y2024 = t("2024-01-01T00:00:00.000Z");
const QUARTERS = [1, 4, 7, 10].map((m, i) => ({
  n: i + 1,
  start: Date.UTC(2023, m - 1, 1),
  end: Date.UTC(2023, m + 2, 1) - 1,
}));
const D2024 = [
  { file: "year_2024_d1.parquet", start: Y2024, end: t("2024-02-29T23:59:59.999Z") },
  { file: "year_2024_d2.parquet", start: t("2024-03-01T00:00:00.000Z"), end: t("2024-12-31T23:59:59.999Z") },
];

async function write(file: string, rows: Event[]): Promise<void> {
  await Deno.writeFile(`${DIR}${file}`, dataFileBytes(COLUMNS, rows, { withDeleted: true }));
}

/** The read order for an instant, worked out by hand from the plan rule for this layout. */
function readOrder(asOf: number | null): string[] {
  if (asOf === null) return ["year_2024_d2.parquet", "year_2024_d1.parquet", "year_2024_base.parquet"];
  if (asOf < Y2023) return [];
  if (asOf >= Y2024) {
    return [...D2024.filter((d) => d.start <= asOf).reverse().map((d) => d.file), "year_2024_base.parquet"];
  }
  const q = QUARTERS.find((q) => q.start <= asOf && asOf <= q.end)!;
  return [
    `year_2023_q${q.n}_delta.parquet`,
    ...(q.n > 1 ? [`year_2023_q${q.n}_base.parquet`] : []),
    "year_2023_base.parquet",
  ];
}

const iso = (ms: number) => new Date(ms).toISOString();

async function main(): Promise<void> {
  await Deno.remove(DIR, { recursive: true }).catch(() => {});
  await Deno.mkdir(`${DIR}expected`, { recursive: true });

  // 2023: base = state at the end of 2022; deleted keys need no marker in a top-level base.
  await write("year_2023_base.parquet", stateAt(Y2023 - 1).filter((e) => !e.deleted));
  const children = [];
  for (const q of QUARTERS) {
    await write(`year_2023_q${q.n}_delta.parquet`, between(q.start, q.end));
    const segment: Record<string, unknown> = {
      id: `year_2023_q${q.n}`,
      start: iso(q.start),
      end: iso(q.end),
      delta: [{ file: `year_2023_q${q.n}_delta.parquet`, start: iso(q.start), end: iso(q.end) }],
    };
    if (q.n > 1) {
      // Keys changed since the year began, as of the quarter's start; deletions must stay as
      // markers here, or the year's base would bring the key back.
      const changed = new Set(between(Y2023, q.start - 1).map((e) => e.key));
      await write(`year_2023_q${q.n}_base.parquet`, stateAt(q.start - 1, changed));
      segment.file = `year_2023_q${q.n}_base.parquet`;
    }
    children.push(segment);
  }
  await write("year_2024_base.parquet", stateAt(Y2024 - 1).filter((e) => !e.deleted));
  for (const d of D2024) await write(d.file, between(d.start, d.end));

  const snapshot = {
    schema: {
      columns: COLUMNS.map((c) => ({ name: c.name, data_type: c.type, nullable: c.nullable })),
    },
    segments: [
      {
        id: "year_2023",
        start: iso(Y2023),
        end: iso(Y2024 - 1),
        file: "year_2023_base.parquet",
        segments: children,
      },
      {
        id: "year_2024",
        start: iso(Y2024),
        file: "year_2024_base.parquet",
        delta: D2024.toReversed().map((d) => ({ file: d.file, start: iso(d.start), end: iso(d.end) })),
      },
    ],
  };
  await Deno.writeTextFile(`${DIR}s1.json`, JSON.stringify(snapshot, null, 2) + "\n");
  await Deno.writeTextFile(`${DIR}version.txt`, "1\n");

  const oracle = await DuckOracle.open();
  try {
    const instants: (string | null)[] = [
      "2022-12-31T23:59:59.999Z",
      "2023-01-01T00:00:00.000Z",
      "2023-03-31T23:59:59.999Z",
      "2023-04-01T00:00:00.000Z",
      "2023-05-17T00:00:00.000Z",
      "2023-08-15T00:00:00.000Z",
      "2023-12-31T23:59:59.999Z",
      "2024-03-01T00:00:00.000Z",
      null,
    ];
    const header = [
      { name: "key", type: "String" as const },
      { name: "event_time", type: "DateTime" as const },
      ...COLUMNS,
    ];
    for (const instant of instants) {
      const asOf = instant === null ? null : t(instant);
      const files = readOrder(asOf).map((f) => `${DIR}${f}`);
      const rows: Cell[][] = await oracle.resolve(files, asOf, COLUMNS);
      await Deno.writeTextFile(`${DIR}expected/${instant ?? "current"}.csv`, csvText(header, rows));
    }
  } finally {
    oracle.close();
  }
}

await main();
