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
  /** Loads the command's module: its entry point and the flags it accepts. */
  readonly load: () => Promise<CommandModule>;
  /** `false` for a command the standalone binary (`deno compile`) leaves out. */
  readonly inBinary?: boolean;
}

/** What a command module exports. */
export interface CommandModule {
  /** The entry point. */
  readonly run: CommandRun;
  /** The flag definitions it passes to `parseFlags` (without the common ones). */
  readonly OPTIONS: Readonly<Record<string, { readonly type: string; readonly short?: string }>>;
}

const _COMMON = `
Common flags:
  -h, --help       Show this help
  -q, --quiet      No progress or informational messages
  -v, --verbose    More detail; stack traces on errors
      --no-progress  Never draw the progress line
Common flags also work before the command (azof --quiet write ...).`;

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
      --snapshot N       Read snapshot N instead of the newest (processing-time travel;
                         alias --version N)
  -c, --columns a,b      Output only these columns, in this order (key, event_time, schema columns)
      --limit N          Output at most N rows (the first N keys)
      --key K            Output only key K (repeatable); row groups that cannot hold it are skipped
      --key-prefix P     Output only keys starting with P (repeatable; with --key: either matches)
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
    name: "plan",
    summary: "Print the read plan (files, ranks, key ranges) as JSON or as one SQL query",
    help: `Usage: azof plan --table NAME [--path ROOT] [--as-of TIME] [--splits N] [options]
                 [--format json | --format sql --dialect duckdb|spark|trino]

Prints what a read as of TIME takes, for other engines (Ray, DuckDB, Spark, Trino): the files
in read order with their absolute path or s3:// URL, role (base/delta), rank (on equal
event_time the higher rank wins), rows, bytes, key order and, per row group to read, key and
event_time statistics; the resolution rule; and keyRanges, a split of the key space into up to
N ranges of roughly equal rows. Reads footers, no data. See docs/DISTRIBUTED.md.

Flags:
  -p, --path ROOT        Folder holding the tables (default: current folder)
  -t, --table NAME       Table folder name under ROOT
      --as-of TIME       Event-time instant to read as of (default: current state)
      --snapshot N       Plan against snapshot N instead of the newest (alias --version N)
  -c, --columns a,b      Output columns, in this order (key, event_time, schema columns)
      --key K            Only key K (repeatable); row groups that cannot hold it are left out
      --key-prefix P     Only keys starting with P (repeatable; with --key: either matches)
      --splits N         Number of key ranges (default 1)
  -f, --format FORMAT    json (default) or sql
      --dialect D        With --format sql: duckdb, spark or trino
${_COMMON}

${_TIME}

Examples:
  azof plan --path testdata --table prices --as-of 2023-06-30 --splits 4
  azof plan -p testdata -t prices --format sql --dialect duckdb`,
    load: () => import("./plan.ts"),
  },
  {
    name: "inspect",
    summary: "Show a table's schema, segments and files",
    help: `Usage: azof inspect --table NAME [--path ROOT] [--as-of TIME | --current]
                    [--format text|json|svg] [--output FILE]

Shows the snapshot number, schema and segment tree: each segment's time range, base and delta
files with row counts and sizes read from the Parquet footers; files and bytes per level of the
tree, deltas per segment, and how many files an as-of read opens (worst and typical over the
table's time span, and for a current read). With --as-of (or --current), also lists the files
that read would open, in read order, and why each is read. --format svg draws the segments on
a time axis, one band per level, with their base and delta files (a self-contained SVG).

Flags:
  -p, --path ROOT        Folder holding the tables (default: current folder)
  -t, --table NAME       Table folder name under ROOT
      --as-of TIME       Also show the plan of a read as of TIME
      --current          Also show the plan of a read of the current state
      --snapshot N       Describe snapshot N instead of the newest (alias --version N)
  -f, --format FORMAT    text (an indented tree, default), json (for scripts) or svg (a picture).
                         Default: from --output's extension (.json, .svg), else text
  -o, --output FILE      Write to FILE instead of stdout
${_COMMON}

${_TIME}

Examples:
  azof inspect --path testdata --table prices
  azof inspect -p testdata -t prices --as-of 2023-05-17 --format json
  azof inspect -p testdata -t prices --output prices.svg`,
    load: () => import("./inspect.ts"),
  },
  {
    name: "check",
    summary: "Verify a table's data files (integrity check)",
    help: `Usage: azof check --table NAME [--path ROOT] [--snapshot N]

Verifies every data file the snapshot names: it exists; its footer checksum, page CRCs and
decoded values agree with its footer; its columns fit the schema; its event times lie in the
range its segment (base: at most the segment's start) or delta declares and within its footer
statistics; its keys within its footer's key statistics; and columns declared non-nullable hold
no null. Prints one problem per line, each naming the file, and exits 1 when there is any;
exits 0 (and says ok on stderr) when the table is sound.

Flags:
  -p, --path ROOT        Folder holding the tables (default: current folder)
  -t, --table NAME       Table folder name under ROOT
      --snapshot N       Check snapshot N instead of the newest
      --version N        Same as --snapshot
${_COMMON}

Examples:
  azof check --path testdata --table prices
  azof check -p data -t rates --snapshot 3 || echo "rates is damaged"`,
    load: () => import("./check.ts"),
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
    inBinary: false,
  },
  {
    name: "create",
    summary: "Create an empty table with a schema and segment policy",
    help:
      `Usage: azof create --table NAME --schema 'name:Type,other:Type?,...' [--path ROOT] [--segment P1Y[,P3M]]

Creates an empty table (snapshot 1). Refuses to touch an existing table.

Flags:
  -p, --path ROOT        Folder holding the tables (default: current folder)
  -t, --table NAME       Table folder name under ROOT
  -s, --schema COLUMNS   Value columns as name:Type, ? after the type for nullable. Types: String,
                         Int, Float, Boolean, DateTime. key and event_time are implicit.
      --segment PERIODS  Segment layout policy, outermost first: P1Y (default), P1Y,P3M (years with
                         quarter children), P1M, P1D, ...
      --max-deltas N, --file-rows N, --row-group-rows N, --horizon PERIOD
                         Compaction policy stored with the table (see azof compact --help)
${_COMMON}

Examples:
  azof create -p data -t prices --schema 'price:Float,currency:String?' --segment P1Y,P3M`,
    load: () => import("./create.ts"),
  },
  {
    name: "write",
    summary: "Append rows from CSV or NDJSON in one atomic commit",
    help: `Usage: azof write --table NAME --input FILE|- [--path ROOT] [--input-format csv|ndjson]
                  [--idempotency-key KEY] [--evolve]

Appends rows: key, event_time, the schema's columns (missing nullable columns are null), and an
optional _deleted (true deletes the key at that event time). Rows may be late (older than rows
already written) or tied (same key and event_time: the row written last wins). All rows are
committed as one new snapshot, or nothing is: any bad row fails the write with its line number
and column, and the table is left exactly as it was.

Flags:
  -p, --path ROOT          Folder holding the tables (default: current folder)
  -t, --table NAME         Table folder name under ROOT
  -i, --input FILE         The rows; - reads standard input (the default when it is not a
                           terminal)
      --input-format FMT   csv (header row, columns in any order; an empty field is null, "" is the
                           empty string) or ndjson (one JSON object per line). Default: ndjson for
                           .ndjson/.jsonl/.json files and for standard input starting with {,
                           csv otherwise
      --idempotency-key KEY
                           A token for this batch, recorded in the snapshot: if one of the last
                           100 snapshots carries it, nothing is written and the command succeeds
                           ("already committed"). Re-run a write that exited 3 with the same key.
      --coerce             NDJSON: convert JSON types (a digit string "1" to an Int, a string to a
                           Float or Boolean, a millisecond number to a timestamp); without it such
                           a field is refused
      --evolve             Add the input's columns the table lacks (nullable) in an alter commit
                           before the write; types from the first MiB of input (see docs/CLI.md).
                           Without it such a column is refused
${_COMMON}

${_TIME} event_time takes the same forms.

Examples:
  azof write -p data -t prices --input prices.csv
  cat changes.ndjson | azof write -p data -t prices`,
    load: () => import("./write.ts"),
  },
  {
    name: "alter",
    summary: "Change a table's schema (add, rename, drop, widen columns) in one commit",
    help:
      `Usage: azof alter --table NAME [--path ROOT] [--add-column NAME:TYPE?] [--rename-column OLD:NEW]
                  [--drop-column NAME] [--widen-column NAME:TYPE]

Changes the schema in one new snapshot (operation alter); no data file is rewritten. Old files
are read with the new schema: an added column is null in rows written before it, a renamed
column keeps its values, a dropped column is gone, widened values are converted. Older
snapshots keep their own schema (azof scan --snapshot N). Each flag may be repeated; one run
applies every drop, then every rename, widening and add, or nothing (exit 2 naming the bad
change).

Flags:
  -p, --path ROOT          Folder holding the tables (default: current folder)
  -t, --table NAME         Table folder name under ROOT
      --add-column NAME:TYPE?
                           Add a nullable column at the end (the ? is required: old rows have no
                           value). Types: String, Int, Float, Boolean, DateTime
      --rename-column OLD:NEW
                           Rename a column; its values stay
      --drop-column NAME   Remove a column (its values stay in old files, unread)
      --widen-column NAME:TYPE
                           Int to Float (NAME:Float), and/or make a column nullable (NAME:Int?)
${_COMMON}

Examples:
  azof alter -p data -t prices --add-column note:String?
  azof alter -p data -t prices --rename-column price:close --widen-column volume:Float`,
    load: () => import("./alter.ts"),
  },
  {
    name: "changes",
    summary: "Output the rows committed between two snapshots (change feed)",
    help: `Usage: azof changes --table NAME --from-snapshot A [--to-snapshot B] [--path ROOT]
                    [--event-from TIME] [--event-to TIME] [--format FMT] [--output FILE]

Outputs the rows committed after snapshot A up to snapshot B (default: the current one), in
snapshot order, then key and event_time: key, event_time, the columns of snapshot B's schema,
_snapshot (the snapshot that committed the row) and _op (upsert, or delete for a row that
deletes its key; its values are null). Compaction, alter and create commit no rows. Reads only
the data files those snapshots added.

Flags:
  -p, --path ROOT          Folder holding the tables (default: current folder)
  -t, --table NAME         Table folder name under ROOT
      --from-snapshot A    Rows committed after snapshot A (0: from the table's creation)
      --to-snapshot B      Up to and including snapshot B (default: the current snapshot)
      --event-from TIME    Only rows with event_time at or after TIME
      --event-to TIME      Only rows with event_time at or before TIME
  -f, --format FORMAT      table, csv, ndjson, json, parquet or arrow, as for azof scan
  -o, --output FILE        Write to FILE (complete or not at all) instead of stdout
${_COMMON}

${_TIME}

Examples:
  azof changes -p data -t prices --from-snapshot 3 -f ndjson
  azof changes -p data -t prices --from-snapshot 3 --to-snapshot 5 --event-from 2024-01-01`,
    load: () => import("./changes.ts"),
  },
  {
    name: "diff",
    summary: "Show which as-of answers changed between two snapshots (late data)",
    help: `Usage: azof diff --table NAME --from-snapshot A [--to-snapshot B] [--path ROOT]
                 (--as-of TIME [--with-old] | --as-of-range FROM..TO --every PERIOD)
                 [--format FMT] [--output FILE]

With --as-of: outputs the keys whose answer as of TIME differs between snapshot A and snapshot
B (default: the current one), sorted by key: key, _change (insert: absent in A; update: other
event_time or values; delete: absent in B), event_time and the values in B (null for a delete).
--with-old adds old_event_time and old_<column> with A's answer. Both snapshots are read with
B's schema, so a schema change alone changes no answer.

With --as-of-range FROM..TO --every PERIOD: for each calendar period (P1Y, P3M, P1M, P7D, ...)
from FROM's to TO's, counts the keys whose answer as of the period's last instant (TO for the
last period) changed: a text table, JSON, or an SVG bar chart of the changes per period.

Flags:
  -p, --path ROOT          Folder holding the tables (default: current folder)
  -t, --table NAME         Table folder name under ROOT
      --from-snapshot A    The older snapshot
      --to-snapshot B      The newer snapshot (default: the current one)
      --as-of TIME         The event-time instant whose answers are compared
      --with-old           Also output A's answer (old_event_time, old_<column>)
      --as-of-range FROM..TO, --every PERIOD
                           Summarise changed answers per period
  -f, --format FORMAT      --as-of: as for azof scan. --as-of-range: text (default), json or svg
  -o, --output FILE        Write to FILE instead of stdout
${_COMMON}

${_TIME}

Examples:
  azof diff -p data -t prices --as-of 2024-03-31 --from-snapshot 4 --with-old
  azof diff -p data -t prices --from-snapshot 4 --as-of-range 2023-01-01..2024-12-31 --every P1M
  azof diff -p data -t prices --from-snapshot 4 --as-of-range 2023-01-01..2024-12-31 --every P1M -o backfill.svg`,
    load: () => import("./diff.ts"),
  },
  {
    name: "compact",
    summary: "Fold deltas into bases and lay segments out by the compaction policy",
    help: `Usage: azof compact --table NAME [--path ROOT] [policy flags] [--since TIME] [--force]
                    [--set-policy] [--dry-run] [--format text|json]

Rewrites the table's segments, in one commit, so that an as-of read opens few files wherever
TIME falls: each finished top-level period becomes a closed segment with a base holding the state
at its start and child segments per policy level (their bases hold the keys changed since the
parent's start), each with one delta of its rows; the newest period stays open with a base and
one delta. Periods already in that layout with at most --max-deltas deltas on any read path are
kept. scan --as-of T answers exactly as before for every T; the previous snapshot stays readable
with --snapshot. Old files stay on disk (later snapshots stop naming them).

Policy flags (default: the policy stored with the table, else P1Y, 4, 1000000, 65536, none):
      --segment PERIODS    Segment spans per level, outermost first (P1Y,P3M)
      --max-deltas N       Deltas a read path may collect before compaction folds them
      --file-rows N        Most rows per delta file written (larger outputs are split)
      --row-group-rows N   Rows per row group of the files written
      --horizon PERIOD     Only fold periods that start within PERIOD before the newest period
Flags:
  -p, --path ROOT          Folder holding the tables (default: current folder)
  -t, --table NAME         Table folder name under ROOT
      --since TIME         Only fold from the period holding TIME on (overrides --horizon)
      --force              Rewrite periods even when already in the policy's layout
      --set-policy         Store the policy flags with the table (for later compactions)
      --dry-run            Print what would be written and removed; change nothing
  -f, --format FORMAT      text (default) or json (the plan and the result, on stdout)
${_COMMON}

${_TIME}

Examples:
  azof compact -p data -t prices --dry-run
  azof compact -p data -t prices --segment P1Y,P3M --max-deltas 2 --set-policy
  azof compact -p data -t prices --since 2024-01-01 --format json`,
    load: () => import("./compact.ts"),
  },
  {
    name: "history",
    summary: "List a table's snapshots: when committed, operation, what they added",
    help: `Usage: azof history --table NAME [--path ROOT] [--format text|json]

Lists every snapshot (processing time) with its commit time, operation and summary (rows,
deletions, late copies, files, segments created). Read an older snapshot with
azof scan --snapshot N.

Flags:
  -p, --path ROOT        Folder holding the tables (default: current folder)
  -t, --table NAME       Table folder name under ROOT
  -f, --format FORMAT    text (default) or json
${_COMMON}

Examples:
  azof history -p data -t prices
  azof scan -p data -t prices --snapshot 2 --as-of 2024-01-01`,
    load: () => import("./history.ts"),
  },
  {
    name: "vacuum",
    summary: "Remove expired snapshots and data files no kept snapshot uses",
    help:
      `Usage: azof vacuum --table NAME [--path ROOT] [--retain DURATION | --keep N] [--grace DURATION]
                   [--dry-run] [--format text|json]

Removes snapshots older than the retention (never the newest), then the data files (*.parquet)
that no kept snapshot names, and stray temporary files (*.tmp). A snapshot's age is the time
the next snapshot replaced it (its committed_at); snapshots whose replacement time is not
recorded (tables written by other tools) are kept unless --keep is given. Files younger than the
grace period, and snapshots replaced within it, are never removed, so readers and writers in
flight keep their files. Other files and sub-folders holding tables are left alone. Reading a
removed snapshot with --snapshot N fails with an error saying so.

Flags:
  -p, --path ROOT        Folder holding the tables (default: current folder)
  -t, --table NAME       Table folder name under ROOT
      --retain DURATION  Keep snapshots current within DURATION (default 7d)
      --keep N           Keep the newest N snapshots instead, whatever their age
      --grace DURATION   Never remove anything younger than DURATION (default 1h)
      --dry-run          Only list what would be removed, with sizes
  -f, --format FORMAT    text (default) or json
${_COMMON}

DURATION is 7d, 12h, 30m, 45s, 2w, 0, or ISO 8601 (P7D, PT1H, P1DT12H).

Examples:
  azof vacuum -p data -t prices --dry-run
  azof vacuum -p data -t prices --retain 30d
  azof vacuum -p data -t prices --keep 1 --grace 10m`,
    load: () => import("./vacuum.ts"),
  },
  {
    name: "ls",
    summary: "List the tables under a root with snapshot, rows, files, bytes and time span",
    help: `Usage: azof ls [--path ROOT] [--format table|csv|json]

Lists every folder under ROOT (at any depth) that holds a table (a version.txt or sN.json), with
its current snapshot, rows and files (from the Parquet footers of the files the snapshot names),
bytes, and the event-time span its segments cover (first start, newest instant named). A table
that cannot be read is listed with the error, and azof ls then exits 1.

Flags:
  -p, --path ROOT        Folder or s3://bucket/prefix holding the tables (default: current folder)
  -f, --format FORMAT    table (default; fitted to a terminal), csv or json
${_COMMON}

Examples:
  azof ls --path testdata
  azof ls -p s3://lake/tables -f json`,
    load: () => import("./ls.ts"),
  },
  {
    name: "gen",
    summary: "Generate data: upstream CSV-to-Parquet, or a synthetic history",
    help: `Usage: azof gen --table NAME --file BASE [--path ROOT]
       azof gen --table NAME --keys N [--events N] [--from TIME] [--to TIME] [--late F]
                [--deleted F] [--seed N] [--commits N] [--path ROOT]

With --file (as upstream azof gen): reads BASE.csv in the table folder (no header: key,
event_time, then the schema's columns in order) and writes BASE.parquet beside it with the
table's types. The file is not added to any snapshot.

With --keys: generates a reproducible history and writes it through azof write's path: N keys,
--events per key (default 1) from --from to --to (default 2020-01-01 to 2024-01-01), a --late
fraction of rows back-dated, a --deleted fraction of deletions, in --commits commits.

Flags:
  -p, --path ROOT        Folder holding the tables (default: current folder)
  -t, --table NAME       Table folder name under ROOT
      --file BASE        Convert BASE.csv to BASE.parquet (upstream mode)
      --keys N           Synthetic: number of keys
      --events N         Synthetic: events per key
      --from/--to TIME   Synthetic: event-time span
      --late F           Synthetic: fraction of late rows, 0 to 1
      --deleted F        Synthetic: fraction of deletions, 0 to 1
      --seed N           Synthetic: PRNG seed (default 1)
      --commits N        Synthetic: number of commits (default 1)
${_COMMON}

Examples:
  azof gen -p tables -t table0 --file delta1
  azof gen -p data -t prices --keys 1000 --events 20 --late 0.1 --deleted 0.02 --seed 7`,
    load: () => import("./gen.ts"),
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
