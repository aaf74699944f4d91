/**
 * The real CLI under a pseudo-terminal (`script`), killed when it runs past its deadline.
 *
 * @module
 */

import { outputWithin } from "../lib/testing/deadline.ts";

const _MAIN = new URL("./main.ts", import.meta.url).pathname;

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
  const out = await outputWithin(child, `azof ${args.join(" ")} under script`, { ms });
  return { code: out.code, text: new TextDecoder().decode(out.stdout) };
}
