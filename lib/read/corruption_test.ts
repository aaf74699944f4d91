/**
 * Corruption test: single-byte flips in azof-written data files (write path and compaction files),
 * seeded and spread systematically over each file's regions (magic, page headers and data, footer,
 * footer length). Every scan either fails with a `DataCorrupt` error naming the flipped file, or
 * returns exactly what the unflipped table returns. Zero silent changes.
 */

import assert from "node:assert/strict";
import { toValues } from "../columns/column_data.ts";
import { compactTable } from "../compact/compact.ts";
import { createTable } from "../write/create.ts";
import { openDataFile } from "../parquet/data_file.ts";
import { AzofError } from "../errors.ts";
import { Prng } from "../write/prng.ts";
import type { Schema } from "../format/schema.ts";
import type { Table } from "../format/table.ts";
import { scanMap } from "../testing/scan_map.ts";
import { snapshotFiles as namedFiles } from "../format/segments.ts";
import { writeRows } from "../write/write.ts";

const FLIPS = 200;
const REGIONS = 10;
const SCHEMA: Schema = {
  columns: [
    { name: "n", type: "Int", nullable: false },
    { name: "x", type: "Float", nullable: true },
    { name: "s", type: "String", nullable: true },
    { name: "b", type: "Boolean", nullable: true },
    { name: "d", type: "DateTime", nullable: true },
  ],
};

function rows(seed: number, n: number): Record<string, unknown>[] {
  const prng = new Prng(seed);
  const from = Date.UTC(2018, 0, 1);
  return Array.from({ length: n }, (_, i) => ({
    key: `k${prng.int(0, 400)}`,
    event_time: from + Math.floor(prng.next() * 4 * 365 * 86_400_000),
    n: BigInt(prng.int(-1e9, 1e9)),
    x: prng.chance(0.2) ? null : prng.next() * 1000,
    s: prng.chance(0.2) ? null : `s${prng.int(0, 50)}${"é".repeat(i % 3)}`,
    b: prng.chance(0.2) ? null : prng.chance(0.5),
    d: prng.chance(0.2) ? null : from + prng.int(0, 1e9),
    _deleted: prng.chance(0.03),
  }));
}

/** Every data file a snapshot names, at every level (compaction puts rows in child segments). */
async function snapshotFiles(table: Table, version: number): Promise<string[]> {
  return namedFiles(await table.snapshot(version));
}

/** A byte offset inside region `r` of `REGIONS` of a file, the last region being the footer. */
function offsetIn(bytes: Uint8Array, region: number, prng: Prng): number {
  const footerLength = new DataView(bytes.buffer).getUint32(bytes.length - 8, true);
  const footerStart = bytes.length - 8 - footerLength;
  if (region === REGIONS - 1) return prng.int(footerStart, bytes.length - 1);
  if (region === 0) return prng.int(0, 3);
  const span = footerStart - 4;
  const from = 4 + Math.floor((span * (region - 1)) / (REGIONS - 2));
  const to = 4 + Math.floor((span * region) / (REGIONS - 2));
  return prng.int(from, Math.max(from, to - 1));
}

function same(a: Map<string, unknown>, b: Map<string, unknown>): boolean {
  const text = (m: Map<string, unknown>) =>
    JSON.stringify([...m], (_, v) => typeof v === "bigint" ? `${v}n` : v);
  return text(a) === text(b);
}

Deno.test("single-byte flips in data files are reported as corruption or change nothing", async () => {
  const root = await Deno.makeTempDir();
  try {
    const table = await createTable(root, "t", SCHEMA, { segment: ["P1Y", "P3M"] });
    for (let w = 0; w < 3; w++) await writeRows(table, rows(w + 1, 700));
    const written = (await table.snapshot()).version;
    const compacted = (await compactTable(table, { force: true })).version;
    const targets = [
      ...(await snapshotFiles(table, written)).map((file) => ({ file, version: written })),
      ...(await snapshotFiles(table, compacted)).map((file) => ({ file, version: compacted })),
    ];
    assert.ok(targets.length >= 4, `${targets.length} files`);
    const want = new Map<number, Map<string, unknown>>();
    for (const v of [written, compacted]) want.set(v, await scanMap(table, undefined, v));
    const prng = new Prng(2026);
    let detected = 0;
    const silent: string[] = [];
    for (let i = 0; i < FLIPS; i++) {
      const { file, version } = targets[i % targets.length]!;
      const path = `${root}/t/${file}`;
      const original = await Deno.readFile(path);
      const flipped = original.slice();
      const at = offsetIn(original, Math.floor(i / targets.length) % REGIONS, prng);
      flipped[at]! ^= prng.int(1, 255);
      await Deno.writeFile(path, flipped);
      try {
        const got = await scanMap(table, undefined, version);
        if (!same(got, want.get(version)!)) silent.push(`${file} byte ${at}`);
      } catch (error) {
        assert.ok(
          error instanceof AzofError && error.code === "DataCorrupt" &&
            error.message.includes(file),
          `flip at byte ${at} of ${file}: ${error}`,
        );
        detected++;
      } finally {
        await Deno.writeFile(path, original);
      }
    }
    assert.deepEqual(silent, [], `${silent.length} flips changed the scan silently`);
    // The rest changed bytes no scan reads (the leading magic, rows of row groups skipped).
    assert.ok(detected > FLIPS / 3, `only ${detected} of ${FLIPS} flips detected`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("single-byte flips read through parquet-wasm are reported as corruption or change nothing", async () => {
  const root = await Deno.makeTempDir();
  try {
    const table = await createTable(root, "t", SCHEMA, { segment: ["P10Y"] });
    await writeRows(table, rows(7, 3000));
    const [segment] = (await table.snapshot()).segments;
    const file = segment!.deltas[0]?.file ?? segment!.base!;
    const read = async () => {
      const data = await openDataFile(table, file, SCHEMA, { decoder: "wasm" });
      const out: unknown[] = [];
      for (let i = 0; i < data.rowGroups.length; i++) {
        const group = await data.readRowGroup(i, SCHEMA.columns.map((c) => c.name));
        out.push(
          toValues(group.key),
          [...group.eventTime],
          ...[...group.columns.values()].map(toValues),
        );
      }
      return JSON.stringify(out, (_, v) => typeof v === "bigint" ? `${v}n` : v);
    };
    const want = await read();
    const path = `${root}/t/${file}`;
    const original = await Deno.readFile(path);
    const prng = new Prng(99);
    let silent = 0;
    for (let i = 0; i < 60; i++) {
      const flipped = original.slice();
      const at = offsetIn(original, i % REGIONS, prng);
      flipped[at]! ^= prng.int(1, 255);
      await Deno.writeFile(path, flipped);
      try {
        if (await read() !== want) silent++;
      } catch (error) {
        assert.ok(
          error instanceof AzofError && error.code === "DataCorrupt" &&
            error.message.includes(file),
          `flip at byte ${at}: ${error}`,
        );
      }
    }
    assert.equal(silent, 0, `${silent} flips changed what parquet-wasm decoded`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
