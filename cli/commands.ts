/**
 * The command registry: names, one-line summaries, help texts and lazy loaders, so that `--help`
 * and each command load only what they need.
 *
 * @module
 */

import type { CommandRun } from "./context.ts";

/** A subcommand of `azof`. */
export interface CommandSpec {
  /** The name typed after `azof`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full help text: synopsis, flags, examples. */
  readonly help: string;
  /** Loads the command's module. */
  readonly load: () => Promise<{ run: CommandRun }>;
}

const _COMMON = `
Common flags:
  -h, --help       Show this help
  -q, --quiet      No progress or informational messages
  -v, --verbose    More detail; stack traces on errors`;

const _TIME =
  `TIME is YYYY-MM-DD (UTC midnight), YYYY-MM-DDTHH:mm:ss[.sss] (UTC), or RFC 3339 with Z or an
offset (2019-01-17T09:30:00+01:00).`;

/** Every command, in the order `azof --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "scan",
    summary: "Read a table as of an event-time instant",
    help: `Usage: azof scan --table NAME [--path ROOT] [--as-of TIME] [options]

Reads the table as the world was at TIME (event time): per key, the newest row at or before
TIME; keys deleted by then are absent. Without --as-of, reads the current state. Rows are
sorted by key.

Flags:
  -p, --path ROOT        Folder holding the tables (default: current folder)
  -t, --table NAME       Table folder name under ROOT
      --as-of TIME       Event-time instant to read as of (default: current state)
      --version N        Read snapshot N instead of the newest (processing-time travel)
  -c, --columns a,b      Output only these columns, in this order (key, event_time, schema columns)
      --limit N          Output at most N rows (the first N keys)
  -f, --format FORMAT    table, csv, ndjson, json, parquet or arrow (Arrow IPC stream).
                         Default: from --output's extension; else table on a terminal, csv otherwise
  -o, --output FILE      Write to FILE (complete or not at all) instead of stdout
${_COMMON}

${_TIME}

CSV: header row, RFC 4180 quoting, timestamps as YYYY-MM-DDTHH:mm:ss.sssZ, Int as exact digits,
null as an empty field, the empty string as "".

Examples:
  azof scan --path testdata --table prices --as-of 2023-06-30
  azof scan -p testdata -t prices --as-of 2023-06-30T12:00:00Z --columns key,price -f ndjson
  azof scan -p testdata -t prices -o prices.parquet`,
    load: () => import("./scan.ts"),
  },
  {
    name: "inspect",
    summary: "Show a table's schema, segments and files",
    help:
      `Usage: azof inspect --table NAME [--path ROOT] [--as-of TIME | --current] [--format text|json]

Shows the snapshot number, schema and segment tree: each segment's time range, base and delta
files with row counts and sizes read from the Parquet footers. With --as-of (or --current),
also lists the files that read would open, in read order, and why each is read.

Flags:
  -p, --path ROOT        Folder holding the tables (default: current folder)
  -t, --table NAME       Table folder name under ROOT
      --as-of TIME       Also show the plan of a read as of TIME
      --current          Also show the plan of a read of the current state
      --version N        Describe snapshot N instead of the newest
  -f, --format FORMAT    text (an indented tree, default) or json (for scripts)
${_COMMON}

${_TIME}

Examples:
  azof inspect --path testdata --table prices
  azof inspect -p testdata -t prices --as-of 2023-05-17 --format json`,
    load: () => import("./inspect.ts"),
  },
  {
    name: "sql",
    summary: "Query tables with SQL (DuckDB), with event-time travel per table",
    help: `Usage: azof sql [--path ROOT] "QUERY" | --file query.sql | < query.sql [options]

Runs one SQL query (a SELECT, in DuckDB's dialect) over the tables under ROOT, named by their
folder names. A table reference reads the current state, or the table as the world was at an
instant with one of these clauses after the table name (before or after its alias):
  financials AT ('2019-01-17T00:00:00Z')              event time (upstream azof syntax)
  financials FOR SYSTEM_TIME AS OF '2019-01-17'       event time
  financials AT (TIMESTAMP => '2019-01-17')           event time (DuckDB syntax)
  financials AT (VERSION => 2)                        the current state of snapshot 2
One query may read a table at several instants (a self-join) and join several tables.
The query comes from the argument, else from --file, else from standard input. Needs Deno's
--allow-ffi permission (DuckDB is a native library); other commands do not load it.

Flags:
  -p, --path ROOT        Folder holding the tables (default: current folder)
      --file FILE        Read the query from FILE
  -f, --format FORMAT    table, csv, ndjson, json, parquet or arrow (Arrow IPC stream).
                         Default: from --output's extension; else table on a terminal, csv otherwise
  -o, --output FILE      Write to FILE (complete or not at all) instead of stdout
${_COMMON}

${_TIME}

Result types: integers are Int, DOUBLE/FLOAT/DECIMAL are Float, BOOLEAN is Boolean,
TIMESTAMP/TIMESTAMPTZ/DATE are DateTime (ms, UTC), VARCHAR and every other type is String.
Table columns: key, event_time (TIMESTAMPTZ, UTC), then the schema's columns.

Examples:
  azof sql -p data "SELECT key AS symbol, revenue FROM financials AT ('2019-01-17T00:00:00.000Z')
    WHERE industry IN ('Software') ORDER BY revenue DESC LIMIT 5"
  azof sql -p data "SELECT a.key, a.revenue AS r2018, b.revenue AS r2019
    FROM financials AT ('2018-06-30') a JOIN financials AT ('2019-06-30') b USING (key)"
  azof sql -p data --file report.sql -o report.parquet
  echo "SELECT count(*) FROM prices" | azof sql -p testdata -f json`,
    load: () => import("./sql.ts"),
  },
];

/**
 * Finds a command by name.
 *
 * @param name The name typed.
 * @returns The command, or `undefined`.
 */
export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
