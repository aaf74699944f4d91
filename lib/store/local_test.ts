import assert from "node:assert/strict";
import { storeConformance } from "./conformance.ts";
import { LocalStore } from "./local.ts";
import { MemoryStore } from "./memory.ts";

Deno.test("LocalStore passes the store conformance suite", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "azof-local-store-" });
  try {
    await storeConformance(t, new LocalStore(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("MemoryStore passes the store conformance suite", async (t) => {
  // MemoryStore has no root a key could escape, so it keeps `..` keys as plain names.
  await storeConformance(t, new MemoryStore(), { refusesEscapingKeys: false });
});

Deno.test("LocalStore.list() keeps every file while concurrent puts come and go in the same folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "azof-local-list-" });
  try {
    const store = new LocalStore(dir);
    const keep = Array.from(
      { length: 200 },
      (_, i) => `t/data/f${String(i).padStart(3, "0")}.parquet`,
    );
    for (const key of keep) await store.put(key, new Uint8Array([1]));
    let busy = true;
    const churn = (async () => {
      for (let i = 0; busy; i++) {
        await store.put(`t/data/churn${i % 5}.parquet`, new Uint8Array(64));
      }
    })();
    try {
      for (let round = 0; round < 60; round++) {
        const listed = new Set((await store.list("t/data/")).map((e) => e.key));
        const missing = keep.filter((k) => !listed.has(k));
        assert.deepEqual(missing, [], `round ${round}`);
      }
    } finally {
      busy = false;
      await churn;
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
