/**
 * Property tests: random tables (seeded) written as Parquet, read at every boundary ±1 ms, every
 * event time ±1 ms, random instants and now, compared with a plain fold over the event history
 * (lib/testing/random_table.ts explains the layout and how ties map to read order).
 *
 * About a third of the data files are rewritten by DuckDB (`COPY ... TO`) with TIMESTAMPTZ or plain
 * TIMESTAMP (micros), INT32 ints where values fit, dictionary encoding and ZSTD, GZIP, LZ4 or
 * SNAPPY, to show that other writers' files scan the same. Every read is made twice: by hashing
 * (the default for small plans) and through sorted runs of a few rows (`sortBudgetRows`), whose tie
 * rule across runs of one file must come out as the hash path's, sorted on one thread and on two
 * (`sortThreads`) in turn.
 */

import assert from "node:assert/strict";
import { scan } from "./scan.ts";
import { openTable } from "../format/table.ts";
import { formatInstant } from "../format/time.ts";
import { assertSameRows, type Cell, scanRows, toCell } from "../testing/cells.ts";
import { DuckOracle, sqlString } from "../testing/duckdb_oracle.ts";
import { dataFileBytes, type DataRow } from "../testing/parquet_file.ts";
import { Prng } from "../write/prng.ts";
import {
  boundaryInstants,
  foldAsOf,
  type RandomSegment,
  type RandomTable,
  randomTable,
} from "../testing/random_table.ts";
import { utf8Compare } from "../testing/utf8_compare.ts";
import { within } from "../testing/deadline.ts";
import { SortWorker } from "./sort_worker_client.ts";

const CASES = 60;
const CODECS = ["zstd", "gzip", "lz4", "snappy", "uncompressed"];

interface Writer {
  readonly dir: string;
  readonly random: Prng;
  readonly duck: DuckOracle;
  readonly table: RandomTable;
  files: number;
  duckFiles: number;
}

/** Writes one data file, with azof's encoder or, sometimes, rewritten by DuckDB. */
async function writeFile(w: Writer, rows: readonly DataRow[]): Promise<string> {
  const name = `f${w.files++}.parquet`;
  const path = `${w.dir}/${name}`;
  const withDeleted = rows.some((r) => r.deleted) || w.random.chance(0.3);
  const rowGroupSize = w.random.pick([1, 2, 3, 1000]);
  // A nullable column with no values in this file is sometimes left out of it: it reads as null.
  const columns = w.table.columns.filter((c) =>
    !c.nullable || rows.some((r) => (r.values[c.name] ?? null) !== null) || w.random.chance(0.5)
  );
  const bytes = dataFileBytes(columns, rows, { withDeleted, rowGroupSize });
  if (rows.length === 0 || !w.random.chance(0.35)) {
    await Deno.writeFile(path, bytes);
    return name;
  }
  w.duckFiles++;
  const tmp = `${w.dir}/tmp.parquet`;
  await Deno.writeFile(tmp, bytes);
  const plain = w.random.chance(0.5); // TIMESTAMP (micros, not UTC-adjusted) instead of TIMESTAMPTZ
  const ts = (c: string) => plain ? `CAST(${c} AS TIMESTAMP) AS ${c}` : c;
  const select = [
    "key",
    ts("event_time"),
    ...(withDeleted ? ["_deleted"] : []),
    ...columns.map((c) => {
      const q = `"${c.name}"`;
      if (c.type === "DateTime") return ts(q);
      const fits = rows.every((r) => {
        const v = r.values[c.name];
        return v === null || v === undefined ||
          (typeof v === "bigint" && v >= -(2n ** 31n) && v < 2n ** 31n);
      });
      if (c.type === "Int" && fits && w.random.chance(0.6)) return `CAST(${q} AS INTEGER) AS ${q}`;
      return q;
    }),
  ];
  const codec = w.random.pick(CODECS);
  await w.duck.rows(
    `COPY (SELECT ${select.join(", ")} FROM read_parquet(${sqlString(tmp)}))
     TO ${sqlString(path)} (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE ${rowGroupSize})`,
  );
  await Deno.remove(tmp);
  return name;
}

async function segmentJson(w: Writer, s: RandomSegment): Promise<Record<string, unknown>> {
  const json: Record<string, unknown> = { id: s.id, start: formatInstant(s.start) };
  if (s.end !== undefined) json.end = formatInstant(s.end);
  if (s.base !== undefined) json.file = await writeFile(w, s.base);
  if (s.deltas.length > 0 || w.random.chance(0.5)) {
    json.delta = [];
    for (const d of s.deltas) {
      (json.delta as unknown[]).push({
        file: await writeFile(w, d.rows),
        start: formatInstant(d.start),
        end: formatInstant(d.end),
      });
    }
  }
  if (s.children.length > 0) {
    json.segments = [];
    for (const c of s.children) (json.segments as unknown[]).push(await segmentJson(w, c));
  }
  return json;
}

function expectedRows(table: RandomTable, asOf: number | null): Cell[][] {
  return foldAsOf(table, asOf).map((r) => [
    r.key,
    r.eventTime,
    ...table.columns.map((c) => toCell(r.values[c.name] ?? null)),
  ]);
}

/** Counts layout features, to check that the generator exercises them. */
class ShapeCount {
  nested = 0;
  grandchildren = 0;
  withoutDeltas = 0;
  withoutBase = 0;
  gaps = 0;
  open = 0;
  closedOnly = 0;

  add(table: RandomTable): void {
    const visit = (s: RandomSegment, depth: number) => {
      if (s.children.length > 0) this.nested++;
      if (depth === 2) this.grandchildren++;
      if (s.deltas.length === 0) this.withoutDeltas++;
      if (s.base === undefined) this.withoutBase++;
      s.children.forEach((c) => visit(c, depth + 1));
    };
    table.segments.forEach((s) => visit(s, 0));
    table.segments.forEach((s, i) => {
      const next = table.segments[i + 1];
      if (next && s.end !== undefined && next.start > s.end + 1) this.gaps++;
    });
    if (table.segments.some((s) => s.end === undefined)) this.open++;
    else this.closedOnly++;
  }
}

Deno.test("scan() equals a fold over the event history on random tables", async (t) => {
  const duck = await DuckOracle.open();
  const root = await Deno.makeTempDir({ prefix: "azof_property_" });
  let duckFiles = 0;
  let reads = 0;
  let nonEmpty = 0;
  let ties = 0;
  let deletions = 0;
  let projections = 0;
  const sortedBefore = SortWorker.blocks;
  const shapes = new ShapeCount();
  try {
    for (let seed = 1; seed <= CASES; seed++) {
      const random = new Prng(seed * 7919);
      const table = randomTable(random);
      const dir = `${root}/t${seed}`;
      await Deno.mkdir(dir);
      const w: Writer = { dir, random, duck, table, files: 0, duckFiles: 0 };
      const segments = [];
      for (const s of table.segments) segments.push(await segmentJson(w, s));
      const schema = {
        columns: table.columns.map((c) => ({
          name: c.name,
          data_type: c.type,
          nullable: c.nullable,
        })),
      };
      await Deno.writeTextFile(`${dir}/s1.json`, JSON.stringify({ schema, segments }, null, 1));
      duckFiles += w.duckFiles;
      const seen = new Set<string>();
      for (const e of table.history) {
        const id = `${e.key}\0${e.eventTime}`;
        if (seen.has(id)) ties++;
        seen.add(id);
        if (e.deleted) deletions++;
      }
      const opened = openTable(root, `t${seed}`);
      // Its own generator, so that the tables and instants stay those of the hash path's reads.
      const budgets = new Prng(seed);
      for (const asOf of boundaryInstants(table, random)) {
        const expected = expectedRows(table, asOf);
        const actual = await scanRows(await scan(opened, { asOf: asOf ?? undefined }));
        assertSameRows(
          actual,
          expected,
          `seed ${seed} as of ${asOf === null ? "current" : formatInstant(asOf)} (table ${dir})`,
        );
        // The same read through sorted runs (files not key-ordered sorted a few rows at a time),
        // on one thread and on two (the sorting worker) in turn.
        const sortBudgetRows = budgets.pick([1, 2, 3, 5, 8]);
        const sortThreads = reads % 2 + 1;
        assertSameRows(
          await within(
            `a scan sorting on ${sortThreads} threads (seed ${seed})`,
            async () =>
              await scanRows(
                await scan(opened, { asOf: asOf ?? undefined, sortBudgetRows, sortThreads }),
              ),
            60_000,
          ),
          expected,
          `seed ${seed} sorted runs of ${sortBudgetRows} rows on ${sortThreads} threads as of ${
            asOf === null ? "current" : formatInstant(asOf)
          } (table ${dir})`,
        );
        reads++;
        if (expected.length > 0) nonEmpty++;
        if (random.chance(0.2)) {
          // A random projection in random order, and a limit, cut from the same answer.
          const names = ["key", "event_time", ...table.columns.map((c) => c.name)];
          const pick = random.shuffle(names.map((_, i) => i)).slice(0, random.int(1, names.length));
          const limit = random.int(0, expected.length + 1);
          const projected = await scanRows(
            await scan(opened, {
              asOf: asOf ?? undefined,
              columns: pick.map((i) => names[i]!),
              limit,
              batchSize: random.int(1, 4),
              sortBudgetRows: budgets.pick([2, 1_000_000]),
              sortThreads: projections % 2 + 1,
            }),
          );
          assertSameRows(
            projected,
            expected.slice(0, limit).map((row) => pick.map((i) => row[i]!)),
            `seed ${seed} projection ${pick.map((i) => names[i]).join(",")} limit ${limit}`,
          );
          projections++;
        }
      }
      shapes.add(table);
    }
    await t.step(
      `${CASES} tables, ${reads} reads (${nonEmpty} non-empty), ${ties} tied events, ` +
        `${deletions} deletions, ${duckFiles} files written by DuckDB, ${projections} projections`,
      () => {
        // The generator must exercise what it claims to, or the property proves little.
        assert.ok(nonEmpty > reads / 3);
        assert.ok(ties > 20);
        assert.ok(deletions > 20);
        assert.ok(duckFiles > 30);
        assert.ok(projections > 100);
        assert.ok(SortWorker.blocks > sortedBefore, "the sorting worker sorted blocks");
        assert.equal(SortWorker.live, 0, "no sorting worker is left");
      },
    );
    await t.step(`layouts vary: ${JSON.stringify(shapes)}`, () => {
      assert.ok(shapes.nested > 10, "segments with children");
      assert.ok(shapes.grandchildren > 5, "segments three levels deep");
      assert.ok(shapes.withoutDeltas > 5, "parents whose children tile them, without deltas");
      assert.ok(shapes.withoutBase > 5, "segments without a base");
      assert.ok(shapes.gaps > 5, "gaps between top-level segments");
      assert.ok(
        shapes.open > 10 && shapes.closedOnly > 5,
        "tables with and without an open segment",
      );
    });
    await Deno.remove(root, { recursive: true });
  } finally {
    duck.close();
  }
});

Deno.test("utf8Compare() orders astral characters after U+FFFD, as UTF-8 bytes do", () => {
  assert.ok(utf8Compare("\u{1D4B3}", "\uFFFD") > 0);
  assert.ok("\u{1D4B3}" < "\uFFFD"); // UTF-16 order differs, which is why the fold uses bytes
  assert.ok(utf8Compare("a", "aa") < 0);
  assert.equal(utf8Compare("é", "é"), 0);
});
