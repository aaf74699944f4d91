/**
 * `azof scan`: read a table as of an event-time instant and write the rows.
 *
 * @module
 */

import type { RowBatch } from "../lib/read/batch.ts";
import { scan } from "../lib/read/scan.ts";
import { removeSpillDirsSync } from "../lib/read/sort_runs.ts";
import { InterruptCleanup } from "./interrupt.ts";
import type { Context } from "./context.ts";
import { chooseFormat, writeOutput } from "./output_target.ts";
import { type Progress, startProgress } from "./progress.ts";
import { counted } from "../lib/output/units.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import {
  instantFlag,
  integerFlag,
  listFlag,
  parseFlags,
  SNAPSHOT_OPTIONS,
  snapshotFlag,
  withFlagValues,
} from "./usage.ts";

/** The flags `azof scan` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  "as-of": { type: "string" },
  ...SNAPSHOT_OPTIONS,
  columns: { type: "string", short: "c" },
  limit: { type: "string" },
  key: { type: "string", multiple: true },
  "key-prefix": { type: "string", multiple: true },
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
} as const;

/**
 * Runs `azof scan`.
 *
 * @param args Arguments after `scan`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  // Sorted runs of files that are not key-ordered live in a temporary folder until the scan ends.
  const interrupt = new InterruptCleanup(removeSpillDirsSync);
  try {
    await _run(args, context, interrupt);
  } finally {
    interrupt.disarm();
  }
}

async function _run(args: string[], context: Context, interrupt: InterruptCleanup): Promise<void> {
  const { values } = parseFlags("scan", args, OPTIONS);
  const table = await tableFromFlags(values, "scan");
  const asOf = instantFlag(values["as-of"], "--as-of");
  const version = snapshotFlag(values);
  const limit = integerFlag(values.limit, "--limit", 0);
  const columns = listFlag(values.columns, "--columns");
  const format = chooseFormat(values.format, values.output, context);
  const progress = startProgress(context);
  const result = await withFlagValues(() =>
    scan(table, {
      asOf,
      columns,
      version,
      limit,
      keys: values.key,
      keyPrefixes: values["key-prefix"],
      sortBudgetRows: integerFlag(
        context.env("AZOF_SORT_BUDGET_ROWS"),
        "AZOF_SORT_BUDGET_ROWS",
        1,
      ),
      sortThreads: integerFlag(context.env("AZOF_SORT_THREADS"), "AZOF_SORT_THREADS", 1),
      onSpill: () => interrupt.arm(),
      onProgress: (p) =>
        progress.update({
          label: `reading file ${Math.min(p.filesDone + 1, p.files)}/${p.files}`,
          done: p.rowsRead,
          fraction: p.files === 0 ? undefined : p.filesDone / p.files,
        }),
    })
  );
  let writing = progress;
  const batches = _reported(result.batches, () => {
    progress.done();
    writing = startProgress(context);
    return writing;
  });
  try {
    const rows = await writeOutput(format, result.columns, batches, values.output, context);
    if (context.verbose) {
      context.message(`${counted(rows, "row")} from ${counted(result.plan.files.length, "file")}`);
    }
  } finally {
    writing.done();
  }
}

/** Passes batches through, reporting the rows written on a progress line started at the first. */
async function* _reported(
  batches: AsyncIterable<RowBatch>,
  start: () => Progress,
): AsyncGenerator<RowBatch> {
  let progress: Progress | undefined;
  let rows = 0;
  for await (const batch of batches) {
    progress ??= start();
    yield batch;
    rows += batch.rows;
    progress.update({ label: "writing", done: rows });
  }
}
