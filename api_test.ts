import assert from "node:assert/strict";
import { formatApi, readApi } from "./tools/api.ts";
import { within } from "./lib/testing/deadline.ts";
import * as mod from "./mod.ts";
import * as sql from "./sql.ts";

const _SYMBOLS = await within("deno doc --json of mod.ts and sql.ts", (signal) => readApi(signal));
const _VALUE_KINDS = new Set(["function", "class", "variable", "enum"]);

Deno.test("the public API equals the list in docs/api.txt", async () => {
  const pinned = await Deno.readTextFile(new URL("docs/api.txt", import.meta.url));
  assert.equal(
    formatApi(_SYMBOLS),
    pinned,
    "mod.ts or sql.ts exports changed: if deliberate, run `deno task api` and commit docs/api.txt",
  );
});

Deno.test("the runtime exports of mod.ts and sql.ts are the value exports deno doc lists", () => {
  for (const [entry, module] of [["mod.ts", mod], ["sql.ts", sql]] as const) {
    const values = _SYMBOLS.filter((s) => s.entry === entry && _VALUE_KINDS.has(s.kind));
    assert.deepEqual(Object.keys(module).sort(), values.map((s) => s.name).sort(), entry);
  }
});

Deno.test("every export has JSDoc, and every function, class and constant an example", () => {
  for (const symbol of _SYMBOLS) {
    const id = `${symbol.entry} ${symbol.name}`;
    assert.ok(symbol.doc.length > 0, `${id} has no JSDoc`);
    if (!_VALUE_KINDS.has(symbol.kind)) continue;
    assert.equal(symbol.hasExample, true, `${id} (${symbol.kind}) has no @example`);
  }
});

Deno.test("examples of exports import only mod.ts or sql.ts (and node: or npm: modules)", () => {
  const wrong: string[] = [];
  for (const symbol of _SYMBOLS) {
    for (const example of symbol.examples) {
      for (const m of example.matchAll(/\bfrom\s*["']([^"']+)["']/g)) {
        const from = m[1]!;
        if (/^(node|npm|jsr):/.test(from) || /\/(mod|sql)\.ts$/.test(from)) continue;
        wrong.push(`${symbol.entry} ${symbol.name}: ${from}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});
