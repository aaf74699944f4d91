/**
 * azof's version (deno.json's `version`), and the `created_by` string of the Parquet files it writes.
 *
 * @module
 */

import denoJson from "../../deno.json" with { type: "json" };

/** The version of this azof. */
export const VERSION: string = denoJson.version;

/**
 * What azof's Parquet files carry as `created_by`, in the `<application> version <semver>` form
 * readers parse to decide whether the file's statistics can be trusted.
 */
export const CREATED_BY: string = `azof version ${VERSION}`;

/** How the `created_by` of every Parquet file azof writes starts. */
export const CREATED_BY_PREFIX = "azof version ";
