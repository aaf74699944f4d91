/**
 * DuckDB results as azof batches: each DuckDB type mapped to one of azof's five column types.
 *
 * Integers are Int (`bigint`); DOUBLE, FLOAT and DECIMAL are Float; BOOLEAN is Boolean; TIMESTAMP
 * (any unit), TIMESTAMPTZ and DATE are DateTime (ms since the epoch, floored); VARCHAR and every
 * other type are String (DuckDB's text form of the value).
 *
 * @module
 */

import type { DuckDBDataChunk, DuckDBResult } from "npm:@duckdb/node-api@1.5.6-r.1";
import type { Value } from "../format/schema.ts";
import type { ColumnType } from "../format/schema.ts";
import type { BatchColumn, RowBatch } from "../read/batch.ts";

type _Convert = (value: unknown) => Value;

interface _Mapping {
  readonly type: ColumnType;
  readonly convert: _Convert;
}

// DuckDBTypeId values (a const enum in the package, repeated here to avoid loading it eagerly).
const _INTS = new Set([2, 3, 4, 6, 7, 8]); // TINYINT, SMALLINT, INTEGER, UTINYINT, USMALLINT, UINTEGER
const _BIGINTS = new Set([5, 9, 16, 32]); // BIGINT, UBIGINT, HUGEINT, UHUGEINT
const _TIMESTAMPS: Record<number, [string, bigint]> = {
  12: ["micros", 1000n], // TIMESTAMP
  31: ["micros", 1000n], // TIMESTAMP_TZ
  20: ["seconds", 0n], // TIMESTAMP_S
  21: ["millis", 1n], // TIMESTAMP_MS
  22: ["nanos", 1_000_000n], // TIMESTAMP_NS
};

function _floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

function _mapping(typeId: number): _Mapping {
  const text: _Convert = (v) => (v === null ? null : String(v));
  if (typeId === 1) return { type: "Boolean", convert: (v) => (v === null ? null : Boolean(v)) };
  if (_INTS.has(typeId)) {
    return { type: "Int", convert: (v) => (v === null ? null : BigInt(v as number)) };
  }
  if (_BIGINTS.has(typeId)) {
    return { type: "Int", convert: (v) => (v === null ? null : v as bigint) };
  }
  if (typeId === 10 || typeId === 11) {
    return { type: "Float", convert: (v) => (v === null ? null : Number(v)) };
  }
  if (typeId === 19) { // DECIMAL
    return {
      type: "Float",
      convert: (v) => (v === null ? null : (v as { toDouble(): number }).toDouble()),
    };
  }
  if (typeId === 13) { // DATE
    return {
      type: "DateTime",
      convert: (v) => (v === null ? null : (v as { days: number }).days * 86_400_000),
    };
  }
  const unit = _TIMESTAMPS[typeId];
  if (unit !== undefined) {
    const [field, divisor] = unit;
    return {
      type: "DateTime",
      convert: (v) => {
        if (v === null) return null;
        const raw = (v as Record<string, bigint>)[field]!;
        return Number(divisor === 0n ? raw * 1000n : _floorDiv(raw, divisor));
      },
    };
  }
  return { type: "String", convert: text };
}

/** A converter from a DuckDB result's chunks to azof batches. */
export interface ResultConverter {
  /** The output columns (every one nullable: DuckDB does not say). */
  readonly columns: readonly Omit<BatchColumn, "values">[];
  /** Converts one chunk of the result. */
  batch(chunk: DuckDBDataChunk): RowBatch;
}

/**
 * Maps a DuckDB result's columns to azof column types.
 *
 * @param result The (streaming or materialized) result.
 * @returns The columns and a chunk converter.
 */
export function resultConverter(result: DuckDBResult): ResultConverter {
  const mappings = Array.from({ length: result.columnCount }, (_, i) => ({
    name: result.columnName(i),
    ..._mapping(result.columnTypeId(i)),
  }));
  const columns = mappings.map((m) => ({ name: m.name, type: m.type, nullable: true }));
  return {
    columns,
    batch(chunk) {
      return {
        rows: chunk.rowCount,
        columns: mappings.map((m, i) => ({
          ...columns[i]!,
          values: chunk.getColumnValues(i).map((v) => m.convert(v)),
        })),
      };
    },
  };
}
