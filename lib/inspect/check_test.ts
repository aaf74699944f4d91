import assert from "node:assert/strict";
import { runCli } from "../../cli/fixture_test_util.ts";
import { checkTable } from "./check.ts";
import { compactTable } from "../compact/compact.ts";
import { createTable } from "../write/create.ts";
import { Prng } from "../write/prng.ts";
import type { Segment } from "../format/snapshot.ts";
import { openTable } from "../format/table.ts";
import { DuckOracle, sqlString } from "../testing/duckdb_oracle.ts";
import { writeRows } from "../write/write.ts";

const UPSTREAM = new URL("../../../shared/upstream-testdata", import.meta.url).pathname;

function rows(seed: number, n: number): Record<string, unknown>[] {
  const prng = new Prng(seed);
  const from = Date.UTC(2019, 0, 1);
  return Array.from({ length: n }, () => ({
    key: `k${prng.int(0, 300)}`,
    event_time: from + Math.floor(prng.next() * 3 * 365 * 86_400_000),
    n: BigInt(prng.int(0, 1e6)),
    s: prng.chance(0.3) ? null : `s${prng.int(0, 9)}`,
  }));
}

async function checkCli(root: string, table: string, ...extra: string[]) {
  return await runCli(["check", "-p", root, "-t", table, ...extra]);
}

Deno.test("checkTable() and azof check", async (t) => {
  const root = await Deno.makeTempDir();
  try {
    const table = await createTable(root, "t", {
      columns: [
        { name: "n", type: "Int", nullable: false },
        { name: "s", type: "String", nullable: true },
      ],
    }, { segment: ["P1Y", "P3M"] });
    for (let w = 0; w < 3; w++) await writeRows(table, rows(w + 1, 500));
    const written = (await table.snapshot()).version;
    await compactTable(table, { force: true });

    await t.step("a table written and compacted by azof has no problem", async () => {
      for (const version of [written, undefined]) {
        const result = await checkTable(table, { version });
        assert.deepEqual(result.problems, []);
        assert.ok(result.files > 3 && result.rows >= 1500, `${result.files} ${result.rows}`);
      }
      const run = await checkCli(root, "t");
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /^ok: t, \d+ files, [\d,]+ rows in snapshot \d+\n$/);
    });

    const snapshot = await table.snapshot(written);
    const deltas = (s: Segment): string[] => [
      ...s.deltas.map((d) => d.file),
      ...s.children.flatMap(deltas),
    ];
    const files = snapshot.segments.flatMap(deltas);
    await t.step(
      "a flipped page byte, a missing file: one line each, naming the file",
      async () => {
        const [damaged, gone] = [files[0]!, files[1]!];
        const path = `${root}/t/${damaged}`;
        const bytes = await Deno.readFile(path);
        const flipped = bytes.slice();
        flipped[40]! ^= 0x55;
        await Deno.writeFile(path, flipped);
        const saved = await Deno.readFile(`${root}/t/${gone}`);
        await Deno.remove(`${root}/t/${gone}`);
        try {
          const result = await checkTable(table, { version: written });
          assert.deepEqual(result.problems.map((p) => p.file), [damaged, gone]);
          assert.match(result.problems[0]!.message, new RegExp(`corrupt page in ${damaged}: CRC`));
          assert.match(result.problems[1]!.message, /missing/);
          const run = await checkCli(root, "t", "--snapshot", String(written));
          assert.equal(run.code, 1);
          const lines = run.stdout.trimEnd().split("\n");
          assert.equal(lines.length, 2);
          assert.ok(lines[0]!.includes(damaged) && lines[1]!.includes(gone), run.stdout);
          assert.match(run.stderr, /^error: Table t has 2 problems in 2 of /);
        } finally {
          await Deno.writeFile(path, bytes);
          await Deno.writeFile(`${root}/t/${gone}`, saved);
        }
      },
    );

    await t.step("rows outside their delta's declared range are reported", async () => {
      const text = await Deno.readTextFile(`${root}/t/s${written}.json`);
      const json = JSON.parse(text);
      const delta = json.segments[0].segments?.[0]?.delta?.[0] ?? json.segments[0].delta[0];
      delta.start = delta.end;
      await Deno.writeTextFile(`${root}/t/s${written}.json`, JSON.stringify(json));
      try {
        const result = await checkTable(await openTable(root, "t"), { version: written });
        assert.equal(result.problems.length, 1, JSON.stringify(result.problems));
        assert.match(result.problems[0]!.message, /event_time .* is outside its delta range/);
        assert.equal(result.problems[0]!.file, delta.file);
      } finally {
        await Deno.writeTextFile(`${root}/t/s${written}.json`, text);
      }
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("checkTable() reports financials' nulls in non-nullable industry, as DuckDB counts them", async () => {
  const result = await checkTable(await openTable(UPSTREAM, "financials"));
  const reported = new Map(result.problems.map((p) => {
    const m = p.message.match(/"industry" is declared non-nullable but ([\d,]+) rows are null$/);
    assert.ok(m, p.message);
    return [p.file, Number(m[1]!.replaceAll(",", ""))];
  }));
  const duck = await DuckOracle.open();
  try {
    const glob = sqlString(`${UPSTREAM}/financials/*.parquet`);
    const counted = await duck.rows(
      `SELECT parse_filename(filename), count(*) FROM read_parquet(${glob}, filename = true)
       WHERE industry IS NULL GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(
      [...reported].sort(([a], [b]) => a < b ? -1 : 1),
      counted.map(([file, n]) => [file, Number(n)]),
    );
  } finally {
    duck.close();
  }
});
