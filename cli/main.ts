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
import { UsageError } from "./usage.ts";
import denoJson from "../deno.json" with { type: "json" };

/** The version `azof --version` prints. */
export const VERSION: string = denoJson.version;

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
  const [first, ...rest] = args;
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
      if (!command) throw new UsageError(`unknown command "${topic}" (see azof --help)`);
      await out(command.help + "\n");
      return 0;
    }
    const command = findCommand(first);
    if (!command) throw new UsageError(`unknown command "${first}" (see azof --help)`);
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
    context.message(`error: ${message.split("\n").join(" ")}`);
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

/** The context of a real process: Deno's streams and environment. */
function _processContext(args: string[]): Context {
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
    stdin: Deno.stdin.readable,
    quiet: args.includes("--quiet") || args.includes("-q"),
    verbose: args.includes("--verbose") || args.includes("-v"),
    standalone: Deno.build.standalone,
    env: (name) => Deno.env.get(name),
  };
}

if (import.meta.main) {
  Deno.exitCode = await main(Deno.args, _processContext(Deno.args));
}
