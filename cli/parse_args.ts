/**
 * Flag parsing by the rules of `node:util`'s `parseArgs` in strict mode, with its error codes and
 * messages. azof does not import `node:util` for it: that starts Deno's Node compatibility layer,
 * about 20 ms of every run (`parse_args_test.ts` checks the two agree).
 *
 * @module
 */

import type { parseArgs as nodeParseArgs, ParseArgsConfig } from "node:util";

/** The flag definitions: a type, a one-letter alias, whether it may repeat. */
export type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

/** What {@linkcode parseArgs} needs: the arguments and flags; it is always strict. */
export interface FlagConfig<T extends FlagOptions> {
  /** The arguments to parse. */
  readonly args: readonly string[];
  /** The flags. */
  readonly options: T;
  /** Whether arguments that are not flags are accepted (`positionals`). */
  readonly allowPositionals: boolean;
}

/** The parsed values, typed as `node:util`'s `parseArgs` types them. */
export type ParsedFlags<T extends FlagOptions> = ReturnType<
  typeof nodeParseArgs<{ options: T; strict: true; allowPositionals: boolean }>
>;

/** A command line `parseArgs` rejects; `code` is the one `node:util` gives. */
export class FlagError extends TypeError {
  /** `ERR_PARSE_ARGS_UNKNOWN_OPTION`, `..._UNEXPECTED_POSITIONAL` or `..._INVALID_OPTION_VALUE`. */
  readonly code: string;

  /**
   * @param code The error code.
   * @param message The message `node:util` gives.
   */
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

interface _Token {
  readonly name: string;
  readonly rawName: string;
  readonly value: string | undefined;
  readonly inline: boolean;
}

/**
 * Parses flags strictly: `--name value`, `--name=value`, `-n value`, `-nvalue`, grouped booleans
 * (`-qv`), and `--` before positionals.
 *
 * @example Values and positionals
 * ```ts
 * import { parseArgs } from "./parse_args.ts";
 * import assert from "node:assert/strict";
 * const options = { format: { type: "string", short: "f" }, quiet: { type: "boolean", short: "q" } } as const;
 * const parsed = parseArgs({ args: ["-qf", "csv", "x"], options, allowPositionals: true });
 * assert.deepEqual({ ...parsed.values }, { quiet: true, format: "csv" });
 * assert.deepEqual(parsed.positionals, ["x"]);
 * ```
 *
 * @param config The arguments, the flags, and whether positionals are allowed.
 * @returns The values (an object without prototype) and the positionals.
 * @throws {FlagError} On an unknown flag, a missing or unexpected value, or an unexpected positional.
 */
export function parseArgs<T extends FlagOptions>(config: FlagConfig<T>): ParsedFlags<T> {
  const { options, allowPositionals } = config;
  const values: Record<string, unknown> = Object.create(null);
  const positionals: string[] = [];
  const option = (token: _Token) => {
    _check(options, token, allowPositionals);
    _store(options, token, values);
  };
  const positional = (value: string) => {
    if (!allowPositionals) {
      throw new FlagError(
        "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL",
        `Unexpected argument '${value}'. This command does not take positional arguments`,
      );
    }
    positionals.push(value);
  };
  _tokens(config.args, options, option, positional);
  return { values, positionals } as unknown as ParsedFlags<T>;
}

/** Splits the arguments into flags and positionals, in order. */
function _tokens(
  args: readonly string[],
  options: FlagOptions,
  option: (token: _Token) => void,
  positional: (value: string) => void,
): void {
  const rest = [...args];
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (arg === "--") {
      for (const value of rest) positional(value);
      return;
    }
    const short = arg.length > 1 && arg[0] === "-" && arg[1] !== "-";
    if (short && arg.length === 2) {
      const name = _longName(arg[1]!, options);
      const takes = _type(options, name) === "string" && rest.length > 0;
      option({ name, rawName: arg, value: takes ? rest.shift() : undefined, inline: false });
    } else if (short && _type(options, _longName(arg[1]!, options)) !== "string") {
      rest.unshift(..._group(arg, options));
    } else if (short) {
      const name = _longName(arg[1]!, options);
      option({ name, rawName: `-${arg[1]}`, value: arg.slice(2), inline: true });
    } else if (arg.length > 2 && arg.startsWith("--")) {
      const equals = arg.indexOf("=", 3);
      if (equals < 0) {
        const name = arg.slice(2);
        const takes = _type(options, name) === "string" && rest.length > 0;
        option({ name, rawName: arg, value: takes ? rest.shift() : undefined, inline: false });
      } else {
        const name = arg.slice(2, equals);
        option({ name, rawName: `--${name}`, value: arg.slice(equals + 1), inline: true });
      }
    } else positional(arg);
  }
}

/** `-abc` as `-a -b -c`; a string flag inside the group takes the rest (`-abfFILE`). */
function _group(arg: string, options: FlagOptions): string[] {
  const expanded: string[] = [];
  for (let i = 1; i < arg.length; i++) {
    if (_type(options, _longName(arg[i]!, options)) !== "string" || i === arg.length - 1) {
      expanded.push(`-${arg[i]}`);
    } else {
      expanded.push(`-${arg.slice(i)}`);
      break;
    }
  }
  return expanded;
}

/** The flag whose `short` is `letter`, else the letter itself. */
function _longName(letter: string, options: FlagOptions): string {
  return Object.entries(options).find(([, o]) => _own(o, "short") === letter)?.[0] ?? letter;
}

function _own(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

function _type(options: FlagOptions, name: string): unknown {
  return Object.hasOwn(options, name) ? _own(options[name]!, "type") : undefined;
}

/** The strict checks, in `node:util`'s order and wording. */
function _check(options: FlagOptions, token: _Token, allowPositionals: boolean): void {
  const { name, rawName, value } = token;
  if (!Object.hasOwn(options, name)) {
    const dashDash = allowPositionals
      ? `. To specify a positional argument starting with a '-', place it at the end of the ` +
        `command after '--', as in '-- ${JSON.stringify(rawName)}`
      : "";
    throw new FlagError("ERR_PARSE_ARGS_UNKNOWN_OPTION", `Unknown option '${rawName}'${dashDash}`);
  }
  const short = _own(options[name]!, "short");
  const both = `${short ? `-${short}, ` : ""}--${name}`;
  const type = _type(options, name);
  if (type === "string" && typeof value !== "string") {
    throw new FlagError(
      "ERR_PARSE_ARGS_INVALID_OPTION_VALUE",
      `Option '${both} <value>' argument missing`,
    );
  }
  if (type === "boolean" && value != null) {
    throw new FlagError(
      "ERR_PARSE_ARGS_INVALID_OPTION_VALUE",
      `Option '${both}' does not take an argument`,
    );
  }
  if (!token.inline && value !== undefined && value.length > 1 && value[0] === "-") {
    const example = rawName.startsWith("--")
      ? `'${rawName}=-XYZ'`
      : `'--${name}=-XYZ' or '${rawName}-XYZ'`;
    throw new FlagError(
      "ERR_PARSE_ARGS_INVALID_OPTION_VALUE",
      `Option '${rawName}' argument is ambiguous.\nDid you forget to specify the option argument ` +
        `for '${rawName}'?\nTo specify an option argument starting with a dash use ${example}.`,
    );
  }
}

function _store(options: FlagOptions, token: _Token, values: Record<string, unknown>): void {
  if (token.name === "__proto__") return;
  const value = token.value ?? true;
  if (_own(options[token.name]!, "multiple")) {
    const list = values[token.name] as unknown[] | undefined;
    if (list) list.push(value);
    else values[token.name] = [value];
  } else values[token.name] = value;
}
