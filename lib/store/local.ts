/**
 * The local-filesystem {@linkcode Store}: the only place azof calls `Deno.*` file APIs.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { type Store, type StoreEntry, WriteRefused } from "./store.ts";

/**
 * A store rooted at a local folder.
 *
 * @example Read a file through the store
 * ```ts
 * import { LocalStore } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * const dir = await Deno.makeTempDir();
 * const store = new LocalStore(dir);
 * await store.put("t/version.txt", new TextEncoder().encode("1"));
 * assert.equal(new TextDecoder().decode(await store.read("t/version.txt")), "1");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class LocalStore implements Store {
  readonly location: string;
  readonly #root: string;

  /**
   * Creates a store rooted at a folder.
   *
   * @param root The folder that holds the tables.
   */
  constructor(root: string) {
    this.#root = root.replace(/\/+$/, "") || "/";
    this.location = this.#root;
  }

  /**
   * The store one folder up, or `undefined` at the file system's root.
   *
   * @returns The parent folder's store.
   */
  parent(): LocalStore | undefined {
    // Taken here, not imported: importing a node: module starts Deno's Node layer (about 20 ms of
    // every run); only `createTable` asks for the parent.
    const { dirname, resolve } = globalThis.process.getBuiltinModule("node:path");
    const here = resolve(this.#root);
    const up = dirname(here);
    return up === here ? undefined : new LocalStore(up);
  }

  #path(key: string): string {
    if (key.split("/").some((p) => p === "..") || key.startsWith("/")) {
      throw new AzofError(
        "StorageError",
        `Refusing to access ${key}: it is outside ${this.location}`,
      );
    }
    return key === "" ? this.#root : `${this.#root}/${key}`;
  }

  async size(key: string): Promise<number> {
    try {
      const info = await Deno.stat(this.#path(key));
      if (!info.isFile) {
        throw new AzofError("StorageError", `Cannot read ${this.#path(key)}: not a file`);
      }
      return info.size;
    } catch (error) {
      throw this.#wrap(error, key);
    }
  }

  async read(key: string, start?: number, end?: number): Promise<Uint8Array> {
    const path = this.#path(key);
    try {
      if (start === undefined && end === undefined) return await Deno.readFile(path);
      using file = await Deno.open(path);
      const from = start ?? 0;
      const to = end ?? (await file.stat()).size;
      return await _readAt(file, from, new Uint8Array(Math.max(0, to - from)), path);
    } catch (error) {
      throw this.#wrap(error, key);
    }
  }

  /** The file's size and last `length` bytes, from one opened file. */
  async readTail(
    key: string,
    length: number,
  ): Promise<{ size: number; start: number; bytes: Uint8Array }> {
    const path = this.#path(key);
    try {
      using file = await Deno.open(path);
      const info = await file.stat();
      if (!info.isFile) throw new AzofError("StorageError", `Cannot read ${path}: not a file`);
      const start = Math.max(0, info.size - Math.max(0, length));
      const bytes = await _readAt(file, start, new Uint8Array(info.size - start), path);
      return { size: info.size, start, bytes };
    } catch (error) {
      throw this.#wrap(error, key);
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await Deno.stat(this.#path(key));
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw this.#wrap(error, key);
    }
  }

  async list(prefix = ""): Promise<StoreEntry[]> {
    const slash = prefix.lastIndexOf("/");
    const dir = slash < 0 ? "" : prefix.slice(0, slash);
    const out: StoreEntry[] = [];
    try {
      await this.#walk(dir, prefix, out);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return out;
      throw this.#wrap(error, dir);
    }
    return out;
  }

  async #walk(dir: string, prefix: string, out: StoreEntry[]): Promise<void> {
    for await (const entry of Deno.readDir(this.#path(dir))) {
      const key = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory) {
        if (key.startsWith(prefix) || prefix.startsWith(`${key}/`)) {
          await _unlessGone(this.#walk(key, prefix, out));
        }
      } else if (entry.isFile && key.startsWith(prefix)) {
        const info = await _unlessGone(Deno.stat(this.#path(key)));
        if (!info) continue;
        out.push({
          key,
          size: info.size,
          ...(info.mtime ? { modified: info.mtime.getTime() } : {}),
        });
      }
    }
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    const path = this.#path(key);
    const temp = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      await this.#ensureParent(path);
      await Deno.writeFile(temp, data);
      await Deno.rename(temp, path);
    } catch (error) {
      await Deno.remove(temp).catch(() => {});
      throw this.#wrap(error, key);
    }
  }

  async putIfAbsent(key: string, data: Uint8Array): Promise<boolean> {
    const path = this.#path(key);
    const temp = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      await this.#ensureParent(path);
      await Deno.writeFile(temp, data);
      await Deno.link(temp, path);
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) return false;
      const refused = error instanceof Deno.errors.PermissionDenied ||
        error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.NotFound;
      const wrapped = this.#wrap(error, key);
      throw refused && wrapped instanceof AzofError ? new WriteRefused(wrapped) : wrapped;
    } finally {
      await Deno.remove(temp).catch(() => {});
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await Deno.remove(this.#path(key));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw this.#wrap(error, key);
    }
  }

  async #ensureParent(path: string): Promise<void> {
    const slash = path.lastIndexOf("/");
    if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
  }

  #wrap(error: unknown, key: string): Error {
    if (error instanceof AzofError) return error;
    const path = key === "" ? this.#root : `${this.#root}/${key}`;
    if (error instanceof Deno.errors.NotFound) {
      return new AzofError("StorageError", `Cannot read ${path}: no such file`, { cause: error });
    }
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
      return new AzofError("StorageError", `Cannot access ${path}: permission denied`, {
        cause: error,
      });
    }
    return new AzofError("StorageError", `Cannot access ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Fills `out` with the file's bytes from `from` on. */
async function _readAt(
  file: Deno.FsFile,
  from: number,
  out: Uint8Array,
  path: string,
): Promise<Uint8Array> {
  await file.seek(from, Deno.SeekMode.Start);
  let offset = 0;
  while (offset < out.length) {
    const n = await file.read(out.subarray(offset));
    if (n === null) {
      throw new AzofError(
        "StorageError",
        `Cannot read ${path}: file ended at byte ${from + offset}`,
      );
    }
    offset += n;
  }
  return out;
}

/** An entry removed between listing its folder and reading it (a concurrent put's renamed temp file) is skipped, not the rest of the listing. */
async function _unlessGone<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
