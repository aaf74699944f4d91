/**
 * Builds `dist/azof.js`, the whole CLI in one JavaScript file that runs with
 * `deno run --allow-read --allow-write --allow-env --allow-net --v8-flags=--max-semi-space-size=4 azof.js ...`
 * anywhere, without a checkout (`--allow-ffi` too for `azof sql`; the V8 option is docs/CLI.md's
 * "Memory").
 *
 * `deno bundle` inlines our code and the plain-JavaScript npm packages. Three packages are not
 * inlined: parquet-wasm reads its `.wasm` file with `node:fs` from its own package folder, DuckDB
 * (`azof sql`) is a native addon, and apache-arrow's use of tslib does not survive bundling (its
 * CommonJS interop leaves `tslib.default` undefined). azof's sources import every package by its
 * full `npm:name@version` specifier (the one `deno.json` lists), and the bundle keeps those three
 * imports as they are, so Deno fetches them from npm the first time.
 *
 * Usage: `deno task bundle [--out FILE]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import denoJson from "../deno.json" with { type: "json" };

/** The packages the bundle imports from npm at run time instead of inlining. */
export const EXTERNAL_PACKAGES: readonly string[] = [
  "parquet-wasm",
  "apache-arrow",
  "@duckdb/node-api",
];

const _ROOT = new URL("../", import.meta.url);

/**
 * The `npm:` specifiers of {@linkcode EXTERNAL_PACKAGES}, as `deno.json` lists them (and the sources
 * import them).
 *
 * @param imports The import map of `deno.json` (`name` to `npm:name@version`).
 * @returns One specifier per external package.
 */
export function externalSpecifiers(imports: Record<string, string>): string[] {
  return EXTERNAL_PACKAGES.map((name) => {
    const target = imports[name];
    if (!target?.startsWith("npm:")) throw new Error(`deno.json has no npm: import for ${name}`);
    return target;
  });
}

/**
 * Bundles the CLI into one file.
 *
 * @param output The file to write.
 * @param signal Stops `deno bundle` when aborted (tests give it a deadline).
 */
export async function bundle(output: string, signal?: AbortSignal): Promise<void> {
  const tmp = `${output}.tmp`;
  const args = ["bundle", "--quiet", "--platform", "deno"];
  for (const spec of externalSpecifiers(denoJson.imports)) args.push("--external", spec);
  args.push("--output", tmp, "cli/main.ts");
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: _ROOT,
    stderr: "piped",
    ...(signal ? { signal } : {}),
  }).output();
  if (out.code !== 0) {
    throw new Error(`deno bundle failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  await Deno.rename(tmp, output);
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  const output = values.out ?? new URL("dist/azof.js", _ROOT).pathname;
  try {
    await Deno.mkdir(output.slice(0, output.lastIndexOf("/")) || ".", { recursive: true });
    await bundle(output);
    console.log(`wrote ${output}`);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    Deno.exitCode = 1;
  }
}
