/**
 * Opens the {@linkcode Store} a path names: a local folder, or an S3 prefix for `s3://bucket/prefix`.
 * The S3 adapter is imported only when an `s3://` path is opened.
 *
 * @module
 */

import { AzofError } from "../errors.ts";
import { LocalStore } from "./local.ts";
import type { S3StoreOptions } from "./s3_requests.ts";
import type { Store } from "./store.ts";

/** Options of {@linkcode openStore}. */
export interface OpenStoreOptions {
  /** Options for an `s3://` path (configuration, `fetch`, paging, retries). */
  s3?: S3StoreOptions;
}

/**
 * Opens the store a path or URL names.
 *
 * @param path A local folder, a `file://` URL or `s3://bucket[/prefix]`.
 * @param options Options passed to the S3 store.
 * @returns A `LocalStore` or an `S3Store`.
 * @throws {AzofError} `Unsupported` for other URL schemes (`gs://`, `https://`, ...).
 *
 * @example Open a local folder and an S3 prefix
 * ```ts
 * import { openStore, resolveS3Config } from "../../mod.ts";
 * import assert from "node:assert/strict";
 * assert.equal((await openStore("/data/tables/")).location, "/data/tables");
 * const config = resolveS3Config({ AWS_REGION: "eu-west-1" }, () => undefined);
 * assert.equal((await openStore("s3://lake/tables", { s3: { config } })).location, "s3://lake/tables");
 * ```
 */
export async function openStore(path: string, options: OpenStoreOptions = {}): Promise<Store> {
  const scheme = /^([a-z][a-z0-9+.-]+):\/\//i.exec(path)?.[1]?.toLowerCase();
  if (scheme === undefined) return new LocalStore(path);
  if (scheme === "file") return new LocalStore(decodeURIComponent(new URL(path).pathname));
  if (scheme === "s3") {
    const { S3Store } = await import("./s3.ts");
    return new S3Store(path, options.s3);
  }
  throw new AzofError(
    "Unsupported",
    `Cannot open ${
      path.replace(/\/\/[^/@]*@/, "//")
    }: only local paths, file:// and s3:// URLs are supported`,
  );
}
