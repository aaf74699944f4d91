/**
 * Cleaning up when the process is interrupted: Ctrl-C (SIGINT, exit code 130) or SIGTERM (143)
 * ends the process without running `finally` blocks, so temporary folders would be left behind.
 *
 * @module
 */

/**
 * Signal handlers that run a clean-up and exit with 130 (SIGINT) or 143 (SIGTERM), the shell's
 * codes for those signals. Armed only once there is something to clean up: installing them costs
 * a whole-process read tens of milliseconds.
 */
export class InterruptCleanup {
  readonly #cleanup: () => void;
  #handlers: (readonly [Deno.Signal, () => void])[] = [];

  /** @param cleanup Synchronous clean-up (the process exits right after it). */
  constructor(cleanup: () => void) {
    this.#cleanup = cleanup;
  }

  /** Installs the handlers (once). */
  arm(): void {
    if (this.#handlers.length > 0) return;
    const signals: [Deno.Signal, number][] = Deno.build.os === "windows"
      ? [["SIGINT", 130]]
      : [["SIGINT", 130], ["SIGTERM", 143]];
    this.#handlers = signals.map(([signal, code]) => {
      const handler = () => {
        this.#cleanup();
        Deno.exit(code);
      };
      Deno.addSignalListener(signal, handler);
      return [signal, handler] as const;
    });
  }

  /** Removes the handlers, if installed. */
  disarm(): void {
    for (const [signal, handler] of this.#handlers) Deno.removeSignalListener(signal, handler);
    this.#handlers = [];
  }
}

/**
 * Runs `work` with the handlers of an {@linkcode InterruptCleanup} armed throughout.
 *
 * @param cleanup Synchronous clean-up (the process exits right after it).
 * @param work The command's work.
 * @returns What `work` returns.
 */
export async function cleanUpOnInterrupt<T>(
  cleanup: () => void,
  work: () => Promise<T>,
): Promise<T> {
  const interrupt = new InterruptCleanup(cleanup);
  interrupt.arm();
  try {
    return await work();
  } finally {
    interrupt.disarm();
  }
}
