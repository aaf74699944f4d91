/**
 * `azof gen`: upstream's CSV-to-Parquet data file generator, and a synthetic history generator
 * that writes through the real write path.
 *
 * @module
 */

import { genUpstream, syntheticRows } from "../lib/write/gen.ts";
import { writeRows } from "../lib/write/write.ts";
import type { Context } from "./context.ts";
import { startProgress } from "./progress.ts";
import { counted } from "../lib/output/units.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import { instantFlag, integerFlag, parseFlags, UsageError } from "./usage.ts";

/** The flags `azof gen` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  file: { type: "string" },
  keys: { type: "string" },
  events: { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  late: { type: "string" },
  deleted: { type: "string" },
  seed: { type: "string" },
  commits: { type: "string" },
} as const;

/**
 * Runs `azof gen`.
 *
 * @param args Arguments after `gen`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("gen", args, OPTIONS);
  const table = await tableFromFlags(values, "gen");
  if (values.file !== undefined) {
    const rows = await genUpstream(table, values.file);
    if (!context.quiet) context.message(`wrote ${values.file}.parquet: ${counted(rows, "row")}`);
    return;
  }
  const keys = integerFlag(values.keys, "--keys", 1);
  if (keys === undefined) {
    throw new UsageError(`azof gen needs --file BASE or --keys N (see azof gen --help)`);
  }
  const commits = integerFlag(values.commits, "--commits", 1) ?? 1;
  const options = {
    keys,
    eventsPerKey: integerFlag(values.events, "--events", 1) ?? 1,
    start: instantFlag(values.from, "--from") ?? Date.UTC(2020, 0, 1),
    end: instantFlag(values.to, "--to") ?? Date.UTC(2024, 0, 1),
    late: _fraction(values.late, "--late"),
    deleted: _fraction(values.deleted, "--deleted"),
    seed: integerFlag(values.seed, "--seed", 0) ?? 1,
  };
  const schema = (await table.snapshot()).schema;
  const all = syntheticRows(schema, options);
  const total = options.keys * options.eventsPerKey;
  const per = Math.ceil(total / commits);
  const progress = startProgress(context);
  let before = 0;
  for (let c = 0; c < commits; c++) {
    const result = await writeRows(table, _take(all, per), {
      onProgress: (n) => progress.update({ label: "generating", done: before + n, total }),
    }).finally(() => progress.done());
    before += result.rows;
    if (!context.quiet) {
      context.message(`snapshot ${result.version}: ${counted(result.rows, "row")}`);
    }
  }
}

function* _take<T>(source: Iterator<T>, n: number): Generator<T> {
  for (let i = 0; i < n; i++) {
    const next = source.next();
    if (next.done) return;
    yield next.value;
  }
}

function _fraction(value: string | undefined, flag: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || n > 1) {
    throw new UsageError(`invalid ${flag} "${value}": expected a fraction from 0 to 1`);
  }
  return n;
}
