/**
 * Cleaning up when the process is interrupted: Ctrl-C (SIGINT, exit code 130) or SIGTERM (143)
 * ends the process without running `finally` blocks, so temporary folders would be left behind.
 *
 * @module
 */

/**
 * Runs `work`; if the process gets SIGINT or SIGTERM meanwhile, runs `cleanup` and exits with 130
 * or 143 (the shell's codes for those signals). The handlers are removed when `work` settles.
 *
 * @param cleanup Synchronous clean-up (the process exits right after it).
 * @param work The command's work.
 * @returns What `work` returns.
 */
export async function cleanUpOnInterrupt<T>(
  cleanup: () => void,
  work: () => Promise<T>,
): Promise<T> {
  const signals: [Deno.Signal, number][] = Deno.build.os === "windows"
    ? [["SIGINT", 130]]
    : [["SIGINT", 130], ["SIGTERM", 143]];
  const handlers = signals.map(([signal, code]) => {
    const handler = () => {
      cleanup();
      Deno.exit(code);
    };
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });
  try {
    return await work();
  } finally {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  }
}
