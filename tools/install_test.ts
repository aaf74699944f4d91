import assert from "node:assert/strict";
import { commandOutput } from "../lib/testing/deadline.ts";
import denoJson from "../deno.json" with { type: "json" };

const _ROOT = new URL("../", import.meta.url);

/** The install command of the README, into a temporary root instead of ~/.deno. */
const INSTALL_ARGS: readonly string[] = [
  "install",
  "-g",
  "-n",
  "azof",
  "-c",
  "deno.json",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
  "--allow-ffi",
  "--v8-flags=--max-semi-space-size=4",
  "cli/main.ts",
];

/** Installs azof into a temporary root; `skip` says why not when npm cannot be reached. */
async function _install(): Promise<{ root: string } | { skip: string }> {
  const root = await Deno.makeTempDir({ prefix: "azof-install-" });
  const out = await commandOutput(Deno.execPath(), {
    args: [...INSTALL_ARGS.slice(0, 2), "--root", root, ...INSTALL_ARGS.slice(2)],
    cwd: _ROOT,
    env: { NO_COLOR: "1" },
  }, { ms: 600_000 });
  if (out.code === 0) return { root };
  await Deno.remove(root, { recursive: true });
  const stderr = new TextDecoder().decode(out.stderr);
  const network = /error sending request for url \((\S+)\)/.exec(stderr);
  if (network) return { skip: `deno install cannot reach ${network[1]}` };
  throw new Error(`deno install failed (exit ${out.code}):\n${stderr}`);
}

const _installed = await _install();
if ("skip" in _installed) console.warn(`install_test: skipping: ${_installed.skip}`);

Deno.test({
  name: "deno install -g from the checkout gives an azof command that works from any folder",
  ignore: "skip" in _installed,
  async fn() {
    const root = (_installed as { root: string }).root;
    const cwd = await Deno.makeTempDir({ prefix: "azof-installed-" });
    const bin = Deno.execPath().slice(0, Deno.execPath().lastIndexOf("/"));
    const azof = async (...args: string[]) => {
      const out = await commandOutput(`${root}/bin/azof`, {
        args,
        cwd,
        env: { PATH: `${bin}:${Deno.env.get("PATH") ?? ""}`, NO_COLOR: "1" },
      });
      const decoder = new TextDecoder();
      return {
        code: out.code,
        stdout: decoder.decode(out.stdout),
        stderr: decoder.decode(out.stderr),
      };
    };
    try {
      assert.equal((await azof("--version")).stdout, `azof ${denoJson.version}\n`);
      const testdata = new URL("testdata", _ROOT).pathname;
      const scan = await azof("scan", "-p", testdata, "-t", "prices", "--as-of", "2023-05-17");
      assert.equal(scan.code, 0, scan.stderr);
      const golden = `${testdata}/prices/expected/2023-05-17T00:00:00.000Z.csv`; // made by DuckDB
      assert.equal(scan.stdout, await Deno.readTextFile(golden));
      const sql = await azof(
        "sql",
        "-p",
        testdata,
        "SELECT count(*) AS n FROM prices",
        "-f",
        "csv",
      );
      assert.equal(sql.code, 0, sql.stderr);
      assert.match(sql.stdout, /^n\n\d+\n$/);
    } finally {
      await Deno.remove(cwd, { recursive: true });
      await Deno.remove(root, { recursive: true });
    }
  },
});
