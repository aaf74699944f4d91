import { deepStrictEqual } from "node:assert/strict";
import { openDataFile } from "./data_file.ts";
import { openTable } from "./table.ts";
import { UPSTREAM_ROOT } from "./testing/upstream.ts";

/** Every table folder (one holding `version.txt`) directly under a root, with its Parquet files. */
async function _tables(root: string): Promise<{ name: string; files: string[] }[]> {
  const out: { name: string; files: string[] }[] = [];
  try {
    for await (const entry of Deno.readDir(root)) {
      if (!entry.isDirectory) continue;
      const files: string[] = [];
      let isTable = false;
      for await (const f of Deno.readDir(`${root}/${entry.name}`)) {
        if (f.name === "version.txt") isTable = true;
        if (f.isFile && f.name.endsWith(".parquet")) files.push(f.name);
      }
      if (isTable) out.push({ name: entry.name, files: files.sort() });
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

for (const root of [UPSTREAM_ROOT, new URL("../testdata", import.meta.url).pathname]) {
  const tables = await _tables(root);
  Deno.test({
    name: `parquet-wasm and hyparquet decode every data file of ${root} identically`,
    ignore: tables.length === 0,
    async fn(t) {
      for (const { name, files } of tables) {
        await t.step(name, async () => {
          const table = openTable(root, name);
          const schema = (await table.snapshot()).schema;
          const columns = schema.columns.map((c) => c.name);
          for (const file of files) {
            const js = await openDataFile(table, file, schema, { decoder: "hyparquet" });
            const wasm = await openDataFile(table, file, schema, { decoder: "wasm" });
            for (let g = 0; g < js.rowGroups.length; g++) {
              const expected = await js.readRowGroup(g, columns);
              deepStrictEqual(await wasm.readRowGroup(g, columns), expected, `${file} group ${g}`);
            }
          }
        });
      }
    },
  });
}
