/**
 * A streaming RFC 4180 record reader over text: fields separated by `,`, records by `\n` or `\r\n`,
 * fields quoted with `"` (a doubled `""` inside is one quote; quoted fields may hold separators and
 * line breaks). An unquoted empty field reads as `null`, a quoted one (`""`) as the empty string.
 * Empty lines are skipped. Errors name the line where the bad record starts.
 *
 * @module
 */

import { inputError } from "./row.ts";
import { checkLineLengths, MAX_RECORD_BYTES, tooLong } from "./record_limit.ts";
import { invalidUtf8At, invalidUtf8Text, strictDecoder } from "./utf8.ts";

/** Receives one record (reused for the next record: copy what you keep) and its line. */
export type RecordSink = (record: CsvRecord, line: number) => void;

/**
 * One record, as offsets into the text it was read from, so that a field is cut out (or converted
 * where it lies) only when needed.
 */
export class CsvRecord {
  /** The text the offsets index. */
  text = "";
  /**
   * The same text as ASCII bytes at the same offsets, when the record was split on bytes (see
   * {@linkcode CsvRecordReader.feedBytes}); else `undefined`.
   */
  bytes: Uint8Array | undefined = undefined;
  /** Number of fields. */
  count = 0;
  /** Where each field starts in {@linkcode CsvRecord.text}. */
  starts: Int32Array = new Int32Array(16);
  /** Where each field ends (exclusive); an unquoted field with `start === end` is null. */
  ends: Int32Array = new Int32Array(16);
  /** A quoted field's value (quotes removed, `""` made `"`), or `undefined` for an unquoted one. */
  readonly quoted: (string | undefined)[] = [];

  /**
   * A field's value.
   *
   * @param i The field index.
   * @returns The text, or `null` for an unquoted empty field.
   */
  field(i: number): string | null {
    const q = this.quoted[i];
    if (q !== undefined) return q;
    const from = this.starts[i]!;
    const to = this.ends[i]!;
    return from === to ? null : this.text.slice(from, to);
  }

  /**
   * Every field's value.
   *
   * @returns The values.
   */
  fields(): (string | null)[] {
    return Array.from({ length: this.count }, (_, i) => this.field(i));
  }

  /** Appends a field. */
  push(from: number, to: number, quoted: string | undefined): void {
    const i = this.count++;
    if (i === this.starts.length) {
      const starts = new Int32Array(i * 2);
      const ends = new Int32Array(i * 2);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.starts[i] = from;
    this.ends[i] = to;
    this.quoted[i] = quoted;
  }
}

/** Options of {@linkcode CsvRecordReader}. */
export interface CsvRecordOptions {
  /**
   * The column names once known (the header), so that an invalid UTF-8 byte is named by its column;
   * before that, by its field number.
   */
  readonly names?: () => readonly string[] | undefined;
  /** The most bytes one line or record may hold, for {@linkcode CsvRecordReader.feedBytes}. */
  readonly maxRecordBytes?: number | undefined;
}

const _QUOTE = 34;
const _COMMA = 44;
const _LF = 10;
const _CR = 13;

/**
 * Splits CSV text into records, fed in pieces of any size (a record may span pieces).
 *
 * @example Read records with quotes and a null
 * ```ts
 * import { CsvRecordReader } from "./csv_records.ts";
 * import assert from "node:assert/strict";
 * const out: (string | null)[][] = [];
 * const reader = new CsvRecordReader();
 * reader.feed('a,"x, ""y""",\r\nb,"', false, (r) => out.push(r.fields()));
 * reader.feed('",z', true, (r) => out.push(r.fields()));
 * assert.deepEqual(out, [["a", 'x, "y"', null], ["b", "", "z"]]);
 * ```
 */
export class CsvRecordReader {
  #rest = "";
  #line = 1;
  readonly #record: CsvRecord = new CsvRecord();
  #bytes: Uint8Array = new Uint8Array(0);
  #started = false;
  readonly #names: () => readonly string[] | undefined;
  readonly #limit: number;

  /**
   * @param options The column names and the bound on one record.
   */
  constructor(options: CsvRecordOptions = {}) {
    this.#names = options.names ?? (() => undefined);
    this.#limit = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  }

  /**
   * Like {@linkcode CsvRecordReader.feed}, over UTF-8 bytes (a leading byte order mark is skipped;
   * invalid UTF-8 is refused, naming its line and column, and so is a line or record longer than
   * {@linkcode CsvRecordOptions.maxRecordBytes}, as soon as it is seen).
   * Pieces of plain ASCII records (no quote, no `\r` but before `\n`) are split on bytes, where
   * the field offsets are those of the decoded text; the rest goes through `feed`. Do not mix the two
   * on one reader.
   *
   * @param bytes The next piece of the input.
   * @param final Whether this is the last piece.
   * @param sink Called per record.
   * @throws {AzofError} `InputInvalid` as `feed` does, or for invalid UTF-8.
   *
   * @example Read records from bytes split anywhere
   * ```ts
   * import { CsvRecordReader } from "./csv_records.ts";
   * import assert from "node:assert/strict";
   * const out: (string | null)[][] = [];
   * const reader = new CsvRecordReader();
   * const bytes = new TextEncoder().encode('\ufeffa,1\nb,"x\ny"\n\nc,\n');
   * reader.feedBytes(bytes.subarray(0, 9), false, (r) => out.push(r.fields()));
   * reader.feedBytes(bytes.subarray(9), true, (r) => out.push(r.fields()));
   * assert.deepEqual(out, [["a", "1"], ["b", "x\ny"], ["c", null]]);
   * ```
   */
  feedBytes(bytes: Uint8Array, final: boolean, sink: RecordSink): void {
    let buf = bytes;
    if (this.#bytes.length > 0) {
      buf = new Uint8Array(this.#bytes.length + bytes.length);
      buf.set(this.#bytes);
      buf.set(bytes, this.#bytes.length);
    }
    if (!this.#started) {
      if (buf.length < 3 && !final) {
        this.#bytes = buf.slice();
        return;
      }
      this.#started = true;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    checkLineLengths(buf, this.#line, this.#limit);
    const lines = buf.lastIndexOf(_LF) + 1;
    const end = final ? buf.length : lines;
    const done = this.#splitAscii(buf, lines, sink);
    if (done === end && !final) {
      this.#bytes = buf.slice(end);
      return;
    }
    this.feed(this.#decode(buf, done, end, sink), final, sink);
    const rest = this.#rest;
    this.#rest = "";
    const tail = buf.subarray(end);
    this.#bytes = rest === "" ? tail.slice() : _concat(new TextEncoder().encode(rest), tail);
    if (this.#bytes.length > this.#limit) tooLong(`line ${this.#line}`, "record", this.#limit);
  }

  /**
   * Reads the records of `b[0, end)` (which ends with a line break) while they are ASCII without
   * quotes or a lone `\r`; returns where it stopped (the start of the first record it left).
   */
  #splitAscii(b: Uint8Array, end: number, sink: RecordSink): number {
    let text: string;
    try {
      text = strictDecoder.decode(b.subarray(0, end));
    } catch {
      return 0;
    }
    if (text.length !== end) return 0;
    const record = this.#record;
    record.text = text;
    record.bytes = b;
    let pos = 0;
    while (pos < end) {
      const c0 = b[pos]!;
      if (c0 === _LF || (c0 === _CR && b[pos + 1] === _LF)) {
        pos += c0 === _LF ? 1 : 2;
        this.#line++;
        continue;
      }
      record.count = 0;
      let from = pos;
      let i = pos;
      for (;; i++) {
        const c = b[i]!;
        if (c === _COMMA) {
          record.push(from, i, undefined);
          from = i + 1;
        } else if (c === _LF) break;
        else if (c === _QUOTE || (c === _CR && b[i + 1] !== _LF)) return pos;
      }
      record.push(from, i > from && b[i - 1] === _CR ? i - 1 : i, undefined);
      sink(record, this.#line++);
      pos = i + 1;
    }
    return pos;
  }

  /**
   * Decodes `b[from, to)`; at an invalid byte, reads the records before it and fails naming the line
   * and column where it lies.
   */
  #decode(b: Uint8Array, from: number, to: number, sink: RecordSink): string {
    try {
      return strictDecoder.decode(b.subarray(from, to));
    } catch {
      const at = Math.max(from, invalidUtf8At(b, from, to));
      this.feed(strictDecoder.decode(b.subarray(from, at)), false, sink);
      const rest = this.#rest;
      let field = 0;
      let lines = 0;
      let quoted = false;
      for (let i = 0; i < rest.length; i++) {
        const c = rest.charCodeAt(i);
        if (c === _QUOTE) quoted = !quoted;
        else if (c === _COMMA && !quoted) field++;
        else if (c === _LF) lines++;
      }
      const names = this.#names();
      const line = this.#line + lines;
      const where = names === undefined ? `header line ${line}` : `line ${line}`;
      const column = names?.[field] === undefined
        ? `field ${field + 1}`
        : `column "${names[field]}"`;
      inputError(where, `${column}: ${invalidUtf8Text(b, at)}`);
    }
  }

  /**
   * Reads the complete records of the text fed so far plus `text`; keeps an incomplete last record
   * for the next call unless `final`.
   *
   * @param text The next piece of the input.
   * @param final Whether this is the last piece (the input may end without a line break).
   * @param sink Called per record.
   * @throws {AzofError} `InputInvalid` for an unterminated quoted field or a stray quote.
   */
  feed(text: string, final: boolean, sink: RecordSink): void {
    const s = this.#rest === "" ? text : this.#rest + text;
    const n = s.length;
    let pos = 0;
    while (pos < n) {
      const line = this.#line;
      const end = this.#read(s, pos, final);
      if (end < 0) {
        this.#rest = s.slice(pos);
        this.#line = line;
        return;
      }
      const r = this.#record;
      const blank = r.count === 1 && r.quoted[0] === undefined && r.starts[0] === r.ends[0];
      if (!(blank && end - pos <= 2)) sink(r, line);
      pos = end;
    }
    this.#rest = "";
  }

  /** Parses the record at `pos` into #record; returns the position after it, or -1 if incomplete. */
  #read(s: string, pos: number, final: boolean): number {
    const record = this.#record;
    record.text = s;
    record.bytes = undefined;
    record.count = 0;
    const start = this.#line;
    let lines = 0;
    const n = s.length;
    for (;;) {
      if (pos < n && s.charCodeAt(pos) === _QUOTE) {
        let value = "";
        let from = pos + 1;
        for (;;) {
          const q = s.indexOf('"', from);
          if (q < 0 || (q + 1 >= n && !final)) {
            if (final) inputError(`line ${start}`, "malformed CSV: a quoted field is not closed");
            return -1;
          }
          for (let i = s.indexOf("\n", from); i >= 0 && i < q; i = s.indexOf("\n", i + 1)) lines++;
          if (s.charCodeAt(q + 1) === _QUOTE) {
            value += s.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += s.slice(from, q);
          pos = q + 1;
          break;
        }
        record.push(0, 0, value);
        const c = pos < n ? s.charCodeAt(pos) : -1;
        if (c === _CR && pos + 1 >= n && !final) return -1;
        const crlf = c === _CR && (pos + 1 >= n || s.charCodeAt(pos + 1) === _LF);
        if (c !== _COMMA && c !== _LF && c !== -1 && !crlf) {
          inputError(
            `line ${start + lines}`,
            `malformed CSV: unexpected ${JSON.stringify(s[pos])} after a closing quote`,
          );
        }
      } else {
        let i = pos;
        let c = -1;
        while (i < n) {
          c = s.charCodeAt(i);
          if (c === _COMMA || c === _LF) break;
          if (c === _QUOTE) {
            inputError(
              `line ${start + lines}`,
              `malformed CSV: a quote inside an unquoted field (quote the whole field)`,
            );
          }
          i++;
        }
        if (i >= n) {
          if (!final) return -1;
          c = -1;
        }
        const stop = c === _LF && i > pos && s.charCodeAt(i - 1) === _CR ? i - 1 : i;
        record.push(pos, stop, undefined);
        pos = i;
      }
      if (pos >= n) break;
      const c = s.charCodeAt(pos);
      if (c === _COMMA) {
        pos++;
        if (pos >= n && !final) return -1;
        continue;
      }
      if (c === _CR) pos++;
      pos++;
      lines++;
      break;
    }
    this.#line = start + lines;
    return Math.min(pos, n);
  }
}

function _concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
