/**
 * A stress run of CSV parsing on the worker (lib/input/csv_parallel.ts) for hangs in the hand-off between
 * the threads: many short parses in a row, of a file and of a stream, valid or ending in an
 * unterminated quote, each under a deadline, while other threads keep every core busy.
 * `lib/input/csv_parallel_stress_test.ts` runs it briefly; `deno task stress` runs it long.
 *
 * @module
 */

import assert from "node:assert/strict";
import { csvFileBatches, csvStreamBatches } from "../input/csv_parallel.ts";
import type { Schema } from "../format/schema.ts";
import { within } from "./deadline.ts";

/** Options of {@linkcode stressCsvWorker}. */
export interface CsvStressOptions {
  /** Parses to run. */
  readonly runs: number;
  /** Threads spinning meanwhile, to load the CPU; 1 by default. */
  readonly burners?: number;
  /** Milliseconds each parse may take before it counts as hung; 60 s by default. */
  readonly deadline?: number;
  /** Called after each parse with its number (from 1). */
  readonly onRun?: (run: number) => void;
}

const _SCHEMA: Schema = {
  columns: [{ name: "n", type: "Int", nullable: true }, {
    name: "note",
    type: "String",
    nullable: true,
  }],
};
// 11 MiB, as large as CLI inputs that hung.
const _ROWS = 200_000;
const _BURNER = "for (;;) Math.sqrt(Math.random());";

/**
 * Runs the parses; each must give every row, or the error of the unterminated quote, in time.
 *
 * @param options How many parses, and how much load.
 * @throws {Error} naming the parse that hung, or an assertion about what it gave.
 */
export async function stressCsvWorker(options: CsvStressOptions): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "azof-csv-stress-" });
  const url = URL.createObjectURL(new Blob([_BURNER], { type: "text/javascript" }));
  const burners = Array.from(
    { length: options.burners ?? 1 },
    () => new Worker(url, { type: "module" }),
  );
  try {
    const text = ["key,event_time,n,note", ..._lines()].join("\n") + "\n";
    const good = `${dir}/good.csv`;
    const bad = `${dir}/bad.csv`;
    await Deno.writeTextFile(good, text);
    await Deno.writeTextFile(bad, `${text}k,2024-01-01,1,"note\n`);
    for (let run = 1; run <= options.runs; run++) {
      const path = run % 2 === 0 ? good : bad;
      const stream = run % 4 >= 2;
      const what = `parse ${run} of ${options.runs} on the worker (${stream ? "stream" : "file"} ` +
        `${path.slice(dir.length + 1)})`;
      await within(what, () => _parse(path, stream), options.deadline ?? 60_000);
      options.onRun?.(run);
    }
  } finally {
    burners.forEach((b) => b.terminate());
    URL.revokeObjectURL(url);
    await Deno.remove(dir, { recursive: true });
  }
}

function* _lines(): Generator<string> {
  for (let i = 0; i < _ROWS; i++) {
    yield `k${i % 5000},2024-01-01T00:00:${
      String(i % 60).padStart(2, "0")
    }Z,${i},note ${i} some words`;
  }
}

async function _parse(path: string, stream: boolean): Promise<void> {
  const options = { minBytes: 0 };
  const batches = stream
    ? csvStreamBatches((await Deno.open(path)).readable, _SCHEMA, options)
    : csvFileBatches(path, _SCHEMA, options);
  let rows = 0;
  try {
    for await (const batch of batches) rows += batch.length;
  } catch (error) {
    assert.ok(path.endsWith("bad.csv"), `${path}: ${error}`);
    assert.match(`${error}`, new RegExp(`line ${_ROWS + 2}, malformed CSV: a quoted field`));
    return;
  }
  assert.ok(path.endsWith("good.csv"), `${path}: no error`);
  assert.equal(rows, _ROWS);
}
