/**
 * Benchmark results: one row per benchmark, the machine they ran on, and a Markdown rendering.
 *
 * @module
 */

import { DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";
import type { Measurement } from "./measure.ts";

/** One benchmark's figures and its target from issue 2. */
export interface Row {
  /** What was run. */
  readonly name: string;
  /** azof's figures. */
  readonly azof: Measurement;
  /** DuckDB's figures for the same answer, when compared. */
  readonly duckdb?: Measurement;
  /** Whether both outputs were byte-identical. */
  readonly same?: boolean;
  /** Target: wall time (ms), time ratio to DuckDB, peak RSS (MiB). */
  readonly target: { readonly ms?: number; readonly ratio?: number; readonly mib?: number };
}

/**
 * Describes the machine: cores, CPU model, memory, Deno and DuckDB versions.
 *
 * @returns Markdown list lines.
 */
export async function machine(): Promise<string> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo");
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown";
  const memKiB = Number(/MemTotal:\s+(\d+)/.exec(await Deno.readTextFile("/proc/meminfo"))?.[1]);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const duck = (await connection.runAndReadAll("SELECT version()")).getRows()[0]![0];
  connection.closeSync();
  instance.closeSync();
  return [
    `- Cores: ${navigator.hardwareConcurrency} (nproc), CPU: ${model}`,
    `- Memory: ${(memKiB / 1024 / 1024).toFixed(1)} GiB`,
    `- Deno ${Deno.version.deno} (V8 ${Deno.version.v8}), DuckDB ${duck} (@duckdb/node-api)`,
    `- Date: ${new Date().toISOString().slice(0, 10)}`,
  ].join("\n");
}

/**
 * Renders rows as a Markdown table with pass/fail against the targets.
 *
 * @param rows The results.
 * @returns Markdown.
 */
export function markdown(rows: readonly Row[]): string {
  const lines = [
    "| Benchmark | azof time | azof CPU | azof peak RSS | DuckDB time | DuckDB CPU | DuckDB peak RSS | time ratio | same CSV | target | result |",
    "|---|---:|---:|---:|---:|---:|---:|---:|:-:|---|:-:|",
  ];
  for (const row of rows) {
    const ratio = row.duckdb ? row.azof.wallMs / row.duckdb.wallMs : undefined;
    const targets: string[] = [];
    let pass = true;
    if (row.target.ms !== undefined) {
      targets.push(`< ${row.target.ms} ms`);
      pass &&= row.azof.wallMs < row.target.ms;
    }
    if (row.target.ratio !== undefined && ratio !== undefined) {
      targets.push(`≤ ${row.target.ratio}x DuckDB`);
      pass &&= ratio <= row.target.ratio;
    }
    if (row.target.mib !== undefined) {
      targets.push(`RSS < ${row.target.mib} MB`);
      pass &&= row.azof.rssMiB * 1.048576 < row.target.mib;
    }
    lines.push(
      `| ${row.name} | ${_ms(row.azof.wallMs)} | ${_cpu(row.azof)} | ${_mib(row.azof.rssMiB)} | ${
        row.duckdb ? _ms(row.duckdb.wallMs) : "–"
      } | ${row.duckdb ? _cpu(row.duckdb) : "–"} | ${
        row.duckdb ? _mib(row.duckdb.rssMiB) : "–"
      } | ${ratio === undefined ? "–" : `${ratio.toFixed(2)}x`} | ${
        row.same === undefined ? "–" : row.same ? "yes" : "no"
      } | ${targets.join(", ")} | ${pass ? "pass" : "**fail**"} |`,
    );
  }
  return lines.join("\n");
}

function _ms(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

function _cpu(m: Measurement): string {
  return m.cpuMs === undefined ? "–" : _ms(m.cpuMs);
}

function _mib(mib: number): string {
  return `${Math.round(mib)} MiB`;
}
