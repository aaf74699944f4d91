import assert from "node:assert/strict";
import { type CsvOptions, writeCsv } from "./csv.ts";
import { CsvWorker } from "./csv_worker_client.ts";
import type { BatchColumn, RowBatch } from "../read/batch.ts";
import type { ColumnType, Value } from "../format/schema.ts";
import { fromValues, kindOf } from "../columns/column_data.ts";
import { Prng } from "../write/prng.ts";
import { within } from "../testing/deadline.ts";

const _TYPES: readonly ColumnType[] = ["String", "Int", "Float", "DateTime", "Boolean"];

/** A random value of a type: strings with non-ASCII, quotes, commas, line breaks, spaces. */
function _value(prng: Prng, type: ColumnType): Value {
  if (prng.next() < 0.1) return null;
  switch (type) {
    case "String":
      return Array.from(
        { length: prng.int(0, 8) },
        () => prng.pick(["a", "Z", "é", "日本", "😀", '"', ",", "\n", "\r\n", " ", "x y", "0"]),
      ).join("");
    case "Int":
      return prng.next() < 0.5
        ? BigInt(prng.int(-(2 ** 40), 2 ** 40))
        : BigInt(prng.int(-(2 ** 31), 2 ** 31)) * BigInt(prng.int(0, 2 ** 32)) +
          BigInt(prng.pick([0, 1, -1, 2 ** 53]));
    case "Float":
      return prng.pick([prng.int(-1e6, 1e6) / 100, (prng.next() - 0.5) * 1e300, -0, 5e-324]);
    case "DateTime":
      return prng.int(-8.64e15, 8.64e15);
    default:
      return prng.next() < 0.5;
  }
}

/** Random batches of every type (some with typed arrays, some with values only, some empty). */
function _batches(seed: number): RowBatch[] {
  const prng = new Prng(seed);
  return Array.from({ length: prng.int(2, 6) }, (_, b) => {
    const rows = prng.pick([0, 1, prng.int(1, 3000)]);
    const columns = _TYPES.map((type, i): BatchColumn => {
      const values = Array.from({ length: rows }, () => _value(prng, type));
      const typed = (b + i) % 2 === 0;
      return {
        name: `c${i}`,
        type,
        nullable: true,
        values,
        ...(typed ? { data: fromValues(values, kindOf(type)) } : {}),
      };
    });
    return { rows, columns };
  });
}

/** The CSV bytes of batches, and the rows counted. */
async function _csv(batches: RowBatch[], options: CsvOptions): Promise<[string, number]> {
  const chunks: Uint8Array[] = [];
  const rows = await within("writeCsv() with its formatting worker", () =>
    writeCsv(
      _TYPES.map((_, i) => `c${i}`),
      (async function* () {
        yield* batches;
      })(),
      { write: (b) => Promise.resolve(void chunks.push(b.slice())) },
      options,
    ), 60_000);
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
  return [new TextDecoder().decode(bytes), rows];
}

Deno.test("writeCsv() writes the same bytes with its formatting worker as on the calling thread", async (t) => {
  for (let seed = 1; seed <= 12; seed++) {
    await t.step(`random batches ${seed}`, async () => {
      const batches = _batches(seed);
      const here = await _csv(batches, { worker: false });
      assert.deepEqual(await _csv(batches, { worker: true }), here);
    });
  }
  await t.step("typed Int columns are written as their values are", async () => {
    const values: Value[] = [
      0n,
      -1n,
      2n ** 53n,
      -(2n ** 53n) - 1n,
      2n ** 63n - 1n,
      -(2n ** 63n),
      null,
    ];
    const column = { name: "c0", type: "Int" as const, nullable: true, values };
    const typed = { ...column, data: fromValues(values, "i64") };
    const lines = async (c: BatchColumn) => {
      const chunks: Uint8Array[] = [];
      await writeCsv(
        ["c0"],
        (async function* () {
          yield { rows: values.length, columns: [c] };
        })(),
        { write: (b) => Promise.resolve(void chunks.push(b.slice())) },
        { worker: false },
      );
      return chunks.map((c) => new TextDecoder().decode(c)).join("");
    };
    assert.equal(await lines(typed), await lines(column));
    assert.equal(await lines(column), `c0\n${values.map((v) => v ?? "").join("\n")}\n`);
  });
});

Deno.test("CsvWorker starts where its module is, and not when it is missing (writeCsv then formats here)", async () => {
  const sink = { write: () => Promise.resolve() };
  const worker = CsvWorker.start(sink, undefined, true);
  assert.ok(worker, "the worker of a checkout starts");
  worker.terminate();
  const missing = new URL("./no_such_worker.ts", import.meta.url);
  assert.equal(CsvWorker.start(sink, missing, true), undefined);
  assert.equal(CsvWorker.start(sink, undefined, false), undefined);
  const batches = _batches(99);
  assert.deepEqual(
    await _csv(batches, { worker: true, workerUrl: missing }),
    await _csv(batches, { worker: false }),
  );
});

/** Runs a script that writes endless batches through the worker and fails as `how` says. */
async function _failing(how: "sink" | "batches" | "consumer"): Promise<Deno.CommandOutput> {
  const script = `
    import { writeCsv } from ${JSON.stringify(new URL("./csv.ts", import.meta.url).href)};
    import { fromValues } from ${
    JSON.stringify(new URL("../columns/column_data.ts", import.meta.url).href)
  };
    const values = Array.from({ length: 20000 }, (_, i) => "row " + i);
    const batch = { rows: values.length, columns: [{ name: "s", type: "String", nullable: false, values, data: fromValues(values, "utf8") }] };
    let sent = 0;
    async function* batches() {
      for (;;) {
        if (${JSON.stringify(how)} === "batches" && sent === 5) throw new Error("the scan failed");
        sent++;
        yield batch;
      }
    }
    let writes = 0;
    const sink = { write: async () => {
      if (${JSON.stringify(how)} === "sink" && ++writes === 3) throw new Error("disk full");
    } };
    if (${JSON.stringify(how)} === "consumer") {
      // A consumer that stops early: its own loop over the batches ends after a few.
      let rows = 0;
      async function* few() { for await (const b of batches()) { if (sent > 4) return; yield b; } }
      rows = await writeCsv(["s"], few(), sink, { worker: true });
      console.log("rows", rows);
    } else {
      try {
        await writeCsv(["s"], batches(), sink, { worker: true });
      } catch (error) {
        console.log("error:", error.message);
      }
    }
  `;
  const dir = await Deno.makeTempDir({ prefix: "azof-csv-worker-" });
  try {
    await Deno.writeTextFile(`${dir}/main.ts`, script);
    return await within(
      `a script writing CSV through the worker (${how})`,
      (signal) =>
        new Deno.Command(Deno.execPath(), {
          args: ["run", "--allow-read", `${dir}/main.ts`],
          stdout: "piped",
          stderr: "piped",
          signal,
        }).output(),
      60_000,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("writeCsv() with its worker ends with the sink's or the batches' error, and the process exits", async (t) => {
  for (
    const [how, expected] of [
      ["sink", "error: disk full"],
      ["batches", "error: the scan failed"],
      ["consumer", "rows 80000"],
    ] as const
  ) {
    await t.step(how, async () => {
      const output = await _failing(how);
      const stdout = new TextDecoder().decode(output.stdout).trim();
      assert.equal(stdout, expected, new TextDecoder().decode(output.stderr));
      assert.equal(output.code, 0);
    });
  }
});
