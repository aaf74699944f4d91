import assert from "node:assert/strict";
import { createTable } from "../write/create.ts";
import { tableHistory } from "../inspect/history.ts";
import { scan } from "../read/scan.ts";
import { openTable } from "../format/table.ts";
import { writeRows } from "../write/write.ts";
import { storeConformance } from "./conformance.ts";
import { fakeS3 } from "./fake_s3_test_util.ts";
import { S3Store } from "./s3.ts";
import type { S3Config } from "./s3_config.ts";

// The write path's conflict behaviour over the S3 protocol: s3rver ignores If-None-Match, so these
// tests run the real S3Store and commit loop against an in-process fake that answers 412 as AWS S3,
// MinIO and R2 do.

const CONFIG: S3Config = {
  region: "us-east-1",
  endpoint: "http://s3.test",
  pathStyle: true,
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "fake-secret" },
};
const SCHEMA = { columns: [{ name: "rate", type: "Float" as const, nullable: false }] };

function _store(fake: ReturnType<typeof fakeS3>): S3Store {
  return new S3Store("s3://lake/tables", { config: CONFIG, fetch: fake.fetch, retryDelayMs: 1 });
}

async function _rows(store: S3Store): Promise<string[]> {
  const result = await scan(openTable(store, "rates"), {});
  const out: string[] = [];
  for await (const batch of result.batches) {
    for (let r = 0; r < batch.rows; r++) {
      out.push(batch.columns.map((c) => String(c.values[r])).join(" "));
    }
  }
  return out;
}

Deno.test("the fake S3 used for commit tests passes the store conformance suite, If-None-Match included", async (t) => {
  await storeConformance(t, _store(fakeS3("lake")), { enforcesPutIfAbsent: true });
});

Deno.test("a write that loses the race for sN.json on S3 (412) rebuilds on the winner's snapshot and commits sN+1", async () => {
  const fake = fakeS3("lake");
  const [mine, theirs] = [_store(fake), _store(fake)];
  await createTable(mine, "rates", SCHEMA);
  let rivalDone = false;
  fake.beforePut = async (key, request) => {
    if (rivalDone || key !== "tables/rates/s2.json" || !request.headers.has("if-none-match")) {
      return;
    }
    rivalDone = true; // the rival's own PUT of s2.json comes through here too
    const rival = await writeRows(openTable(theirs, "rates"), [
      { key: "b", event_time: "2024-02-01", rate: 2 },
    ]);
    assert.deepEqual([rival.version, rival.attempts], [2, 1]);
  };
  const result = await writeRows(openTable(mine, "rates"), [
    { key: "a", event_time: "2024-01-01", rate: 1 },
  ]);

  assert.deepEqual([result.version, result.attempts], [3, 2]);
  const conditional = fake.log.filter((l) => /^PUT tables\/rates\/s\d\.json/.test(l));
  assert.deepEqual(conditional, [
    "PUT tables/rates/s1.json 200",
    "PUT tables/rates/s2.json 200", // the rival's
    "PUT tables/rates/s2.json 412", // ours, refused
    "PUT tables/rates/s3.json 200", // ours, rebuilt on s2
  ]);
  const history = await tableHistory(openTable(mine, "rates"));
  assert.deepEqual(history.map((h) => [h.version, h.parent]), [[1, null], [2, 1], [3, 2]]);
  assert.deepEqual(await _rows(mine), ["a 1704067200000 1", "b 1706745600000 2"]);
  assert.equal(new TextDecoder().decode(fake.objects.get("tables/rates/version.txt")), "3");
});

Deno.test("a create on S3 whose s1.json is taken (412) fails with TableExists and writes no snapshot", async () => {
  const fake = fakeS3("lake");
  await createTable(_store(fake), "rates", SCHEMA);
  const before = new Map(fake.objects);
  await assert.rejects(
    () => createTable(_store(fake), "rates", SCHEMA),
    (e: Error & { code?: string }) => e.code === "TableExists",
  );
  assert.deepEqual(
    [...fake.objects.keys()].filter((k) => k.endsWith(".json")),
    [...before.keys()].filter((k) => k.endsWith(".json")),
  );
  assert.deepEqual(fake.objects.get("tables/rates/s1.json"), before.get("tables/rates/s1.json"));
});
