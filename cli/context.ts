/**
 * What a command may touch besides the library: output streams, terminal facts, environment.
 * Commands receive it instead of using `Deno.stdout` directly, so tests can run them in-process.
 *
 * @module
 */

import type { Sink } from "../lib/output/sink.ts";

/** The command's world. */
export interface Context {
  /** Standard output: data only. */
  readonly stdout: Sink;
  /** Whether standard output is a terminal. */
  readonly stdoutIsTerminal: boolean;
  /** Writes a message line to standard error (a newline is added). */
  readonly message: (line: string) => void;
  /** Writes raw text to standard error without a newline (progress lines). */
  readonly status: (text: string) => void;
  /** Whether standard error is a terminal (progress is shown only then). */
  readonly stderrIsTerminal: boolean;
  /** Standard input. */
  readonly stdin: ReadableStream<Uint8Array>;
  /** Whether standard input is a terminal (unknown counts as a terminal: nothing is read unasked). */
  readonly stdinIsTerminal?: boolean;
  /** `--quiet`: no progress and no informational messages. */
  readonly quiet: boolean;
  /** `--verbose`: more detail, and stack traces on errors. */
  readonly verbose: boolean;
  /** Whether this is the standalone binary built by `deno compile` (default false). */
  readonly standalone?: boolean;
  /** Reads an environment variable. */
  readonly env: (name: string) => string | undefined;
}

/** A command's entry point: the arguments after the command name, and the context. */
export type CommandRun = (args: string[], context: Context) => Promise<void>;
