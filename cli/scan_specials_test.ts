/**
 * -0, NaN, Infinity and -Infinity through every scan format: written with `azof write`, scanned,
 * and compared with Object.is (the sign of zero included). Parquet and Arrow are read back with
 * independent readers (hyparquet, apache-arrow); CSV and NDJSON are written back into a new table
 * and scanned again.
 */

import assert from "node:assert/strict";
import { tableFromIPC } from "npm:apache-arrow@21.2.0";
import { parquetReadObjects } from "npm:hyparquet@1.31.5";
import { runCli } from "./fixture_test_util.ts";

const VALUES: [string, number][] = [
  ["a", -0],
  ["b", 0],
  ["c", NaN],
  ["d", Infinity],
  ["e", -Infinity],
  ["f", -1.5],
];

async function azof(args: string[], stdin?: string): Promise<Uint8Array> {
  const run = await runCli(args, { ...(stdin === undefined ? {} : { stdin }), timeout: 60_000 });
  assert.equal(run.code, 0, `azof ${args.join(" ")}: ${run.stderr}`);
  return run.bytes;
}

/** Creates table `name` with a Float column `x` and writes `input` into it. */
async function table(root: string, name: string, input: string, format: string): Promise<void> {
  await azof(["create", "-p", root, "-t", name, "--schema", "x:Float?", "--segment", "P1Y"]);
  await azof(["write", "-q", "-p", root, "-t", name, "-i", "-", "--input-format", format], input);
}

function assertSame(actual: [string, unknown][], what: string): void {
  assert.equal(actual.length, VALUES.length, what);
  for (const [i, [key, x]] of VALUES.entries()) {
    assert.equal(actual[i]![0], key, what);
    assert.ok(Object.is(actual[i]![1], x), `${what}: key ${key} is ${actual[i]![1]}, not ${x}`);
  }
}

async function parquetValues(root: string, name: string): Promise<[string, unknown][]> {
  const bytes = await azof(["scan", "-p", root, "-t", name, "-f", "parquet", "-c", "key,x"]);
  const rows = await parquetReadObjects({ file: bytes.slice().buffer });
  return rows.map((r) => [r.key as string, r.x]);
}

Deno.test("scan keeps -0, NaN and ±Infinity in every format", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "azof-specials-" });
  try {
    const csv = "key,event_time,x\n" +
      VALUES.map(([k], i) =>
        `${k},2024-01-01,${["-0", "0", "NaN", "Infinity", "-Infinity", "-1.5"][i]}`
      )
        .join("\n") +
      "\n";
    await table(root, "t", csv, "csv");
    const scan = async (format: string) =>
      new TextDecoder().decode(
        await azof(["scan", "-p", root, "-t", "t", "-f", format, "-c", "key,x"]),
      );

    await t.step("Parquet, read by hyparquet", async () => {
      assertSame(await parquetValues(root, "t"), "parquet");
    });
    await t.step("Arrow IPC, read by apache-arrow", async () => {
      const bytes = await azof(["scan", "-p", root, "-t", "t", "-f", "arrow", "-c", "key,x"]);
      const arrow = tableFromIPC(bytes);
      const keys = [...arrow.getChild("key")!.toArray()] as string[];
      const xs = [...arrow.getChild("x")!.toArray()] as number[];
      assertSame(keys.map((k, i) => [k, xs[i]]), "arrow");
    });
    await t.step("CSV writes -0, NaN, Infinity, -Infinity and reads back the same", async () => {
      const text = await scan("csv");
      assert.equal(text, "key,x\na,-0\nb,0\nc,NaN\nd,Infinity\ne,-Infinity\nf,-1.5\n");
      const back = "key,event_time,x\n" +
        text.trim().split("\n").slice(1).map((l) => l.replace(",", ",2024-01-01,")).join("\n");
      await table(root, "from_csv", back, "csv");
      assertSame(await parquetValues(root, "from_csv"), "csv round trip");
    });
    await t.step(
      "NDJSON writes -0 and the strings NaN, Infinity, -Infinity, read back the same",
      async () => {
        const text = await scan("ndjson");
        const lines = text.trim().split("\n");
        assert.deepEqual(lines.slice(0, 5), [
          '{"key":"a","x":-0}',
          '{"key":"b","x":0}',
          '{"key":"c","x":"NaN"}',
          '{"key":"d","x":"Infinity"}',
          '{"key":"e","x":"-Infinity"}',
        ]);
        const back = lines.map((l) => l.replace("{", '{"event_time":"2024-01-01",')).join("\n");
        await table(root, "from_ndjson", back, "ndjson");
        assertSame(await parquetValues(root, "from_ndjson"), "ndjson round trip");
      },
    );
    await t.step("JSON writes the same values as NDJSON", async () => {
      const rows = JSON.parse(await scan("json")) as { key: string; x: number | string }[];
      assertSame(rows.map((r) => [r.key, typeof r.x === "string" ? Number(r.x) : r.x]), "json");
    });
    await t.step("the table shows -0, NaN, Infinity, -Infinity", async () => {
      const cells = (await scan("table")).split("\n").slice(2, 8).map((l) => l.trim().split(/\s+/));
      assert.deepEqual(cells.map((c) => c.at(-1)), [
        "-0",
        "0",
        "NaN",
        "Infinity",
        "-Infinity",
        "-1.5",
      ]);
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
