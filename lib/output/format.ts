/**
 * Output formats of scans and queries, and the writer for each; writers are imported on demand so
 * that CSV output never loads apache-arrow or the Parquet writer.
 *
 * @module
 */

import type { BatchColumn, RowBatch } from "../read/batch.ts";
import type { Sink } from "./sink.ts";

/** The output formats. */
export type OutputFormat = "table" | "csv" | "ndjson" | "json" | "parquet" | "arrow";

/** Every output format, for flag validation and help. *
 * @example Validate a --format value
 * ```ts
 * import { OUTPUT_FORMATS } from "../../mod.ts";
 * console.log(OUTPUT_FORMATS.includes("parquet")); // true
 * ```
 */
export const OUTPUT_FORMATS: readonly OutputFormat[] = [
  "table",
  "csv",
  "ndjson",
  "json",
  "parquet",
  "arrow",
];

/**
 * Writes rows in a format.
 *
 * @param format The format.
 * @param columns The output columns.
 * @param batches The rows.
 * @param sink The destination.
 * @returns The number of rows written.
 *
 * @example Write a scan's rows as CSV to standard output
 * ```ts
 * import { openTable, scan, writeRows } from "../../mod.ts";
 * const result = await scan(openTable("testdata", "prices"), { columns: ["key", "price"] });
 * const sink = { write: async (bytes: Uint8Array) => void await Deno.stdout.write(bytes) };
 * const rows = await writeRows("csv", result.columns, result.batches, sink);
 * console.log(rows);
 * ```
 */
export async function writeRows(
  format: OutputFormat,
  columns: readonly Omit<BatchColumn, "values">[],
  batches: AsyncIterable<RowBatch>,
  sink: Sink,
): Promise<number> {
  const names = columns.map((c) => c.name);
  switch (format) {
    case "csv":
      return (await import("./csv.ts")).writeCsv(names, batches, sink);
    case "ndjson":
      return (await import("./json.ts")).writeJson(batches, sink);
    case "json":
      return (await import("./json.ts")).writeJson(batches, sink, { array: true });
    case "table":
      return (await import("./text_table.ts")).writeTextTable(names, batches, sink);
    case "parquet":
      return (await import("./parquet.ts")).writeParquet(columns, batches, sink);
    case "arrow":
      return (await import("./arrow_ipc.ts")).writeArrowIpc(columns, batches, sink);
  }
}
