import assert from "node:assert/strict";
import { scan } from "../read/scan.ts";
import { openTable } from "../format/table.ts";
import { inspectTable } from "../inspect/inspect.ts";
import { hasUpstreamTable, UPSTREAM_ROOT } from "../testing/upstream.ts";
import { S3Store } from "./s3.ts";
import { resolveS3Config } from "./s3_config.ts";
import { LocalStore } from "./local.ts";

const endpoint = Deno.env.get("AZOF_TEST_S3_ENDPOINT");
const bucket = Deno.env.get("AZOF_TEST_S3_BUCKET") ?? "azof-test";
const skip = !endpoint
  ? "AZOF_TEST_S3_ENDPOINT is not set (start a server with .ci/s3rver.sh)"
  : !hasUpstreamTable("financials")
  ? "../shared/upstream-testdata is absent"
  : undefined;

function _s3Store(): S3Store {
  const config = resolveS3Config({
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_ENDPOINT_URL_S3: endpoint!,
    AWS_REGION: "us-east-1",
  }, () => undefined);
  return new S3Store(`s3://${bucket}/tables-${crypto.randomUUID().slice(0, 8)}`, { config });
}

async function _rows(store: LocalStore | S3Store, asOf: number | undefined): Promise<string> {
  const result = await scan(openTable(store, "financials"), { asOf });
  const out: string[] = [];
  for await (const batch of result.batches) {
    for (let r = 0; r < batch.rows; r++) {
      out.push(batch.columns.map((c) => String(c.values[r])).join("\u0001"));
    }
  }
  return out.join("\n");
}

Deno.test({
  name: `financials scanned from s3:// equals the local scan at many instants${
    skip ? ` (skipped: ${skip})` : ""
  }`,
  ignore: skip !== undefined,
  sanitizeResources: false,
  fn: async (t) => {
    const local = new LocalStore(UPSTREAM_ROOT);
    const s3 = _s3Store();
    await t.step("upload", async () => {
      for (const entry of await local.list("financials/")) {
        await s3.put(entry.key, await local.read(entry.key));
      }
    });
    const instants = [
      undefined,
      Date.UTC(2019, 0, 17),
      Date.UTC(2000, 0, 1),
      Date.UTC(2000, 2, 31, 23, 59, 59, 999),
      Date.UTC(2008, 6, 1) - 1,
      Date.UTC(2021, 5, 30),
      Date.UTC(1999, 11, 31),
    ];
    let prng = 7;
    for (let i = 0; i < 5; i++) {
      prng = (prng * 1103515245 + 12345) % 2 ** 31;
      instants.push(Date.UTC(2000, 0, 1) + (prng % (22 * 365)) * 86_400_000);
    }
    for (const asOf of instants) {
      await t.step(
        `as of ${asOf === undefined ? "current" : new Date(asOf).toISOString()}`,
        async () => {
          assert.equal(await _rows(s3, asOf), await _rows(local, asOf));
        },
      );
    }
    await t.step("inspect reads the same footers", async () => {
      const [a, b] = await Promise.all([
        inspectTable(openTable(s3, "financials")),
        inspectTable(openTable(local, "financials")),
      ]);
      assert.deepEqual(a.totals, b.totals);
      assert.deepEqual(a.segments, b.segments);
    });
  },
});
