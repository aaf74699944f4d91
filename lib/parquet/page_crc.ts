/**
 * Verifying the page CRCs of column chunks (Parquet's optional `PageHeader.crc`: CRC-32 of the page
 * bytes as stored). Pages without a CRC pass; a page whose CRC does not match, or whose header does
 * not parse or runs past its chunk, is an `AzofError` `DataCorrupt` naming the file.
 *
 * @module
 */

import type { ColumnChunk, FileMetaData } from "npm:hyparquet@1.31.5";
import { AzofError } from "../errors.ts";

/** Where a column chunk lies in its file. */
export interface ChunkRange {
  /** Row group index. */
  readonly rowGroup: number;
  /** Column name. */
  readonly column: string;
  /** First byte. */
  readonly start: number;
  /** Byte after the last. */
  readonly end: number;
}

/**
 * The byte ranges of the named columns' chunks in one row group.
 *
 * @param metadata The file's footer.
 * @param rowGroup The row group index.
 * @param columns Top-level column names.
 * @returns One range per chunk found.
 */
export function chunkRanges(
  metadata: FileMetaData,
  rowGroup: number,
  columns: Iterable<string>,
): ChunkRange[] {
  const wanted = new Set(columns);
  const out: ChunkRange[] = [];
  for (const chunk of metadata.row_groups[rowGroup]?.columns ?? []) {
    const column = chunk.meta_data?.path_in_schema[0];
    if (column === undefined || !wanted.has(column)) continue;
    const start = _start(chunk);
    out.push({
      rowGroup,
      column,
      start,
      end: start + Number(chunk.meta_data!.total_compressed_size),
    });
  }
  return out;
}

function _start(chunk: ColumnChunk): number {
  const m = chunk.meta_data!;
  const dictionary = m.dictionary_page_offset;
  return Number(dictionary !== undefined && dictionary > 0n ? dictionary : m.data_page_offset);
}

/** A page with a stored CRC. */
export interface CrcPage {
  /** The page's bytes as stored (after its header). */
  readonly bytes: Uint8Array;
  /** The CRC its header holds (signed 32-bit, as Thrift stores it). */
  readonly crc: number;
}

/**
 * Walks the pages of one column chunk, checking that each header parses and each page lies inside
 * the chunk, and returns the pages that carry a CRC (for the caller to check).
 *
 * @param bytes The chunk's bytes.
 * @param file The file name, for messages.
 * @param range Which chunk it is, for messages.
 * @returns The pages with a CRC.
 * @throws {AzofError} `DataCorrupt` on a page that does not parse or runs past the chunk.
 */
export function crcPages(bytes: Uint8Array, file: string, range: ChunkRange): CrcPage[] {
  const where = _where(range);
  const pages: CrcPage[] = [];
  let at = 0;
  while (at < bytes.length) {
    let header: _Header;
    try {
      header = _readHeader(bytes, at);
    } catch {
      throw corrupt(file, `page header at byte ${range.start + at} does not parse (${where})`);
    }
    const end = header.end + header.compressed;
    if (header.compressed < 0 || end > bytes.length) {
      throw corrupt(file, `page at byte ${range.start + at} runs past its column chunk (${where})`);
    }
    if (!header.known) {
      throw corrupt(
        file,
        `page at byte ${range.start + at} has a damaged data page header (${where})`,
      );
    }
    if (header.crc !== undefined) {
      pages.push({ bytes: bytes.subarray(header.end, end), crc: header.crc });
    }
    at = end;
  }
  return pages;
}

/**
 * Checks pages against their CRCs.
 *
 * @param pages The pages ({@linkcode crcPages}).
 * @param crc32 The CRC-32 function (unsigned results).
 * @param file The file name, for messages.
 * @param range Which chunk they belong to, for messages.
 * @throws {AzofError} `DataCorrupt` on a mismatch.
 */
export function verifyPages(
  pages: readonly CrcPage[],
  crc32: (bytes: Uint8Array) => number,
  file: string,
  range: ChunkRange,
): void {
  for (const page of pages) {
    if ((crc32(page.bytes) | 0) !== page.crc) {
      throw corrupt(file, `CRC mismatch (${_where(range)})`);
    }
  }
}

function _where(range: ChunkRange): string {
  return `column "${range.column}", row group ${range.rowGroup}`;
}

/**
 * The error for a damaged data file.
 *
 * @param file The file name.
 * @param what What is wrong.
 * @returns `AzofError` `DataCorrupt`: `corrupt page in data/x.parquet: CRC mismatch`.
 */
export function corrupt(file: string, what: string): AzofError {
  const kind = what.startsWith("footer") ? "corrupt footer in" : "corrupt page in";
  return new AzofError("DataCorrupt", `${kind} ${file}: ${what}`);
}

interface _Header {
  compressed: number;
  crc: number | undefined;
  /** Whether a v1 data page header (if any) is complete and names Parquet's encodings. */
  known: boolean;
  /** Where the page bytes start. */
  end: number;
}

/** The sizes and CRC of a Thrift compact `PageHeader` at `at`; other fields are skipped. */
function _readHeader(bytes: Uint8Array, at: number): _Header {
  const r = new _Reader(bytes, at);
  let compressed = -1;
  let crc: number | undefined;
  let known = true;
  r.fields((id, type) => {
    if ((id === 3 || id === 4) && type === 5) {
      const v = r.zigzag();
      if (id === 3) compressed = v;
      else crc = v;
    } else if (id === 5 && type === 12) known = _knownEncodings(r);
    else r.skip(type);
  });
  return { compressed, crc, known, end: r.at };
}

/** Parquet's encodings of values (`PLAIN` ... `BYTE_STREAM_SPLIT`) and of levels (`RLE`, `BIT_PACKED`). */
const _VALUE_ENCODINGS = new Set([0, 2, 3, 4, 5, 6, 7, 8, 9]);
const _LEVEL_ENCODINGS = new Set([3, 4]);

/**
 * Reads a `DataPageHeader` (v1): whether it has its four required fields (value count, encodings
 * of the values and levels) and names encodings Parquet defines. A damaged one fails here rather
 * than in a decoder that may not handle it.
 */
function _knownEncodings(r: _Reader): boolean {
  let known = true;
  let required = 0;
  r.fields((id, type) => {
    if (id >= 1 && id <= 4 && type === 5) {
      const v = r.zigzag();
      required |= 1 << id;
      if (id > 1) known &&= (id === 2 ? _VALUE_ENCODINGS : _LEVEL_ENCODINGS).has(v);
    } else r.skip(type);
  });
  return known && required === 0b11110;
}

class _Reader {
  readonly bytes: Uint8Array;
  at: number;

  constructor(bytes: Uint8Array, at: number) {
    this.bytes = bytes;
    this.at = at;
  }

  byte(): number {
    if (this.at >= this.bytes.length) throw new RangeError("past the end");
    return this.bytes[this.at++]!;
  }

  varint(): number {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      v += (b & 127) * 2 ** shift;
      if (b < 128) return v;
      shift += 7;
      if (shift > 63) throw new RangeError("varint too long");
    }
  }

  /** Reads a struct's fields up to its stop byte, handing each field's id and type to `read`. */
  fields(read: (id: number, type: number) => void): void {
    let id = 0;
    for (;;) {
      const head = this.byte();
      if (head === 0) return;
      id = head >> 4 ? id + (head >> 4) : this.zigzag();
      read(id, head & 15);
    }
  }

  zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  skip(type: number): void {
    switch (type) {
      case 1:
      case 2:
        return;
      case 3:
        this.at += 1;
        return;
      case 4:
      case 5:
      case 6:
        this.varint();
        return;
      case 7:
        this.at += 8;
        return;
      case 8: {
        const length = this.varint();
        this.at += length;
        return;
      }
      case 9:
      case 10:
        return this.#list();
      case 12:
        return this.#struct();
      default:
        throw new RangeError(`unknown Thrift type ${type}`);
    }
  }

  #list(): void {
    const head = this.byte();
    const size = head >> 4 === 15 ? this.varint() : head >> 4;
    for (let i = 0; i < size; i++) this.skip(head & 15);
  }

  #struct(): void {
    for (;;) {
      const head = this.byte();
      if (head === 0) return;
      if (head >> 4 === 0) this.zigzag();
      this.skip(head & 15);
    }
  }
}
