/**
 * Stress test of CSV parsing on the worker (lib/testing/csv_stress.ts): parses in a row under CPU
 * load never hang. A few dozen here; `deno task stress` runs hundreds (AZOF_STRESS_RUNS).
 */

import { stressCsvWorker } from "../testing/csv_stress.ts";

const RUNS = Number(Deno.env.get("AZOF_STRESS_RUNS") ?? 8);

Deno.test(`csvFileBatches and csvStreamBatches finish ${RUNS} parses in a row on the worker under CPU load`, async () => {
  const verbose = Deno.env.get("AZOF_STRESS_RUNS") !== undefined;
  await stressCsvWorker({
    runs: RUNS,
    onRun: (run) => verbose && run % 50 === 0 && console.log(`${run} parses done`),
  });
});
