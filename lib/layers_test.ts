/**
 * The layering of `lib/` (docs/DEVELOPMENT.md): each folder imports only the folders listed before
 * it in {@linkcode LAYERS} (and itself); `lib/` never imports `cli/`; no import cycles anywhere.
 * Tests (`*_test.ts`) may import anything below them and are not part of the graph.
 */

import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** The folders of `lib/`, lowest first. Folders on one line (one rank) may not import each other. */
const LAYERS: readonly (readonly string[])[] = [
  ["errors.ts"],
  ["store"],
  ["format"],
  ["columns"],
  ["parquet"],
  ["input", "read"],
  ["write", "output"],
  ["inspect"],
  ["compact", "vacuum"],
  ["sql"],
  ["testing"],
];

const _ROOT = fileURLToPath(new URL("../", import.meta.url));

function _sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(join(_ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory && entry.name !== "testdata") out.push(..._sources(path));
    else if (entry.isFile && path.endsWith(".ts") && !path.endsWith("_test.ts")) out.push(path);
  }
  return out;
}

/** The repository-relative files a module imports (static, dynamic and re-exports; not JSDoc). */
function _imports(file: string): string[] {
  const out: string[] = [];
  for (const line of Deno.readTextFileSync(join(_ROOT, file)).split("\n")) {
    if (/^\s*(\*|\/\/|\/\*)/.test(line)) continue;
    for (const m of line.matchAll(/(?:\bfrom|\bimport\(|^import)\s*["'](\.\.?\/[^"']+)["']/g)) {
      out.push(normalize(join(dirname(file), m[1]!)));
    }
  }
  return out;
}

function _rank(file: string): number {
  const folder = file.split("/")[1]!;
  const rank = LAYERS.findIndex((names) => names.includes(folder));
  if (rank < 0) throw new Error(`${file}: lib/${folder} is in no layer of lib/layers_test.ts`);
  return rank;
}

const _graph = new Map<string, string[]>(
  ["lib", "cli"].flatMap(_sources).concat(["mod.ts", "sql.ts"]).map((f) => [f, _imports(f)]),
);

Deno.test("lib/ folders import only the layers below them", () => {
  const wrong: string[] = [];
  for (const [file, deps] of _graph) {
    if (!file.startsWith("lib/")) continue;
    for (const dep of deps) {
      if (dep === "deno.json") continue; // the version azof writes into files (format/version.ts)
      if (!dep.startsWith("lib/")) {
        wrong.push(`${file} imports ${dep}, outside lib/`);
        continue;
      }
      const [from, to] = [file.split("/")[1], dep.split("/")[1]];
      if (from === to) continue;
      if (_rank(dep) >= _rank(file)) wrong.push(`${file} imports ${relative(dirname(file), dep)}`);
    }
  }
  assert.deepEqual(wrong, []);
});

Deno.test("the import graph of lib/, cli/ and mod.ts has no cycle", () => {
  const state = new Map<string, "open" | "done">();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      cycles.push([...path.slice(path.indexOf(file)), file].join(" -> "));
      return;
    }
    state.set(file, "open");
    for (const dep of _graph.get(file) ?? []) visit(dep, [...path, file]);
    state.set(file, "done");
  };
  for (const file of _graph.keys()) visit(file, []);
  assert.deepEqual(cycles, []);
});
