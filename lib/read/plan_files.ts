/**
 * The files of a scan's plan: opened on demand, a few ahead of the one being read (their footers
 * fetched in parallel); which of their row groups the scan reads; and the order the hash path reads
 * them in.
 *
 * @module
 */

import type { DataFile } from "../parquet/data_file.ts";
import { EVENT_TIME, KEY } from "../format/schema.ts";
import type { ScanPlan } from "./plan.ts";
import type { KeyFilter } from "./key_filter.ts";
import { groupOrdered } from "./group_order.ts";

/** Data files opened ahead of the one being read (their footers fetched in parallel). */
const _FILES_AHEAD = 4;

/**
 * The plan's files, opened on demand (`open`) and kept until released from `opening`, and the key
 * selection whose statistics skip row groups.
 */
export interface PlanFiles {
  readonly open: (index: number) => Promise<DataFile> | undefined;
  readonly opening: Promise<DataFile>[];
  readonly filter: KeyFilter | undefined;
}

/**
 * Opens the plan's files in order, {@linkcode _FILES_AHEAD} ahead, while each is key-ordered or
 * its row groups are (group_order.ts).
 *
 * @returns All files, read in key order; `undefined` at the first that is not.
 */
export async function keyOrderedFiles(
  plan: ScanPlan,
  open: PlanFiles["open"],
  budgetRows: number,
): Promise<DataFile[] | undefined> {
  const files: DataFile[] = [];
  for (let i = 0; i < plan.files.length; i++) {
    for (let k = i; k <= i + _FILES_AHEAD; k++) open(k);
    const file = groupOrdered((await open(i))!, budgetRows);
    if (file === undefined) return undefined;
    files.push(file);
  }
  return files;
}

/** Opens all of the plan's files in order, {@linkcode _FILES_AHEAD} ahead. */
export async function openAllFiles(plan: ScanPlan, open: PlanFiles["open"]): Promise<DataFile[]> {
  const files: DataFile[] = [];
  for (let i = 0; i < plan.files.length; i++) {
    for (let k = i; k <= i + _FILES_AHEAD; k++) open(k);
    files.push((await open(i))!);
  }
  return files;
}

/** The rows of the row groups of a file that a scan reads. */
export function plannedRows(
  file: DataFile,
  asOf: number | undefined,
  filter: KeyFilter | undefined,
) {
  return groupsOf(file, asOf, filter).reduce((n, g) => n + file.rowGroups[g]!.rows, 0);
}

/**
 * The row groups of a file a scan reads: without those whose smallest `event_time` lies after the
 * instant, or whose key statistics the key selection excludes.
 */
export function groupsOf(file: DataFile, asOf: number | undefined, filter: KeyFilter | undefined) {
  return file.rowGroups.flatMap((info, g) =>
    (asOf !== undefined && info.minEventTime !== undefined && info.minEventTime > asOf) ||
      (filter && !filter.mayHold(info.minKey, info.maxKey))
      ? []
      : [g]
  );
}

export interface GroupRead {
  /** The file's position in the plan. */
  readonly index: number;
  readonly file: DataFile;
  readonly group: number;
}

/**
 * The row groups a scan decodes, in plan order (files in read order, row groups in file order,
 * without those whose smallest `event_time` lies after the instant). While one is handed out, the
 * footers of the next {@linkcode _FILES_AHEAD} files and the bytes of the next row group are
 * fetched; the order, and so the answer, is the same as reading one after another.
 */
export function readOrder(plan: ScanPlan, files: PlanFiles, asOf: number | undefined) {
  const columns = plan.columns.filter((c) => c !== KEY && c !== EVENT_TIME);
  const { open, opening, filter } = files;
  /** The first row group read at or after (index, group), opening files as needed. */
  const find = async (index: number, group: number): Promise<GroupRead | undefined> => {
    for (let i = index; i < plan.files.length; i++) {
      for (let k = i; k <= i + _FILES_AHEAD; k++) open(k);
      const file = (await open(i))!;
      const g = groupsOf(file, asOf, filter).find((g) => g >= (i === index ? group : 0));
      if (g !== undefined) return { index: i, file, group: g };
      // Done with this file: let its footer and cached bytes go.
      delete opening[i];
    }
    return undefined;
  };
  let next = find(0, 0);
  return {
    next: async (): Promise<GroupRead | undefined> => {
      const current = await next;
      if (current === undefined) return undefined;
      next = find(current.index, current.group + 1);
      // Only a warm-up: a failure here shows when the scan reaches that row group.
      next.then((ahead) => ahead?.file.prefetch(ahead.group, columns)).catch(() => {});
      return current;
    },
  };
}
