/**
 * Usage errors and flag parsing shared by the commands.
 *
 * @module
 */

import { type FlagOptions, parseArgs } from "./parse_args.ts";
import { didYouMean } from "./suggest.ts";
import { INSTANT_FORMS, tryParseInstant } from "../lib/format/time.ts";
import { AzofError } from "../lib/errors.ts";

/** A mistake in the command line: exit code 2. */
export class UsageError extends Error {
  /** @param message What is wrong and, where useful, what was expected. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Runs a library call whose `InputInvalid` errors are about the values of the command's flags (a
 * column, a snapshot or a policy that does not exist), so the command reports them as usage errors
 * (exit code 2).
 *
 * @param call The library call.
 * @returns What it returns.
 */
export async function withFlagValues<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AzofError && error.code === "InputInvalid") {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

/** Options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  quiet: { type: "boolean", short: "q" },
  verbose: { type: "boolean", short: "v" },
  "no-progress": { type: "boolean" },
} as const satisfies FlagOptions;

/**
 * Parses a command's flags strictly, turning parse failures into one-line usage errors.
 *
 * @param command The command name, for messages.
 * @param args The arguments after the command name.
 * @param options The flag definitions (merged with {@linkcode COMMON_OPTIONS}).
 * @param allowPositionals Whether positional arguments are accepted.
 * @returns The parsed values and positionals.
 */
export function parseFlags<T extends FlagOptions>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = false,
) {
  const all = { ...COMMON_OPTIONS, ...options };
  try {
    return parseArgs({
      args: args.flatMap((a) => /^-[A-Za-z]=/.test(a) ? [a.slice(0, 2), a.slice(3)] : [a]),
      options: all,
      allowPositionals,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message;
    const flag = /'(-[^']*)'/.exec(message)?.[1] ?? "";
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const names = Object.keys(all).map((name) => `--${name}`);
      throw new UsageError(
        `unknown flag ${flag} for "azof ${command}"${
          didYouMean(flag.replace(/=.*/, ""), names)
        } (see azof ${command} --help)`,
      );
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      throw new UsageError(
        `unexpected argument ${message.match(/'([^']*)'/)?.[1] ?? ""} for "azof ${command}"`,
      );
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const name = /--([\w-]+)/.exec(message)?.[0] ?? flag;
      throw new UsageError(
        message.includes("argument missing")
          ? `${name} needs a value`
          : `invalid value for ${name}`,
      );
    }
    throw new UsageError(message.split("\n")[0]!);
  }
}

/**
 * Returns a required string flag or throws a usage error naming it.
 *
 * @param value The parsed value.
 * @param flag The flag, such as `--table`.
 * @param command The command name.
 * @returns The value.
 */
export function required(value: string | undefined, flag: string, command: string): string {
  if (value === undefined || value === "") {
    throw new UsageError(`azof ${command} needs ${flag} (see azof ${command} --help)`);
  }
  return value;
}

/**
 * Parses an instant flag such as `--as-of`.
 *
 * @param value The flag value.
 * @param flag The flag name, for the message.
 * @returns Milliseconds since the epoch, or `undefined` when the flag is absent.
 */
export function instantFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = tryParseInstant(value);
  if (ms === undefined) {
    throw new UsageError(`invalid ${flag} "${value}": expected ${INSTANT_FORMS}`);
  }
  return ms;
}

/**
 * Parses a whole-number flag such as `--limit`.
 *
 * @param value The flag value.
 * @param flag The flag name, for the message.
 * @param min The smallest accepted value.
 * @returns The number, or `undefined` when the flag is absent.
 */
export function integerFlag(
  value: string | undefined,
  flag: string,
  min: number,
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) {
    throw new UsageError(`invalid ${flag} "${value}": expected a whole number from ${min}`);
  }
  return Number(value);
}

/**
 * Parses a comma-separated list flag such as `--columns a,b`.
 *
 * @param value The flag value.
 * @param flag The flag name, for the message.
 * @returns The names, or `undefined` when the flag is absent.
 */
export function listFlag(value: string | undefined, flag: string): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(",").map((s) => s.trim());
  if (names.some((n) => n === "")) {
    throw new UsageError(`invalid ${flag} "${value}": an empty name`);
  }
  return names;
}

/**
 * Checks a flag value against a list of choices.
 *
 * @param value The flag value.
 * @param flag The flag name.
 * @param choices The accepted values.
 * @returns The value, typed as one of the choices, or `undefined` when absent.
 */
export function choiceFlag<T extends string>(
  value: string | undefined,
  flag: string,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`invalid ${flag} "${value}": expected one of ${choices.join(", ")}`);
  }
  return value as T;
}

/** The flags naming a snapshot: `--snapshot N`, and `--version N` kept as its alias. */
export const SNAPSHOT_OPTIONS = {
  snapshot: { type: "string" },
  version: { type: "string" },
} as const;

/**
 * Parses `--snapshot N` (or its alias `--version N`).
 *
 * @param values Parsed flags.
 * @returns The snapshot number, or `undefined` when neither flag is given.
 */
export function snapshotFlag(
  values: { snapshot?: string | undefined; version?: string | undefined },
): number | undefined {
  const { snapshot, version } = values;
  if (snapshot !== undefined && version !== undefined && snapshot !== version) {
    throw new UsageError(`give --snapshot N or its alias --version N, not both`);
  }
  return integerFlag(snapshot ?? version, snapshot !== undefined ? "--snapshot" : "--version", 1);
}
