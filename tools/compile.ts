/**
 * Builds the standalone `azof` binaries with `deno compile`: one per target in {@linkcode TARGETS},
 * named `dist/azof-<target>` (`.exe` on Windows), and `dist/SHA256SUMS` in `sha256sum` format.
 *
 * The binaries get the permissions the CLI needs and no more (read, write, env, net). They leave out
 * `azof sql`: DuckDB is a native addon, and the `node_modules` this machine installed holds its
 * build for this platform only, so a cross-compiled binary could not load it; the binary's
 * `azof sql` says to use azof installed with Deno. The other npm packages are plain JavaScript or
 * WebAssembly (parquet-wasm reads its `.wasm` with `node:fs` from its package folder, which
 * `deno compile` embeds), so they work on every target. Test-only packages are left out too.
 *
 * `deno compile` downloads the Deno runtime for each target from Deno's servers the first time
 * (or takes it from `DENORT_BIN`).
 *
 * Usage: `deno task compile [--target TARGET]... [--out DIR]`
 *
 * @module
 */

import { parseArgs } from "node:util";

/** The targets a release builds: Linux and macOS on x86_64 and aarch64, and Windows on x86_64. */
export const TARGETS: readonly string[] = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

/** The permissions baked into the binaries. */
export const PERMISSIONS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-net",
];

/**
 * The V8 options baked into the binaries, and given by every way of running azof that the README
 * shows: a young generation of 4 MiB a half (V8's default grows to 16 MiB), so that the buffers a
 * long scan decodes and drops are freed every few MiB of JavaScript objects rather than every
 * 16: peak memory of a 10M-key merge scan falls by about a quarter at the same speed
 * (docs/CLI.md, "Memory").
 */
export const V8_FLAGS: readonly string[] = ["--v8-flags=--max-semi-space-size=4"];

/** npm packages left out of the binaries: DuckDB (native, `azof sql` only) and type-only ones. */
export const LEFT_OUT: readonly RegExp[] = [
  /^@duckdb\//,
  /^@types\//,
  /^undici-types$/,
];

/**
 * The worker modules, which no `import` names, so `deno compile` embeds them only when told to
 * (`--include`): the CSV parser of large `azof write` inputs (lib/input/csv_parallel.ts), the
 * row group decoder of large merge scans (lib/parquet/decode_worker_client.ts) and the sorter of
 * files that are not key-ordered (lib/read/sort_worker_client.ts).
 */
export const WORKERS: readonly string[] = [
  "lib/input/csv_worker.ts",
  "lib/output/csv_worker.ts",
  "lib/parquet/decode_worker.ts",
  "lib/read/sort_worker.ts",
];

const _ROOT = new URL("../", import.meta.url);

/**
 * The output file name for a target.
 *
 * @param target A `deno compile --target` value.
 * @returns `azof-<target>`, with `.exe` for Windows.
 */
export function binaryName(target: string): string {
  return `azof-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/**
 * The folders of the packages {@linkcode LEFT_OUT} names, for every platform: taken from
 * `deno.lock`, because `deno compile --target` installs the target's native packages as it runs.
 *
 * @param lock The text of `deno.lock`.
 * @returns Paths under the checkout for `deno compile --exclude`.
 */
export function leftOutFolders(lock: string): string[] {
  const packages = Object.keys((JSON.parse(lock) as { npm?: object }).npm ?? {});
  const folders: string[] = [];
  for (const id of packages) {
    const name = id.slice(0, id.indexOf("@", 1));
    if (LEFT_OUT.some((pattern) => pattern.test(name))) {
      folders.push(`node_modules/.deno/${id.replace("/", "+")}/node_modules/${name}`);
    }
  }
  return folders.sort();
}

/**
 * The `deno compile` arguments for one target.
 *
 * @param target A `deno compile --target` value.
 * @param output The output file.
 * @param exclude Folders to leave out (see {@linkcode leftOutFolders}).
 * @param options `check: false` skips type-checking (the tests do; releases check).
 * @returns The arguments after `deno`.
 */
export function compileArgs(
  target: string,
  output: string,
  exclude: readonly string[],
  options: { check?: boolean } = {},
): string[] {
  return [
    "compile",
    ...(options.check === false ? ["--no-check"] : []),
    ...PERMISSIONS,
    ...V8_FLAGS,
    ...exclude.flatMap((folder) => ["--exclude", folder]),
    ...WORKERS.flatMap((worker) => ["--include", worker]),
    "--target",
    target,
    "--output",
    output,
    "cli/main.ts",
  ];
}

/**
 * Hex SHA-256 of a file, for `SHA256SUMS`.
 *
 * @param path The file.
 * @returns 64 hex digits.
 */
export async function sha256(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Runs deno with its output shown as it comes, so a failure shows the compiler's own message. */
async function _deno(args: string[]): Promise<void> {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: _ROOT,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new Error(`deno ${args[0]} failed (exit ${code}); its messages are above`);
}

async function _main(): Promise<void> {
  const { values } = parseArgs({
    options: { target: { type: "string", multiple: true }, out: { type: "string" } },
  });
  const targets = values.target ?? TARGETS;
  const out = values.out ?? new URL("dist", _ROOT).pathname;
  await Deno.mkdir(out, { recursive: true });
  await _deno(["install"]);
  const exclude = leftOutFolders(await Deno.readTextFile(new URL("deno.lock", _ROOT)));
  const sums: string[] = [];
  for (const target of targets) {
    const file = `${out}/${binaryName(target)}`;
    await _deno(compileArgs(target, file, exclude));
    sums.push(`${await sha256(file)}  ${binaryName(target)}`);
  }
  await Deno.writeTextFile(`${out}/SHA256SUMS`, sums.join("\n") + "\n");
  console.log(`wrote ${targets.length} binaries and SHA256SUMS to ${out}`);
}

if (import.meta.main) {
  try {
    await _main();
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    Deno.exitCode = 1;
  }
}
