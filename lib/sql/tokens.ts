/**
 * A minimal SQL tokeniser: just enough to find time-travel clauses after table names without being
 * fooled by string literals, quoted identifiers or comments. It does not parse SQL; DuckDB does.
 *
 * @module
 */

/** What a token is. */
export type TokenKind =
  | "space"
  | "comment"
  | "string"
  | "quoted"
  | "word"
  | "number"
  | "arrow"
  | "punct";

/** A piece of the query text. */
export interface Token {
  /** What it is. */
  readonly kind: TokenKind;
  /** Its text, exactly as in the query. */
  readonly text: string;
  /** Its offset (UTF-16 code units) in the query. */
  readonly start: number;
}

const _PATTERNS: readonly [TokenKind, RegExp][] = [
  ["space", /\s+/y],
  ["comment", /--[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/y],
  ["string", /[eE]?'(?:[^']|'')*(?:'|$)/y],
  ["string", /\$([A-Za-z_]\w*)?\$[\s\S]*?(?:\$\1\$|$)/y],
  ["quoted", /"(?:[^"]|"")*(?:"|$)/y],
  ["word", /[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*/y],
  ["number", /\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+/y],
  ["arrow", /=>/y],
  ["punct", /[\s\S]/y],
];

/**
 * Splits a query into tokens; joining their texts gives the query back.
 *
 * @param sql The query.
 * @returns The tokens, in order (whitespace and comments included).
 *
 * @example Strings and comments are single tokens
 * ```ts
 * import { tokenize } from "./tokens.ts";
 * import assert from "node:assert/strict";
 * const tokens = tokenize("SELECT 'AT (x)' -- AT ('y')\nFROM t");
 * assert.deepEqual(tokens.filter((t) => t.kind === "word").map((t) => t.text), ["SELECT", "FROM", "t"]);
 * ```
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < sql.length) {
    for (const [kind, pattern] of _PATTERNS) {
      pattern.lastIndex = at;
      const match = pattern.exec(sql);
      if (match === null || match[0] === "") continue;
      tokens.push({ kind, text: match[0], start: at });
      at += match[0].length;
      break;
    }
  }
  return tokens;
}

/**
 * The name an identifier token denotes: a quoted identifier without its quotes, a word as written.
 *
 * @param token A `word` or `quoted` token.
 * @returns The name.
 */
export function identifierName(token: Token): string {
  if (token.kind !== "quoted") return token.text;
  return token.text.slice(1, token.text.endsWith('"') ? -1 : undefined).replaceAll('""', '"');
}

/**
 * The value of a string literal token.
 *
 * @param token A `string` token.
 * @returns The text between the quotes, with doubled quotes undone.
 */
export function stringValue(token: Token): string {
  const text = token.text.replace(/^[eE]/, "");
  if (text.startsWith("$")) return text.replace(/^\$(\w*)\$/, "").replace(/\$(\w*)\$$/, "");
  return text.slice(1, text.endsWith("'") && text.length > 1 ? -1 : undefined).replaceAll(
    "''",
    "'",
  );
}

/**
 * Quotes a name as an SQL identifier.
 *
 * @param name The name.
 * @returns `"name"` with double quotes doubled.
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Quotes a string as an SQL literal.
 *
 * @param text The string.
 * @returns `'text'` with single quotes doubled.
 */
export function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
