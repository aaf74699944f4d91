/**
 * `azof vacuum`: remove expired snapshots, data files no kept snapshot names, and stray temporary
 * files, sparing everything younger than the grace period.
 *
 * @module
 */

import { vacuumTable } from "../lib/vacuum/vacuum.ts";
import type { VacuumPlan, VacuumRemoval } from "../lib/vacuum/plan.ts";
import { formatInstant } from "../lib/format/time.ts";
import type { Context } from "./context.ts";
import { jsonAnswer } from "./json_output.ts";
import { startProgress } from "./progress.ts";
import { byteSize, count, counted } from "../lib/output/units.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import { choiceFlag, integerFlag, parseFlags, UsageError } from "./usage.ts";

const _encoder = new TextEncoder();

/** The flags `azof vacuum` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  retain: { type: "string" },
  keep: { type: "string" },
  grace: { type: "string" },
  "dry-run": { type: "boolean" },
  format: { type: "string", short: "f" },
} as const;

/**
 * Runs `azof vacuum`.
 *
 * @param args Arguments after `vacuum`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("vacuum", args, OPTIONS);
  const table = await tableFromFlags(values, "vacuum");
  if (values.retain !== undefined && values.keep !== undefined) {
    throw new UsageError("give either --retain or --keep, not both (see azof vacuum --help)");
  }
  const retain = durationFlag(values.retain, "--retain");
  const grace = durationFlag(values.grace, "--grace");
  const keep = integerFlag(values.keep, "--keep", 1);
  const format = choiceFlag(values.format, "--format", ["text", "json"] as const) ?? "text";
  const dryRun = values["dry-run"] ?? false;
  const progress = startProgress(context);
  const { plan, removed } = await vacuumTable(table, {
    retain,
    keep,
    grace,
    dryRun,
    onProgress: (done, total) => progress.update({ label: "removing", done, total, unit: "files" }),
  });
  progress.done();
  const text = format === "json"
    ? jsonAnswer(_json(plan, removed, dryRun, table.location))
    : _text(plan, removed, dryRun, table.location, context.verbose);
  await context.stdout.write(_encoder.encode(text));
}

/**
 * Parses a duration flag: `7d`, `12h`, `30m`, `45s`, `2w`, `0`, or ISO 8601 `P7D`, `PT1H`, `P1DT12H`.
 *
 * @param value The flag value.
 * @param flag The flag name, for the message.
 * @returns Milliseconds, or `undefined` when the flag is absent.
 */
export function durationFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const units: Record<string, number> = {
    w: 604_800_000,
    d: 86_400_000,
    h: 3_600_000,
    m: 60_000,
    s: 1000,
  };
  const short = /^(\d+)(w|d|h|m|s)?$/i.exec(value);
  if (short && (short[2] !== undefined || short[1] === "0")) {
    return Number(short[1]) * (units[(short[2] ?? "s").toLowerCase()] ?? 0);
  }
  const iso = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(value);
  if (iso && value.length > 1 && !/T$/i.test(value)) {
    const [w, d, h, m, s] = iso.slice(1).map((p) => Number(p ?? 0));
    return w! * units.w! + d! * units.d! + h! * units.h! + m! * units.m! + s! * units.s!;
  }
  throw new UsageError(
    `invalid ${flag} "${value}": expected a duration such as 7d, 12h, 30m, 0 or P7D, PT1H`,
  );
}

function _json(
  plan: VacuumPlan,
  removed: { files: number; bytes: number },
  dryRun: boolean,
  location: string,
): Record<string, unknown> {
  const instant = (ms: number | null) => ms === null ? null : formatInstant(ms);
  return {
    location,
    dryRun,
    now: formatInstant(plan.now),
    rule: {
      retainSeconds: plan.rule.retain === null ? null : plan.rule.retain / 1000,
      keep: plan.rule.keep,
      graceSeconds: plan.rule.grace / 1000,
    },
    newest: plan.newest,
    snapshots: plan.snapshots.map((s) => ({
      ...s,
      committedAt: instant(s.committedAt),
      supersededAt: instant(s.supersededAt),
    })),
    remove: plan.remove,
    young: plan.young,
    referenced: plan.referenced,
    removed,
  };
}

function _text(
  plan: VacuumPlan,
  removed: { files: number; bytes: number },
  dryRun: boolean,
  location: string,
  verbose: boolean,
): string {
  const kept = plan.snapshots.filter((s) => s.keep).map((s) => s.version);
  const gone = plan.snapshots.filter((s) => !s.keep).map((s) => s.version);
  const of = (kind: VacuumRemoval["kind"]) => plan.remove.filter((r) => r.kind === kind);
  const sum = (items: readonly VacuumRemoval[]) =>
    `${count(items.length)} (${byteSize(items.reduce((n, r) => n + r.bytes, 0))})`;
  const verb = dryRun ? "would remove" : "removed";
  const lines = [
    `vacuum ${location}${dryRun ? " (dry run: nothing is removed)" : ""}`,
    `snapshots: ${count(kept.length)} kept (${_ranges(kept)}), ${verb} ${count(gone.length)}${
      gone.length ? ` (${_ranges(gone)})` : ""
    }`,
    `data files: ${count(plan.referenced.files)} named by kept snapshots (${
      byteSize(plan.referenced.bytes)
    }), ${verb} ${sum(of("data"))}`,
    `temporary files: ${verb} ${sum(of("temp"))}`,
  ];
  if (plan.young.length > 0) {
    lines.push(
      `kept ${sum(plan.young)} unreferenced ${
        plan.young.length === 1 ? "file" : "files"
      } younger than the grace period (${_duration(plan.rule.grace)})`,
    );
  }
  if ((dryRun || verbose) && plan.remove.length > 0) {
    const width = Math.max(...plan.remove.map((r) => r.file.length));
    lines.push(`${dryRun ? "would remove" : "removed"}, in order:`);
    for (const r of plan.remove) {
      lines.push(`  ${r.file.padEnd(width)}  ${byteSize(r.bytes).padStart(10)}  ${r.reason}`);
    }
  }
  if (!dryRun) lines.push(`removed ${counted(removed.files, "file")}, ${byteSize(removed.bytes)}`);
  return lines.join("\n") + "\n";
}

/** Versions as ranges: `s1–s4, s7`. */
function _ranges(versions: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < versions.length;) {
    let j = i;
    while (j + 1 < versions.length && versions[j + 1] === versions[j]! + 1) j++;
    parts.push(j === i ? `s${versions[i]}` : `s${versions[i]}–s${versions[j]}`);
    i = j + 1;
  }
  return parts.join(", ");
}

function _duration(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms / 1000}s`;
}
