/**
 * Tables never overlap (SPEC §1, §11): finding the tables a folder holds in its sub-folders, and
 * the table a new table's folder would lie in.
 *
 * @module
 */

import { joinKey, type Store } from "../store/store.ts";

const _decoder = new TextDecoder();
const _SNAPSHOT = /^s[1-9][0-9]{0,14}\.json$/;

/**
 * The sub-folders, at any depth, that hold a table of their own: a `version.txt` or an `sN.json`
 * in them (SPEC §11 rule 1). Files at the top level (no `/`) belong to the folder itself.
 *
 * @param keys Keys relative to the folder (`s1.json`, `data/x.parquet`, `sub/version.txt`).
 * @returns Each such sub-folder with a trailing `/` (`sub/`), shortest first.
 *
 * @example Find a table inside a table's data folder
 * ```ts
 * import { nestedTableFolders } from "./nesting.ts";
 * import assert from "node:assert/strict";
 * const keys = ["s1.json", "data/a.parquet", "data/in/version.txt", "data/in/data/b.parquet"];
 * assert.deepEqual(nestedTableFolders(keys), ["data/in/"]);
 * ```
 */
export function nestedTableFolders(keys: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const key of keys) {
    const slash = key.lastIndexOf("/");
    if (slash < 0) continue;
    const name = key.slice(slash + 1);
    if (name === "version.txt" || _SNAPSHOT.test(name)) dirs.add(key.slice(0, slash + 1));
  }
  return [...dirs].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
}

/**
 * Whether a folder of a store is a table: it holds `s1.json`, or a `version.txt` naming a snapshot
 * it holds (a vacuumed table has no `s1.json`). A stray `version.txt` alone is not a table.
 *
 * @param store The store.
 * @param folder The folder's key (`""` for the store's root).
 * @returns Whether it is a table.
 *
 * @example A table and a plain folder
 * ```ts
 * import { isTableFolder } from "./nesting.ts";
 * import { MemoryStore } from "../store/memory.ts";
 * import assert from "node:assert/strict";
 * const store = new MemoryStore();
 * await store.put("t/version.txt", new TextEncoder().encode("3"));
 * await store.put("t/s3.json", new TextEncoder().encode("{}"));
 * await store.put("u/version.txt", new TextEncoder().encode("1.0.2"));
 * assert.equal(await isTableFolder(store, "t"), true);
 * assert.equal(await isTableFolder(store, "u"), false);
 * ```
 */
export async function isTableFolder(store: Store, folder: string): Promise<boolean> {
  if (await store.exists(joinKey(folder, "s1.json"))) return true;
  const hint = joinKey(folder, "version.txt");
  if (!(await store.exists(hint))) return false;
  const text = _decoder.decode(await store.read(hint)).trim();
  return /^[1-9][0-9]{0,14}$/.test(text) && await store.exists(joinKey(folder, `s${text}.json`));
}

/**
 * Finds what stops a table from being created at `name`: a table whose folder contains it (in
 * this store, or, for stores that offer {@linkcode Store.parent}, in a folder above the store's
 * root), or a table inside its folder.
 *
 * @param store The store.
 * @param name The new table's folder name.
 * @returns `{ around }` or `{ inside }` with the other table's location, or `null` when none.
 *
 * @example A table cannot go into another table's data folder
 * ```ts
 * import { overlappingTable } from "./nesting.ts";
 * import { MemoryStore } from "../store/memory.ts";
 * import assert from "node:assert/strict";
 * const store = new MemoryStore();
 * await store.put("t/s1.json", new TextEncoder().encode("{}"));
 * assert.deepEqual(await overlappingTable(store, "t/data/in"), { around: "memory:t" });
 * assert.deepEqual(await overlappingTable(store, "u"), null);
await store.put("u/v/s1.json", new TextEncoder().encode("{}"));
assert.deepEqual(await overlappingTable(store, "u"), { inside: "memory:u/v" });
 * ```
 */
export async function overlappingTable(
  store: Store,
  name: string,
): Promise<{ around: string } | { inside: string } | null> {
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  for (let n = parts.length - 1; n >= 0; n--) {
    const folder = parts.slice(0, n).join("/");
    if (await isTableFolder(store, folder)) return { around: _location(store, folder) };
  }
  const above = await _tableAbove(store);
  if (above !== null) return { around: above };
  const folder = parts.join("/");
  const keys = (await store.list(folder === "" ? "" : `${folder}/`)).map((e) =>
    e.key.slice(folder === "" ? 0 : folder.length + 1)
  );
  const inner = nestedTableFolders(keys)[0];
  return inner === undefined ? null : { inside: _location(store, joinKey(folder, inner)) };
}

/** The first table among the folders above the store's root, or `null` (unreadable: none). */
async function _tableAbove(store: Store): Promise<string | null> {
  for (let up = store.parent?.(); up !== undefined; up = up.parent?.()) {
    try {
      if (await isTableFolder(up, "")) return up.location;
    } catch {
      return null; // a folder we may not read ends the search: nothing above it is checked
    }
  }
  return null;
}

function _location(store: Store, folder: string): string {
  const base = store.location.replace(/\/$/, "");
  const sep = base.endsWith(":") ? "" : "/";
  return folder === "" ? base : `${base}${sep}${folder.replace(/\/$/, "")}`;
}
