import assert from "node:assert/strict";
import { compactTable } from "../compact/compact.ts";
import { AzofError } from "../errors.ts";
import { openTable, type Table } from "../format/table.ts";
import { vacuumTable } from "../vacuum/vacuum.ts";
import { writeRows } from "../write/write.ts";
import { foldMap } from "../testing/random_history.ts";
import {
  batchRows,
  nextBatch,
  type RaceTable,
  raceTable,
  recordWrite,
  versionRows,
} from "../testing/race_table.ts";
import { scanMap } from "../testing/scan_map.ts";
import { type S3Fault, type S3FaultProxy, startS3FaultProxy } from "../testing/s3_fault_proxy.ts";
import { S3RVER_ENDPOINT, S3RVER_SKIP, s3rverStore } from "../testing/s3rver.ts";

// The S3 fault matrix of issue 13: `write`, `compact` and `vacuum` run through the fault proxy with
// each fault at each request of the operation (the requests counted in a clean run first). After
// every case the table must read as the fold of exactly the batches reported committed (a batch
// whose outcome was reported unknown counts when its snapshot is there), with no batch twice, and
// a failure reported as definite must have committed nothing.
//
// By default each request index gets one fault kind, the kinds taken in turn (every index and every
// kind covered, in about a fifth of the time), except the PUT of a snapshot, which gets every kind;
// AZOF_S3_FAULT_MATRIX=full runs every index with every kind (`deno task test:s3-faults`).

const FULL = Deno.env.get("AZOF_S3_FAULT_MATRIX") === "full";
const FAULTS: readonly S3Fault[] = [
  { kind: "drop-reply" },
  { kind: "error-after", status: 500 },
  { kind: "error-before", status: 503 },
  { kind: "reset" },
  { kind: "delay", ms: 30 },
];
const CASE_TIMEOUT_MS = 30_000;
/** Cases run at once. */
const LANES = 4;
/** One table shape for every case, so that the n-th request is the same step in each. */
const SEED = 10; // segments P1Y and P3M, 3 data files after the 2 batches

/** One operation under test: how to prepare its table and what to run through the proxy. */
interface Operation {
  readonly name: string;
  /** Brings a fresh race table to the state the operation starts from (directly, no faults). */
  prepare(race: RaceTable): Promise<void>;
  /** Runs the operation on the table as reached through the proxy. */
  run(race: RaceTable, table: Table): Promise<void>;
  /** Asserts the table's state after the run, given how the run ended. */
  check(race: RaceTable, error: unknown): Promise<void>;
}

const WRITE: Operation = {
  name: "write",
  prepare: () => Promise.resolve(),
  async run(race, table) {
    const batch = nextBatch(race);
    _pending.set(race, batch);
    await writeRows(table, batchRows(race, batch));
  },
  async check(race, error) {
    const batch = _pending.get(race)!;
    const committed = await _writeSnapshots(race.table) > race.ends.length;
    if (error === undefined || (committed && _unknown(error))) recordWrite(race, batch);
    else if (committed) {
      throw new Error(`it failed (${_message(error)}) but its batch was committed`);
    }
    await _assertFold(race, true);
  },
};

const COMPACT: Operation = {
  name: "compact",
  prepare: () => Promise.resolve(),
  async run(_race, table) {
    await compactTable(table, { force: true });
  },
  async check(race, error) {
    const last = (await race.table.snapshot()).extra.operation;
    if (error !== undefined && !_unknown(error) && last === "compact") {
      throw new Error(`it failed (${_message(error)}) but its snapshot was committed`);
    }
    await _assertFold(race, true);
  },
};

const VACUUM: Operation = {
  name: "vacuum",
  async prepare(race) {
    await compactTable(race.table, { force: true });
  },
  async run(_race, table) {
    await vacuumTable(table, { keep: 1, grace: 0 });
  },
  async check(race) {
    await _assertFold(race, false); // older snapshots may be gone
  },
};

/**
 * Asserts that the newest snapshot reads as the fold of every recorded write, now and at every 10th
 * written event time (and the instant before it); with `history`, also that the snapshots form a
 * line with one write snapshot per recorded batch ({@linkcode versionRows}).
 */
async function _assertFold(race: RaceTable, history: boolean): Promise<void> {
  try {
    await _assertFoldOnce(race, history);
  } catch (error) {
    // s3rver overwrites an object in place, so a read right after an overwrite of `version.txt`
    // can rarely find it empty (S3 never shows that); read again once before judging.
    if (!/version\.txt must hold a snapshot number such as 1, found ""/.test(_message(error))) {
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    await _assertFoldOnce(race, history);
  }
}

async function _assertFoldOnce(race: RaceTable, history: boolean): Promise<void> {
  const rows = history ? (await versionRows(race)).at(-1)!.rows : race.h.written;
  const times = race.h.written.filter((_, i) => i % 10 === 0).flatMap((r) => [r.t, r.t - 1]);
  for (const asOf of [undefined, ...times]) {
    const where = `as of ${asOf === undefined ? "now" : new Date(asOf).toISOString()}`;
    assert.deepEqual(await scanMap(race.table, asOf), foldMap(rows, asOf), where);
  }
}

const _pending = new WeakMap<RaceTable, ReturnType<typeof nextBatch>>();

Deno.test({
  name:
    "write, compact and vacuum on S3 leave a table that reads as the fold of the batches reported committed, whatever request fails",
  ignore: S3RVER_SKIP !== undefined,
  fn: async (t) => {
    for (const operation of [WRITE, COMPACT, VACUUM]) {
      await t.step(operation.name, () => _matrix(operation));
    }
  },
});

/**
 * Counts the operation's requests in a clean run, then runs every case, {@linkcode LANES} at a time
 * (each lane with its own proxy); fails listing the failed cases.
 */
async function _matrix(operation: Operation): Promise<void> {
  const proxies = Array.from(
    { length: LANES },
    () => startS3FaultProxy({ upstream: S3RVER_ENDPOINT! }),
  );
  try {
    const clean = await _case(proxies[0]!, operation, undefined, 0);
    assert.equal(clean.failure, undefined, `clean run: ${clean.failure}`);
    const cases: { index: number; fault: S3Fault }[] = [];
    for (let index = 1; index <= clean.requests; index++) {
      const commit = /(^|\/)s\d+\.json$/.test(clean.log[index - 1] ?? "");
      const faults = FULL || commit ? FAULTS : [FAULTS[(index - 1) % FAULTS.length]!];
      for (const fault of faults) cases.push({ index, fault });
    }
    const failures: string[] = [];
    let next = 0;
    await Promise.all(proxies.map(async (proxy) => {
      for (let c = cases[next++]; c; c = cases[next++]) {
        const { failure } = await _case(proxy, operation, c.fault, c.index);
        if (failure) failures.push(`request ${c.index} ${c.fault.kind}: ${failure}`);
      }
    }));
    failures.sort((a, b) => parseInt(a.slice(8)) - parseInt(b.slice(8)));
    assert.deepEqual(failures, [], `${operation.name}: ${failures.length} failing cases`);
  } finally {
    await Promise.all(proxies.map((p) => p.close()));
  }
}

/** One case: a fresh table, the fault at the `index`-th request, the check. */
async function _case(
  proxy: S3FaultProxy,
  operation: Operation,
  fault: S3Fault | undefined,
  index: number,
): Promise<{ requests: number; log: string[]; failure?: string }> {
  let prepared: { race: RaceTable; prefix: string };
  try {
    prepared = await _prepare(operation);
  } catch (error) {
    return { requests: 0, log: [], failure: `preparing the table failed: ${_message(error)}` };
  }
  const { race, prefix } = prepared;
  proxy.reset();
  if (fault) proxy.inject({ nth: index, fault });
  const store = s3rverStore(proxy.endpoint, { retries: 3, retryDelayMs: 2 }, prefix);
  const what = `${operation.name} with ${fault?.kind ?? "no fault"} at request ${index}`;
  const error = await _within(operation.run(race, openTable(store, "t")), what);
  const requests = proxy.log.length;
  const log = proxy.log.map((e) => `${e.method} ${e.key}`);
  try {
    if (error instanceof _Hung) throw error;
    await operation.check(race, error);
    return { requests, log };
  } catch (failure) {
    return { requests, log, failure: _message(failure) };
  }
}

/**
 * A fresh table in the operation's starting state, made directly (no faults). Made again (up to 3
 * times) when that fails: s3rver writes an overwritten object in place, so a read racing its own earlier write
 * can rarely see `version.txt` empty, which S3 never shows.
 */
async function _prepare(operation: Operation): Promise<{ race: RaceTable; prefix: string }> {
  for (let attempt = 1;; attempt++) {
    const prefix = `matrix-${crypto.randomUUID().slice(0, 8)}`;
    const store = s3rverStore(S3RVER_ENDPOINT!, {}, prefix);
    try {
      const race = await raceTable(SEED, { keys: 8, batches: 2, size: 10, years: 2, store });
      await operation.prepare(race);
      return { race, prefix };
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

class _Hung extends Error {}

/** The operation's error (undefined when it succeeded), or `_Hung` after the case timeout. */
async function _within(run: Promise<void>, what: string): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<_Hung>((resolve) => {
    timer = setTimeout(
      () => resolve(new _Hung(`${what} hung for ${CASE_TIMEOUT_MS} ms`)),
      CASE_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([run.then(() => undefined, (error) => error), hung]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether an error says the commit's outcome is unknown (the snapshot may be there): code
 * `CommitUnknown`, or a store error saying the object may have been written.
 */
function _unknown(error: unknown): boolean {
  if (!(error instanceof AzofError)) return false;
  return (error.code as string) === "CommitUnknown" ||
    /outcome unknown|may have been written/i.test(error.message);
}

async function _writeSnapshots(table: Table): Promise<number> {
  let writes = 0;
  for (let v = 1; v <= await table.currentVersion(); v++) {
    if ((await table.snapshot(v)).extra.operation === "write") writes++;
  }
  return writes;
}

function _message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 300);
}
