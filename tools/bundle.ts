/**
 * Builds `dist/azof.js`, the whole CLI in one JavaScript file that runs with
 * `deno run --allow-read --allow-write --allow-env --allow-net azof.js ...` anywhere, without a
 * checkout (`--allow-ffi` too for `azof sql`).
 *
 * `deno bundle` inlines our code and the plain-JavaScript npm packages. Three packages are not
 * inlined: parquet-wasm reads its `.wasm` file with `node:fs` from its own package folder, DuckDB
 * (`azof sql`) is a native addon, and apache-arrow's use of tslib does not survive bundling (its
 * CommonJS interop leaves `tslib.default` undefined). The bundle imports those three as `npm:`
 * specifiers with the versions in `deno.json`, so Deno fetches them from npm the first time.
 *
 * Usage: `deno task bundle [--out FILE]`
 *
 * @module
 */

import { parseArgs } from "node:util";
import denoJson from "../deno.json" with { type: "json" };

/** The packages the bundle imports from npm at run time instead of inlining. */
export const EXTERNAL: readonly string[] = ["parquet-wasm", "apache-arrow", "@duckdb/node-api"];

const _ROOT = new URL("../", import.meta.url);

/**
 * Rewrites the bundle's imports of {@linkcode EXTERNAL} packages to versioned `npm:` specifiers.
 *
 * @param code The bundle's text.
 * @param imports The import map of `deno.json` (`name` to `npm:name@version`).
 * @returns The text with every external import rewritten.
 */
export function pinExternals(code: string, imports: Record<string, string>): string {
  let out = code;
  for (const name of EXTERNAL) {
    const target = imports[name];
    if (!target?.startsWith("npm:")) throw new Error(`deno.json has no npm: import for ${name}`);
    if (out.includes(`require("${name}")`)) {
      throw new Error(`the bundle requires ${name} with require(): cannot pin it`);
    }
    const before = out;
    out = out.replaceAll(`import("${name}")`, `import("${target}")`)
      .replaceAll(new RegExp(`(\\bfrom\\s*|\\bimport\\s*)"${name}"`, "g"), `$1"${target}"`);
    if (out === before) throw new Error(`the bundle has no import of ${name} to rewrite`);
  }
  return out;
}

/**
 * Bundles the CLI into one file.
 *
 * @param output The file to write.
 */
export async function bundle(output: string): Promise<void> {
  const tmp = `${output}.tmp`;
  const args = ["bundle", "--quiet", "--platform", "deno"];
  for (const name of EXTERNAL) args.push("--external", name);
  args.push("--output", tmp, "cli/main.ts");
  const out = await new Deno.Command(Deno.execPath(), { args, cwd: _ROOT, stderr: "piped" })
    .output();
  if (out.code !== 0) {
    throw new Error(`deno bundle failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  await Deno.writeTextFile(output, pinExternals(await Deno.readTextFile(tmp), denoJson.imports));
  await Deno.remove(tmp);
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
