/**
 * Deadlines for tests that start a process or a worker: a hang fails the test fast, with a message
 * naming what hung, instead of stalling the run. A process past its deadline is killed (SIGKILL)
 * and waited for, so that the test leaks no resource.
 *
 * @module
 */

/** How long a process or a worker may run in a test unless told otherwise: 120 s. */
export const DEADLINE_MS = 120_000;

/** Options of {@linkcode outputWithin} and {@linkcode commandOutput}. */
export interface DeadlineOptions {
  /** Milliseconds before the process is killed; {@linkcode DEADLINE_MS} by default. */
  readonly ms?: number | undefined;
  /** Bytes or text written to the process's standard input (piped) before its output is read. */
  readonly stdin?: Uint8Array | string | undefined;
}

const _EXPIRED = Symbol("expired");
const _GRACE_MS = 10_000;

/**
 * Awaits work, failing if it has not settled within the deadline.
 *
 * @param what What is awaited, for the message ("the CSV worker parsing rows.csv").
 * @param work The work; given a signal that is aborted when the deadline passes (to stop it).
 * @param ms The deadline; {@linkcode DEADLINE_MS} by default.
 * @returns What the work returns.
 * @throws {Error} `WHAT hung: not done after N s` when the deadline passed.
 *
 * @example A slow promise fails
 * ```ts
 * import { within } from "./deadline.ts";
 * import assert from "node:assert/strict";
 * await assert.rejects(within("a sleep", () => new Promise((r) => setTimeout(r, 50)), 10), /a sleep hung/);
 * ```
 */
export async function within<T>(
  what: string,
  work: (signal: AbortSignal) => Promise<T>,
  ms: number = DEADLINE_MS,
): Promise<T> {
  const controller = new AbortController();
  const timers: ReturnType<typeof setTimeout>[] = [];
  const after = (ms: number) =>
    new Promise<typeof _EXPIRED>((resolve) => timers.push(setTimeout(() => resolve(_EXPIRED), ms)));
  const running = work(controller.signal);
  try {
    const first = await Promise.race([running, after(ms)]);
    if (first !== _EXPIRED) return first as T;
    controller.abort();
    // What was stopped (a killed process) settles soon; wait a little so that nothing leaks.
    await Promise.race([running.catch(() => undefined), after(_GRACE_MS)]);
    throw new Error(`${what} hung: not done after ${ms / 1000} s (stopped)`);
  } finally {
    timers.forEach(clearTimeout);
  }
}

/**
 * A started process's output (as `child.output()`), killing it when the deadline passes.
 *
 * @param child The process, started with `stdin: "piped"` when `options.stdin` is given.
 * @param what What runs, for the message (`azof write -i rows.csv`).
 * @param options The deadline and standard input.
 * @returns Its output.
 * @throws {Error} `WHAT hung: not done after N s (stopped)`.
 */
export function outputWithin(
  child: Deno.ChildProcess,
  what: string,
  options: DeadlineOptions = {},
): Promise<Deno.CommandOutput> {
  return within(what, async (signal) => {
    signal.addEventListener("abort", () => _kill(child), { once: true });
    if (options.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      const bytes = typeof options.stdin === "string"
        ? new TextEncoder().encode(options.stdin)
        : options.stdin;
      // A killed process closes its end: the write fails, and the output still tells what ran.
      await writer.write(bytes).then(() => writer.close()).catch(() => undefined);
    }
    return await child.output();
  }, options.ms);
}

/**
 * Runs a command to its end, as `new Deno.Command(command, options).output()` does (stdout and
 * stderr piped unless `options` says otherwise), killing it when the deadline passes.
 *
 * @param command The program.
 * @param options Its arguments and pipes, as for `Deno.Command`.
 * @param deadline The deadline and standard input.
 * @returns Its output.
 * @throws {Error} `PROGRAM ARGS hung: not done after N s (stopped)`.
 *
 * @example Run a command
 * ```ts
 * import { commandOutput } from "./deadline.ts";
 * import assert from "node:assert/strict";
 * const out = await commandOutput(Deno.execPath(), { args: ["--version"] });
 * assert.ok(out.success);
 * ```
 */
export function commandOutput(
  command: string | URL,
  options: Deno.CommandOptions = {},
  deadline: DeadlineOptions = {},
): Promise<Deno.CommandOutput> {
  const child = new Deno.Command(command, {
    stdout: "piped",
    stderr: "piped",
    stdin: deadline.stdin === undefined ? "null" : "piped",
    ...options,
  }).spawn();
  const what = [`${command}`.split("/").at(-1), ...(options.args ?? [])].join(" ");
  return outputWithin(child, what.length > 200 ? `${what.slice(0, 200)}…` : what, deadline);
}

function _kill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // It has exited already.
  }
}
