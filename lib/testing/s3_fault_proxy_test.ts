import assert from "node:assert/strict";
import type { S3Store } from "../store/s3.ts";
import { type S3FaultProxy, startS3FaultProxy } from "./s3_fault_proxy.ts";
import { S3RVER_ENDPOINT, S3RVER_SKIP, s3rverStore } from "./s3rver.ts";

const _bytes = (text: string) => new TextEncoder().encode(text);
const _text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Runs `body` with a proxy and two stores under one prefix (one through the proxy, one direct). */
function _withProxy(
  body: (proxy: S3FaultProxy, viaProxy: S3Store, direct: S3Store) => Promise<void>,
): () => Promise<void> {
  return async () => {
    const proxy = startS3FaultProxy({ upstream: S3RVER_ENDPOINT! });
    const prefix = `proxy-${crypto.randomUUID().slice(0, 8)}`;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error("a request through the fault proxy hung for 20 s"));
        proxy.close();
      }, 20_000);
    });
    try {
      const viaProxy = s3rverStore(proxy.endpoint, { retries: 0 }, prefix);
      await Promise.race([body(proxy, viaProxy, s3rverStore(S3RVER_ENDPOINT!, {}, prefix)), hung]);
    } finally {
      clearTimeout(timer);
      await proxy.close();
    }
  };
}

const _lines = (proxy: S3FaultProxy) =>
  proxy.log.map((e) =>
    `${e.method} ${e.list ? "list" : e.key} ${e.status}${e.fault ? " " + e.fault : ""}`
  );

Deno.test({
  name: "the fault proxy forwards requests and logs method, key and status",
  ignore: S3RVER_SKIP !== undefined,
  sanitizeResources: true,
  sanitizeOps: true,
  fn: _withProxy(async (proxy, store, direct) => {
    await store.put("a/x.bin", _bytes("hello"));
    assert.equal(_text(await store.read("a/x.bin", 1, 3)), "el");
    assert.equal(await store.size("a/x.bin"), 5);
    assert.deepEqual((await store.list("a/")).map((e) => e.key), ["a/x.bin"]);
    await store.delete("a/x.bin");
    assert.equal(await direct.exists("a/x.bin"), false);
    const key = proxy.log[0]!.key.replace(/\/a\/x\.bin$/, "");
    assert.deepEqual(_lines(proxy).map((l) => l.replace(key + "/", "")), [
      "PUT a/x.bin 200",
      "GET a/x.bin 206",
      "HEAD a/x.bin 200",
      "GET list 200",
      "DELETE a/x.bin 204",
    ]);
  }),
});

Deno.test({
  name: "the fault proxy answers 412 to If-None-Match: * on an existing key, one winner per race",
  ignore: S3RVER_SKIP !== undefined,
  fn: _withProxy(async (proxy, store, direct) => {
    assert.equal(await store.putIfAbsent("s1.json", _bytes("first")), true);
    assert.equal(await store.putIfAbsent("s1.json", _bytes("second")), false);
    assert.equal(_text(await direct.read("s1.json")), "first");
    assert.deepEqual(proxy.log.map((e) => e.status), [200, 412]);
    const racers = Array.from(
      { length: 6 },
      (_, i) => store.putIfAbsent("s2.json", _bytes(`${i}`)),
    );
    const won = (await Promise.all(racers)).filter((w) => w);
    assert.equal(won.length, 1);
  }),
});

Deno.test({
  name: "the fault proxy answers 412 to If-Match with another ETag and forwards a matching one",
  ignore: S3RVER_SKIP !== undefined,
  fn: _withProxy(async (proxy, _store, direct) => {
    await direct.put("v.txt", _bytes("1"));
    const url = `${proxy.endpoint}/${direct.location.slice(5)}/v.txt`;
    // Anonymous requests: s3rver lets them through and checks signatures only when one is sent.
    const head = await fetch(url, { method: "HEAD" });
    const etag = head.headers.get("etag")!;
    const put = async (ifMatch: string, body: string) => {
      const response = await fetch(url, {
        method: "PUT",
        headers: { "if-match": ifMatch },
        body,
      });
      await response.body?.cancel();
      return response.status;
    };
    assert.equal(await put('"not-the-etag"', "2"), 412);
    assert.equal(_text(await direct.read("v.txt")), "1");
    assert.equal(await put(etag, "3"), 200);
    assert.equal(_text(await direct.read("v.txt")), "3");
  }),
});

Deno.test({
  name: "the fault proxy injects each fault at the n-th matching request only",
  ignore: S3RVER_SKIP !== undefined,
  fn: async (t) => {
    await t.step(
      "error-before: 500, nothing stored",
      _withProxy(async (proxy, store, direct) => {
        proxy.inject({ method: "PUT", key: /f\.bin$/, nth: 2, fault: { kind: "error-before" } });
        await store.put("f.bin", _bytes("one"));
        await assert.rejects(() => store.put("f.bin", _bytes("two")), /500|internal/i);
        assert.equal(_text(await direct.read("f.bin")), "one");
        await store.put("f.bin", _bytes("three"));
        assert.equal(_text(await direct.read("f.bin")), "three");
        assert.deepEqual(proxy.log.map((e) => [e.status, e.forwarded]), [
          [200, true],
          [500, false],
          [200, true],
        ]);
      }),
    );
    await t.step(
      "error-after: 503 to the client, the object stored",
      _withProxy(async (proxy, store, direct) => {
        proxy.inject({ method: "PUT", nth: 1, fault: { kind: "error-after", status: 503 } });
        await assert.rejects(() => store.put("f.bin", _bytes("one")), /503|slow/i);
        assert.equal(_text(await direct.read("f.bin")), "one");
      }),
    );
    await t.step(
      "drop-reply, twice in a row: the client gets no answer, the object is stored",
      _withProxy(async (proxy, store, direct) => {
        proxy.inject({ method: "PUT", nth: 1, count: 2, fault: { kind: "drop-reply" } });
        await assert.rejects(() => store.put("f.bin", _bytes("one")), /network error/);
        assert.equal(_text(await direct.read("f.bin")), "one");
        assert.ok(proxy.log.every((e) => e.status === 0 && e.forwarded));
      }),
    );
    await t.step(
      "reset, twice in a row: the client gets no answer, nothing is stored",
      _withProxy(async (proxy, store, direct) => {
        proxy.inject({ method: "PUT", nth: 1, count: 2, fault: { kind: "reset" } });
        await assert.rejects(() => store.put("f.bin", _bytes("one")), /network error/);
        assert.equal(await direct.exists("f.bin"), false);
      }),
    );
    await t.step(
      "delay: the answer comes late and unchanged",
      _withProxy(async (proxy, store) => {
        await store.put("f.bin", _bytes("one"));
        proxy.inject({ method: "GET", nth: 1, fault: { kind: "delay", ms: 300 } });
        const started = performance.now();
        assert.equal(_text(await store.read("f.bin")), "one");
        assert.ok(performance.now() - started >= 290);
      }),
    );
  },
});

Deno.test({
  name:
    "a reply dropped after a stored conditional PUT on a reused connection: fetch re-sends it and gets 412",
  ignore: S3RVER_SKIP !== undefined,
  fn: _withProxy(async (proxy, store, direct) => {
    await store.exists("warm-up"); // the PUT then goes over a kept-alive connection
    proxy.inject({ method: "PUT", nth: 1, fault: { kind: "drop-reply" } });
    await store.putIfAbsent("s1.json", _bytes("mine")).catch(() => {});
    assert.equal(_text(await direct.read("s1.json")), "mine");
    const puts = proxy.log.filter((e) => e.method === "PUT").map((e) => e.status);
    // The symptom issue 13 reproduces: the object is ours, but the client's fetch saw a 412.
    assert.deepEqual(puts, [0, 412]);
  }),
});

Deno.test({
  name: "the fault proxy fails 10% of requests when asked, repeatably by seed",
  ignore: S3RVER_SKIP !== undefined,
  fn: _withProxy(async (proxy, store) => {
    proxy.inject({ rate: 0.1, seed: 7, fault: { kind: "error-before" } });
    const results = [];
    for (let i = 0; i < 60; i++) results.push(await store.exists(`k${i}`).catch(() => "failed"));
    const failed = results.filter((r) => r === "failed").length;
    assert.equal(failed, proxy.log.filter((e) => e.status === 500).length);
    assert.ok(failed >= 2 && failed <= 14, `${failed} of 60 failed`);
  }),
});

Deno.test({
  name: "closing the fault proxy with idle keep-alive connections leaks nothing",
  ignore: S3RVER_SKIP !== undefined,
  fn: async () => {
    const proxy = startS3FaultProxy({ upstream: S3RVER_ENDPOINT! });
    const store = s3rverStore(proxy.endpoint);
    await Promise.all([store.exists("a"), store.exists("b"), store.exists("c")]);
    await proxy.close();
    await proxy.close();
    await assert.rejects(() => store.exists("a"), /network error/);
  },
});
