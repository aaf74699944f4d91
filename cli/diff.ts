/**
 * `azof diff`: the keys whose as-of answer changed between two snapshots, or a summary of how many
 * changed per period of a range.
 *
 * @module
 */

import { AzofError } from "../lib/errors.ts";
import { parsePeriod } from "../lib/format/policy.ts";
import {
  diffSummary,
  diffSummaryJson,
  diffSummarySvg,
  diffSummaryText,
} from "../lib/inspect/diff_summary.ts";
import { diffSnapshots } from "../lib/read/diff.ts";
import { removeSpillDirsSync } from "../lib/read/sort_runs.ts";
import { cleanUpOnInterrupt } from "./interrupt.ts";
import type { Context } from "./context.ts";
import { chooseFormat, openOutput, writeOutput } from "./output_target.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import { choiceFlag, instantFlag, integerFlag, parseFlags, required, UsageError } from "./usage.ts";

/** The flags `azof diff` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  "from-snapshot": { type: "string" },
  "to-snapshot": { type: "string" },
  "as-of": { type: "string" },
  "with-old": { type: "boolean" },
  "as-of-range": { type: "string" },
  every: { type: "string" },
  format: { type: "string", short: "f" },
  output: { type: "string", short: "o" },
} as const;

type _Values = ReturnType<typeof parseFlags<typeof OPTIONS>>["values"];

/**
 * Runs `azof diff`.
 *
 * @param args Arguments after `diff`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  // A diff touching many keys scans both answers, which may sort runs into a temporary folder.
  await cleanUpOnInterrupt(removeSpillDirsSync, () => _run(args, context));
}

async function _run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("diff", args, OPTIONS);
  const table = await tableFromFlags(values, "diff");
  const fromSnapshot = integerFlag(
    required(values["from-snapshot"], "--from-snapshot A", "diff"),
    "--from-snapshot",
    1,
  )!;
  const toSnapshot = integerFlag(values["to-snapshot"], "--to-snapshot", 1);
  try {
    if (values["as-of-range"] !== undefined) {
      await _summary(table, values, { fromSnapshot, toSnapshot }, context);
      return;
    }
    if (values.every !== undefined) throw new UsageError("--every needs --as-of-range FROM..TO");
    const asOf = instantFlag(required(values["as-of"], "--as-of TIME", "diff"), "--as-of");
    const format = chooseFormat(values.format, values.output, context);
    const diff = await diffSnapshots(table, {
      fromSnapshot,
      toSnapshot,
      asOf,
      withOld: values["with-old"],
    });
    await writeOutput(format, diff.columns, diff.batches, values.output, context);
  } catch (error) {
    if (error instanceof AzofError && error.code === "InputInvalid") {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

async function _summary(
  table: Awaited<ReturnType<typeof tableFromFlags>>,
  values: _Values,
  snapshots: { fromSnapshot: number; toSnapshot: number | undefined },
  context: Context,
): Promise<void> {
  if (values["as-of"] !== undefined || values["with-old"]) {
    throw new UsageError("give --as-of (with --with-old) or --as-of-range, not both");
  }
  const range = /^(.+)\.\.(.+)$/.exec(values["as-of-range"]!);
  if (!range) {
    throw new UsageError(`invalid --as-of-range "${values["as-of-range"]}": expected FROM..TO`);
  }
  const from = instantFlag(range[1], "--as-of-range FROM")!;
  const to = instantFlag(range[2], "--as-of-range TO")!;
  const every = parsePeriod(required(values.every, "--every PERIOD with --as-of-range", "diff"));
  const extension = /\.(json|svg|txt)$/i.exec(values.output ?? "")?.[1]?.toLowerCase();
  const format = choiceFlag(values.format, "--format", ["text", "json", "svg"] as const) ??
    (extension === "json" ? "json" : extension === "svg" ? "svg" : "text");
  const periods = await diffSummary(table, { ...snapshots, from, to, every });
  const text = format === "json" ? diffSummaryJson(periods) : format === "svg"
    ? diffSummarySvg(
      periods,
      `${table.name}: answers changed from snapshot ${snapshots.fromSnapshot} to ${
        snapshots.toSnapshot ?? "current"
      }, per ${every.text}`,
    )
    : diffSummaryText(periods);
  const target = await openOutput(values.output, context);
  try {
    await target.sink.write(new TextEncoder().encode(text));
    await target.commit();
  } catch (error) {
    await target.abandon();
    throw error;
  }
}
