/**
 * `azof write` against an S3 endpoint that stops answering at the commit: exit code 3 and one
 * `error: Cannot commit to table T: commit outcome unknown: ...` line, the data files kept; the same write run again with the
 * same `--idempotency-key` commits the batch exactly once (docs/SPEC.md §9 rules 7–8).
 */

import assert from "node:assert/strict";
import { fakeS3 } from "../lib/store/fake_s3_test_util.ts";
import { assertError, cliOutput, type CliRun, spawnCli } from "./fixture_test_util.ts";

/** When the fake goes down: before or after storing the first commit it sees; `on` while down. */
interface _Outage {
  at?: "before" | "after" | undefined;
  on: boolean;
}

/** A fake S3 on 127.0.0.1; `outage` makes it answer 503 to everything from the commit on. */
function _server(outage: _Outage) {
  const fake = fakeS3("b");
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const commit = req.method === "PUT" && /\/s[0-9]+\.json$/.test(url.pathname) &&
      req.headers.get("if-none-match") === "*" && !url.pathname.endsWith("/s1.json");
    if (commit && outage.at === "before") [outage.at, outage.on] = [undefined, true];
    if (outage.on) return new Response(null, { status: 503 });
    const body = req.method === "PUT" ? await req.arrayBuffer() : undefined;
    const response = await fake.fetch(
      new Request(`http://s3.test${url.pathname}${url.search}`, {
        method: req.method,
        headers: req.headers,
        ...(body ? { body } : {}),
      }),
    );
    if (commit && outage.at === "after") {
      [outage.at, outage.on] = [undefined, true];
      return new Response(null, { status: 503 });
    }
    return response;
  });
  return { fake, server, port: server.addr.port };
}

async function _azof(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = spawnCli(args, { env, ffi: false });
  const timer = setTimeout(() => child.kill(), 60_000);
  try {
    const run = await cliOutput(child);
    assert.notEqual(run.code, 143, `azof ${args[0]} hung and was killed after 60 s`);
    return run;
  } finally {
    clearTimeout(timer);
  }
}

for (const at of ["after", "before"] as const) {
  Deno.test(`azof write exits 3 when its commit ${at === "after" ? "was stored but" : "was"} not answered, and a re-run with --idempotency-key commits the batch once`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "azof-unknown-" });
    const outage: _Outage = { on: false };
    const { fake, server, port } = _server(outage);
    try {
      const env = {
        AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
        AWS_NO_SIGN_REQUEST: "true",
        AWS_REGION: "us-east-1",
        AWS_SHARED_CREDENTIALS_FILE: `${dir}/none`,
        AWS_CONFIG_FILE: `${dir}/none`,
      };
      const input = `${dir}/rows.csv`;
      await Deno.writeTextFile(input, "key,event_time,v\na,2024-01-01,1\nb,2024-02-01,2\n");
      const table = ["-p", "s3://b/x", "-t", "t"];
      const create = await _azof(["create", ...table, "--schema", "v:Int"], env);
      assert.equal(create.code, 0, create.stderr);
      const write = ["write", ...table, "--input", input, "--idempotency-key", "load-7"];
      outage.at = at;
      const first = await _azof(write, env);
      assertError(
        first,
        3,
        /^error: Cannot commit to table t: commit outcome unknown: .*s2\.json.*commit_id/,
      );
      const data = [...fake.objects.keys()].filter((k) => k.startsWith("x/t/data/"));
      assert.ok(data.length >= 1, "the data files are kept");
      assert.equal(fake.objects.has("x/t/s2.json"), at === "after");
      outage.on = false;
      const again = await _azof(write, env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, at === "after" ? /already committed: snapshot 2/ : /wrote 2 rows/);
      const history = await _azof(["history", ...table, "-f", "json"], env);
      const entries = (JSON.parse(history.stdout) as {
        snapshots: { operation: string; commitId: string }[];
      }).snapshots;
      assert.deepEqual(entries.map((e) => e.operation), ["create", "write"]);
      const id = /commit_id ([0-9a-f-]{36})/.exec(first.stderr)?.[1];
      assert.equal(entries[1]!.commitId === id, at === "after", "the id named is the stored one");
      const scan = await _azof(["scan", ...table, "-f", "csv"], env);
      assert.equal(scan.stdout.trim().split("\n").length, 3, scan.stdout);
    } finally {
      await server.shutdown();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
