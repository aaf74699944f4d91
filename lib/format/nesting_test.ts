/**
 * Tables never overlap (SPEC §1, §11 rule 1): `createTable` refuses a table inside or around
 * another, and where older writers nested tables anyway, writing and vacuuming either table leaves
 * every file of the other alone and both read as the fold of their writes. Locally, and on s3rver
 * when `AZOF_TEST_S3_ENDPOINT` is set.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createTable } from "../write/create.ts";
import { AzofError } from "../errors.ts";
import { snapshotFiles } from "./segments.ts";
import { LocalStore } from "../store/local.ts";
import { MemoryStore } from "../store/memory.ts";
import { S3Store } from "../store/s3.ts";
import type { Store } from "../store/store.ts";
import { openTable, type Table } from "./table.ts";
import { foldMap, type OracleRow } from "../testing/random_history.ts";
import { scanMap } from "../testing/scan_map.ts";
import { vacuumTable } from "../vacuum/vacuum.ts";
import { writeRows } from "../write/write.ts";

const SCHEMA = { columns: [{ name: "v", type: "Int" as const, nullable: false }] };
const H = 3_600_000;
const _encoder = new TextEncoder();

const ENDPOINT = Deno.env.get("AZOF_TEST_S3_ENDPOINT");
const BUCKET = Deno.env.get("AZOF_TEST_S3_BUCKET") ?? "azof-test";
if (!ENDPOINT) {
  console.log(
    "nesting_test.ts: AZOF_TEST_S3_ENDPOINT is not set, so the s3rver cases are skipped " +
      "(start a server with .ci/s3rver.sh)",
  );
}

/** A place to put tables: a store, a store rooted at one of its folders, and clean-up. */
interface Place {
  readonly store: Store;
  at(folder: string): Store;
  close(): Promise<void>;
}

async function _local(): Promise<Place> {
  const dir = await Deno.makeTempDir({ prefix: "azof-nesting-" });
  return {
    store: new LocalStore(dir),
    at: (folder) => new LocalStore(`${dir}/${folder}`),
    close: () => Deno.remove(dir, { recursive: true }),
  };
}

function _s3(): Promise<Place> {
  const config = {
    region: "us-east-1",
    endpoint: ENDPOINT!,
    pathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  };
  const url = `s3://${BUCKET}/azof-nesting-${crypto.randomUUID()}`;
  const store = new S3Store(url, { config });
  return Promise.resolve({
    store,
    at: (folder) => new S3Store(`${url}/${folder}`, { config }),
    close: async () => {
      for (const { key } of await store.list()) await store.delete(key);
    },
  });
}

const PLACES = [
  { kind: "local", open: _local, ignore: false },
  { kind: "s3rver", open: _s3, ignore: !ENDPOINT },
];

async function _keys(store: Store, folder: string): Promise<string[]> {
  return (await store.list(`${folder}/`)).map((e) => e.key).sort();
}

async function _refused(create: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(create, (e) => e instanceof AzofError && e.code === "TableExists");
  await assert.rejects(create, pattern);
}

for (const place of PLACES) {
  Deno.test({
    name: `createTable() refuses a table inside or around another (${place.kind})`,
    ignore: place.ignore,
    fn: async () => {
      const p = await place.open();
      try {
        await createTable(p.store, "t", SCHEMA);
        await writeRows(openTable(p.store, "t"), [{ key: "a", event_time: 0, v: 1n }]);
        const before = await _keys(p.store, "t");
        for (const name of ["t/data/in", "t/data", "t/in", "t/a/b/c"]) {
          await _refused(createTable(p.store, name, SCHEMA), /would lie inside table .*\/t;/);
        }
        // --path pointing inside the table: the folders above the store's root are looked at too.
        await _refused(createTable(p.at("t/data"), "in", SCHEMA), /inside table .*\/t;/);
        await _refused(createTable(p.at("t"), "in", SCHEMA), /inside table .*\/t;/);
        assert.deepEqual(await _keys(p.store, "t"), before, "nothing written");
        // Around an existing table: its folder, or any folder above it.
        await createTable(p.store, "u/deep/in", SCHEMA);
        for (const name of ["u", "u/deep"]) {
          await _refused(createTable(p.store, name, SCHEMA), /already holds table .*u\/deep\/in;/);
        }
        await _refused(createTable(p.at("u"), "deep", SCHEMA), /already holds table/);
        // A stray version.txt that names no snapshot is not a table.
        await p.store.put("w/version.txt", _encoder.encode("1.0.2"));
        await createTable(p.store, "w/t", SCHEMA);
        await createTable(p.at("w"), "t2", SCHEMA);
      } finally {
        await p.close();
      }
    },
  });
}

/** A table and the rows written to it, for the fold. */
interface Written {
  readonly table: Table;
  readonly rows: OracleRow[];
}

async function _write(w: Written, base: number, late = false): Promise<void> {
  const rows = Array.from({ length: 6 }, (_, i) => ({
    key: `k${i % 4}`,
    t: Date.UTC(2023, late ? 0 : 6, 1 + i) + base * H,
    values: [BigInt(base * 10 + i)],
    deleted: false,
  }));
  await writeRows(w.table, rows.map((r) => ({ key: r.key, event_time: r.t, v: r.values[0] })));
  w.rows.push(...rows);
}

/** Both tables read as the fold of their writes, and every file they name exists. */
async function _assertReads(tables: readonly Written[], label: string): Promise<void> {
  for (const w of tables) {
    for (const asOf of [undefined, Date.UTC(2023, 0, 3), Date.UTC(2023, 6, 2, 12)]) {
      assert.deepEqual(
        await scanMap(w.table, asOf),
        foldMap(w.rows, asOf),
        `${label}: ${w.table.name}`,
      );
    }
    for (const file of snapshotFiles(await w.table.snapshot())) {
      assert.ok(await w.table.store.exists(w.table.key(file)), `${label}: ${w.table.name}/${file}`);
    }
  }
}

/** Builds a table in memory (as a writer that did not check would) and copies it into place. */
async function _place(store: Store, name: string): Promise<Written> {
  const scratch = new MemoryStore();
  const w = { table: await createTable(scratch, "x", SCHEMA), rows: [] };
  await _write(w, 1);
  for (const { key } of await scratch.list("x/")) {
    await store.put(`${name}/${key.slice(2)}`, await scratch.read(key));
  }
  return { table: openTable(store, name), rows: w.rows };
}

const LAYOUTS = [
  { what: "inside the outer's data folder", inner: "t/data/in" },
  { what: "beside the outer's snapshots", inner: "t/in" },
  { what: "as the outer's data folder", inner: "t/data" },
];

for (const place of PLACES) {
  for (const layout of LAYOUTS) {
    Deno.test({
      name: `nested tables (inner ${layout.what}, ${place.kind}): writes and vacuums of each ` +
        `leave the other whole`,
      ignore: place.ignore,
      fn: async () => {
        const p = await place.open();
        try {
          const outer = await _place(p.store, "t");
          const inner = await _place(p.store, layout.inner);
          const stray = (w: Written) =>
            w.table.key("data/9999-home-0a1b2c3d-0000-4000-8000-000000000000.parquet");
          for (const w of [outer, inner]) {
            await _write(w, 2);
            await _write(w, 3, true);
            await p.store.put(stray(w), new Uint8Array(8));
          }
          await _assertReads([outer, inner], "after writes");
          const vacuum = { keep: 1, grace: 0, now: Date.now() + H };
          const innerKeys = await _keys(p.store, layout.inner);
          await vacuumTable(outer.table, vacuum);
          assert.deepEqual(await _keys(p.store, layout.inner), innerKeys, "outer vacuum");
          await _assertReads([outer, inner], "after the outer's vacuum");

          const outerKeys = (await _keys(p.store, "t")).filter((k) =>
            !k.startsWith(`${layout.inner}/`)
          );
          const { plan } = await vacuumTable(inner.table, vacuum);
          assert.ok(plan.remove.some((r) => r.kind === "snapshot"), "the inner vacuum ran");
          const outerAfter = (await _keys(p.store, "t")).filter((k) =>
            !k.startsWith(`${layout.inner}/`)
          );
          assert.deepEqual(outerAfter, outerKeys, "inner vacuum");
          assert.equal(await p.store.exists(stray(inner)), false, "the inner's own stray goes");
          await _assertReads([outer, inner], "after the inner's vacuum");
        } finally {
          await p.close();
        }
      },
    });
  }
}
