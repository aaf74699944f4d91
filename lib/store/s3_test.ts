import assert from "node:assert/strict";
import { AzofError } from "../errors.ts";
import { storeConformance } from "./conformance.ts";
import { S3Store } from "./s3.ts";
import { resolveS3Config } from "./s3_config.ts";
import type { S3StoreOptions } from "./s3_requests.ts";
import type { S3Config } from "./s3_config.ts";
import { hasUpstreamTable, UPSTREAM_ROOT, upstreamTestName } from "../testing/upstream.ts";

// ---------------------------------------------------------------------------------------------
// Request-level tests: a fake fetch records what the client sends and answers from a script.
// ---------------------------------------------------------------------------------------------

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN";
const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const AWS: S3Config = {
  region: "eu-west-1",
  pathStyle: false,
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: SECRET, sessionToken: TOKEN },
};
const MINIO: S3Config = {
  region: "us-east-1",
  endpoint: "http://s3.test:9000",
  pathStyle: true,
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: SECRET },
};
const ANONYMOUS: S3Config = { region: "us-east-1", pathStyle: false };

type Answer = Response | Error | ((request: Request) => Response | Promise<Response>);

/** A store whose fetch answers with `answers` in turn (the last one repeats). */
function fakeStore(config: S3Config, answers: Answer[], options: S3StoreOptions = {}) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    const answer = answers[Math.min(requests.length, answers.length) - 1];
    if (answer instanceof Error) throw answer;
    if (typeof answer === "function") return await answer(request);
    return answer?.clone() ?? new Response(null, { status: 200 });
  };
  const store = new S3Store("s3://b/p", { config, fetch, retryDelayMs: 1, ...options });
  return { store, requests };
}

function ok(body: string | Uint8Array | null = null, status = 200, headers?: HeadersInit) {
  return new Response(body as BodyInit | null, { status, ...(headers ? { headers } : {}) });
}

function s3Error(status: number, code: string) {
  return ok(`<?xml version="1.0"?><Error><Code>${code}</Code><Message>m</Message></Error>`, status);
}

function header(request: Request | undefined, name: string): string | null {
  assert.ok(request, "no request was sent");
  return request.headers.get(name);
}

async function rejectsStorage(fn: () => Promise<unknown>, message: string | RegExp) {
  await assert.rejects(fn, (e: unknown) => {
    assert.ok(e instanceof AzofError, String(e));
    assert.equal(e.code, "StorageError");
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

Deno.test("S3Store signs with SigV4 for s3 in the configured region, with the session token", async () => {
  const { store, requests } = fakeStore(AWS, [ok("{}")]);
  await store.read("t/s1.json");
  const request = requests[0];
  assert.equal(request?.url, "https://b.s3.eu-west-1.amazonaws.com/p/t/s1.json");
  assert.match(
    header(request, "authorization") ?? "",
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
  );
  assert.equal(header(request, "x-amz-content-sha256"), EMPTY_SHA256);
  assert.equal(header(request, "x-amz-security-token"), TOKEN);
  assert.match(header(request, "x-amz-date") ?? "", /^\d{8}T\d{6}Z$/);
});

Deno.test("S3Store uses path-style URLs when an endpoint is set, virtual hosts otherwise", async () => {
  const local = fakeStore(MINIO, [ok("x")]);
  await local.store.read("t/a b.json");
  assert.equal(local.requests[0]?.url, "http://s3.test:9000/b/p/t/a%20b.json");
  assert.equal(header(local.requests[0], "x-amz-security-token"), null);
  const aws = fakeStore(AWS, [ok("x")]);
  await aws.store.read("t/a b.json");
  assert.equal(aws.requests[0]?.url, "https://b.s3.eu-west-1.amazonaws.com/p/t/a%20b.json");
});

Deno.test("S3Store sends anonymous requests without Authorization when it has no keys", async () => {
  const { store, requests } = fakeStore(ANONYMOUS, [ok("x")]);
  await store.read("k");
  assert.equal(header(requests[0], "authorization"), null);
  assert.equal(header(requests[0], "x-amz-content-sha256"), null);
  assert.equal(header(requests[0], "x-amz-date"), null);
});

Deno.test("S3Store.read() sends Range: bytes=a-(b-1) and returns the bytes", async () => {
  const { store, requests } = fakeStore(MINIO, [ok("0123456789", 206)]);
  assert.equal(new TextDecoder().decode(await store.read("k", 10, 20)), "0123456789");
  assert.equal(header(requests[0], "range"), "bytes=10-19");
  await store.read("k", 5);
  assert.equal(header(requests[1], "range"), "bytes=5-");
  await store.read("k", undefined, 10);
  assert.equal(header(requests[2], "range"), "bytes=0-9");
  await store.read("k");
  assert.equal(header(requests[3], "range"), null);
  assert.deepEqual(await store.read("k", 4, 4), new Uint8Array(0));
  assert.equal(requests.length, 4, "an empty range needs no request");
  assert.deepEqual(store.stats, { requests: 4, bytes: 40 });
});

Deno.test("S3Store.read() slices a whole-object answer and refuses a short one", async () => {
  const { store } = fakeStore(MINIO, [ok("0123456789", 200), ok("012", 206)]);
  assert.equal(new TextDecoder().decode(await store.read("k", 2, 5)), "234");
  await rejectsStorage(
    () => store.read("k", 0, 5),
    "Cannot read s3://b/p/k: object ended at byte 3, before 5",
  );
});

Deno.test("S3Store.size() sends HEAD and reads Content-Length", async () => {
  const { store, requests } = fakeStore(MINIO, [ok(null, 200, { "content-length": "1234" })]);
  assert.equal(await store.size("t/base.parquet"), 1234);
  assert.equal(requests[0]?.method, "HEAD");
});

Deno.test("S3Store.put() sends the body with its SHA-256 in x-amz-content-sha256", async () => {
  const { store, requests } = fakeStore(MINIO, [ok()]);
  const body = new TextEncoder().encode("hello");
  await store.put("t/x.txt", body);
  assert.equal(requests[0]?.method, "PUT");
  assert.equal(
    header(requests[0], "x-amz-content-sha256"),
    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
  );
  assert.match(header(requests[0], "authorization") ?? "", /SignedHeaders=host;x-amz-content/);
  assert.deepEqual(new Uint8Array(await requests[0]!.arrayBuffer()), body);
  assert.equal(header(requests[0], "if-none-match"), null);
});

Deno.test("S3Store.putIfAbsent() sends If-None-Match: * and maps the answers", async (t) => {
  await t.step("200 means written", async () => {
    const { store, requests } = fakeStore(MINIO, [ok()]);
    assert.equal(await store.putIfAbsent("t/s2.json", new Uint8Array([1])), true);
    assert.equal(header(requests[0], "if-none-match"), "*");
    assert.match(header(requests[0], "authorization") ?? "", /if-none-match/);
  });
  await t.step("412 Precondition Failed means another object is there", async () => {
    const { store, requests } = fakeStore(MINIO, [s3Error(412, "PreconditionFailed")]);
    assert.equal(await store.putIfAbsent("t/s2.json", new Uint8Array([1])), false);
    assert.equal(requests.length, 1);
  });
  await t.step("409 ConditionalRequestConflict is retried", async () => {
    const answers = [
      s3Error(409, "ConditionalRequestConflict"),
      s3Error(412, "PreconditionFailed"),
    ];
    const { store, requests } = fakeStore(MINIO, answers);
    assert.equal(await store.putIfAbsent("t/s2.json", new Uint8Array([1])), false);
    assert.equal(requests.length, 2);
  });
  await t.step("412 after a lost answer is ours when the object holds our bytes", async () => {
    const answers = [new TypeError("connection reset"), s3Error(412, "PreconditionFailed")];
    const mine = fakeStore(MINIO, [...answers, ok(new Uint8Array([1]))]);
    assert.equal(await mine.store.putIfAbsent("t/s2.json", new Uint8Array([1])), true);
    assert.equal(mine.requests[2]?.method, "GET");
    const theirs = fakeStore(MINIO, [...answers, ok(new Uint8Array([9]))]);
    assert.equal(await theirs.store.putIfAbsent("t/s2.json", new Uint8Array([1])), false);
  });
});

Deno.test("S3Store retries 500, 503 SlowDown, 429 and network errors, then succeeds", async () => {
  const { store, requests } = fakeStore(MINIO, [
    s3Error(500, "InternalError"),
    s3Error(503, "SlowDown"),
    s3Error(429, "TooManyRequests"),
    new TypeError("error sending request: connection refused"),
    ok("done"),
  ]);
  assert.equal(new TextDecoder().decode(await store.read("k")), "done");
  assert.equal(requests.length, 5);
  assert.equal(store.stats.requests, 5);
});

Deno.test("S3Store gives up after the configured retries with a clear error", async () => {
  const { store, requests } = fakeStore(MINIO, [s3Error(503, "SlowDown")], { retries: 2 });
  await rejectsStorage(
    () => store.read("t/s1.json"),
    "Cannot read s3://b/p/t/s1.json: HTTP 503 SlowDown after 3 attempts",
  );
  assert.equal(requests.length, 3);
  const down = fakeStore(MINIO, [new TypeError("connection refused")], { retries: 1 });
  await rejectsStorage(
    () => down.store.put("k", new Uint8Array(1)),
    "Cannot write s3://b/p/k: network error after 2 attempts: s3.test:9000 refused the connection (http://s3.test:9000)",
  );
});

Deno.test("S3Store names the endpoint and the cause of a network error: refused, TLS", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close(); // nothing listens there now: connections are refused
  const config = resolveS3Config({ AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` }, () => undefined);
  await rejectsStorage(
    () => new S3Store("s3://b/p", { config, retries: 0 }).read("k"),
    `Cannot read s3://b/p/k: network error after 1 attempt: 127.0.0.1:${port} refused the connection (http://127.0.0.1:${port})`,
  );
  // https to a plain-HTTP server on loopback: the TLS handshake fails.
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("plain"),
  );
  try {
    const tls = resolveS3Config(
      { AWS_ENDPOINT_URL: `https://127.0.0.1:${server.addr.port}` },
      () => undefined,
    );
    await rejectsStorage(
      () => new S3Store("s3://b/p", { config: tls, retries: 0 }).read("k"),
      /^Cannot read s3:\/\/b\/p\/k: network error after 1 attempt: the TLS handshake with https:\/\/127\.0\.0\.1:\d+ failed: /,
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("S3Store stops retrying when the next backoff would pass retryTimeMs", async () => {
  const slow = (): Promise<Response> =>
    new Promise((resolve) => setTimeout(() => resolve(s3Error(503, "SlowDown")), 40));
  const { store, requests } = fakeStore(MINIO, [slow], {
    retries: 50,
    retryDelayMs: 10,
    retryTimeMs: 150,
  });
  const started = performance.now();
  await rejectsStorage(() => store.read("k"), /HTTP 503 SlowDown after \d attempts/);
  assert.ok(requests.length >= 2 && requests.length <= 4, `${requests.length} requests`);
  assert.ok(performance.now() - started < 400);
});

Deno.test("S3Store backs off with full jitter under a doubling ceiling", async () => {
  const times: number[] = [];
  const answer = () => (times.push(performance.now()), s3Error(500, "InternalError"));
  const { store } = fakeStore(MINIO, [answer], { retries: 4, retryDelayMs: 20 });
  await rejectsStorage(() => store.read("k"), /after 5 attempts/);
  const waits = times.slice(1).map((t, i) => t - times[i]!);
  // Ceilings 20, 40, 80, 160 ms (plus timer slack): each wait is at most its ceiling.
  waits.forEach((w, i) => assert.ok(w <= 20 * 2 ** i + 25, `wait ${i}: ${w} ms`));
});

Deno.test("S3Store says a conditional PUT may have been written when every attempt went unanswered", async () => {
  const { store } = fakeStore(MINIO, [new TypeError("connection reset")], { retries: 1 });
  await rejectsStorage(
    () => store.putIfAbsent("t/s2.json", new Uint8Array([1])),
    "Cannot write s3://b/p/t/s2.json: network error after 2 attempts: s3.test:9000 closed the connection (http://s3.test:9000) (an attempt got no answer, so the object may have been written)",
  );
  const plain = fakeStore(MINIO, [s3Error(500, "InternalError")], { retries: 0 });
  await rejectsStorage(
    () => plain.store.putIfAbsent("t/s2.json", new Uint8Array([1])),
    /HTTP 500 InternalError \(an attempt got no answer, so the object may have been written\)$/,
  );
});

Deno.test("S3Store turns 403 and 404 into one-line StorageErrors without retrying", async () => {
  const { store, requests } = fakeStore(MINIO, [
    s3Error(403, "AccessDenied"),
    ok(null, 404),
    s3Error(404, "NoSuchBucket"),
    s3Error(403, "AccessDenied"),
  ]);
  await rejectsStorage(
    () => store.read("t/s1.json"),
    "Cannot read s3://b/p/t/s1.json: access denied (403)",
  );
  await rejectsStorage(
    () => store.size("t/s1.json"),
    "Cannot read s3://b/p/t/s1.json: no such object (404)",
  );
  await rejectsStorage(() => store.list("t/"), "Cannot list s3://b/p/t/: no such bucket (404)");
  await rejectsStorage(
    () => store.delete("t/x"),
    "Cannot delete s3://b/p/t/x: access denied (403)",
  );
  assert.equal(requests.length, 4);
});

Deno.test("S3Store names the bucket's region when the configured one is wrong", async () => {
  const moved = ok(null, 301, { "x-amz-bucket-region": "ap-southeast-2" });
  const { store } = fakeStore(AWS, [moved]);
  await rejectsStorage(
    () => store.size("k"),
    "Cannot read s3://b/p/k: the bucket is in region ap-southeast-2, not eu-west-1; set AWS_REGION (301)",
  );
});

Deno.test("S3Store.exists() and delete() treat 404 as absent", async () => {
  const { store } = fakeStore(MINIO, [ok(null, 404)]);
  assert.equal(await store.exists("k"), false);
  await store.delete("k");
});

Deno.test("S3Store.list() follows continuation tokens and returns keys relative to the prefix", async () => {
  const page = (keys: string[], next?: string) =>
    ok(
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name>` +
        keys.map((k) =>
          `<Contents><Key>${k}</Key><LastModified>2024-05-01T00:00:00.000Z</LastModified>` +
          `<Size>${k.length}</Size></Contents>`
        ).join("") +
        `<IsTruncated>${next !== undefined}</IsTruncated>` +
        (next ? `<NextContinuationToken>${next}</NextContinuationToken>` : "") +
        `</ListBucketResult>`,
    );
  const { store, requests } = fakeStore(MINIO, [
    page(["p/t/a", "p/t/b&amp;c"], "tok/+="),
    page(["p/t/d"]),
  ], { pageSize: 2 });
  const entries = await store.list("t/");
  assert.deepEqual(entries, [
    { key: "t/a", size: 5, modified: Date.UTC(2024, 4, 1) },
    { key: "t/b&c", size: 11, modified: Date.UTC(2024, 4, 1) },
    { key: "t/d", size: 5, modified: Date.UTC(2024, 4, 1) },
  ]);
  const first = new URL(requests[0]!.url);
  assert.equal(first.pathname, "/b/");
  assert.deepEqual(Object.fromEntries(first.searchParams), {
    "list-type": "2",
    prefix: "p/t/",
    "max-keys": "2",
  });
  assert.equal(new URL(requests[1]!.url).searchParams.get("continuation-token"), "tok/+=");
  assert.match(requests[1]!.url, /continuation-token=tok%2F%2B%3D/);
  const spaced = fakeStore(MINIO, [page([])]);
  await spaced.store.list("a b/");
  assert.match(spaced.requests[0]!.url, /prefix=p%2Fa%20b%2F/, "a space is %20, not +");
});

Deno.test("S3Store refuses keys with .. parts without sending anything", async () => {
  const { store, requests } = fakeStore(MINIO, [ok()]);
  await rejectsStorage(
    () => store.read("../other/k"),
    /^Refusing to access \.\.\/other\/k: it is outside s3:\/\/b\/p$/,
  );
  await rejectsStorage(() => store.list("t/../../"), /outside s3:\/\/b\/p/);
  assert.equal(requests.length, 0);
});

Deno.test("S3Store keeps at most maxConcurrency requests in flight", async () => {
  let inFlight = 0;
  let most = 0;
  const slow = async () => {
    most = Math.max(most, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, 2));
    inFlight--;
    return ok("0123456789", 206);
  };
  const { store } = fakeStore(MINIO, [slow], { maxConcurrency: 3 });
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.read("k", i * 10, i * 10 + 10)));
  assert.equal(most, 3);
  assert.deepEqual(store.stats, { requests: 20, bytes: 200 });
});

Deno.test("S3Store never puts the secret key or session token in errors", async (t) => {
  const leaky = new TypeError(`error sending request (key ${SECRET}, token ${TOKEN})`);
  const cases: [string, Answer][] = [
    ["403", s3Error(403, "AccessDenied")],
    ["404", ok(null, 404)],
    ["SignatureDoesNotMatch", s3Error(403, "SignatureDoesNotMatch")],
    ["exhausted 500s", s3Error(500, "InternalError")],
    ["network error mentioning the secret", leaky],
  ];
  for (const [name, answer] of cases) {
    await t.step(name, async () => {
      const { store } = fakeStore(AWS, [answer], { retries: 1 });
      assert.ok(!store.location.includes(SECRET));
      for (const call of [() => store.read("k"), () => store.size("k"), () => store.list()]) {
        const error = await call().then(() => undefined, (e: unknown) => e);
        assert.ok(error instanceof AzofError, `expected an AzofError, got ${error}`);
        const text = `${error.message}\n${String(error.cause)}\n${error.stack}`;
        for (const secret of [SECRET, TOKEN]) assert.ok(!text.includes(secret), text);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Real-server tests against s3rver (start it with `.ci/s3rver.sh start && . /tmp/azof-s3rver/env`).
// s3rver accepts the key S3RVER/S3RVER but does not verify SigV4 signatures, and it ignores
// If-None-Match, so conditional writes are proven only by the request-level tests above.
// ---------------------------------------------------------------------------------------------

function _env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

const ENDPOINT = _env("AZOF_TEST_S3_ENDPOINT");
const BUCKET = _env("AZOF_TEST_S3_BUCKET") ?? "azof-test";
const SKIP = !ENDPOINT;
if (SKIP) {
  console.log(
    "s3_test.ts: AZOF_TEST_S3_ENDPOINT is not set, so the s3rver tests are skipped; " +
      "run `.ci/s3rver.sh start && . /tmp/azof-s3rver/env` first to include them",
  );
}
const S3RVER: S3Config = {
  region: "us-east-1",
  endpoint: ENDPOINT ?? "http://unset",
  pathStyle: true,
  credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
};

/** A store under a fresh prefix, emptied afterwards. */
async function withServerStore(
  fn: (store: S3Store) => Promise<void>,
  options: S3StoreOptions = {},
): Promise<void> {
  const url = `s3://${BUCKET}/azof-test-${crypto.randomUUID()}`;
  const store = new S3Store(url, { config: S3RVER, ...options });
  try {
    await fn(store);
  } finally {
    const cleaner = new S3Store(url, { config: S3RVER });
    for (const { key } of await cleaner.list()) await cleaner.delete(key);
  }
}

Deno.test({
  name: "S3Store against s3rver passes the store conformance suite",
  ignore: SKIP,
  fn: async (t) => {
    await withServerStore((store) => storeConformance(t, store, { enforcesPutIfAbsent: false }));
  },
});

Deno.test({
  name: upstreamTestName(
    "S3Store against s3rver round-trips every file of upstream table2 byte for byte",
    "table2",
  ),
  ignore: SKIP || !hasUpstreamTable("table2"),
  fn: async () => {
    const dir = new URL("table2/", `file://${UPSTREAM_ROOT}`);
    const files = new Map<string, Uint8Array>();
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile) files.set(entry.name, await Deno.readFile(new URL(entry.name, dir)));
    }
    assert.ok(files.size >= 4, `expected table2 files in ${dir.pathname}`);
    await withServerStore(async (store) => {
      await Promise.all([...files].map(([name, data]) => store.put(`table2/${name}`, data)));
      const listed = await store.list("table2/");
      assert.deepEqual(
        Object.fromEntries(listed.map((e) => [e.key, e.size])),
        Object.fromEntries([...files].map(([name, data]) => [`table2/${name}`, data.length])),
      );
      for (const [name, data] of files) {
        assert.deepEqual(await store.read(`table2/${name}`), data, name);
        assert.equal(await store.size(`table2/${name}`), data.length);
        const mid = Math.floor(data.length / 2);
        assert.deepEqual(await store.read(`table2/${name}`, 1, mid), data.slice(1, mid));
      }
    });
  },
});

Deno.test({
  name: "S3Store against s3rver pages through listings with continuation tokens",
  ignore: SKIP,
  fn: async () => {
    await withServerStore(async (store) => {
      const keys = Array.from({ length: 7 }, (_, i) => `many/k${i}`);
      await Promise.all(keys.map((k) => store.put(k, new TextEncoder().encode(k))));
      await store.put("other/x", new Uint8Array(1));
      const before = store.stats.requests;
      const listed = await store.list("many/");
      assert.deepEqual(listed.map((e) => e.key).sort(), keys);
      assert.ok(listed.every((e) => e.size === 7 && typeof e.modified === "number"));
      assert.equal(store.stats.requests - before, 4, "7 keys at 2 per page take 4 requests");
    }, { pageSize: 2 });
  },
});

Deno.test({
  name: "S3Store against s3rver reports missing objects and buckets as StorageErrors",
  ignore: SKIP,
  fn: async () => {
    await withServerStore(async (store) => {
      await rejectsStorage(
        () => store.read("t/s9.json"),
        `Cannot read ${store.location}/t/s9.json: no such object (404)`,
      );
      assert.equal(await store.exists("t/s9.json"), false);
      await store.delete("t/s9.json");
    });
    const nowhere = new S3Store("s3://azof-no-such-bucket/x", { config: S3RVER });
    await rejectsStorage(
      () => nowhere.read("k"),
      "Cannot read s3://azof-no-such-bucket/x/k: no such bucket (404)",
    );
  },
});

Deno.test({
  name: "S3Store against s3rver can read anonymously",
  ignore: SKIP,
  fn: async () => {
    await withServerStore(async (store) => {
      await store.put("public.txt", new TextEncoder().encode("hi"));
      const { credentials: _, ...unsigned } = S3RVER;
      const anonymous = new S3Store(store.location, { config: unsigned });
      assert.equal(new TextDecoder().decode(await anonymous.read("public.txt")), "hi");
    });
  },
});
