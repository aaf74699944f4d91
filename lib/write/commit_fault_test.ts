/**
 * Commits under injected store faults (docs/SPEC.md §9 rules 7–8, §11 rule 4): for write, compact,
 * vacuum and create, every store request × every fault kind (lib/testing/fault_store.ts). After
 * each case the table reads, every snapshot's files exist, the table is the fold of exactly the
 * batches reported committed, none twice; a commit whose outcome stayed unknown is retried as a
 * user would (a write with the same idempotency key) and ends with the batch exactly once.
 */

import assert from "node:assert/strict";
import { compactTable } from "../compact/compact.ts";
import { createTable } from "./create.ts";
import { AzofError } from "../errors.ts";
import { LocalStore } from "../store/local.ts";
import { MemoryStore } from "../store/memory.ts";
import type { Store } from "../store/store.ts";
import { openTable } from "../format/table.ts";
import {
  assertExactlyOnce,
  assertReadable,
  type FaultCase,
  runFaultMatrix,
} from "../testing/fault_matrix.ts";
import { FAULT_KINDS, FaultStore } from "../testing/fault_store.ts";
import { batchRows, nextBatch, raceTable, recordWrite } from "../testing/race_table.ts";
import { vacuumTable } from "../vacuum/vacuum.ts";
import { writeRows } from "./write.ts";

const _OPTIONS = { keys: 12, batches: 3, size: 16, years: 3 };

for (const where of ["memory", "local"] as const) {
  Deno.test(`writeRows() under every fault at every request commits its batch once or not at all (${where} store)`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "azof-faults-" });
    let cases = 0;
    const store = () =>
      where === "memory" ? new MemoryStore() : new LocalStore(`${dir}/${++cases}`);
    try {
      await _writeMatrix(store);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

async function _writeMatrix(store: () => Store): Promise<void> {
  const base = await raceTable(13, { ..._OPTIONS, store: new MemoryStore() });
  const batch = nextBatch(base);
  let already = 0;
  const write = async (c: FaultCase) => {
    const result = await writeRows(c.t.table, batchRows(c.t, batch), {
      idempotencyKey: "batch-4",
      rowGroupRows: 4,
    });
    if (result.alreadyCommitted) already++;
    recordWrite(c.t, batch);
  };
  const counts = await runFaultMatrix(base, {
    run: write,
    retry: write,
    check: (c, where) => assertExactlyOnce(c.t, where),
  }, store);
  assert.ok(counts.unknown >= 2, `outcome unknown in ${counts.unknown} cases`);
  assert.ok(already >= 1, `a retry found its key committed ${already} times`);
  assert.ok(counts.error >= 10 && counts.ok >= 10, JSON.stringify(counts));
}

Deno.test("compactTable() under every fault at every request keeps every answer and every file", async () => {
  const base = await raceTable(14, {
    keys: 6,
    batches: 2,
    size: 6,
    years: 1,
    store: new MemoryStore(),
  });
  const compact = async (c: FaultCase) => void await compactTable(c.t.table, { force: true });
  const counts = await runFaultMatrix(base, {
    run: compact,
    retry: compact,
    check: (c, where) => assertExactlyOnce(c.t, where),
  });
  assert.ok(counts.unknown >= 2 && counts.error >= 10, JSON.stringify(counts));
});

Deno.test("vacuumTable() under every fault at every request never deletes a file a snapshot names", async () => {
  const base = await raceTable(15, { ..._OPTIONS, store: new MemoryStore() });
  await compactTable(base.table, { force: true });
  const vacuum = async (c: FaultCase) =>
    void await vacuumTable(c.t.table, { keep: 1, grace: 0, now: Date.now() + 60_000 });
  const counts = await runFaultMatrix(base, {
    run: vacuum,
    retry: vacuum,
    check: (c, where) => assertReadable(c.t, where),
  });
  assert.equal(counts.unknown, 0);
  assert.ok(counts.error >= 10 && counts.ok >= 10, JSON.stringify(counts));
});

Deno.test("createTable() under every fault at every request creates the table or leaves nothing", async () => {
  const schema = { columns: [{ name: "v", type: "Int" as const, nullable: false }] };
  const clean = new FaultStore(new MemoryStore());
  clean.arm();
  await createTable(clean, "t", schema);
  const outcomes: Record<string, number> = {};
  for (let at = 1; at <= clean.requests; at++) {
    for (const kind of FAULT_KINDS) {
      const fault = new FaultStore(new MemoryStore());
      fault.arm(at, kind);
      const where = `${kind} at request ${at}`;
      let outcome = "ok";
      await createTable(fault, "t", schema).catch((error) => {
        if (!(error instanceof AzofError)) throw error;
        outcome = error.code;
      });
      await fault.heal();
      assert.notEqual(outcome, "TableExists", `${where}: its own s1.json taken for another's`);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      const table = openTable(fault, "t");
      if (outcome === "CommitUnknown") {
        await createTable(fault, "t", schema).catch((error) => {
          if (!(error instanceof AzofError && error.code === "TableExists")) throw error;
        });
      }
      if (outcome === "StorageError") {
        assert.equal(await fault.exists("t/s1.json"), false, where);
        continue;
      }
      const snapshot = await table.snapshot();
      assert.deepEqual([snapshot.version, snapshot.schema], [1, schema], where);
      assert.equal(typeof snapshot.extra.commit_id, "string", where);
    }
  }
  assert.ok(outcomes.CommitUnknown! >= 1 && outcomes.StorageError! >= 1, JSON.stringify(outcomes));
});
