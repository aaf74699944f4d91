/**
 * Event-time instants: parsing the forms users type and formatting the one form azof writes.
 *
 * An instant is a number of milliseconds since 1970-01-01T00:00:00.000Z (a safe integer).
 *
 * @module
 */

import { AzofError } from "../errors.ts";

const _RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))?$/;
const _DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The forms {@linkcode parseInstant} accepts, for error messages and help text. */
export const INSTANT_FORMS =
  "YYYY-MM-DD, YYYY-MM-DDTHH:mm:ss[.sss] (UTC) or RFC 3339 with Z or an offset";

/**
 * Parses an instant as a user may type it: RFC 3339 with `Z` or an offset,
 * `YYYY-MM-DDTHH:mm:ss[.sss]` without a zone (taken as UTC), or `YYYY-MM-DD` (UTC midnight).
 * Fractions finer than a millisecond are truncated toward the past.
 *
 * @param text The text to parse.
 * @returns Milliseconds since the Unix epoch.
 * @throws {AzofError} `InputInvalid` naming the text when it is not one of the forms (so a typo
 *   never reads the current state instead).
 *
 * @example Parse a date and an instant with an offset
 * ```ts
 * import { parseInstant } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseInstant("2019-01-17"), Date.UTC(2019, 0, 17));
 * assert.equal(parseInstant("2019-01-17T02:00:00+02:00"), Date.UTC(2019, 0, 17));
 * assert.throws(() => parseInstant("17/01/2019"), /Invalid instant "17\/01\/2019"/);
 * ```
 */
export function parseInstant(text: string): number {
  const ms = typeof text === "string" ? tryParseInstant(text) : undefined;
  if (ms === undefined) {
    throw new AzofError(
      "InputInvalid",
      `Invalid instant ${JSON.stringify(String(text))}: expected ${INSTANT_FORMS}`,
    );
  }
  return ms;
}

/**
 * {@linkcode parseInstant} for callers that handle a bad text themselves.
 *
 * @param text The text to parse.
 * @returns Milliseconds since the Unix epoch, or `undefined` when the text is not one of the forms.
 *
 * @example A text that is not an instant
 * ```ts
 * import { tryParseInstant } from "./time.ts";
 * import assert from "node:assert/strict";
 * assert.equal(tryParseInstant("17/01/2019"), undefined);
 * ```
 */
export function tryParseInstant(text: string): number | undefined {
  const date = _DATE.exec(text);
  if (date) return _fromParts(date[1]!, date[2]!, date[3]!, "0", "0", "0", undefined, 0);
  const m = _RFC3339.exec(text);
  if (!m) return undefined;
  let offset = 0;
  if (m[9] !== undefined) {
    const hours = Number(m[10]);
    const minutes = Number(m[11]);
    if (hours > 23 || minutes > 59) return undefined;
    offset = (m[9] === "-" ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  }
  return _fromParts(m[1]!, m[2]!, m[3]!, m[4]!, m[5]!, m[6]!, m[7], offset);
}

function _fromParts(
  y: string,
  mo: string,
  d: string,
  h: string,
  mi: string,
  s: string,
  frac: string | undefined,
  offset: number,
): number | undefined {
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > _daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = frac === undefined ? 0 : Number(frac.padEnd(3, "0").slice(0, 3));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime() - offset;
}

function _daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2
    ? (leap ? 29 : 28)
    : [31, 0, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/**
 * Formats an instant the way azof writes every timestamp: `YYYY-MM-DDTHH:mm:ss.sssZ` in UTC.
 *
 * @param ms Milliseconds since the Unix epoch.
 * @returns The RFC 3339 text.
 *
 * @example Format an instant
 * ```ts
 * import { formatInstant } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal(formatInstant(Date.UTC(2019, 0, 17)), "2019-01-17T00:00:00.000Z");
 * ```
 */
export function formatInstant(ms: number): string {
  if (!(Math.abs(ms) <= 8.64e15)) throw new RangeError(`Cannot format instant ${ms}: out of range`);
  if (!Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / 86_400_000);
  if (day !== _cachedDay) {
    const text = new Date(day * 86_400_000).toISOString();
    _cachedPrefix = text.slice(0, text.length - 13);
    _cachedDay = day;
  }
  const t = ms - day * 86_400_000;
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor(t / 60_000) % 60;
  const s = Math.floor(t / 1000) % 60;
  const f = t % 1000;
  return `${_cachedPrefix}${_TWO[h]}:${_TWO[m]}:${_TWO[s]}.${
    f < 10 ? "00" + f : f < 100 ? "0" + f : f
  }Z`;
}

/** The day (ms / 86,400,000, floored) whose `YYYY-MM-DDT` prefix is cached, for runs of close instants. */
let _cachedDay = NaN;
let _cachedPrefix = "";
const _TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
