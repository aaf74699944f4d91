/**
 * An in-memory {@linkcode Context} for running commands in-process in tests.
 *
 * @module
 */

import type { Context } from "./context.ts";

/** A context whose streams are captured in memory. */
export interface MemoryContext {
  /** The context to pass to `main` or a command. */
  readonly context: Context;
  /** What was written to stdout so far. */
  stdout(): string;
  /** What was written to stderr so far (messages and status text). */
  stderr(): string;
}

/**
 * Makes a context that captures stdout and stderr.
 *
 * @param overrides Fields to replace (terminal flags, quiet, verbose, standalone, ...).
 * @returns The context and readers of what it captured.
 */
export function memoryContext(overrides: Partial<Context> = {}): MemoryContext {
  const decoder = new TextDecoder();
  let out = "";
  let err = "";
  const context: Context = {
    stdout: { write: (bytes) => Promise.resolve(void (out += decoder.decode(bytes))) },
    stdoutIsTerminal: false,
    message: (line) => void (err += line + "\n"),
    status: (text) => void (err += text),
    stderrIsTerminal: false,
    stdin: new ReadableStream({ start: (c) => c.close() }),
    quiet: false,
    verbose: false,
    env: () => undefined,
    ...overrides,
  };
  return { context, stdout: () => out, stderr: () => err };
}
