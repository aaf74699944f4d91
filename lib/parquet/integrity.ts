/**
 * Integrity checks of a data file as the read path opens and decodes it (docs/SPEC.md section 5):
 * the footer checksum, the page CRCs of each column chunk before it is decoded, and decoded values
 * against the footer (value counts, nulls in REQUIRED columns). Each failure is an `AzofError`
 * `DataCorrupt` naming the file.
 *
 * @module
 */

import type { ColumnData } from "../columns/column_data.ts";
import { verifyFooter } from "./footer_crc.ts";
import { type ChunkRange, corrupt, crcPages, verifyPages } from "./page_crc.ts";
import { crc32, NATIVE_CRC_BYTES, nativeCrc32 } from "./crc32.ts";
import type { StoreTail } from "../store/store.ts";

/** Reads bytes `[start, end)` of the file. */
export type ReadRange = (start: number, end: number) => Promise<ArrayBuffer>;

const _MAGIC = 0x31524150;

/**
 * Checks the footer of a file whose tail ends in the Parquet magic: its length fits the file, and
 * its checksum (when it has one) matches. Files without the magic are left to the decoder, which
 * says they are not Parquet.
 *
 * @param tail The file's size and last bytes.
 * @param read Reads more of the file when the footer is longer than the tail.
 * @param file The file name, for messages.
 */
export async function checkFooter(tail: StoreTail, read: ReadRange, file: string): Promise<void> {
  const bytes = tail.bytes;
  const n = bytes.length;
  if (n < 8) return;
  const view = new DataView(bytes.buffer, bytes.byteOffset, n);
  if (view.getUint32(n - 4, true) !== _MAGIC) return;
  const length = view.getUint32(n - 8, true);
  if (length + 12 > tail.size) {
    throw corrupt(file, `footer length ${length} does not fit the file's ${tail.size} bytes`);
  }
  const footer = length + 8 <= n
    ? bytes
    : new Uint8Array(await read(tail.size - length - 8, tail.size));
  verifyFooter(footer, file);
}

/**
 * Checks the page CRCs of the pages about to be decoded: whole column chunks
 * (`chunkRanges()` of page_crc.ts) or runs of whole pages (lib/parquet/page_spans.ts).
 *
 * @param read Reads bytes of the file (a cached reader, so the decoder reads them again for free).
 * @param ranges Where the pages lie, one range per column.
 * @param file The file name, for messages.
 */
export async function checkPages(
  read: (start: number, end: number) => Promise<ArrayBuffer | Uint8Array>,
  ranges: readonly ChunkRange[],
  file: string,
): Promise<void> {
  const chunks = await Promise.all(
    ranges.map(async (range) => {
      if (range.end < range.start) throw corrupt(file, `column "${range.column}" has no bytes`);
      const read_ = await read(range.start, range.end);
      const bytes = read_ instanceof Uint8Array ? read_ : new Uint8Array(read_);
      return { range, pages: crcPages(bytes, file, range) };
    }),
  );
  let total = 0;
  for (const { pages } of chunks) for (const page of pages) total += page.bytes.length;
  if (total === 0) return;
  const crc = total >= NATIVE_CRC_BYTES ? await nativeCrc32() : crc32;
  for (const { range, pages } of chunks) verifyPages(pages, crc, file, range);
}

/**
 * Checks decoded columns against the footer: each has the row group's row count, and columns the
 * footer declares REQUIRED hold no null.
 *
 * @param decoded The decoded columns by name.
 * @param rows The row group's rows, as the footer says.
 * @param required Names of the REQUIRED columns.
 * @param file The file name, for messages.
 */
export function checkDecoded(
  decoded: ReadonlyMap<string, ColumnData>,
  rows: number,
  required: ReadonlySet<string>,
  file: string,
): void {
  for (const [name, data] of decoded) {
    const length = data.kind === "utf8" ? data.offsets.length - 1 : data.values.length;
    if (length !== rows) {
      throw corrupt(file, `column "${name}" decoded ${length} values, the footer says ${rows}`);
    }
    const row = required.has(name) ? data.nulls?.indexOf(1) ?? -1 : -1;
    if (row >= 0) throw corrupt(file, `column "${name}" is REQUIRED but row ${row} is null`);
  }
}
