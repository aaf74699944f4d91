/**
 * Golden answers: for every `testdata/<table>/expected/<instant>.csv` (or `current.csv`), the scan
 * of that table as of that instant, rendered as CSV, equals the file. The files were computed by
 * DuckDB when the table was generated (see testdata/make_prices.ts), not by azof.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { scan } from "./scan.ts";
import { openTable } from "../format/table.ts";
import { parseInstant } from "../format/time.ts";
import { scanRows } from "../testing/cells.ts";
import { csvText } from "../testing/csv_text.ts";

const ROOT = fileURLToPath(new URL("../../testdata/", import.meta.url));

function goldenCases(): { table: string; file: string; asOf: number | undefined }[] {
  const cases = [];
  for (const dir of Deno.readDirSync(ROOT)) {
    if (!dir.isDirectory) continue;
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(`${ROOT}${dir.name}/expected`)];
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (!entry.name.endsWith(".csv")) continue;
      const stem = entry.name.slice(0, -4);
      const asOf = stem === "current" ? undefined : parseInstant(stem);
      if (stem !== "current" && asOf === undefined) {
        throw new Error(`testdata/${dir.name}/expected/${entry.name}: name is not an instant`);
      }
      cases.push({ table: dir.name, file: entry.name, asOf });
    }
  }
  return cases.sort((a, b) => `${a.table}/${a.file}` < `${b.table}/${b.file}` ? -1 : 1);
}

Deno.test("scan() matches every golden answer in testdata/*/expected", async (t) => {
  const cases = goldenCases();
  assert.ok(cases.length >= 6, `found only ${cases.length} golden files`);
  for (const { table, file, asOf } of cases) {
    await t.step(`${table} as of ${file.slice(0, -4)}`, async () => {
      const result = await scan(openTable(ROOT, table), { asOf });
      const text = csvText(result.columns, await scanRows(result));
      const expected = await Deno.readTextFile(`${ROOT}${table}/expected/${file}`);
      assert.equal(text, expected);
    });
  }
});

Deno.test("scan() of testdata/prices keeps Int values exact beyond 2^53", async () => {
  const result = await scan(openTable(ROOT, "prices"), {
    asOf: parseInstant("2023-04-01"),
    columns: ["key", "volume"],
  });
  const volumes = new Map<string, unknown>();
  for await (const batch of result.batches) {
    for (let i = 0; i < batch.rows; i++) {
      volumes.set(batch.columns[0]!.values[i] as string, batch.columns[1]!.values[i]);
    }
  }
  assert.equal(volumes.get("MSFT"), 9_007_199_254_740_993n);
});
