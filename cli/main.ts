/**
 * The `azof` command line: dispatches to a subcommand, and is the only place that turns errors into
 * `error: ...` lines and exit codes (0 ok, 1 error, 2 usage, 3 commit outcome unknown).
 *
 * @module
 */

import { AzofError } from "../lib/errors.ts";
import { s3Traffic } from "../lib/store/stats.ts";
import { COMMANDS, findCommand } from "./commands.ts";
import type { Context } from "./context.ts";
import { outputStarts } from "./progress.ts";
import { didYouMean } from "./suggest.ts";
import { UsageError } from "./usage.ts";
import { VERSION as _VERSION } from "../lib/format/version.ts";

/** The version `azof --version` prints. */
export const VERSION: string = _VERSION;

const _encoder = new TextEncoder();

function _help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `azof ${VERSION}: lakehouse tables with event-time travel

Usage: azof <command> [flags]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}
  ${"help".padEnd(width)}  Show help for a command (azof help scan)

Flags:
  -h, --help       Show this help (azof <command> --help for a command's)
  -V, --version    Print the version
  -q, --quiet      No progress or informational messages (before or after the command)
  -v, --verbose    More detail; stack traces on errors
      --no-progress  Never draw the progress line

Exit codes: 0 success, 1 error, 2 usage error, 3 commit outcome unknown (the store gave no clear
answer; see the README). Data goes to stdout, messages to stderr.
Docs: README.md and docs/SPEC.md in the azof repository.
`;
}

/**
 * Runs the CLI with the given arguments and returns the exit code.
 *
 * @param args Command-line arguments (without the program name).
 * @param context Streams and environment.
 * @returns The exit code.
 */
export async function main(args: string[], context: Context): Promise<number> {
  const { globals, after } = _leadingGlobals(args);
  context = _withGlobals(context, [...globals, ...after]);
  const [first, ...rest] = after;
  const out = (text: string) => context.stdout.write(_encoder.encode(text));
  try {
    if (first === undefined || first === "--help" || first === "-h") {
      await out(_help());
      return first === undefined ? 2 : 0;
    }
    if (first === "--version" || first === "-V") {
      await out(`azof ${VERSION}\n`);
      return 0;
    }
    if (first === "help") {
      const topic = rest[0];
      if (topic === undefined) {
        await out(_help());
        return 0;
      }
      const command = findCommand(topic);
      if (!command) throw _unknownCommand(topic);
      await out(command.help + "\n");
      return 0;
    }
    const command = findCommand(first);
    if (!command) throw _unknownCommand(first);
    if (rest.includes("--help") || rest.includes("-h")) {
      await out(command.help + "\n");
      return 0;
    }
    if (context.standalone && command.inBinary === false) {
      throw new AzofError(
        "Unsupported",
        `azof ${command.name} is not in the standalone binary (it needs DuckDB, a native library ` +
          `the binary does not embed): use azof installed with Deno, see "Install" in the README`,
      );
    }
    const { run } = await command.load();
    await run(rest, context);
    return 0;
  } catch (error) {
    if (error instanceof Deno.errors.BrokenPipe) return 0;
    const message = error instanceof Error ? error.message : String(error);
    context.message(`error: ${_capitalised(message.split("\n").join(" "))}`);
    if (context.verbose && error instanceof Error && error.stack) context.message(error.stack);
    if (error instanceof UsageError) return 2;
    if (error instanceof AzofError && error.code === "CommitUnknown") return 3;
    if (!(error instanceof AzofError) && !context.verbose) {
      context.message("(this looks like a bug in azof; run again with --verbose for details)");
    }
    return 1;
  } finally {
    if (context.verbose && s3Traffic.requests > 0) {
      context.message(`s3: ${s3Traffic.requests} requests, ${s3Traffic.bytes} bytes read`);
    }
  }
}

/** Flags every command takes, before or after the command name. */
const _GLOBALS = ["--quiet", "-q", "--verbose", "-v", "--no-progress"];

/** Splits off the global flags given before the command name. */
function _leadingGlobals(args: string[]): { globals: string[]; after: string[] } {
  let n = 0;
  while (n < args.length && _GLOBALS.includes(args[n]!)) n++;
  return { globals: args.slice(0, n), after: args.slice(n) };
}

/**
 * The context with the global flags applied wherever they stand; progress is drawn only on a
 * terminal stderr, so `--no-progress` turns that off. When stdout is a terminal too, the progress
 * line is erased (and stays off) before the first byte of output, so output never starts with it.
 */
function _withGlobals(context: Context, args: string[]): Context {
  const has = (...flags: string[]) => flags.some((f) => args.includes(f));
  const out = _with(context, {
    quiet: context.quiet || has("--quiet", "-q"),
    verbose: context.verbose || has("--verbose", "-v"),
    stderrIsTerminal: context.stderrIsTerminal && !has("--no-progress"),
  });
  if (!out.stdoutIsTerminal) return out;
  return _with(out, {
    stdout: {
      write: (bytes) => {
        outputStarts(out);
        return context.stdout.write(bytes);
      },
    },
  });
}

/**
 * The context with some fields replaced. Its getters stay getters: the process's `stdin` is made
 * when a command first reads it (making it loads Deno's streams, about 10 ms of start-up).
 */
function _with(context: Context, changes: Partial<Context>): Context {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(context));
  return Object.defineProperties(copy, Object.getOwnPropertyDescriptors(changes)) as Context;
}

function _unknownCommand(name: string): UsageError {
  const names = [...COMMANDS.map((c) => c.name), "help"];
  return new UsageError(`unknown command "${name}"${didYouMean(name, names)} (see azof --help)`);
}

/** Error messages start with a capital, except those naming the program (`azof sql needs ...`). */
function _capitalised(message: string): string {
  return message.startsWith("azof ") ? message : message.charAt(0).toUpperCase() + message.slice(1);
}

/** The context of a real process: Deno's streams and environment. */
function _processContext(): Context {
  const stderr = (text: string) => {
    const bytes = _encoder.encode(text);
    let written = 0;
    while (written < bytes.length) written += Deno.stderr.writeSync(bytes.subarray(written));
  };
  return {
    stdout: {
      write: async (bytes) => {
        let written = 0;
        while (written < bytes.length) written += await Deno.stdout.write(bytes.subarray(written));
      },
    },
    stdoutIsTerminal: Deno.stdout.isTerminal(),
    message: (line) => stderr(line + "\n"),
    status: stderr,
    stderrIsTerminal: Deno.stderr.isTerminal(),
    get stdin() {
      return Deno.stdin.readable;
    },
    stdinIsTerminal: Deno.stdin.isTerminal(),
    quiet: false, // main() applies --quiet and --verbose wherever they stand
    verbose: false,
    standalone: Deno.build.standalone,
    env: (name) => Deno.env.get(name),
  };
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args, _processContext());
}
