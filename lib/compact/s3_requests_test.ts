import assert from "node:assert/strict";
import { compactTable } from "./compact.ts";
import { createTable } from "../write/create.ts";
import { Prng } from "../write/prng.ts";
import { openTable } from "../format/table.ts";
import { startS3FaultProxy } from "../testing/s3_fault_proxy.ts";
import { S3RVER_ENDPOINT, S3RVER_SKIP, s3rverStore } from "../testing/s3rver.ts";
import { writeRows } from "../write/write.ts";

// Requests of a compaction on S3, counted by the fault proxy (issue 13): each data file is read
// with one GET per compaction (not one per period), each output file is PUT once, and the total
// stays within 2 x (files read + files written) + 20.

const START = Date.UTC(2022, 0, 1);
const SPAN = Date.UTC(2025, 0, 1) - START;

for (const segment of [undefined, ["P1M"]]) {
  Deno.test({
    name: `compactTable() on S3 (${
      segment ?? "default layout"
    }) reads each data file once and writes each output once`,
    ignore: S3RVER_SKIP !== undefined,
    fn: async () => {
      const prefix = `requests-${crypto.randomUUID().slice(0, 8)}`;
      const table = await createTable(s3rverStore(S3RVER_ENDPOINT!, {}, prefix), "t", {
        columns: [{ name: "v", type: "Int", nullable: false }],
      });
      const prng = new Prng(13);
      for (let batch = 0; batch < 5; batch++) {
        await writeRows(
          table,
          Array.from({ length: 40 }, (_, i) => ({
            key: `k${prng.int(0, 59)}`,
            event_time: new Date(START + Math.floor(prng.next() * SPAN)).toISOString(),
            v: BigInt(batch * 100 + i),
          })),
        );
      }
      const proxy = startS3FaultProxy({ upstream: S3RVER_ENDPOINT! });
      const timer = setTimeout(() => proxy.close(), 60_000); // a hang fails the compaction
      try {
        const result = await compactTable(
          openTable(s3rverStore(proxy.endpoint, {}, prefix), "t"),
          segment ? { policy: { segment } } : { force: true },
        );
        assert.equal(result.committed, true);
        const data = (method: string) =>
          proxy.log.filter((e) => e.method === method && e.key.includes("/t/data/"));
        const reads = data("GET").map((e) => e.key);
        const writes = data("PUT").map((e) => e.key);
        assert.equal(reads.length, new Set(reads).size, `a data file read twice: ${reads}`);
        assert.deepEqual(
          writes.map((k) => k.slice(k.indexOf("/t/") + 3)).sort(),
          [...result.files].sort(),
        );
        const bound = 2 * (reads.length + writes.length) + 20;
        assert.ok(proxy.log.length <= bound, `${proxy.log.length} requests, bound ${bound}`);
        const other = proxy.log.filter((e) => !e.key.includes("/t/data/"));
        assert.ok(other.length <= 8, `snapshot and version requests: ${other.length}`);
      } finally {
        clearTimeout(timer);
        await proxy.close();
      }
    },
  });
}
