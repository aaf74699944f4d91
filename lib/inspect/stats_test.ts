import assert from "node:assert/strict";
import { layoutStats, readStats } from "./stats.ts";
import { planScan } from "../read/plan.ts";
import { Prng } from "../write/prng.ts";
import { parseSnapshot, type Snapshot } from "../format/snapshot.ts";
import { openTable } from "../format/table.ts";
import { hasUpstreamTable, UPSTREAM_ROOT, upstreamTestName } from "../testing/upstream.ts";

const iso = (ms: number) => new Date(ms).toISOString();

/** A random tree of segments within [0, 300) ms: nested, open or closed, with random deltas. */
function randomSnapshot(random: Prng): Snapshot {
  let file = 0;
  const segment = (from: number, to: number, depth: number): Record<string, unknown> => {
    const start = random.int(from, to);
    const end = random.chance(0.3) ? undefined : random.int(start, to + 20);
    const deltas = Array.from({ length: random.int(0, 3) }, () => {
      const s = random.int(start - 5, (end ?? to) + 5);
      return { file: `d${file++}.parquet`, start: iso(s), end: iso(s + random.int(0, 30)) };
    });
    const children = depth < 2
      ? Array.from({ length: random.int(0, 3) }, () => segment(start, end ?? to, depth + 1))
      : [];
    return {
      id: `s${file++}`,
      start: iso(start),
      ...(end === undefined ? {} : { end: iso(end) }),
      ...(random.chance(0.6) ? { file: `b${file++}.parquet` } : {}),
      delta: deltas,
      segments: children,
    };
  };
  const segments = Array.from({ length: random.int(1, 4) }, () => segment(0, 250, 0));
  return parseSnapshot(JSON.stringify({ schema: { columns: [] }, segments }), 1);
}

Deno.test("readStats() equals planScan() at every millisecond of random small tables", () => {
  for (let seed = 1; seed <= 200; seed++) {
    const snapshot = randomSnapshot(new Prng(seed));
    const stats = readStats(snapshot);
    const { start, end } = stats.span!;
    const counts: number[] = [];
    for (let t = start; t < end; t++) counts.push(planScan(snapshot, { asOf: t }).files.length);
    const worst = Math.max(...counts);
    const label = `seed ${seed}`;
    assert.deepEqual(stats.worst, { files: worst, at: start + counts.indexOf(worst) }, label);
    const sorted = counts.toSorted((a, b) => a - b);
    assert.equal(stats.typical, sorted[Math.ceil(sorted.length / 2) - 1], label);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    assert.ok(Math.abs(stats.mean - mean) < 1e-9, label);
    assert.equal(stats.current, planScan(snapshot).files.length, label);
    // The span reaches the last instant any segment or delta names.
    const named: number[] = [];
    const visit = (s: Snapshot["segments"][number]): void => {
      named.push(s.start, ...(s.end === undefined ? [] : [s.end]));
      for (const d of s.deltas) named.push(d.start, d.end);
      s.children.forEach(visit);
    };
    snapshot.segments.forEach(visit);
    assert.equal(end, Math.max(...named) + 1, label);
  }
});

Deno.test("layoutStats() counts files, bytes and deltas per level like a plain walk", () => {
  for (let seed = 1; seed <= 50; seed++) {
    const snapshot = randomSnapshot(new Prng(seed));
    const sizes = new Map<string, { bytes: number; rows: number }>();
    const sizeOf = (f: string) => {
      if (!sizes.has(f)) sizes.set(f, { bytes: f.length * 7, rows: f.length });
      return sizes.get(f)!;
    };
    const expected: { segments: number; baseBytes: number; deltaFiles: number; max: number }[] = [];
    const walk = (segs: readonly Snapshot["segments"][number][], depth: number) => {
      for (const s of segs) {
        const level = expected[depth] ??= { segments: 0, baseBytes: 0, deltaFiles: 0, max: 0 };
        level.segments++;
        level.baseBytes += s.base === undefined ? 0 : sizeOf(s.base).bytes;
        level.deltaFiles += s.deltas.length;
        for (const d of s.deltas) sizeOf(d.file);
        level.max = Math.max(level.max, s.deltas.length);
        walk(s.children, depth + 1);
      }
    };
    walk(snapshot.segments, 0);
    const stats = layoutStats(snapshot, sizes);
    assert.deepEqual(
      stats.levels.map((l) => ({
        segments: l.segments,
        baseBytes: l.bases.bytes,
        deltaFiles: l.deltas.files,
        max: l.deltasPerSegment.max,
      })),
      expected,
    );
  }
});

Deno.test({
  name: upstreamTestName(
    "readStats() on financials matches planScan() at 2,000 random instants",
    "financials",
  ),
  ignore: !hasUpstreamTable("financials"),
  fn: async () => {
    const snapshot = await openTable(UPSTREAM_ROOT, "financials").snapshot();
    const stats = readStats(snapshot);
    const random = new Prng(3);
    const { start, end } = stats.span!;
    for (let i = 0; i < 2000; i++) {
      const t = start + Math.floor(random.next() * (end - start));
      const piece = stats.pieces.find((p) => p.start <= t && t < p.end)!;
      assert.equal(piece.files, planScan(snapshot, { asOf: t }).files.length, iso(t));
    }
    // Each quarter after the first reads its delta, its base and the year's base.
    assert.equal(stats.worst?.files, 3);
  },
});
