/**
 * A conformance suite for {@linkcode Store} adapters: the same steps, run on any store, so that the
 * local, in-memory and S3 stores are held to one behaviour. Used by the stores' tests.
 *
 * @module
 */

import assert from "node:assert/strict";
import { AzofError } from "../errors.ts";
import type { Store } from "./store.ts";

/** Runs one named step; `Deno.TestContext` is one. */
export interface StepRunner {
  /** Runs `fn` as a step called `name`. */
  step(name: string, fn: () => Promise<void>): Promise<unknown>;
}

/** What the store under test is known not to do. */
export interface ConformanceOptions {
  /** Whether `putIfAbsent` refuses a second write (s3rver ignores `If-None-Match`); default true. */
  enforcesPutIfAbsent?: boolean;
  /** Whether keys with `..` parts are refused (MemoryStore has no root to escape); default true. */
  refusesEscapingKeys?: boolean;
}

/**
 * Runs the conformance steps on an empty store.
 *
 * @param t Where to run the steps, usually the `Deno.TestContext`.
 * @param store An empty store; the steps write, read and delete objects in it.
 * @param options Behaviours to skip for stores known not to have them.
 *
 * @example Check the in-memory store
 * ```ts
 * import { storeConformance } from "./conformance.ts";
 * import { MemoryStore } from "./memory.ts";
 * const runner = { step: async (_name: string, fn: () => Promise<void>) => await fn() };
 * await storeConformance(runner, new MemoryStore(), { refusesEscapingKeys: false });
 * ```
 */
export async function storeConformance(
  t: StepRunner,
  store: Store,
  options: ConformanceOptions = {},
): Promise<void> {
  const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);

  await t.step("put() then read() returns the same bytes, also for an empty object", async () => {
    await store.put("c/all.bin", bytes);
    assert.deepEqual(await store.read("c/all.bin"), bytes);
    await store.put("c/empty.bin", new Uint8Array(0));
    assert.deepEqual(await store.read("c/empty.bin"), new Uint8Array(0));
  });

  await t.step("read(key, start, end) returns bytes [start, end)", async () => {
    assert.deepEqual(await store.read("c/all.bin", 10, 20), bytes.slice(10, 20));
    assert.deepEqual(await store.read("c/all.bin", 250), bytes.slice(250));
    assert.deepEqual(await store.read("c/all.bin", undefined, 3), bytes.slice(0, 3));
    assert.deepEqual(await store.read("c/all.bin", 255, 256), bytes.slice(255));
    assert.deepEqual(await store.read("c/all.bin", 7, 7), new Uint8Array(0));
    assert.deepEqual(await store.read("c/all.bin", 256), new Uint8Array(0));
  });

  await t.step("concurrent ranged reads each get their own bytes", async () => {
    const starts = Array.from({ length: 24 }, (_, i) => i * 10);
    const parts = await Promise.all(starts.map((s) => store.read("c/all.bin", s, s + 10)));
    parts.forEach((part, i) => assert.deepEqual(part, bytes.slice(i * 10, i * 10 + 10)));
  });

  await t.step("size() and exists() see present and absent objects", async () => {
    assert.equal(await store.size("c/all.bin"), 256);
    assert.equal(await store.size("c/empty.bin"), 0);
    assert.equal(await store.exists("c/all.bin"), true);
    assert.equal(await store.exists("c/absent.bin"), false);
  });

  await t.step("size() and read() of an absent object throw StorageError naming it", async () => {
    for (const call of [() => store.size("c/absent.bin"), () => store.read("c/absent.bin")]) {
      await assert.rejects(call, (e: unknown) => {
        assert.ok(e instanceof AzofError && e.code === "StorageError", String(e));
        assert.match(e.message, /c\/absent\.bin/);
        return true;
      });
    }
  });

  await t.step("list(prefix) returns keys relative to the store with sizes", async () => {
    for (const key of ["l/a/1", "l/a/2", "l/a/b/3", "l/ab/4", "l/c"]) {
      await store.put(key, new TextEncoder().encode(key));
    }
    const listed = (await store.list("l/a/")).sort((a, b) => a.key < b.key ? -1 : 1);
    assert.deepEqual(listed.map((e) => [e.key, e.size]), [["l/a/1", 5], ["l/a/2", 5], [
      "l/a/b/3",
      7,
    ]]);
    assert.deepEqual((await store.list("l/a")).map((e) => e.key).sort(), [
      "l/a/1",
      "l/a/2",
      "l/a/b/3",
      "l/ab/4",
    ]);
    assert.deepEqual(await store.list("nothing/here/"), []);
    const all = (await store.list()).map((e) => e.key);
    assert.ok(all.includes("c/all.bin") && all.includes("l/c"), all.join(", "));
  });

  await t.step("put() replaces an object", async () => {
    await store.put("c/replace.txt", new TextEncoder().encode("old and long"));
    await store.put("c/replace.txt", new TextEncoder().encode("new"));
    assert.equal(new TextDecoder().decode(await store.read("c/replace.txt")), "new");
  });

  await t.step("putIfAbsent() writes once and keeps the first bytes", async () => {
    assert.equal(await store.putIfAbsent("c/once.json", new Uint8Array([1])), true);
    assert.deepEqual(await store.read("c/once.json"), new Uint8Array([1]));
    if (options.enforcesPutIfAbsent === false) return;
    assert.equal(await store.putIfAbsent("c/once.json", new Uint8Array([2])), false);
    assert.deepEqual(await store.read("c/once.json"), new Uint8Array([1]));
  });

  await t.step("keys with spaces, unicode, + and % round-trip", async () => {
    const key = "c/we ird/ä ö+%25 (1)*.json";
    await store.put(key, bytes.slice(0, 5));
    assert.deepEqual(await store.read(key), bytes.slice(0, 5));
    assert.ok((await store.list("c/we ird/")).some((e) => e.key === key));
  });

  await t.step("delete() removes an object; deleting an absent one is fine", async () => {
    await store.delete("c/replace.txt");
    assert.equal(await store.exists("c/replace.txt"), false);
    await store.delete("c/replace.txt");
  });

  if (options.refusesEscapingKeys === false) return;
  await t.step("keys with .. parts are refused", async () => {
    for (const call of [() => store.read("../x"), () => store.put("a/../../x", bytes)]) {
      await assert.rejects(call, (e: unknown) => e instanceof AzofError);
    }
  });
}
