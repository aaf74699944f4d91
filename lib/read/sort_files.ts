/**
 * The sort phase of a scan through sorted runs, on two threads: the files of a plan that are not
 * key-ordered are cut into blocks (sort_runs.ts's `runBlocks`), and while the calling thread sorts
 * one block into runs, a worker (sort_worker_client.ts) sorts another. The calling thread reads
 * every byte through the table's store (local or S3) and writes every run into the scan's folder,
 * so the worker needs neither; blocks are handed out in plan order to whichever thread is free (the
 * worker gets its next one ahead, so that it waits for no I/O), and each file's runs stand in block
 * order whichever thread sorted them: the runs, and so the answer, are those of one thread.
 *
 * @module
 */

import type { FileMetaData } from "npm:hyparquet@1.31.5";
// hyparquet's modules, not its entry point, which loads node:fs.
import { parquetMetadataAsync } from "npm:hyparquet@1.31.5/src/metadata.js";
import { type Column, DELETED, EVENT_TIME, KEY, type Schema } from "../format/schema.ts";
import type { Table } from "../format/table.ts";
import { FOOTER_BYTES } from "../store/ranged.ts";
import { readTail } from "../store/store.ts";
import type { DataFile, Decoder } from "../parquet/data_file.ts";
import { chunkRanges } from "../parquet/page_crc.ts";
import { readChunks } from "../parquet/chunk_reads.ts";
import { type Piece, PieceBuffer } from "../parquet/piece_buffer.ts";
import type { KeyFilter } from "./key_filter.ts";
import { runBlocks, type RunOptions, runSchema, sortBlock, type SpillDir } from "./sort_runs.ts";
import { type SortRequest, SortWorker } from "./sort_worker_client.ts";

/** Threads that sort files into runs unless told otherwise (`ScanOptions.sortThreads`). */
export const SORT_THREADS = 2;

/** Options of {@linkcode sortedStreams}. */
export interface SortFilesOptions {
  /** The table whose files are sorted (its store reads their bytes). */
  readonly table: Table;
  /** The schema the files are read with. */
  readonly schema: Schema;
  /** The value columns to carry. */
  readonly columns: readonly Column[];
  /** Rows with a later `event_time` are left out. */
  readonly asOf: number;
  /** The key selection, and its keys and prefixes for the worker. */
  readonly filter: KeyFilter | undefined;
  readonly keys: SortRequest["keys"];
  /** The most rows in one run. */
  readonly budgetRows: number;
  /** 1: sort on the calling thread only; 2 or more: with a worker too. */
  readonly threads: number;
  /** The decoder of the scan. */
  readonly decoder: Decoder;
  /** The row groups of a file the scan reads. */
  readonly groupsOf: (file: DataFile) => number[];
  /** Opens a run once written. */
  readonly open: (table: Table, file: string, schema: Schema) => Promise<DataFile>;
  /** Called with rows of a file read (the plan position of the file). */
  readonly onRows: (file: number, rows: number) => void;
}

/**
 * The streams of a merge: key-ordered files as they are, each other file replaced by its sorted
 * runs, latest first, so that a tie of `event_time` between runs goes to the later rows of the
 * file, as it does within a file (the merge gives a tie to the earlier stream).
 *
 * @param files The plan's files, opened, in read order.
 * @param dir The scan's folder of runs.
 * @param options What to carry, budget, threads.
 * @returns The streams to merge.
 * @throws {AzofError} What reading a file threw (the first file's in plan order when several fail).
 */
export async function sortedStreams(
  files: readonly DataFile[],
  dir: SpillDir,
  options: SortFilesOptions,
): Promise<DataFile[]> {
  const blocks = files.flatMap((file, index) =>
    file.keyOrdered ? [] : runBlocks(file, options.groupsOf(file), options.budgetRows)
      .map((groups): _Block => ({ index, file, groups, runs: [] }))
  );
  await _sortBlocks(blocks, dir, options);
  return files.flatMap((file, index) =>
    file.keyOrdered
      ? [file]
      : blocks.filter((b) => b.index === index).flatMap((b) => b.runs).reverse()
  );
}

interface _Block {
  /** The file's position in the plan. */
  readonly index: number;
  readonly file: DataFile;
  readonly groups: readonly number[];
  /** Its runs once sorted, in file order. */
  readonly runs: DataFile[];
}

/** A file's footer, for the column chunks of its blocks, and its bytes, for the worker. */
interface _Footer {
  readonly metadata: FileMetaData;
  readonly tail: Piece;
}

/**
 * Sorts every block into runs, the calling thread and the worker taking the next block in turn.
 * A failure stops the handing out; the threads finish the blocks they hold before it is thrown,
 * so that nothing writes into the folder after the scan removes it.
 */
async function _sortBlocks(blocks: readonly _Block[], dir: SpillDir, options: SortFilesOptions) {
  const worker = blocks.length > 1 && options.threads > 1 ? SortWorker.start() : undefined;
  const failures: { at: number; error: unknown }[] = [];
  let next = 0;
  const take = () => failures.length > 0 ? undefined : blocks[next++];
  const schema = runSchema(options.columns);
  const keep = async (block: _Block, runs: readonly Uint8Array[]) => {
    for (const bytes of runs) {
      const name = dir.name();
      await dir.table.store.put(dir.table.key(name), bytes);
      block.runs.push(await options.open(dir.table, name, schema));
    }
  };
  const here = async (block: _Block) => {
    const { columns, asOf, filter, budgetRows } = options;
    const onRows = (rows: number) => options.onRows(block.index, rows);
    const run: RunOptions = { columns, asOf, filter, budgetRows, onRows };
    await keep(block, await sortBlock(block.file, block.groups, run));
  };
  const footers = new Map<DataFile, Promise<_Footer>>();
  // Once this thread has no block left, it takes back those the worker has not started.
  let idle = false;
  const there = async (block: _Block) => {
    const request = await _request(block, footers, options).catch(() => undefined);
    const key = options.table.key(block.file.file);
    const runs = request && !idle &&
      await worker!.sort(request, (start, end) => options.table.store.read(key, start, end));
    // Taken back, the worker is gone, or the bytes could not be read for it: here.
    if (!runs) return failures.length > 0 ? undefined : await here(block);
    options.onRows(
      block.index,
      block.groups.reduce((n, g) => n + block.file.rowGroups[g]!.rows, 0),
    );
    await keep(block, runs);
  };
  const lane = async (sort: (block: _Block) => Promise<void>) => {
    for (let block = take(); block; block = take()) {
      try {
        await sort(block);
      } catch (error) {
        failures.push({ at: blocks.indexOf(block), error });
      }
    }
  };
  try {
    // Two lanes to the worker: it sorts one block while the bytes of the next reach it.
    const first = lane(here).then(() => {
      idle = true;
      worker?.cancelQueued();
    });
    await Promise.all([first, ...(worker ? [lane(there), lane(there)] : [])]);
  } finally {
    worker?.terminate();
  }
  const failure = failures.sort((a, b) => a.at - b.at)[0];
  if (failure) throw failure.error;
}

/** A block for the worker: its file's footer and the column chunks of its row groups, read. */
async function _request(
  block: _Block,
  footers: Map<DataFile, Promise<_Footer>>,
  options: SortFilesOptions,
): Promise<SortRequest> {
  const { file, groups } = block;
  const { table, columns } = options;
  const key = table.key(file.file);
  let footer = footers.get(file);
  if (!footer) footers.set(file, footer = _footer(table, key));
  const { metadata, tail } = await footer;
  const names = [KEY, EVENT_TIME, DELETED, ...columns.map((c) => c.name)];
  const wanted = names.flatMap((name) => file.fileColumns.get(name) ?? []);
  const read = (start: number, end: number) => table.store.read(key, start, end);
  const chunks = await Promise.all(
    groups.map((g) => readChunks(read, chunkRanges(metadata, g, wanted))),
  );
  return {
    table: { name: table.name, location: table.location },
    file: file.file,
    size: file.bytes,
    schema: options.schema,
    decoder: options.decoder,
    groups,
    columns,
    asOf: options.asOf,
    ...(options.keys ? { keys: options.keys } : {}),
    budgetRows: options.budgetRows,
    // The footer copied: each request's bytes are moved to the worker.
    footer: { start: tail.start, bytes: tail.bytes.slice(0) },
    chunks,
  };
}

/** Reads and parses a file's footer (the file was opened already: it parses). */
async function _footer(table: Table, key: string): Promise<_Footer> {
  const tail = await readTail(table.store, key, FOOTER_BYTES);
  const piece = { start: tail.start, bytes: tail.bytes.slice().buffer as ArrayBuffer };
  const buffer = new PieceBuffer(tail.size, async (start, end) => {
    return (await table.store.read(key, start, end)).slice().buffer as ArrayBuffer;
  });
  buffer.add([piece]);
  return {
    metadata: await parquetMetadataAsync(buffer, { initialFetchSize: FOOTER_BYTES }),
    tail: piece,
  };
}
