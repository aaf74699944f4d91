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
