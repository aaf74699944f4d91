import assert from "node:assert/strict";
import { commandOutput } from "../lib/testing/deadline.ts";
import {
  binaryName,
  compileArgs,
  leftOutFolders,
  PERMISSIONS,
  TARGETS,
  V8_FLAGS,
  WORKERS,
} from "./compile.ts";
import denoJson from "../deno.json" with { type: "json" };

const _ROOT = new URL("../", import.meta.url);
const _LOCK = Deno.readTextFileSync(new URL("deno.lock", _ROOT));

Deno.test("compile targets Linux and macOS on x86_64 and aarch64, and Windows on x86_64", () => {
  assert.deepEqual([...TARGETS].sort(), [
    "aarch64-apple-darwin",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "x86_64-pc-windows-msvc",
    "x86_64-unknown-linux-gnu",
  ]);
  assert.equal(binaryName("x86_64-pc-windows-msvc"), "azof-x86_64-pc-windows-msvc.exe");
  assert.equal(binaryName("aarch64-apple-darwin"), "azof-aarch64-apple-darwin");
});

Deno.test("compile bakes in read, write, env and net only, and leaves DuckDB and type packages out", () => {
  const exclude = leftOutFolders(_LOCK);
  const args = compileArgs("x86_64-apple-darwin", "dist/x", exclude);
  assert.deepEqual(args.filter((a) => a.startsWith("--allow")), [...PERMISSIONS]);
  assert.deepEqual([...PERMISSIONS].sort(), [
    "--allow-env",
    "--allow-net",
    "--allow-read",
    "--allow-write",
  ]);
  for (const platform of ["darwin-arm64", "darwin-x64", "linux-x64", "linux-arm64", "win32-x64"]) {
    assert.ok(exclude.some((f) => f.endsWith(`/@duckdb/node-bindings-${platform}`)), platform);
  }
  for (const kept of ["apache-arrow", "parquet-wasm", "hyparquet", "aws4fetch", "csv-stringify"]) {
    assert.ok(!exclude.some((f) => f.endsWith(`/${kept}`)), kept);
  }
  assert.equal(args.at(-1), "cli/main.ts");
  // The binaries run with the V8 options of `deno task azof` and of the README's install line.
  assert.deepEqual(args.filter((a) => a.startsWith("--v8-flags")), [...V8_FLAGS]);
  const readme = Deno.readTextFileSync(new URL("README.md", _ROOT));
  for (const flag of V8_FLAGS) {
    assert.ok(denoJson.tasks.azof.split(" ").includes(flag), `deno task azof lacks ${flag}`);
    assert.ok(readme.includes(`--allow-ffi ${flag} cli/main.ts`), `README install lacks ${flag}`);
  }
  // Each worker module is embedded and exists.
  assert.deepEqual(args.filter((_, i) => args[i - 1] === "--include"), [...WORKERS]);
  for (const worker of WORKERS) assert.ok(Deno.statSync(new URL(worker, _ROOT)).isFile, worker);
});

Deno.test("the CLI's module graph imports only static specifiers and reads no source files", async () => {
  const info = await commandOutput(Deno.execPath(), {
    args: ["info", "--json", "cli/main.ts"],
    cwd: _ROOT,
  });
  const graph = JSON.parse(new TextDecoder().decode(info.stdout)) as {
    modules: { specifier: string }[];
  };
  const local = graph.modules.map((m) => m.specifier).filter((s) =>
    s.startsWith(_ROOT.href) && !s.includes("/node_modules/") && s.endsWith(".ts")
  );
  assert.ok(local.length > 30, `${local.length} local modules`);
  for (const specifier of local) {
    const source = await Deno.readTextFile(new URL(specifier));
    for (const call of source.matchAll(/(?<!typeof )\bimport\(([^)]*)\)/g)) {
      assert.match(
        call[1]!,
        /^"[^"]+"$/,
        `${specifier}: import(${call[1]}) is not a static string`,
      );
    }
    // The one use allowed: the URL of a worker module that the binary embeds.
    const rest = source.replaceAll(
      /new URL\("\.\/([\w.]+)", import\.meta\.url\)/g,
      (use, name) =>
        WORKERS.includes(new URL(name, specifier).href.slice(_ROOT.href.length)) ? "" : use,
    );
    assert.doesNotMatch(rest, /import\.meta\.(url|dirname|filename)/, specifier);
  }
});

/** Compiles the CLI for this machine; `skip` says why not when the runtime cannot be had. */
async function _compileHost(): Promise<{ file: string } | { skip: string }> {
  const dir = await Deno.makeTempDir({ prefix: "azof-compile-" });
  const file = `${dir}/${binaryName(Deno.build.target)}`;
  const args = compileArgs(Deno.build.target, file, leftOutFolders(_LOCK), { check: false });
  const out = await commandOutput(Deno.execPath(), { args, cwd: _ROOT, env: { NO_COLOR: "1" } }, {
    ms: 600_000,
  });
  const stderr = new TextDecoder().decode(out.stderr);
  if (out.code === 0) return { file };
  await Deno.remove(dir, { recursive: true });
  const download = /error sending request for url \((https:\/\/dl\.deno\.land\/\S+denort-\S+)\)/
    .exec(stderr);
  if (download) {
    return {
      skip: `deno compile cannot download its runtime ${download[1]} (no network to Deno's ` +
        `servers; set DENORT_BIN to a denort binary to run this test offline)`,
    };
  }
  throw new Error(`deno compile failed (exit ${out.code}):\n${stderr}`);
}

const _build = await _compileHost();
if ("skip" in _build) console.warn(`compile_test: skipping the compiled binary: ${_build.skip}`);

async function _runBinary(file: string, args: string[], cwd: string) {
  const out = await commandOutput(file, { args, cwd });
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

Deno.test({
  name: "the compiled binary runs --version, --help, scan, inspect and create, and refuses sql",
  ignore: "skip" in _build,
  async fn(t) {
    const file = (_build as { file: string }).file;
    const cwd = await Deno.makeTempDir({ prefix: "azof-binary-" });
    const testdata = new URL("testdata", _ROOT).pathname;
    try {
      await t.step("--version and --help", async () => {
        const version = await _runBinary(file, ["--version"], cwd);
        assert.equal(version.stdout, `azof ${denoJson.version}\n`);
        const help = await _runBinary(file, ["scan", "--help"], cwd);
        assert.equal(help.code, 0);
        assert.match(help.stdout, /^Usage: azof scan/);
      });
      await t.step("scan and inspect equal deno run's output", async () => {
        for (
          const args of [
            ["scan", "-p", testdata, "-t", "prices", "--as-of", "2023-06-30"],
            ["inspect", "-p", testdata, "-t", "prices", "--as-of", "2023-05-17", "-f", "json"],
          ]
        ) {
          const binary = await _runBinary(file, args, cwd);
          const script = await commandOutput(Deno.execPath(), {
            args: ["run", "-A", new URL("cli/main.ts", _ROOT).pathname, ...args],
            cwd,
          });
          assert.equal(binary.code, 0, binary.stderr);
          assert.equal(binary.stdout, new TextDecoder().decode(script.stdout));
        }
      });
      await t.step("create writes without a permission prompt", async () => {
        const run = await _runBinary(file, ["create", "-t", "t", "--schema", "v:Int"], cwd);
        assert.equal(run.code, 0, run.stderr);
        assert.ok((await Deno.stat(`${cwd}/t/s1.json`)).isFile);
      });
      await t.step("sql says to use the Deno install", async () => {
        const run = await _runBinary(file, ["sql", "-p", testdata, "SELECT 1"], cwd);
        assert.equal(run.code, 1);
        assert.match(run.stderr, /^error: azof sql is not in the standalone binary/);
      });
    } finally {
      await Deno.remove(cwd, { recursive: true });
      await Deno.remove(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    }
  },
});

Deno.test("deno task compile shows the compiler's own error output when it fails", async () => {
  const out = await Deno.makeTempDir({ prefix: "azof-compile-" });
  try {
    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "tools/compile.ts", "--target", "no-such-target", "--out", out],
      cwd: _ROOT,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(120_000),
    }).output().catch((error) => {
      throw new Error("tools/compile.ts hung (killed after 120 s)", { cause: error });
    });
    const stderr = new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 1, stderr);
    assert.match(stderr, /invalid value 'no-such-target' for '--target'/);
    assert.match(stderr, /error: deno compile failed \(exit 1\); its messages are above/);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
