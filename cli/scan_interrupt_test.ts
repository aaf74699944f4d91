/**
 * `azof scan` interrupted while it merges sorted runs (files that are not key-ordered, more rows
 * than `AZOF_SORT_BUDGET_ROWS`): Ctrl-C (SIGINT) and SIGTERM end it with 130 and 143 and leave no
 * temporary folder behind.
 */

import assert from "node:assert/strict";
import { formatInstant } from "../lib/format/time.ts";
import { dataFileBytes, type DataRow } from "../lib/testing/parquet_file.ts";
import { within } from "../lib/testing/deadline.ts";

const MAIN = new URL("./main.ts", import.meta.url).pathname;
const T = Date.UTC(2024, 0, 1);

/** A table of two files that are not key-ordered, 4,000 rows each, with long strings (16 MB of CSV). */
async function foreignTable(root: string): Promise<void> {
  await Deno.mkdir(`${root}/t`, { recursive: true });
  const columns = [{ name: "s", type: "String" as const, nullable: false }];
  const delta = [];
  for (const f of [0, 1]) {
    const rows: DataRow[] = Array.from({ length: 4_000 }, (_, i) => ({
      key: `k${(i * 7919 + f) % 4_001}`,
      eventTime: T + f * 1000 + i,
      values: { s: "x".repeat(2_000) + i },
    }));
    await Deno.writeFile(`${root}/t/f${f}.parquet`, dataFileBytes(columns, rows));
    delta.push({ file: `f${f}.parquet`, start: formatInstant(T), end: formatInstant(T + 99_999) });
  }
  const schema = { columns: [{ name: "s", data_type: "String", nullable: false }] };
  const segment = { id: "all", start: formatInstant(T), delta };
  await Deno.writeTextFile(`${root}/t/s1.json`, JSON.stringify({ schema, segments: [segment] }));
  await Deno.writeTextFile(`${root}/t/version.txt`, "1");
}

async function sortFolders(tmp: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(tmp)) {
    if (entry.name.startsWith("azof-sort-")) names.push(entry.name);
  }
  return names;
}

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  Deno.test({
    name: `azof scan stopped by ${signal} while merging sorted runs exits ${code} and removes them`,
    ignore: Deno.build.os === "windows",
    async fn() {
      const root = await Deno.makeTempDir({ prefix: "azof-interrupt-" });
      try {
        await foreignTable(root);
        const tmp = `${root}/tmp`;
        await Deno.mkdir(tmp);
        // stdout is never read: the scan blocks writing its CSV (more than a pipe holds) mid-merge.
        const child = new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", MAIN, "scan", "-p", root, "-t", "t", "-f", "csv"],
          env: { TMPDIR: tmp, AZOF_SORT_BUDGET_ROWS: "1000" },
          stdout: "piped",
          stderr: "null",
        }).spawn();
        const status = await within(`azof scan interrupted by ${signal}`, async (abort) => {
          abort.addEventListener("abort", () => child.kill("SIGKILL"));
          while ((await sortFolders(tmp)).length === 0) {
            await new Promise((r) => setTimeout(r, 50));
          }
          // Let it fill the pipe and block in the merge.
          await new Promise((r) => setTimeout(r, 1_000));
          assert.equal((await sortFolders(tmp)).length, 1, "the runs' folder while merging");
          child.kill(signal);
          return await child.status;
        }, 60_000);
        await child.stdout.cancel();
        assert.equal(status.code, code);
        assert.deepEqual(await sortFolders(tmp), []);
      } finally {
        await Deno.remove(root, { recursive: true });
      }
    },
  });
}
