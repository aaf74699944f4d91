/**
 * One SQL query that computes an exported plan's answer (`azof plan --format sql`) in DuckDB, Spark
 * SQL or Trino: the planned files' candidate rows, one winner per key by a window function that
 * orders like the resolution rule (docs/SPEC.md §7), deletions dropped.
 *
 * @module
 */

import { type ColumnType, EVENT_TIME, KEY } from "../format/schema.ts";
import type { ExportedFile, ExportedPlan } from "./plan_export.ts";
import { formatInstant, parseInstant } from "../format/time.ts";

/** The SQL dialects {@linkcode planSql} writes. */
export type SqlDialect = "duckdb" | "spark" | "trino";

/** Every dialect, for usage messages. */
export const SQL_DIALECTS: readonly SqlDialect[] = ["duckdb", "spark", "trino"];

interface _Dialect {
  readonly ident: (name: string) => string;
  readonly types: Readonly<Record<ColumnType, string>>;
  /** The rows of one file, with its row number within the file as `__row` (when known). */
  readonly source: (file: ExportedFile) => string;
  /** The instant as a timestamp literal. */
  readonly instant: (rfc3339: string) => string;
  readonly startsWith: (column: string, prefix: string) => string;
  readonly header: string;
}

const _string = (text: string) => `'${text.replaceAll("'", "''")}'`;
const _quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** SQL types of DuckDB and Trino, but for DateTime. */
const _TYPES = { String: "VARCHAR", Int: "BIGINT", Float: "DOUBLE", Boolean: "BOOLEAN" } as const;

const _DIALECTS: Readonly<Record<SqlDialect, _Dialect>> = {
  duckdb: {
    ident: _quoted,
    types: { ..._TYPES, DateTime: "TIMESTAMPTZ" },
    source: (f) =>
      `(SELECT *, file_row_number AS __row FROM read_parquet(${
        _string(f.path)
      }, file_row_number = true))`,
    instant: (t) => `TIMESTAMPTZ ${_string(t)}`,
    startsWith: (c, p) => `starts_with(${c}, ${_string(p)})`,
    header: "-- DuckDB; for s3:// paths load httpfs and create an S3 secret first.",
  },
  spark: {
    ident: (name) => `\`${name.replaceAll("`", "``")}\``,
    types: {
      String: "STRING",
      Int: "BIGINT",
      Float: "DOUBLE",
      Boolean: "BOOLEAN",
      DateTime: "TIMESTAMP",
    },
    source: (f) =>
      `(SELECT *, _metadata.row_index AS __row FROM parquet.\`${f.path.replaceAll("`", "``")}\`)`,
    instant: (t) => `TIMESTAMP ${_string(t)}`,
    startsWith: (c, p) => `startswith(${c}, ${_string(p)})`,
    header:
      "-- Spark SQL 3.5 or later (_metadata.row_index); s3:// paths may need the s3a:// scheme.",
  },
  trino: {
    ident: _quoted,
    types: { ..._TYPES, DateTime: "TIMESTAMP(3) WITH TIME ZONE" },
    source: (f) => `(SELECT *, 0 AS __row FROM azof_files WHERE "$path" = ${_string(f.path)})`,
    instant: (t) => `TIMESTAMP ${_string(t.replace("T", " ").replace("Z", " UTC"))}`,
    startsWith: (c, p) => `starts_with(${c}, ${_string(p)})`,
    header: "-- Trino: azof_files is a Hive table over the table folder's Parquet files, e.g.\n" +
      "--   CREATE TABLE hive.default.azof_files (...columns...) WITH (format = 'PARQUET',\n" +
      "--     external_location = '<table folder>');\n" +
      "-- declaring every Parquet column name the files use (after a rename: old and new names).\n" +
      "-- Trino has no row number within a file: ties of event_time within one file (which azof\n" +
      "-- never writes, docs/SPEC.md §7) are broken arbitrarily.",
  },
};

/**
 * Writes one query computing a plan's answer: per key, the row of the listed files with the
 * greatest `event_time <= asOf`, ties to the higher rank and then the later row of the file,
 * deletions dropped, keys ascending. Output columns are the plan's, in its order.
 *
 * @param plan The exported plan.
 * @param dialect The SQL dialect.
 * @returns The query text, ending with a newline.
 *
 * @example A DuckDB query for a sample table
 * ```ts
 * import { exportPlan, openTable, planSql } from "../../mod.ts";
 * const plan = await exportPlan(openTable("testdata", "prices"), {});
 * console.log(planSql(plan, "duckdb"));
 * ```
 */
export function planSql(plan: ExportedPlan, dialect: SqlDialect): string {
  const d = _DIALECTS[dialect];
  const types = new Map(plan.schema.columns.map((c) => [c.name, c.type]));
  const typeOf = (name: string): ColumnType =>
    name === KEY ? "String" : name === EVENT_TIME ? "DateTime" : types.get(name)!;
  const values = plan.columns.filter((c) => c !== KEY && c !== EVENT_TIME);
  const out = plan.columns.map(d.ident).join(", ");
  if (plan.files.length === 0) {
    const nulls = plan.columns.map((c) => `CAST(NULL AS ${d.types[typeOf(c)]}) AS ${d.ident(c)}`);
    return `${d.header}\nSELECT ${nulls.join(", ")} WHERE 1 = 0\n`;
  }
  const where = _where(plan, d);
  const selects = plan.files.map((f) => {
    const cells = [
      d.ident(KEY),
      d.ident(EVENT_TIME),
      // Each file's own column for each output column (renamed ones, §3.7); widened ones cast.
      ...values.map((c) =>
        `CAST(${f.columns.includes(c) ? d.ident(f.fileColumns[c]!) : "NULL"} AS ${
          d.types[typeOf(c)]
        }) AS ${d.ident(c)}`
      ),
      f.hasDeleted ? `coalesce(${d.ident("_deleted")}, false) AS __deleted` : "false AS __deleted",
      `${f.rank} AS __rank`,
      "__row",
    ];
    return `  SELECT ${cells.join(", ")}\n  FROM ${d.source(f)} AS f${where}`;
  });
  return `${d.header}
-- azof plan of table ${plan.table}, snapshot ${plan.snapshot}, as of ${plan.asOf ?? "now"}
WITH candidates AS (
${selects.join("\n  UNION ALL\n")}
), ranked AS (
  SELECT *, row_number() OVER (
    PARTITION BY ${d.ident(KEY)}
    ORDER BY ${d.ident(EVENT_TIME)} DESC, __rank DESC, __row DESC
  ) AS __n
  FROM candidates
)
SELECT ${out}
FROM ranked
WHERE __n = 1 AND NOT __deleted
ORDER BY ${d.ident(KEY)}
`;
}

/** The candidates' condition: `event_time` within the instant's millisecond, selected keys. */
function _where(plan: ExportedPlan, d: _Dialect): string {
  const terms: string[] = [];
  if (plan.asOf !== null) {
    // Sub-millisecond parts count as the millisecond they are in (docs/SPEC.md §5.2).
    const next = formatInstant(parseInstant(plan.asOf) + 1);
    terms.push(`${d.ident(EVENT_TIME)} < ${d.instant(next)}`);
  }
  const keys = [
    ...(plan.keys ?? []).map((k) => `${d.ident(KEY)} = ${_string(k)}`),
    ...(plan.keyPrefixes ?? []).map((p) => d.startsWith(d.ident(KEY), p)),
  ];
  if (keys.length > 0) terms.push(`(${keys.join(" OR ")})`);
  return terms.length === 0 ? "" : `\n  WHERE ${terms.join(" AND ")}`;
}
