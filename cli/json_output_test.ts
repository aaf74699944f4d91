/**
 * CLI tests of the JSON every command prints for scripts: `"formatVersion": 1` first, camelCase keys
 * at every depth, instants as RFC 3339 strings and durations as `...Seconds` numbers, never bare
 * milliseconds.
 */

import assert from "node:assert/strict";
import { runCli } from "./fixture_test_util.ts";

const _DATA = new URL("../testdata/", import.meta.url).pathname;

/** Every object key at any depth, with its path. */
function _keys(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => _keys(v, `${path}[${i}]`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [`${path}.${k}`, ..._keys(v, `${path}.${k}`)]);
}

function _assertShape(text: string, what: string): Record<string, unknown> {
  const json = JSON.parse(text);
  assert.equal(Object.keys(json)[0], "formatVersion", what);
  assert.equal(json.formatVersion, 1, what);
  for (const key of _keys(json)) {
    assert.match(key, /\.[a-z][A-Za-z0-9]*$/, `${what}: ${key} is not camelCase`);
  }
  return json;
}

Deno.test("azof inspect, history, compact, vacuum and ls print versioned camelCase JSON", async () => {
  const root = await Deno.makeTempDir({ prefix: "azof-json-" });
  const ok = async (args: string[]) => {
    const run = await runCli(args);
    assert.equal(run.code, 0, `azof ${args.join(" ")}: ${run.stderr}`);
    return run.stdout;
  };
  try {
    const t = ["-p", root, "-t", "rates"];
    await ok(["create", ...t, "--schema", "rate:Float,note:String?", "--segment", "P1Y,P3M", "-q"]);
    await ok(["write", ...t, "-i", `${_DATA}rates.csv`, "-q"]);
    await ok(["write", ...t, "-i", `${_DATA}rates_fix.ndjson`, "-q"]);
    const history = _assertShape(await ok(["history", ...t, "-f", "json"]), "history");
    const snapshots = history.snapshots as { summary: Record<string, unknown> }[];
    assert.equal(snapshots.length, 3);
    assert.equal(typeof snapshots[1]!.summary.carriedRows, "number");
    const compact = _assertShape(await ok(["compact", ...t, "-f", "json", "-q"]), "compact");
    assert.equal((compact.policy as { maxDeltas: number }).maxDeltas, 4);
    const dry = _assertShape(await ok(["compact", ...t, "--dry-run", "-f", "json"]), "dry run");
    assert.equal(typeof (dry.preview as { after: { files: number } }).after.files, "number");
    const inspect = _assertShape(
      await ok(["inspect", ...t, "--as-of", "2024-03-31", "-f", "json"]),
      "inspect",
    );
    assert.equal(inspect.snapshot, 4);
    const vacuum = _assertShape(await ok(["vacuum", ...t, "--dry-run", "-f", "json"]), "vacuum");
    assert.deepEqual(vacuum.rule, { retainSeconds: 7 * 86_400, keep: null, graceSeconds: 3_600 });
    const ls = _assertShape(await ok(["ls", "-p", root, "-f", "json"]), "ls");
    assert.equal((ls.tables as { snapshot: number }[])[0]!.snapshot, 4);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
