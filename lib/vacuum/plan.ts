/**
 * Vacuum planning: a pure function from a table folder's listing and its snapshots to what vacuum
 * removes, in the order it removes it, each with the reason. No I/O happens here.
 *
 * @module
 */

import { walkSegments } from "../format/segments.ts";
import { nestedTableFolders } from "../format/nesting.ts";
import type { Snapshot } from "../format/snapshot.ts";
import type { StoreEntry } from "../store/store.ts";
import { formatInstant, tryParseInstant } from "../format/time.ts";

/**
 * The default retention: snapshots current within the last 7 days are kept.
 *
 * @example The retention in days
 * ```ts
 * import { DEFAULT_RETAIN_MS } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(DEFAULT_RETAIN_MS / 86_400_000, 7);
 * ```
 */
export const DEFAULT_RETAIN_MS: number = 7 * 86_400_000;
/**
 * The default grace period: files and snapshots younger than 1 hour are never removed.
 *
 * @example The grace period in minutes
 * ```ts
 * import { DEFAULT_GRACE_MS } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(DEFAULT_GRACE_MS / 60_000, 60);
 * ```
 */
export const DEFAULT_GRACE_MS: number = 3_600_000;

/** Which snapshots vacuum keeps besides the newest; see {@linkcode planVacuum}. */
export interface VacuumRule {
  /** Keep snapshots that were current within this many ms (default 7 days). Exclusive with `keep`. */
  readonly retain?: number | undefined;
  /** Keep the newest N snapshots, whatever their age. Exclusive with `retain`. */
  readonly keep?: number | undefined;
  /** Never remove a file younger than this, nor a snapshot superseded within it (default 1 hour). */
  readonly grace?: number | undefined;
  /** The present, ms since the epoch (default `Date.now()`). */
  readonly now?: number | undefined;
}

/** What vacuum planning reads: the table folder's listing and every snapshot in it. */
export interface VacuumInput {
  /** Every object in the table folder, keys relative to the folder (`s1.json`, `data/x.parquet`). */
  readonly files: readonly StoreEntry[];
  /** Every snapshot listed, parsed. */
  readonly snapshots: readonly Snapshot[];
  /** The current snapshot number (SPEC §2). */
  readonly newest: number;
  /** The number `version.txt` holds, or `null` when it is absent. */
  readonly hint: number | null;
}

/** One snapshot and whether vacuum keeps it. */
export interface SnapshotDecision {
  /** The snapshot number. */
  readonly version: number;
  /** Its `committed_at` (ms), or `null` when it has none (upstream tables). */
  readonly committedAt: number | null;
  /** When the next snapshot replaced it (ms), or `null` when unknown or it is the newest. */
  readonly supersededAt: number | null;
  /** Whether it is kept. */
  readonly keep: boolean;
  /** Why, in words. */
  readonly reason: string;
}

/** One file vacuum removes (or would remove). */
export interface VacuumRemoval {
  /** The file, relative to the table folder. */
  readonly file: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** An expired snapshot, an unreferenced data file, or a stray temporary file. */
  readonly kind: "snapshot" | "data" | "temp";
  /** Why, in words. */
  readonly reason: string;
}

/** What {@linkcode planVacuum} returns: everything vacuum will do, as data. */
export interface VacuumPlan {
  /** The present the plan was made for. */
  readonly now: number;
  /** The rule applied, with defaults filled in. */
  readonly rule: {
    readonly retain: number | null;
    readonly keep: number | null;
    readonly grace: number;
  };
  /** The current snapshot number. */
  readonly newest: number;
  /** Every snapshot in the folder, oldest first. */
  readonly snapshots: readonly SnapshotDecision[];
  /** Whether `version.txt` is rewritten (to `newest`) before snapshots are removed. */
  readonly writeHint: boolean;
  /** What is removed, in order: snapshots oldest first, then data files, then temporary files. */
  readonly remove: readonly VacuumRemoval[];
  /** Data files kept because a kept snapshot references them. */
  readonly referenced: { readonly files: number; readonly bytes: number };
  /** Unreferenced data and temporary files kept because they are younger than the grace period. */
  readonly young: readonly VacuumRemoval[];
}

const _UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** The data files azof writes (SPEC §9.5, §9.8): `data/<name>-<uuid>.parquet`. */
const _OWN_DATA = `data/[A-Za-z0-9_-]*-${_UUID}\\.parquet`;
const _OWN_DATA_FILE = new RegExp(`^${_OWN_DATA}$`);
/** A temporary file of an interrupted put of a file azof writes: `<file>.<random>.tmp`. */
const _OWN_TEMP_FILE = new RegExp(
  `^(?:version\\.txt|s[1-9][0-9]{0,14}\\.json|${_OWN_DATA})\\.[A-Za-z0-9-]+\\.tmp$`,
);

/**
 * What vacuum may make of a file (SPEC §11 rule 1): a data file when a snapshot of this table
 * names it, or when named by none but azof wrote it; a temporary file when it is one of azof's.
 */
function _kind(key: string, named: boolean): "data" | "temp" | null {
  if (named) return key.endsWith(".parquet") ? "data" : null;
  return _OWN_DATA_FILE.test(key) ? "data" : _OWN_TEMP_FILE.test(key) ? "temp" : null;
}

/**
 * Plans a vacuum. Kept are: the newest snapshot (and any numbered after it); every snapshot
 * replaced by its successor within the grace period (a reader may still be reading it); with
 * `keep`, the newest N; otherwise every snapshot replaced within `retain` ago, or whose replacement
 * time is unknown (its successor has no `committed_at`). Removed, in this order: the other
 * `sN.json`, oldest first; `*.parquet` files no kept snapshot names and older than the grace
 * period, provided a removed snapshot names them or azof wrote them (`data/<name>-<uuid>.parquet`);
 * azof's own `*.tmp` files older than the grace period. Other files, and sub-folders holding a
 * table of their own (at any depth), are never touched. A file whose age is unknown counts as
 * young.
 *
 * @param input The listing, every snapshot in it, the current number and the hint.
 * @param rule Retention, grace period and the present.
 * @returns The plan.
 * @throws {RangeError} When both `retain` and `keep` are given, or a value is negative.
 *
 * @example Nothing to remove in a one-snapshot table
 * ```ts
 * import { parseSnapshot, planVacuum } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const s1 = parseSnapshot('{"schema":{"columns":[]},"segments":[]}', 1);
 * const plan = planVacuum(
 *   { files: [{ key: "s1.json", size: 40, modified: 0 }], snapshots: [s1], newest: 1, hint: 1 },
 *   { grace: 0 },
 * );
 * assert.deepEqual(plan.remove, []);
 * ```
 */
export function planVacuum(input: VacuumInput, rule: VacuumRule = {}): VacuumPlan {
  const settled = _settle(rule);
  const nested = nestedTableFolders(input.files.map((f) => f.key));
  const entries = input.files.filter((f) => !nested.some((dir) => f.key.startsWith(dir)));
  const decisions = _decideSnapshots(input, entries, settled);
  const kept = new Set(decisions.filter((d) => d.keep).map((d) => d.version));
  const referencedBy = _references(input.snapshots);
  const remove: VacuumRemoval[] = [];
  const young: VacuumRemoval[] = [];
  let referenced = { files: 0, bytes: 0 };
  const sizes = new Map(entries.map((f) => [f.key, f.size]));
  for (const d of decisions) {
    if (d.keep) continue;
    const file = `s${d.version}.json`;
    remove.push({ file, bytes: sizes.get(file) ?? 0, kind: "snapshot", reason: d.reason });
  }
  const cutoff = settled.now - settled.grace;
  const later: VacuumRemoval[] = [];
  for (const f of entries.toSorted((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) {
    const users = referencedBy.get(f.key) ?? [];
    const kind = _kind(f.key, users.length > 0);
    if (kind === null) continue;
    if (kind === "data" && users.some((v) => kept.has(v))) {
      referenced = { files: referenced.files + 1, bytes: referenced.bytes + f.size };
      continue;
    }
    const reason = kind === "temp"
      ? "temporary file of an interrupted write"
      : users.length === 0
      ? "named by no snapshot"
      : `named only by removed snapshots ${users.map((v) => `s${v}`).join(", ")}`;
    const item = { file: f.key, bytes: f.size, kind, reason } as const;
    if (f.modified === undefined || f.modified > cutoff) young.push(item);
    else (kind === "data" ? remove : later).push(item);
  }
  const oldestKept = Math.min(...kept);
  return {
    now: settled.now,
    rule: { retain: settled.retain, keep: settled.keep, grace: settled.grace },
    newest: input.newest,
    snapshots: decisions,
    writeHint: decisions.some((d) => !d.keep) && (input.hint === null || input.hint < oldestKept),
    remove: [...remove, ...later],
    referenced,
    young,
  };
}

interface _Settled {
  readonly retain: number | null;
  readonly keep: number | null;
  readonly grace: number;
  readonly now: number;
}

function _settle(rule: VacuumRule): _Settled {
  if (rule.retain !== undefined && rule.keep !== undefined) {
    throw new RangeError("Cannot vacuum: give either a retention or a number of snapshots to keep");
  }
  for (const name of ["retain", "keep", "grace"] as const) {
    const value = rule[name];
    if (value !== undefined && !(value >= 0)) {
      throw new RangeError(`Cannot vacuum: "${name}" must be 0 or more, found ${value}`);
    }
  }
  if (rule.keep !== undefined && !(Number.isInteger(rule.keep) && rule.keep >= 1)) {
    throw new RangeError(`Cannot vacuum: "keep" must be a whole number from 1, found ${rule.keep}`);
  }
  return {
    retain: rule.keep === undefined ? rule.retain ?? DEFAULT_RETAIN_MS : null,
    keep: rule.keep ?? null,
    grace: rule.grace ?? DEFAULT_GRACE_MS,
    now: rule.now ?? Date.now(),
  };
}

function _decideSnapshots(
  input: VacuumInput,
  entries: readonly StoreEntry[],
  rule: _Settled,
): SnapshotDecision[] {
  const byVersion = new Map(input.snapshots.map((s) => [s.version, s]));
  const versions = [...byVersion.keys()].sort((a, b) => a - b);
  const modified = new Map(entries.map((f) => [f.key, f.modified]));
  return versions.map((version, i) => {
    const committedAt = _committedAt(byVersion.get(version)!);
    const next = versions[i + 1];
    if (version >= input.newest || next === undefined) {
      return {
        version,
        committedAt,
        supersededAt: null,
        keep: true,
        reason: "the newest snapshot",
      };
    }
    const supersededAt = _committedAt(byVersion.get(next)!);
    const replaced = supersededAt ?? modified.get(`s${next}.json`) ?? null;
    const base = { version, committedAt, supersededAt };
    const when = replaced === null ? "at an unknown time" : formatInstant(replaced);
    if (replaced === null || replaced > rule.now - rule.grace) {
      return {
        ...base,
        keep: true,
        reason: `replaced by s${next} ${when}, within the grace period`,
      };
    }
    if (rule.keep !== null) {
      const rank = versions.length - i;
      return rank <= rule.keep
        ? { ...base, keep: true, reason: `one of the newest ${rule.keep}` }
        : { ...base, keep: false, reason: `not one of the newest ${rule.keep}` };
    }
    if (supersededAt === null) {
      return { ...base, keep: true, reason: `replaced by s${next}, which records no commit time` };
    }
    return supersededAt > rule.now - rule.retain!
      ? { ...base, keep: true, reason: `replaced by s${next} ${when}, within the retention` }
      : { ...base, keep: false, reason: `replaced by s${next} ${when}, before the retention` };
  });
}

function _committedAt(snapshot: Snapshot): number | null {
  const text = snapshot.extra.committed_at;
  return typeof text === "string" ? tryParseInstant(text) ?? null : null;
}

/** For each data file, the snapshots naming it. */
function _references(snapshots: readonly Snapshot[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const add = (file: string, version: number) => {
    const users = out.get(file) ?? [];
    if (users.at(-1) !== version) users.push(version);
    out.set(file, users);
  };
  for (const snapshot of snapshots.toSorted((a, b) => a.version - b.version)) {
    for (const { segment: s } of walkSegments(snapshot.segments)) {
      if (s.base !== undefined) add(s.base, snapshot.version);
      for (const d of s.deltas) add(d.file, snapshot.version);
    }
  }
  return out;
}
