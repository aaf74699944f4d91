/**
 * Resolution by merging (docs/SPEC.md §5.6, §7): the planned files, all in key order, are read as
 * sorted streams, a few pages at a time each (a row group where there is no page index), and each
 * key's winner is emitted as soon as every stream has passed the key. Memory holds, per file, the
 * pages being merged and those fetched ahead (the files share one read cache), and one output
 * batch, whatever the number of keys; the answer comes out in key order without a sort.
 *
 * @module
 */

import { type ColumnData, compareKeyRows, type Utf8Data } from "../columns/column_data.ts";
import type { DataFile, DecodedRowGroup } from "../parquet/data_file.ts";
import type { PageSpan } from "../parquet/page_spans.ts";
import { decodeWorkerFor } from "../parquet/decode_worker_client.ts";
import type { KeyFilter } from "./key_filter.ts";
import { EVENT_TIME, KEY } from "../format/schema.ts";
import type { BatchColumn, RowBatch } from "./batch.ts";
import { MergeBatch } from "./merge_batch.ts";

/** Options of {@linkcode mergeResolve}. */
export interface MergeOptions {
  /** The instant; rows with a later `event_time` are ignored. Omitted for the current state. */
  readonly asOf?: number | undefined;
  /** Stop after this many rows. */
  readonly limit?: number | undefined;
  /** Output only the keys it selects, and skip row groups that cannot hold one. */
  readonly filter?: KeyFilter | undefined;
  /** Rows per batch. */
  readonly batchSize: number;
  /**
   * Bytes per string column of a batch at most (a batch ends early to keep within it);
   * 2 GiB - 1 (what Arrow's 32-bit offsets address) by default.
   */
  readonly batchBytes?: number | undefined;
  /**
   * Bytes each file may fetch ahead at once: the next row group whole while it fits, else the next
   * pages; by default the file's own limit (`PREFETCH_MAX_BYTES` in lib/parquet/data_file.ts).
   */
  readonly aheadBytes?: number | undefined;
  /** Called after each row group is read, with the files passed so far and the rows read. */
  readonly onProgress?: ((filesDone: number, rowsRead: number) => void) | undefined;
}

/**
 * Merges key-ordered files (in read order: an earlier file wins a tie of `event_time`) into the
 * as-of answer, in key order.
 *
 * @param files The opened files in read order; each must declare key order.
 * @param columns The output columns (`key`, `event_time` and schema columns), in output order.
 * @param options Instant, limit, batch size and progress.
 * @returns The winners, batch by batch.
 */
export async function* mergeResolve(
  files: readonly DataFile[],
  columns: readonly Omit<BatchColumn, "values">[],
  options: MergeOptions,
): AsyncGenerator<RowBatch> {
  const asOf = options.asOf ?? Infinity;
  const read = columns.map((c) => c.name).filter((c) => c !== KEY && c !== EVENT_TIME);
  let rowsRead = 0;
  let filesDone = 0;
  const loaded = (group: DecodedRowGroup | undefined) => {
    if (group) rowsRead += group.rows;
    else filesDone++;
    options.onProgress?.(filesDone, rowsRead);
  };
  const names = columns.map((c) => c.name);
  const filter = options.filter;
  const limit = options.limit ?? Infinity;
  const selective = filter !== undefined || limit < Infinity;
  // Whole row groups are decoded on a second thread, ahead, when the files are big enough.
  using decoding = decodeWorkerFor(files, !selective);
  const skip = {
    asOf,
    filter,
    selective,
    paged: selective || decoding === undefined,
    aheadBytes: options.aheadBytes,
  };
  const streams = files.map((file, rank) => new _Stream(file, rank, read, names, skip, loaded));
  // One file after another: decoding them all at once would grow the decoder's memory for good.
  let active: _Stream[] = [];
  for (const stream of streams) if (await stream.next()) active.push(stream);
  const out = new MergeBatch(columns, options.batchBytes);
  let emitted = 0;
  while (active.length > 0 && emitted < limit) {
    let min = active[0]!;
    for (let i = 1; i < active.length; i++) if (active[i]!.compare(min) < 0) min = active[i]!;
    const ref = min.group!;
    const refRow = min.row;
    let winner: _Stream | undefined;
    let winGroup: _Group | undefined;
    let winRow = -1;
    let winTime = -Infinity;
    let ended = false;
    for (let s = 0; s < active.length; s++) {
      const stream = active[s]!;
      if (!stream.equals(ref, refRow)) continue;
      do {
        const group = stream.group!;
        const t = group.data.eventTime[stream.row]!;
        // Files come in read order, rows of a key in time order: a later row of the same file
        // at the same time, or a row of a later file at a later time, takes over.
        if (t <= asOf && (t > winTime || (t === winTime && stream === winner))) {
          winner = stream;
          winGroup = group;
          winRow = stream.row;
          winTime = t;
        }
      } while (
        stream.step()
          ? stream.equals(ref, refRow)
          : await stream.next() && stream.equals(ref, refRow)
      );
      if (stream.group === undefined) ended = true;
    }
    if (ended) active = active.filter((s) => s.group !== undefined);
    if (winGroup === undefined || winGroup.data.deleted?.[winRow] === 1) continue;
    const { offsets, bytes } = winGroup.data.key;
    if (filter && !filter.matches(bytes, offsets[winRow]!, offsets[winRow + 1]!)) continue;
    out.push(winGroup, winRow);
    emitted++;
    if (out.rows === options.batchSize) yield await out.take();
  }
  while (out.rows > 0) yield await out.take();
}

/**
 * A row group with its keys, times and deletions decoded, and its keys' 6-byte prefixes (to compare
 * keys without a byte loop; NaN until computed). Its other columns are decoded when a winner of it is first output, so
 * a row group the answer takes nothing from (beyond `--limit`, or shadowed by later files) costs
 * only those three columns.
 */
class _Group {
  readonly data: DecodedRowGroup;
  readonly prefix: Float64Array;
  /** The output columns' data, in output order (`event_time` as Float64 data), once loaded. */
  columns: readonly ColumnData[] = [];
  readonly #outputs: readonly string[];
  readonly #read: () => Promise<ReadonlyMap<string, ColumnData>>;
  #loading: Promise<void> | undefined;

  constructor(
    data: DecodedRowGroup,
    prefix: Float64Array,
    outputs: readonly string[],
    read: () => Promise<ReadonlyMap<string, ColumnData>>,
  ) {
    this.data = data;
    this.prefix = prefix;
    this.#outputs = outputs;
    this.#read = read;
  }

  /** Decodes the output columns (once). */
  load(): Promise<void> {
    this.#loading ??= this.#read().then((values) => {
      this.columns = this.#outputs.map((name): ColumnData =>
        name === KEY
          ? this.data.key
          : name === EVENT_TIME
          ? { kind: "f64", values: this.data.eventTime }
          : values.get(name)!
      );
    });
    return this.#loading;
  }
}

/** A row group, or one page of it (`span`), read as one piece of a stream. */
type _Unit = { readonly index: number; readonly span?: PageSpan | undefined };

/**
 * How a stream skips row groups and pages, and what it decodes: `paged`, page by page where the
 * page index allows; `selective` (a key selection or a limit), a page's `key` first and its other
 * columns only once a winner of it is output.
 */
type _Skip = {
  readonly asOf: number;
  readonly filter?: KeyFilter | undefined;
  readonly selective: boolean;
  readonly paged: boolean;
  /** See {@linkcode MergeOptions.aheadBytes}. */
  readonly aheadBytes: number | undefined;
};

/**
 * One file read page by page where the page index allows (else row group by row group), skipping
 * row groups whose rows are all after the instant and row groups or pages whose keys the selection
 * excludes. A whole scan decodes a few pages at a time ({@linkcode _SPAN_ROWS} rows) with every
 * column at once, and fetches what comes next while it merges them: the next row group
 * whole when it fits in `aheadBytes`, else the next pages. A file holds a few pages' bytes and a
 * few decoded pages at a time, so that memory grows little with the number of files merged.
 */
class _Stream {
  readonly rank: number;
  group: _Group | undefined;
  row = 0;
  readonly #file: DataFile;
  readonly #columns: readonly string[];
  readonly #outputs: readonly string[];
  readonly #groups: number[];
  readonly #loaded: (group: DecodedRowGroup | undefined) => void;
  readonly #filter: KeyFilter | undefined;
  readonly #selective: boolean;
  readonly #paged: boolean;
  readonly #aheadBytes: number | undefined;
  #units: _Unit[] = [];
  #next = 0;

  constructor(
    file: DataFile,
    rank: number,
    columns: readonly string[],
    outputs: readonly string[],
    skip: _Skip,
    loaded: (group: DecodedRowGroup | undefined) => void,
  ) {
    this.#file = file;
    this.rank = rank;
    this.#columns = columns;
    this.#outputs = outputs;
    this.#loaded = loaded;
    this.#filter = skip.filter;
    this.#selective = skip.selective;
    this.#paged = skip.paged;
    this.#aheadBytes = skip.aheadBytes;
    this.#groups = file.rowGroups.flatMap((g, i) =>
      (g.minEventTime !== undefined && g.minEventTime > skip.asOf) ||
        (skip.filter && !skip.filter.mayHold(g.minKey, g.maxKey))
        ? []
        : [i]
    );
  }

  /** Loads the next non-empty row group or page; `false` (and no group) at the end of the file. */
  async next(): Promise<boolean> {
    this.group = undefined;
    for (let unit = await this.#unit(); unit; unit = await this.#unit()) {
      const { index, span } = unit;
      if (this.#filter && !_selects(this.#filter, await this.#keys(unit))) continue;
      const all = !this.#selective;
      const data = await this.#file.readRowGroup(index, all ? this.#columns : [], span);
      if (all) await this.#ahead();
      this.#loaded(data);
      if (data.rows === 0) continue;
      const prefix = new Float64Array(data.rows).fill(NaN);
      this.group = new _Group(
        data,
        prefix,
        this.#outputs,
        () =>
          all || this.#columns.length === 0
            ? Promise.resolve(data.columns)
            : this.#file.readColumns(index, this.#columns, span),
      );
      this.row = 0;
      return true;
    }
    this.#loaded(undefined);
    return false;
  }

  /** The next row group or page to read, if any. */
  async #unit(): Promise<_Unit | undefined> {
    await this.#fill();
    return this.#units.shift();
  }

  /** Makes the next unit known, if there is one: the pages of the next row group once needed. */
  async #fill(): Promise<void> {
    while (this.#units.length === 0 && this.#next < this.#groups.length) {
      const index = this.#groups[this.#next++]!;
      const pages = this.#paged ? await this.#file.pages(index) : undefined;
      const filter = this.#filter;
      this.#units = pages === undefined
        ? [{ index }]
        : this.#selective
        ? pages.flatMap((page, i) =>
          filter && !filter.mayHold(page.minKey, page.maxKey)
            ? []
            : [{ index, span: { from: i, to: i + 1 } }]
        )
        : _spans(index, pages);
    }
  }

  /**
   * Starts fetching what the stream reads next while the unit just read is merged: the next row
   * group whole when it starts one and fits in `aheadBytes`, else the next pages.
   */
  async #ahead(): Promise<void> {
    const starts = this.#units.length === 0;
    await this.#fill();
    const unit = this.#units[0];
    if (unit === undefined) return;
    const whole = starts &&
      this.#file.prefetch(unit.index, this.#columns, { maxBytes: this.#aheadBytes });
    if (!whole && unit.span) this.#file.prefetch(unit.index, this.#columns, { span: unit.span });
  }

  async #keys(unit: _Unit): Promise<Utf8Data> {
    return (await this.#file.readColumns(unit.index, [KEY], unit.span)).get(KEY) as Utf8Data;
  }

  /** Moves to the next row of the group; `false` when the group is used up. */
  step(): boolean {
    return ++this.row < this.group!.data.rows;
  }

  /** Compares the current keys of two streams. */
  compare(other: _Stream): number {
    return _compare(this.group!, this.row, other.group!, other.row);
  }

  /** Whether the current row has the key of row `row` of `group`. */
  equals(group: _Group, row: number): boolean {
    return _compare(this.group!, this.row, group, row) === 0;
  }
}

/**
 * Rows a whole scan decodes at a time from each file (in whole pages) where the page index allows:
 * fewer would hold less at once but cost more per row (one page of 8,192 rows a file: 17% more time
 * on 12 files, 35 MiB less; docs/BENCHMARKS.md, "Memory, young generation and hash path").
 */
const _SPAN_ROWS = 16_384;

/** The pages of a row group in runs of at least {@linkcode _SPAN_ROWS} rows (the last may have fewer). */
function _spans(index: number, pages: readonly { readonly rows: number }[]): _Unit[] {
  const units: _Unit[] = [];
  let from = 0;
  let rows = 0;
  pages.forEach((page, i) => {
    rows += page.rows;
    if (rows < _SPAN_ROWS && i < pages.length - 1) return;
    units.push({ index, span: { from, to: i + 1 } });
    from = i + 1;
    rows = 0;
  });
  return units;
}

/**
 * The first 6 bytes of key `r` as a number (0-padded), which orders like the bytes; computed when
 * first compared, so that rows a limited scan never reaches cost nothing.
 */
function _prefix(group: _Group, r: number): number {
  const { offsets, bytes } = group.data.key;
  const start = offsets[r]!;
  const end = offsets[r + 1]!;
  let p = 0;
  for (let k = start; k < start + 6; k++) p = p * 256 + (k < end ? bytes[k]! : 0);
  group.prefix[r] = p;
  return p;
}

/**
 * Whether the filter selects one of the keys: a row group whose statistics let a selected key in
 * may still hold none, and then its other columns are not decoded.
 */
function _selects(filter: KeyFilter, keys: Utf8Data): boolean {
  const { offsets, bytes } = keys;
  for (let r = 0; r + 1 < offsets.length; r++) {
    if (filter.matches(bytes, offsets[r]!, offsets[r + 1]!)) return true;
  }
  return false;
}

function _compare(a: _Group, i: number, b: _Group, j: number): number {
  let pa = a.prefix[i]!;
  let pb = b.prefix[j]!;
  if (pa !== pa) pa = _prefix(a, i);
  if (pb !== pb) pb = _prefix(b, j);
  if (pa !== pb) return pa < pb ? -1 : 1;
  return compareKeyRows(a.data.key, i, b.data.key, j);
}
