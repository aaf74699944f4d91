/**
 * The time-travel pre-pass: lifts `AT ('<time>')`, `FOR SYSTEM_TIME AS OF '<time>'`,
 * `AT (TIMESTAMP => '<time>')` and `AT (VERSION => n)` out of a query and puts a unique placeholder
 * table name where the table name was, so that DuckDB's own parser can take the rest.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { INSTANT_FORMS, tryParseInstant } from "../format/time.ts";
import { identifierName, stringValue, type Token, tokenize } from "./tokens.ts";

/** One table reference with a time-travel clause. */
export interface TimeTravelRef {
  /** The placeholder table name now in the query. */
  readonly placeholder: string;
  /** The table named. */
  readonly table: string;
  /** The event-time instant, ms (absent for a `VERSION` clause). */
  readonly asOf?: number;
  /** The snapshot number of an `AT (VERSION => n)` clause. */
  readonly version?: number;
  /** The clause as written, for messages. */
  readonly clause: string;
}

/** A query with its time-travel clauses lifted out. */
export interface LiftedQuery {
  /** The references that had clauses, in query order. */
  readonly refs: readonly TimeTravelRef[];
  /**
   * The rewritten query text.
   *
   * @param aliased Placeholders to follow with `AS "<table>"` (references written without alias).
   */
  text(aliased?: ReadonlySet<string>): string;
  /** Maps an offset in `text()` (no aliases) back to an offset in the original query. */
  originalOffset(offset: number): number;
}

const _BEFORE_TABLE = new Set(["FROM", "JOIN", "LATERAL", "ONLY", "TABLE", "INTO", "USING"]);

/**
 * Lifts time-travel clauses out of a query.
 *
 * @param sql The query as the user wrote it.
 * @returns The rewritten query and the references.
 * @throws {AzofError} `InputInvalid` for a malformed clause or a bad time literal.
 *
 * @example Lift an upstream-style clause
 * ```ts
 * import { liftTimeTravel } from "../../sql.ts";
 * import assert from "node:assert/strict";
 * const lifted = liftTimeTravel("SELECT * FROM financials AT ('2019-01-17') f");
 * assert.equal(lifted.refs[0]!.table, "financials");
 * assert.equal(lifted.refs[0]!.asOf, Date.UTC(2019, 0, 17));
 * assert.equal(lifted.text(), `SELECT * FROM ${lifted.refs[0]!.placeholder}   f`);
 * ```
 */
export function liftTimeTravel(sql: string): LiftedQuery {
  const tokens = tokenize(sql);
  const out = tokens.map((t) => t.text);
  const significant = tokens.map((t, i) => [t, i] as const)
    .filter(([t]) => t.kind !== "space" && t.kind !== "comment");
  const prefix = _uniquePrefix(sql);
  const refs: TimeTravelRef[] = [];
  const placeholderAt = new Map<string, number>();
  for (let s = 0; s < significant.length; s++) {
    const clause = _matchClause(significant, s, sql);
    if (clause === undefined) continue;
    const tableIndex = _tableBefore(significant, s, sql);
    const [tableToken, tokenIndex] = significant[tableIndex]!;
    const placeholder = `${prefix}${refs.length + 1}`;
    refs.push({
      placeholder,
      table: identifierName(tableToken),
      ...clause.value,
      clause: clause.text,
    });
    placeholderAt.set(placeholder, tokenIndex);
    out[tokenIndex] = placeholder;
    const first = significant[s]![1];
    const last = significant[clause.end]![1];
    for (let i = first; i <= last; i++) out[i] = i === first ? " " : "";
    s = clause.end;
  }
  return {
    refs,
    text(aliased = new Set()) {
      return out.map((text, i) => {
        const ref = refs.find((r) => placeholderAt.get(r.placeholder) === i);
        return ref && aliased.has(ref.placeholder) ? `${text} AS ${_quote(ref.table)}` : text;
      }).join("");
    },
    originalOffset(offset) {
      let at = 0;
      for (const [i, text] of out.entries()) {
        if (offset < at + text.length || i === out.length - 1) {
          const token = tokens[i]!;
          return token.start + Math.min(offset - at, Math.max(0, token.text.length - 1));
        }
        at += text.length;
      }
      return sql.length;
    },
  };
}

type Significant = readonly (readonly [Token, number])[];

function _upper(significant: Significant, s: number): string | undefined {
  const token = significant[s]?.[0];
  return token?.kind === "word" ? token.text.toUpperCase() : token?.text;
}

function _matchClause(
  significant: Significant,
  s: number,
  sql: string,
): { end: number; value: { asOf: number } | { version: number }; text: string } | undefined {
  const word = _upper(significant, s);
  const previous = significant[s - 1]?.[0];
  if (previous === undefined || (previous.kind !== "word" && previous.kind !== "quoted")) {
    return undefined;
  }
  const textTo = (end: number) =>
    sql.slice(
      significant[s]![0].start,
      significant[end]![0].start + significant[end]![0].text.length,
    );
  if (word === "FOR" && _upper(significant, s + 1) === "SYSTEM_TIME") {
    if (_upper(significant, s + 2) !== "AS" || _upper(significant, s + 3) !== "OF") {
      throw _clauseError(significant, s, sql, "FOR SYSTEM_TIME AS OF '<time>'");
    }
    const literal = significant[s + 4]?.[0];
    if (literal?.kind !== "string") {
      throw _clauseError(significant, s, sql, "FOR SYSTEM_TIME AS OF '<time>'");
    }
    return { end: s + 4, value: { asOf: _instant(literal, previous, sql) }, text: textTo(s + 4) };
  }
  if (word !== "AT" || _upper(significant, s + 1) !== "(") return undefined;
  const expected = "AT ('<time>'), AT (TIMESTAMP => '<time>') or AT (VERSION => n)";
  let i = s + 2;
  const unit = _upper(significant, i);
  if ((unit === "TIMESTAMP" || unit === "VERSION") && significant[i + 1]?.[0].kind === "arrow") {
    i += 2;
  } else if (significant[i]?.[0].kind !== "string") {
    throw _clauseError(significant, s, sql, expected);
  }
  const literal = significant[i]?.[0];
  if (_upper(significant, i + 1) !== ")" || literal === undefined) {
    throw _clauseError(significant, s, sql, expected);
  }
  if (unit === "VERSION") {
    if (literal.kind !== "number" || !/^\d+$/.test(literal.text) || Number(literal.text) < 1) {
      throw _clauseError(significant, s, sql, "AT (VERSION => n) with a snapshot number n from 1");
    }
    return { end: i + 1, value: { version: Number(literal.text) }, text: textTo(i + 1) };
  }
  if (literal.kind !== "string") throw _clauseError(significant, s, sql, expected);
  return { end: i + 1, value: { asOf: _instant(literal, previous, sql) }, text: textTo(i + 1) };
}

/** The significant-token index of the table name a clause at `s` belongs to. */
function _tableBefore(significant: Significant, s: number, sql: string): number {
  // `t AT (...)`, `t alias AT (...)` or `t AS alias AT (...)`.
  const before = significant[s - 2]?.[0];
  if (before === undefined) return s - 1;
  if (before.kind === "word" && before.text.toUpperCase() === "AS") {
    const table = significant[s - 3]?.[0];
    if (table?.kind === "word" || table?.kind === "quoted") return s - 3;
    throw _clauseError(significant, s, sql, "a table name before the clause");
  }
  const isName = before.kind === "quoted" ||
    (before.kind === "word" && !_BEFORE_TABLE.has(before.text.toUpperCase()) &&
      !/JOIN$/i.test(before.text));
  return isName ? s - 2 : s - 1;
}

function _instant(literal: Token, table: Token, sql: string): number {
  const text = stringValue(literal);
  const ms = tryParseInstant(text);
  if (ms === undefined) {
    throw new AzofError(
      "InputInvalid",
      `Invalid time '${text}' after ${identifierName(table)} at ${
        _where(sql, literal.start)
      }: expected ${INSTANT_FORMS}`,
    );
  }
  return ms;
}

function _clauseError(
  significant: Significant,
  s: number,
  sql: string,
  expected: string,
): AzofError {
  const start = significant[s]![0].start;
  return new AzofError(
    "InputInvalid",
    `Invalid time-travel clause at ${_where(sql, start)}: expected ${expected}, found "${
      sql.slice(start, start + 40).split("\n")[0]
    }"`,
  );
}

/**
 * Describes an offset in a query as `line L, column C`.
 *
 * @param sql The query.
 * @param offset The offset (UTF-16 code units).
 * @returns The text.
 */
export function describeOffset(sql: string, offset: number): string {
  return _where(sql, offset);
}

function _where(sql: string, offset: number): string {
  const before = sql.slice(0, offset).split("\n");
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

function _quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function _uniquePrefix(sql: string): string {
  let prefix = "__azof_tt";
  while (sql.includes(prefix)) prefix += "_";
  return `${prefix}_`;
}
