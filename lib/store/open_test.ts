import assert from "node:assert/strict";
import { commandOutput } from "../testing/deadline.ts";
import { AzofError } from "../errors.ts";
import { LocalStore } from "./local.ts";
import { openStore } from "./open.ts";
import { S3Store } from "./s3.ts";

const CONFIG = { region: "us-east-1", endpoint: "http://127.0.0.1:1", pathStyle: true };

Deno.test("openStore() opens plain paths and file:// URLs as a LocalStore", async () => {
  const plain = await openStore("/data/tables/");
  assert.ok(plain instanceof LocalStore);
  assert.equal(plain.location, "/data/tables");
  assert.equal((await openStore("relative/dir")).location, "relative/dir");
  assert.equal((await openStore("file:///data/my%20tables")).location, "/data/my tables");
});

Deno.test("openStore() opens s3:// URLs as an S3Store with the given options", async () => {
  const requests: string[] = [];
  const fetch = (input: RequestInfo | URL) => {
    requests.push(new Request(input).url);
    return Promise.resolve(new Response("x"));
  };
  const store = await openStore("s3://lake/tables/", { s3: { config: CONFIG, fetch } });
  assert.ok(store instanceof S3Store);
  assert.equal(store.location, "s3://lake/tables");
  await store.read("t/version.txt");
  assert.deepEqual(requests, ["http://127.0.0.1:1/lake/tables/t/version.txt"]);
});

Deno.test("openStore() refuses other URL schemes and malformed s3:// URLs", async () => {
  await assert.rejects(
    () => openStore("gs://bucket/x"),
    (e: unknown) =>
      e instanceof AzofError && e.code === "Unsupported" &&
      e.message ===
        "Cannot open gs://bucket/x: only local paths, file:// and s3:// URLs are supported",
  );
  await assert.rejects(
    () => openStore("s3:///x", { s3: { config: CONFIG } }),
    (e: unknown) => e instanceof AzofError && e.code === "InputInvalid",
  );
});

Deno.test("openStore() loads the S3 adapter (and its npm dependency) only for s3:// paths", async () => {
  // Under --no-npm, loading s3.ts fails (it imports npm:aws4fetch), so a local open proves it is not
  // loaded and an s3:// open proves the check would notice.
  const dir = await Deno.makeTempDir({ prefix: "azof-open-" });
  const script = `${dir}/probe.ts`;
  await Deno.writeTextFile(
    script,
    `import { openStore } from ${JSON.stringify(new URL("./open.ts", import.meta.url).href)};
const config = { region: "us-east-1", pathStyle: false };
console.log((await openStore(Deno.args[0], { s3: { config } })).location);`,
  );
  const run = async (path: string) => {
    const config = new URL("../../deno.json", import.meta.url).pathname;
    const args = ["run", "--no-npm", "--config", config, "--allow-read", script, path];
    const out = await commandOutput(Deno.execPath(), { args });
    return { code: out.code, stdout: new TextDecoder().decode(out.stdout).trim() };
  };
  try {
    assert.deepEqual(await run(dir), { code: 0, stdout: dir });
    assert.notEqual((await run("s3://b/x")).code, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
