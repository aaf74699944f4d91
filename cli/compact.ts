/**
 * `azof compact`: fold deltas into bases and lay segments out by the table's compaction policy (or
 * per-run overrides), in one commit; `--dry-run` prints the plan instead.
 *
 * @module
 */

import { type CompactResult, compactTable } from "../lib/compact/compact.ts";
import type { CompactionPlan } from "../lib/compact/plan.ts";
import {
  type CompactionPreview,
  type LayoutCost,
  previewCompaction,
} from "../lib/compact/preview.ts";
import { formatInstant } from "../lib/format/time.ts";
import type { Context } from "./context.ts";
import { jsonAnswer } from "./json_output.ts";
import { startProgress } from "./progress.ts";
import { byteSize, count, counted } from "../lib/output/units.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import { POLICY_OPTIONS, policyFlags } from "./policy_flags.ts";
import { choiceFlag, instantFlag, parseFlags, withFlagValues } from "./usage.ts";

const _encoder = new TextEncoder();

/** The flags `azof compact` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  ...POLICY_OPTIONS,
  since: { type: "string" },
  force: { type: "boolean" },
  "set-policy": { type: "boolean" },
  "dry-run": { type: "boolean" },
  format: { type: "string", short: "f" },
} as const;

/**
 * Runs `azof compact`.
 *
 * @param args Arguments after `compact`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("compact", args, OPTIONS);
  const format = choiceFlag(values.format, "--format", ["text", "json"] as const) ?? "text";
  const policy = policyFlags(values);
  const since = instantFlag(values.since, "--since");
  const table = await tableFromFlags(values, "compact");
  const progress = startProgress(context);
  let result: CompactResult;
  try {
    result = await withFlagValues(() =>
      compactTable(table, {
        policy,
        since,
        force: values.force === true,
        savePolicy: values["set-policy"] === true,
        dryRun: values["dry-run"] === true,
        onProgress: (p) =>
          progress.update(
            `compacting: ${p.done}/${p.periods} periods, ${count(p.rows)} rows written`,
          ),
      })
    );
  } finally {
    progress.done();
  }
  const preview = values["dry-run"]
    ? previewCompaction(await table.snapshot(result.plan.snapshot), result.plan)
    : undefined;
  if (format === "json") {
    const json = {
      ..._planJson(result.plan),
      ...(preview ? { preview: _previewJson(preview) } : {}),
      ..._resultJson(result, values["dry-run"] === true),
    };
    await context.stdout.write(_encoder.encode(jsonAnswer(json)));
  } else if (preview) {
    const text = _planText(result.plan, table.name) + _previewText(preview);
    await context.stdout.write(_encoder.encode(text));
  }
  if (!context.quiet && !values["dry-run"]) context.message(_summary(result, table.name));
}

function _summary(result: CompactResult, name: string): string {
  if (!result.committed) {
    return `nothing to compact in ${name}: snapshot ${result.version} is already in the policy's layout`;
  }
  const rewritten = result.plan.periods.filter((p) => p.action === "rewrite").length;
  return `compacted ${name}: rewrote ${rewritten} of ${
    counted(result.plan.periods.length, "period")
  }, wrote ${counted(result.rows, "row")} in ${counted(result.files.length, "file")} (${
    byteSize(result.bytes)
  }): snapshot ${result.version}`;
}

function _policyText(plan: CompactionPlan): string {
  const p = plan.policy;
  return `segment=${
    p.segment.join(",")
  } max_deltas=${p.maxDeltas} file_rows=${p.fileRows} row_group_rows=${p.rowGroupRows}${
    p.horizon === undefined ? "" : ` horizon=${p.horizon}`
  }`;
}

function _planText(plan: CompactionPlan, name: string): string {
  const lines = [
    `compaction plan for ${name} (snapshot ${plan.snapshot}), policy ${_policyText(plan)}`,
  ];
  if (plan.regionStart === null) {
    lines.push("nothing to compact");
    return lines.join("\n") + "\n";
  }
  lines.push(
    `region from ${
      formatInstant(plan.regionStart)
    }; ${plan.before.length} earlier segments untouched`,
  );
  for (const p of plan.periods) {
    const range = `${formatInstant(p.start)} .. ${
      p.end === undefined ? "open" : formatInstant(p.end)
    }`;
    lines.push(`${p.action} ${p.id} [${range}]: ${p.reason}`);
    for (const w of p.write) lines.push(`  write ${w}`);
    for (const r of p.remove) lines.push(`  remove ${r}`);
  }
  return lines.join("\n") + "\n";
}

function _planJson(plan: CompactionPlan): Record<string, unknown> {
  return {
    snapshot: plan.snapshot,
    policy: {
      segment: plan.policy.segment,
      maxDeltas: plan.policy.maxDeltas,
      fileRows: plan.policy.fileRows,
      rowGroupRows: plan.policy.rowGroupRows,
      horizon: plan.policy.horizon ?? null,
    },
    regionStart: plan.regionStart === null ? null : formatInstant(plan.regionStart),
    untouched: plan.before.map((s) => s.id),
    periods: plan.periods.map((p) => ({
      id: p.id,
      start: formatInstant(p.start),
      end: p.end === undefined ? null : formatInstant(p.end),
      action: p.action,
      reason: p.reason,
      write: p.write,
      remove: p.remove,
    })),
  };
}

function _resultJson(result: CompactResult, dryRun: boolean): Record<string, unknown> {
  return {
    dryRun,
    committed: result.committed,
    version: result.version,
    files: result.files,
    rows: result.rows,
    bytes: result.bytes,
  };
}

function _costJson(cost: LayoutCost): Record<string, unknown> {
  const worst = cost.worstRead;
  return {
    files: cost.files,
    worstReadFiles: worst?.files ?? 0,
    worstReadAt: worst === null ? null : formatInstant(worst.at),
  };
}

function _previewJson(preview: CompactionPreview): Record<string, unknown> {
  return { before: _costJson(preview.before), after: _costJson(preview.after) };
}

function _previewText(preview: CompactionPreview): string {
  const worst = (cost: LayoutCost) =>
    cost.worstRead === null
      ? "0"
      : `${cost.worstRead.files} (as of ${formatInstant(cost.worstRead.at)})`;
  const { before, after } = preview;
  return `data files: ${count(before.files)} now, about ${count(after.files)} after\n` +
    `files an as-of read opens at worst: ${worst(before)} now, about ${worst(after)} after\n`;
}
