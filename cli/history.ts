/**
 * `azof history`: list a table's snapshots with when they were committed and what they added.
 *
 * @module
 */

import { tableHistory } from "../lib/inspect/history.ts";
import type { Context } from "./context.ts";
import { camelKeys, jsonAnswer } from "./json_output.ts";
import { TABLE_OPTIONS, tableFromFlags } from "./table_flags.ts";
import { choiceFlag, parseFlags } from "./usage.ts";

const _encoder = new TextEncoder();

/** The flags `azof history` accepts (besides the common ones); its help lists each of them. */
export const OPTIONS = {
  ...TABLE_OPTIONS,
  format: { type: "string", short: "f" },
} as const;

/**
 * Runs `azof history`.
 *
 * @param args Arguments after `history`.
 * @param context The command context.
 */
export async function run(args: string[], context: Context): Promise<void> {
  const { values } = parseFlags("history", args, OPTIONS);
  const table = await tableFromFlags(values, "history");
  const format = choiceFlag(values.format, "--format", ["text", "json"] as const) ?? "text";
  const entries = await tableHistory(table);
  if (format === "json") {
    const snapshots = entries.map((e) => ({ ...e, summary: camelKeys(e.summary ?? {}) }));
    const answer = jsonAnswer({ table: table.name, location: table.location, snapshots });
    await context.stdout.write(_encoder.encode(answer));
    return;
  }
  const lines = ["version  committed_at              operation  summary"];
  for (const e of entries) {
    const s = e.summary ?? {};
    const parts = ["rows", "deletes", "carried_rows", "segments_created"]
      .filter((k) => typeof s[k] === "number")
      .map((k) => `${k}=${s[k]}`);
    if (Array.isArray(s.files)) parts.push(`files=${s.files.length}`);
    if (Array.isArray(s.policy)) parts.push(`policy=${s.policy.join(",")}`);
    for (const k of ["dropped", "renamed", "widened", "added"]) {
      if (Array.isArray(s[k])) parts.push(`${k}=${s[k].join(",")}`);
    }
    lines.push(
      `${String(e.version).padEnd(7)}  ${(e.committedAt ?? "-").padEnd(24)}  ${
        (e.operation ?? "-").padEnd(9)
      }  ${parts.join(" ")}`,
    );
  }
  await context.stdout.write(_encoder.encode(lines.join("\n") + "\n"));
}
