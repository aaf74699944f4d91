/**
 * Reading an input file in large pieces, the next read already under way while
 * the last piece is parsed (a `ReadableStream` of the file reads 64 KiB at a time and waits for
 * each read).
 *
 * @module
 */

import { AzofError } from "../errors.ts";

const _PIECE = 1 << 20;

/**
 * A file's bytes in pieces of 1 MiB, the next read started while the last is used. The file is
 * closed at the end, or when the caller stops early.
 *
 * @param file An open file.
 * @returns The pieces, in order.
 *
 * @example Read a small file
 * ```ts
 * import { filePieces } from "./file_pieces.ts";
 * import assert from "node:assert/strict";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "key,event_time\n");
 * const pieces = await Array.fromAsync(filePieces(await Deno.open(path)));
 * assert.equal(new TextDecoder().decode(pieces[0]), "key,event_time\n");
 * await Deno.remove(path);
 * ```
 */
export async function* filePieces(file: Deno.FsFile): AsyncGenerator<Uint8Array> {
  let next = _piece(file);
  try {
    for (let piece = await next; piece !== undefined; piece = await next) {
      next = _piece(file);
      yield piece;
    }
  } finally {
    // A read still under way (the caller stopped early) ends before the file is closed.
    await next.catch(() => undefined);
    file.close();
  }
}

async function _piece(file: Deno.FsFile): Promise<Uint8Array | undefined> {
  const buffer = new Uint8Array(_PIECE);
  let n = 0;
  while (n < buffer.length) {
    const read = await file.read(buffer.subarray(n));
    if (read === null) break;
    n += read;
  }
  return n === 0 ? undefined : buffer.subarray(0, n);
}

/**
 * Passes pieces on, reporting the bytes passed so far after each.
 *
 * @param pieces The pieces.
 * @param onRead Called with the running total before each piece is passed on.
 * @returns The same pieces.
 *
 * @example Count two pieces
 * ```ts
 * import { countPieces } from "./file_pieces.ts";
 * import assert from "node:assert/strict";
 * const totals: number[] = [];
 * await Array.fromAsync(countPieces([new Uint8Array(2), new Uint8Array(3)], (n) => totals.push(n)));
 * assert.deepEqual(totals, [2, 5]);
 * ```
 */
export async function* countPieces(
  pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onRead: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  let read = 0;
  for await (const piece of pieces) {
    read += piece.length;
    onRead(read);
    yield piece;
  }
}

/**
 * Opens or stats an input file, failing with azof's message for an unreadable input.
 *
 * @param path The file.
 * @param open What to do with it (`Deno.open`, `Deno.stat`).
 * @returns What `open` returns.
 * @throws {AzofError} `InputInvalid`: "Cannot read input PATH: reason".
 */
export async function inputFile<T>(path: string, open: (path: string) => Promise<T>): Promise<T> {
  try {
    return await open(path);
  } catch (error) {
    throw new AzofError("InputInvalid", `Cannot read input ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
