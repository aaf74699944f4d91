/**
 * How azof takes its dependencies (docs/DEPENDENCIES.md): every package by the full `npm:` specifier
 * that `deno.json` lists, so that `mod.ts` works when a program outside the checkout imports it
 * (with no import map of its own), and the same version everywhere.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import denoJson from "../deno.json" with { type: "json" };
import { commandOutput } from "../lib/testing/deadline.ts";

const _ROOT = new URL("../", import.meta.url);

/** Packages only tests use, each by the one specifier given here (never in library code). */
const _TEST_ONLY: Readonly<Record<string, string>> = {
  "hyparquet-writer": "npm:hyparquet-writer@0.17.0",
};

async function* _sources(dir: URL): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* _sources(url);
    else if (entry.name.endsWith(".ts")) yield fileURLToPath(url);
  }
}

Deno.test("every package is imported by the npm: specifier deno.json lists", async () => {
  const listed = new Set(Object.values(denoJson.imports));
  const wrong: string[] = [];
  for (const dir of ["lib/", "cli/", "bench/", "tools/"]) {
    for await (const file of _sources(new URL(dir, _ROOT))) {
      const text = await Deno.readTextFile(file);
      const isTest = file.endsWith("_test.ts") || file.includes("/lib/testing/");
      for (const m of text.matchAll(/(?:from|import\()\s*["']((?:npm|jsr):[^"']+)["']/g)) {
        const spec = m[1]!.replace(/^(npm:(?:@[^/]+\/)?[^/@]+@[^/]+)\/.*$/, "$1");
        const testOnly = Object.values(_TEST_ONLY).includes(spec);
        if (!listed.has(spec) && !(testOnly && isTest)) wrong.push(`${file}: ${m[1]}`);
      }
      for (
        const m of text.matchAll(/^\s*(?:import|export)[^"'\n]*from\s*["']([a-z@][^"':]*)["']/gm)
      ) {
        if (!m[1]!.startsWith("node:")) wrong.push(`${file}: bare specifier ${m[1]}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("mod.ts works in a Deno program outside the checkout, with no import map", async () => {
  const dir = await Deno.makeTempDir({ prefix: "azof-outside-" });
  try {
    const mod = new URL("mod.ts", _ROOT).href;
    const testdata = fileURLToPath(new URL("testdata", _ROOT));
    await Deno.writeTextFile(
      `${dir}/main.ts`,
      `import { openTable, parseInstant, scan } from "${mod}";\n` +
        `const result = await scan(openTable(${JSON.stringify(testdata)}, "prices"), ` +
        `{ asOf: parseInstant("2023-06-30") });\n` +
        `let rows = 0;\nfor await (const batch of result.batches) rows += batch.rows;\n` +
        `console.log(rows);\n`,
    );
    const out = await commandOutput(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-env", "--allow-net", "--allow-sys", "main.ts"],
      cwd: dir,
      env: { NO_COLOR: "1" },
    });
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.ok(Number(new TextDecoder().decode(out.stdout).trim()) > 0, "rows were read");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
