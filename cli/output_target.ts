/**
 * Where a command's data goes: standard output, or a file written to a temporary name and renamed
 * into place only when complete, so a failed run never leaves a partial file that looks finished.
 *
 * @module
 */

import { OUTPUT_FORMATS, type OutputFormat, writeRows } from "../lib/output/format.ts";
import type { BatchColumn, RowBatch } from "../lib/read/batch.ts";
import type { Sink } from "../lib/output/sink.ts";
import type { Context } from "./context.ts";
import { choiceFlag, UsageError } from "./usage.ts";

const _EXTENSIONS: Record<string, OutputFormat> = {
  csv: "csv",
  ndjson: "ndjson",
  jsonl: "ndjson",
  json: "json",
  parquet: "parquet",
  arrow: "arrow",
  arrows: "arrow",
  ipc: "arrow",
};

/**
 * Chooses the output format: the flag when given; else from the output file's extension (an
 * unknown or missing extension is a usage error naming the known ones, never a silent CSV); else a
 * readable table on a terminal and CSV otherwise. Binary formats are refused on a terminal.
 *
 * @param flag The `--format` value.
 * @param output The `--output` path.
 * @param context The command context.
 * @returns The format.
 */
export function chooseFormat(
  flag: string | undefined,
  output: string | undefined,
  context: Context,
): OutputFormat {
  const chosen = choiceFlag(flag, "--format", OUTPUT_FORMATS);
  if (chosen !== undefined) {
    if (
      (chosen === "parquet" || chosen === "arrow") && output === undefined &&
      context.stdoutIsTerminal
    ) {
      throw new UsageError(
        `refusing to write binary ${chosen} to a terminal: use --output FILE or redirect stdout`,
      );
    }
    return chosen;
  }
  if (output !== undefined && output !== "-") {
    const extension = /\.([a-z0-9]+)$/i.exec(output)?.[1]?.toLowerCase();
    const format = extension === undefined ? undefined : _EXTENSIONS[extension];
    if (format === undefined) {
      const known = Object.keys(_EXTENSIONS).map((e) => `.${e}`).join(", ");
      throw new UsageError(
        `cannot tell the format of --output ${output} from its name: give -f FORMAT, or name ` +
          `it ${known}`,
      );
    }
    return format;
  }
  return context.stdoutIsTerminal ? "table" : "csv";
}

/** A destination that must be committed (or abandoned) when the command ends. */
export interface OutputTarget {
  /** The bytes go here. */
  readonly sink: Sink;
  /** Makes the output visible (renames the temporary file into place). */
  commit(): Promise<void>;
  /** Removes the temporary file after a failure. */
  abandon(): Promise<void>;
}

/**
 * Opens the destination: standard output when `path` is undefined or `-`.
 *
 * @param path The `--output` path.
 * @param context The command context.
 * @returns The target.
 */
export async function openOutput(
  path: string | undefined,
  context: Context,
): Promise<OutputTarget> {
  if (path === undefined || path === "-") {
    return {
      sink: context.stdout,
      commit: () => Promise.resolve(),
      abandon: () => Promise.resolve(),
    };
  }
  const temp = `${path}.azof-${crypto.randomUUID().slice(0, 8)}.tmp`;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(temp, { write: true, createNew: true });
  } catch (error) {
    throw new UsageError(`cannot write --output ${path}: ${(error as Error).message}`);
  }
  const writer = file.writable.getWriter();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await writer.close();
  };
  return {
    sink: { write: (bytes) => writer.write(bytes) },
    commit: async () => {
      await close();
      await Deno.rename(temp, path);
    },
    abandon: async () => {
      await close().catch(() => {});
      await Deno.remove(temp).catch(() => {});
    },
  };
}

/**
 * Writes rows to `--output` (or stdout) in a format; a table on a terminal fits its width and shows
 * the first and last {@linkcode TERMINAL_ROWS} rows. The first batch is pulled before anything is
 * written, so an answer that fails while being computed writes nothing; a file is renamed into
 * place only when complete and removed after a failure.
 *
 * @param format The output format.
 * @param columns The output columns.
 * @param batches The rows.
 * @param path The `--output` path, or `undefined` for stdout.
 * @param context The command context.
 * @returns The number of rows written.
 */
export async function writeOutput(
  format: OutputFormat,
  columns: readonly Omit<BatchColumn, "values">[],
  batches: AsyncIterable<RowBatch>,
  path: string | undefined,
  context: Context,
): Promise<number> {
  const primed = await _primed(batches);
  const target = await openOutput(path, context);
  try {
    const onTerminal = format === "table" && (path === undefined || path === "-") &&
      context.stdoutIsTerminal;
    const rows = onTerminal
      ? await (await import("../lib/output/text_table.ts")).writeTextTable(
        columns.map((c) => c.name),
        primed,
        target.sink,
        { width: _terminalWidth(context), maxRows: TERMINAL_ROWS },
      )
      : await writeRows(format, columns, primed, target.sink);
    await target.commit();
    return rows;
  } catch (error) {
    await target.abandon();
    throw error;
  }
}

/** Rows a table on a terminal shows: the first 20 and the last 20, as DuckDB's CLI does. */
export const TERMINAL_ROWS = 40;

/** The terminal's width: from the terminal, else `COLUMNS`, else 80 (a terminal of 0 columns, as a
 * bare pseudo-terminal reports, has no width). */
function _terminalWidth(context: Context): number {
  let columns = 0;
  try {
    columns = Deno.consoleSize().columns;
  } catch {
    // not a terminal after all: fall back below
  }
  if (columns > 0) return columns;
  const fromEnv = Number(context.env("COLUMNS"));
  return Number.isSafeInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80;
}

async function _primed<T>(source: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  return {
    async *[Symbol.asyncIterator]() {
      if (first.done) return;
      yield first.value;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        yield next.value;
      }
    },
  };
}
