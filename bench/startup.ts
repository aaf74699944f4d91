/**
 * Start-up benchmarks: whole-process `azof --help` and `azof scan` of a small table.
 *
 * @module
 */

import { AZOF, exists, ROOT, UPSTREAM } from "./common.ts";
import { measure } from "./measure.ts";
import type { Row } from "./report.ts";

/**
 * Measures `--help` and a small scan.
 *
 * @param runs Measured runs each.
 * @returns Result rows.
 */
export async function benchStartup(runs: number): Promise<Row[]> {
  const help = await measure([...AZOF, "--help"], { runs });
  const ours = `${ROOT}testdata`;
  const [root, name] = await exists(`${ours}/prices`) ? [ours, "prices"] : [UPSTREAM, "table2"];
  const rows: Row[] = [{ name: "azof --help", azof: help, target: { ms: 150 } }];
  if (!await exists(`${root}/${name}`)) {
    console.error(`skipping small scan: neither testdata/prices nor ${UPSTREAM}/table2 exists`);
    return rows;
  }
  const small = await measure(
    [...AZOF, "scan", "--path", root, "--table", name, "--format", "csv"],
    {
      runs,
    },
  );
  rows.push({ name: `azof scan ${name} (small)`, azof: small, target: { ms: 300 } });
  return rows;
}
