/**
 * Scans through sorted runs (files that are not key-ordered, sorted a few rows at a time and
 * spilled): the tie rule of docs/SPEC.md §7 within a file and between files, against a fold of the
 * rows in plan order, sorted on one thread and on two (the sorting worker); and the private
 * temporary folder and the worker, gone after a full scan, an early stop and a failure.
 */

import assert from "node:assert/strict";
import { scan, type ScanOptions } from "./scan.ts";
import { openTable } from "../format/table.ts";
import { formatInstant } from "../format/time.ts";
import type { Column } from "../format/schema.ts";
import { dataFileBytes, type DataRow } from "../testing/parquet_file.ts";
import { scanRows } from "../testing/cells.ts";
import { within } from "../testing/deadline.ts";
import { SortWorker } from "./sort_worker_client.ts";

const COLUMNS: Column[] = [{ name: "n", type: "Int", nullable: true }];
const T = Date.UTC(2024, 0, 1);

/** Writes a table of one open segment whose deltas are the given files (none key-ordered). */
async function table(root: string, files: readonly (readonly DataRow[])[]) {
  await Deno.mkdir(`${root}/t`, { recursive: true });
  const delta = [];
  for (const [i, rows] of files.entries()) {
    await Deno.writeFile(
      `${root}/t/f${i}.parquet`,
      dataFileBytes(COLUMNS, rows, { rowGroupSize: 2 }),
    );
    delta.push({ file: `f${i}.parquet`, start: formatInstant(T + i), end: formatInstant(T + 99) });
  }
  const schema = { columns: [{ name: "n", data_type: "Int", nullable: true }] };
  const segment = { id: "all", start: formatInstant(T), delta };
  await Deno.writeTextFile(`${root}/t/s1.json`, JSON.stringify({ schema, segments: [segment] }));
  await Deno.writeTextFile(`${root}/t/version.txt`, "1");
  return openTable(root, "t");
}

/**
 * The answer by the rule itself: per key the row with the greatest `event_time`, a tie to the file
 * earlier in read order, then to the later row of the file; a winning deletion drops the key.
 */
function fold(files: readonly (readonly DataRow[])[], order: readonly number[]) {
  const winners = new Map<string, { row: DataRow; file: number }>();
  for (const [rank, f] of order.entries()) {
    for (const row of files[f]!) {
      const current = winners.get(row.key);
      if (
        !current || row.eventTime > current.row.eventTime ||
        (row.eventTime === current.row.eventTime && current.file === rank)
      ) winners.set(row.key, { row, file: rank });
    }
  }
  return [...winners.values()]
    .filter((w) => !w.row.deleted)
    .sort((a, b) => (a.row.key < b.row.key ? -1 : 1))
    .map(({ row }) => [row.key, row.eventTime, Number(row.values.n ?? -1)]);
}

const row = (key: string, t: number, n: number, deleted = false): DataRow => ({
  key,
  eventTime: T + t,
  values: { n: BigInt(n) },
  ...(deleted ? { deleted } : {}),
});

/** Ties within one file and across files, deletions tied with updates, keys out of order. */
const FILES: DataRow[][] = [
  [
    row("b", 5, 1),
    row("a", 5, 2),
    row("b", 5, 3),
    row("c", 1, 4),
    row("a", 5, 5),
    row("c", 1, 6, true),
    row("d", 2, 7, true),
    row("b", 4, 8),
    row("f", 7, 20),
    row("d", 2, 9),
    row("f", 7, 21),
    row("f", 7, 22),
  ],
  [
    row("a", 5, 10),
    row("e", 3, 11),
    row("b", 6, 12),
    row("e", 3, 13),
    row("c", 1, 14),
    row("g", 1, 30),
    row("g", 1, 31, true),
  ],
];

async function rows(root: string, options: ScanOptions) {
  const result = await scan(await table(root, FILES), options);
  const order = result.plan.files.map((f) => Number(f.file.slice(1, -".parquet".length)));
  const actual = (await scanRows(result)).map((r) => [
    r[0],
    typeof r[1] === "number" ? r[1] : Date.parse(String(r[1])),
    Number(r[2]),
  ]);
  return { actual, expected: fold(FILES, order).map(([k, t, n]) => [k, t, n]) };
}

Deno.test("a scan through sorted runs gives each tie to the earlier file, then to the later row", async () => {
  const root = await Deno.makeTempDir();
  try {
    const sortedBefore = SortWorker.blocks;
    for (const sortThreads of [1, 2]) {
      for (const sortBudgetRows of [1, 2, 3, 4, 100, undefined]) {
        const what = `runs of ${sortBudgetRows ?? "the default"} rows on ${sortThreads} threads`;
        const { actual, expected } = await within(
          `a scan through ${what}`,
          () => rows(root, { sortBudgetRows, sortThreads }),
          60_000,
        );
        assert.deepEqual(actual, expected, what);
      }
    }
    assert.ok(SortWorker.blocks > sortedBefore, "the sorting worker sorted blocks");
    // The rule decides: the last of three tied rows, an update tied after a deletion, a deletion
    // tied after an update.
    const { expected } = await rows(root, {});
    assert.deepEqual(expected.filter((r) => ["d", "f", "g"].includes(r[0] as string)), [
      ["d", T + 2, 9],
      ["f", T + 7, 22],
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a key selection hashes its selected rows, and goes to sorted runs past the budget", async () => {
  const root = await Deno.makeTempDir();
  try {
    const opened = await table(root, FILES);
    const select = async (options: ScanOptions) => {
      let spilled = false;
      const result = await scan(opened, { ...options, onSpill: () => void (spilled = true) });
      const order = result.plan.files.map((f) => Number(f.file.slice(1, -".parquet".length)));
      const actual = (await scanRows(result)).map((r) => [
        r[0],
        typeof r[1] === "number" ? r[1] : Date.parse(String(r[1])),
        Number(r[2]),
      ]);
      const keys = new Set(options.keys ?? []);
      const prefixes = options.keyPrefixes ?? [];
      const expected = fold(FILES, order).filter(([k]) =>
        keys.has(k as string) || prefixes.some((p) => (k as string).startsWith(p))
      );
      return { actual, expected, spilled };
    };
    // "b" and "f" have 7 rows in all: within a budget of 7 they are hashed, not sorted.
    const point = await within(
      "a point read",
      () => select({ keys: ["b", "f", "z"], sortBudgetRows: 7 }),
      60_000,
    );
    assert.deepEqual(point.actual, point.expected);
    assert.equal(point.actual.length, 2);
    assert.equal(point.spilled, false, "7 selected rows within a budget of 7: no sorted runs");
    // Every key is selected: 19 rows over the budget of 7 go to sorted runs, with the same answer.
    const all = await within(
      "a selection of every key, through sorted runs (on the sorting worker)",
      () => select({ keyPrefixes: [""], sortBudgetRows: 7 }),
      60_000,
    );
    assert.deepEqual(all.actual, all.expected);
    assert.equal(all.spilled, true, "19 selected rows over a budget of 7: sorted runs");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a scan through sorted runs reports progress that never goes back", async () => {
  const root = await Deno.makeTempDir();
  try {
    const reports: { filesDone: number; files: number; rowsRead: number }[] = [];
    const result = await scan(await table(root, FILES), {
      sortBudgetRows: 2,
      onProgress: (p) => reports.push(p),
    });
    await scanRows(result);
    const rows = FILES.reduce((n, f) => n + f.length, 0);
    assert.ok(reports.length > 2);
    reports.forEach((p, i) => {
      assert.ok(p.filesDone <= p.files && p.files === 2, JSON.stringify(p));
      if (i > 0) assert.ok(p.rowsRead >= reports[i - 1]!.rowsRead, JSON.stringify(reports));
    });
    // Every row is read twice: from the files, then from the runs (one row per key and run).
    assert.ok(reports.at(-1)!.rowsRead > rows, JSON.stringify(reports.at(-1)));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a scan through sorted runs removes its temporary folder", async (t) => {
  const root = await Deno.makeTempDir();
  const sortDir = `${root}/tmp`;
  await Deno.mkdir(sortDir);
  const entries = async (dir: string) =>
    (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name);
  const runs = async () => {
    const [dir] = await entries(sortDir);
    assert.match(dir ?? "", /^azof-sort-/, "a private folder while the scan runs");
    return (await entries(`${sortDir}/${dir}/runs`)).filter((n) => n.endsWith(".parquet"));
  };
  try {
    const t0 = await table(root, FILES);
    const options = { sortBudgetRows: 2, sortDir, batchSize: 1 };
    // And the sorting worker (two threads, the default) is gone, whichever way the scan ended.
    const gone = () => assert.equal(SortWorker.live, 0, "no sorting worker is left");
    await t.step("after a full scan", async () => {
      let during: string[] = [];
      for await (const _ of (await scan(t0, options)).batches) during = await runs();
      assert.ok(during.length >= 5, `runs spilled: ${during}`);
      assert.deepEqual(await entries(sortDir), []);
      gone();
    });
    await t.step("after the consumer stops early", async () => {
      for await (const _ of (await scan(t0, options)).batches) break;
      assert.deepEqual(await entries(sortDir), []);
      gone();
    });
    await t.step("after --limit", async () => {
      const result = await scan(t0, { ...options, limit: 1 });
      assert.equal((await scanRows(result)).length, 1);
      assert.deepEqual(await entries(sortDir), []);
      gone();
    });
    await t.step("after a failure while sorting a later file", async () => {
      // The file read last, so that the runs of the others are on disk when it fails.
      const last = (await scan(t0, options)).plan.files.at(-1)!.file;
      const bytes = await Deno.readFile(`${root}/t/${last}`);
      bytes[8] = bytes[8]! ^ 0xff;
      await Deno.writeFile(`${root}/t/${last}`, bytes);
      await assert.rejects(() => scan(t0, options).then(scanRows), new RegExp(last));
      assert.deepEqual(await entries(sortDir), []);
      gone();
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a scan through sorted runs reads an altered table's old files by column id", async () => {
  const root = await Deno.makeTempDir();
  try {
    // Files written before a rename of `old` to `n`, a drop of `gone` and an added `extra`.
    const columns: Column[] = [
      { name: "old", type: "Int", nullable: true },
      { name: "gone", type: "String", nullable: true },
    ];
    const files = FILES.map((rows) =>
      rows.map((r) => ({ ...r, values: { old: r.values.n!, gone: "x" } }))
    );
    await Deno.mkdir(`${root}/t`);
    const delta = [];
    for (const [i, rows] of files.entries()) {
      await Deno.writeFile(`${root}/t/f${i}.parquet`, dataFileBytes(columns, rows));
      delta.push({
        file: `f${i}.parquet`,
        start: formatInstant(T + i),
        end: formatInstant(T + 99),
      });
    }
    const schema = {
      columns: [
        { name: "n", data_type: "Int", nullable: true },
        { name: "extra", data_type: "String", nullable: true },
      ],
    };
    const column_ids = { columns: [1, 3], last: 3, by_name: { old: 1, gone: 2 } };
    const segments = [{ id: "all", start: formatInstant(T), delta }];
    await Deno.writeTextFile(`${root}/t/s1.json`, JSON.stringify({ schema, column_ids, segments }));
    await Deno.writeTextFile(`${root}/t/version.txt`, "1");
    for (const [sortBudgetRows, sortThreads] of [[1, 1], [1, 2], [3, 2], [undefined, 2]]) {
      const result = await scan(openTable(root, "t"), { sortBudgetRows, sortThreads });
      const order = result.plan.files.map((f) => Number(f.file.slice(1, -".parquet".length)));
      const read = await within(`a scan sorting on ${sortThreads} threads`, () => scanRows(result));
      const actual = read.map((r) => [r[0], Number(r[2]), r[3]]);
      const expected = fold(FILES, order).map(([k, , n]) => [k, n, null]);
      assert.deepEqual(actual, expected, `runs of ${sortBudgetRows ?? "the default"} rows`);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
