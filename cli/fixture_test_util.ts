/**
 * A tiny table for CLI tests, written with azof's own Parquet writer into a temporary folder, and a
 * runner for the real CLI as a subprocess.
 *
 * @module
 */

import assert from "node:assert/strict";
import { FastParquetWriter } from "../lib/parquet/encode.ts";
import type { Value } from "../lib/format/schema.ts";
import { outputWithin } from "../lib/testing/deadline.ts";

const _MAIN = new URL("./main.ts", import.meta.url).pathname;

/** What a CLI run printed and returned. */
export interface CliRun {
  /** Exit code. */
  readonly code: number;
  /** Standard output as text. */
  readonly stdout: string;
  /** Standard output as bytes. */
  readonly bytes: Uint8Array;
  /** Standard error as text. */
  readonly stderr: string;
}

/** Options of {@linkcode runCli}. */
export interface RunOptions {
  /** Working folder of the process. */
  readonly cwd?: string;
  /** Text or bytes sent to standard input (none when omitted). */
  readonly stdin?: string | Uint8Array;
  /** Whether to grant `--allow-ffi` as `deno task azof` does (default true). */
  readonly ffi?: boolean;
  /** Extra environment variables. */
  readonly env?: Record<string, string>;
  /** Milliseconds before the process is killed as hung (lib/testing/deadline.ts, 120 s). */
  readonly timeout?: number;
  /** What runs, for the message when it hangs; `azof ARGS` from {@linkcode runCli}. */
  readonly what?: string;
}

/**
 * Runs `azof` as a user would: a subprocess with the permissions the README grants.
 *
 * @param args Arguments after `azof`.
 * @param options Working folder, standard input, FFI permission.
 * @returns What it printed and its exit code.
 */
export async function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const what = `azof ${args.join(" ")}`;
  return await cliOutput(spawnCli(args, options), { what: what.slice(0, 200), ...options });
}

/**
 * Starts `azof` as {@linkcode runCli} does, for tests that act on the running process (signals).
 *
 * @param args Arguments after `azof`.
 * @param options Working folder, standard input, FFI permission.
 * @returns The child process; pass it to {@linkcode cliOutput}.
 */
export function spawnCli(args: string[], options: RunOptions = {}): Deno.ChildProcess {
  const permissions = ["--allow-read", "--allow-write", "--allow-env", "--allow-net"];
  if (options.ffi !== false) permissions.push("--allow-ffi");
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...permissions, _MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: options.stdin === undefined ? "null" : "piped",
    env: { NO_COLOR: "1", ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  }).spawn();
}

/**
 * Sends `options.stdin` to a process from {@linkcode spawnCli} and collects what it printed.
 *
 * @param child The process.
 * @param options The options it was started with.
 * @returns What it printed and its exit code.
 */
export async function cliOutput(
  child: Deno.ChildProcess,
  options: RunOptions = {},
): Promise<CliRun> {
  const what = options.what ?? "azof";
  const out = await outputWithin(child, what, { ms: options.timeout, stdin: options.stdin });
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    bytes: out.stdout,
    stderr: decoder.decode(out.stderr),
  };
}

/**
 * Asserts a failed run: the exit code, exactly one `error:` line on stderr matching `mention` (so no
 * stack trace), and nothing on stdout.
 *
 * @param run The run.
 * @param code The expected exit code.
 * @param mention What the error line must say.
 */
export function assertError(run: CliRun, code: number, mention: RegExp): void {
  assert.equal(run.code, code, `exit code (stderr: ${run.stderr})`);
  assert.equal(run.stdout, "", "nothing on stdout");
  const lines = run.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line on stderr: ${run.stderr}`);
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, mention);
}

/**
 * Runs `fn` with a fresh fixture root ({@linkcode makeFixture}) and removes it afterwards.
 *
 * @param fn The test body.
 */
export async function withFixture(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await makeFixture();
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

async function _writeFile(
  path: string,
  names: string[],
  types: ("String" | "Int")[],
  rows: Value[][],
) {
  const chunks: Uint8Array[] = [];
  const writer = new FastParquetWriter(
    [
      { name: "key", type: "String", nullable: false },
      { name: "event_time", type: "DateTime", nullable: false },
      ...names.map((name, i) => ({ name, type: types[i]!, nullable: true })),
    ],
    (bytes) => Promise.resolve(void chunks.push(bytes)),
  );
  await writer.writeRowGroup(rows[0]!.map((_, c) => rows.map((r) => r[c]!)));
  await writer.finish();
  const total = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    total.set(c, offset);
    offset += c.length;
  }
  await Deno.writeFile(path, total);
}

/** The snapshot of the fixture table `t`: one open segment with a base and one delta. */
export const FIXTURE_SNAPSHOT = {
  schema: {
    columns: [
      { name: "value", data_type: "String", nullable: true },
      { name: "n", data_type: "Int", nullable: true },
    ],
  },
  segments: [{
    id: "2024",
    start: "2024-01-01T00:00:00.000Z",
    file: "base.parquet",
    delta: [{
      file: "delta.parquet",
      start: "2024-02-01T00:00:00.000Z",
      end: "2024-03-31T23:59:59.999Z",
    }],
  }],
};

/**
 * Creates a folder holding table `t`: keys a, b, c with values that change in February and March,
 * a value with a comma, quote and newline, a null, and an int beyond 2^53.
 *
 * @returns The root folder (remove it when done).
 */
export async function makeFixture(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "azof-cli-" });
  const dir = `${root}/t`;
  await Deno.mkdir(dir);
  const jan = Date.UTC(2024, 0, 1);
  await _writeFile(`${dir}/base.parquet`, ["value", "n"], ["String", "Int"], [
    ["a", jan, "a0", 1n],
    ["b", jan, 'say "hi",\nbye', 9007199254740993n],
  ]);
  await _writeFile(`${dir}/delta.parquet`, ["value", "n"], ["String", "Int"], [
    ["a", Date.UTC(2024, 1, 10), "a1", 2n],
    ["c", Date.UTC(2024, 2, 5), null, null],
  ]);
  await Deno.writeTextFile(`${dir}/s1.json`, JSON.stringify(FIXTURE_SNAPSHOT, null, 2));
  await Deno.writeTextFile(`${dir}/version.txt`, "1\n");
  return root;
}

/**
 * SHA-256 of every file under a folder, by relative path (to show that a failed command left a
 * table byte for byte as it was).
 *
 * @param dir The folder.
 * @returns Hex digest by relative path.
 */
export async function folderHashes(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (sub: string) => {
    for await (const entry of Deno.readDir(`${dir}/${sub}`)) {
      const rel = sub === "" ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory) await walk(rel);
      else {
        const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(`${dir}/${rel}`));
        out.set(rel, Array.from(new Uint8Array(digest), (b) => b.toString(16)).join(""));
      }
    }
  };
  await walk("");
  return out;
}
