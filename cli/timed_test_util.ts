/**
 * Runs of the real CLI that fail fast instead of hanging: a subprocess killed after a time limit,
 * on pipes or under a pseudo-terminal.
 *
 * @module
 */

import { cliOutput, type CliRun, type RunOptions, spawnCli } from "./fixture_test_util.ts";

const _MAIN = new URL("./main.ts", import.meta.url).pathname;

/**
 * Runs `azof` as {@linkcode runCli} does, killing it after `ms` milliseconds.
 *
 * @param args Arguments after `azof`.
 * @param options Working folder, standard input, environment; `ms`, the time limit (default 60 s).
 * @returns What it printed and its exit code.
 * @throws {Error} Naming the command when it did not finish in time.
 */
export async function runCliWithin(
  args: string[],
  options: RunOptions & { readonly ms?: number } = {},
): Promise<CliRun> {
  const child = spawnCli(args, options);
  return await _within(child, cliOutput(child, options), `azof ${args.join(" ")}`, options.ms);
}

/** Whether `script` (util-linux) is installed and can open a pseudo-terminal here. */
export const HAS_PTY: boolean = (() => {
  try {
    return new Deno.Command("script", {
      args: ["-qec", "true", "/dev/null"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
})();

/**
 * Runs `azof` under a pseudo-terminal (`script`), with `COLUMNS` columns, killing it after `ms`.
 * Standard output and standard error both arrive in `stdout` (the terminal), with `\r\n` newlines.
 *
 * @param args Arguments after `azof`.
 * @param columns The terminal's width.
 * @param ms The time limit (default 60 s).
 * @returns What the terminal showed and the exit code.
 */
export async function runCliOnTerminal(
  args: string[],
  columns: number,
  ms = 60_000,
): Promise<{ code: number; text: string }> {
  const command = [
    "stty",
    "cols",
    String(columns),
    "rows",
    "40",
    ";",
    "exec",
    ...[Deno.execPath(), "run", "--quiet", "--allow-read", "--allow-env", _MAIN, ...args]
      .map((a) => `'${a.replaceAll("'", `'\\''`)}'`),
  ].join(" ");
  const child = new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    env: { TERM: "xterm", NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = await _within(child, child.output(), `azof ${args.join(" ")} under script`, ms);
  return { code: out.code, text: new TextDecoder().decode(out.stdout) };
}

async function _within<T>(
  child: Deno.ChildProcess,
  done: Promise<T>,
  what: string,
  ms = 60_000,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
      reject(new Error(`${what} did not finish within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([done, late]);
  } finally {
    clearTimeout(timer);
  }
}
