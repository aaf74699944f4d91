/**
 * Whole-process measurement: runs a command N times as a subprocess and records wall time, CPU time
 * and peak resident set size (RSS) of each run, reporting medians.
 *
 * Peak RSS and CPU time (user + system) come from GNU `/usr/bin/time -f "%U %S %M"` when it exists
 * (without it, CPU time is not measured and peak RSS comes else from polling `VmHWM` in
 * `/proc/<pid>/status` (which can miss a peak shorter than the polling interval)).
 *
 * @module
 */

/** The figures of one measured command. */
export interface Measurement {
  /** Median wall time in milliseconds. */
  readonly wallMs: number;
  /** Median peak RSS in MiB. */
  readonly rssMiB: number;
  /** Every run's wall time (ms). */
  readonly runsMs: readonly number[];
  /** Every run's peak RSS (MiB). */
  readonly runsMiB: readonly number[];
  /** Median CPU time (user + system) in milliseconds; `undefined` without GNU time. */
  readonly cpuMs?: number | undefined;
}

/** Options of {@linkcode measure}. */
export interface MeasureOptions {
  /** Measured runs (after one unmeasured warm-up run); 5 by default. */
  readonly runs?: number;
  /** Where stdout goes in measured runs; `/dev/null` by default. */
  readonly stdout?: string;
  /** Where the warm-up run's stdout goes (for checking its output); `/dev/null` by default. */
  readonly warmupStdout?: string;
}

const _GNU_TIME = "/usr/bin/time";

/** Whether GNU time is available for peak RSS. */
export function rssMethod(): string {
  try {
    Deno.statSync(_GNU_TIME);
    return "GNU time -f %M";
  } catch {
    return "polling /proc/<pid>/status VmHWM every 5 ms";
  }
}

/**
 * Runs `command` once to warm caches, then `runs` times measured.
 *
 * @param command Program and arguments.
 * @param options Runs and stdout targets.
 * @returns Medians and every run's figures.
 * @throws {Error} When a run exits with a non-zero code.
 */
export async function measure(
  command: readonly string[],
  options: MeasureOptions = {},
): Promise<Measurement> {
  await _runOnce(command, options.warmupStdout ?? "/dev/null");
  const runsMs: number[] = [];
  const runsMiB: number[] = [];
  const runsCpu: number[] = [];
  for (let i = 0; i < (options.runs ?? 5); i++) {
    const { ms, kib, cpu } = await _runOnce(command, options.stdout ?? "/dev/null");
    runsMs.push(ms);
    runsMiB.push(kib / 1024);
    if (cpu !== undefined) runsCpu.push(cpu);
  }
  const cpuMs = runsCpu.length > 0 ? median(runsCpu) : undefined;
  return { wallMs: median(runsMs), rssMiB: median(runsMiB), runsMs, runsMiB, cpuMs };
}

/**
 * The median of some numbers.
 *
 * @param values The numbers (at least one).
 * @returns The middle value, or the mean of the two middle values.
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function _runOnce(command: readonly string[], stdout: string) {
  const gnu = rssMethod().startsWith("GNU");
  const rssFile = gnu ? await Deno.makeTempFile({ prefix: "azof_bench_rss_" }) : "";
  // `exec` keeps one process, so the measured RSS is the command's own, not the shell's.
  const shell = ["sh", "-c", 'out="$1"; shift; exec "$@" > "$out"', "sh", stdout];
  const args = gnu
    ? [_GNU_TIME, "-f", "%U %S %M", "-o", rssFile, ...shell, ...command]
    : [...shell, ...command];
  const started = performance.now();
  const child = new Deno.Command(args[0]!, { args: args.slice(1), stderr: "piped" }).spawn();
  let peakKiB = 0;
  const poller = gnu ? undefined : setInterval(() => {
    peakKiB = Math.max(peakKiB, _vmHwm(child.pid));
  }, 5);
  const result = await child.output();
  const ms = performance.now() - started;
  if (poller !== undefined) clearInterval(poller);
  if (!result.success) {
    throw new Error(
      `${command.join(" ")} exited with ${result.code}: ${new TextDecoder().decode(result.stderr)}`,
    );
  }
  let cpu: number | undefined;
  if (gnu) {
    const [user, system, kib] = (await Deno.readTextFile(rssFile)).trim().split("\n").at(-1)!
      .split(" ").map(Number);
    peakKiB = kib!;
    cpu = (user! + system!) * 1000;
    await Deno.remove(rssFile);
  }
  return { ms, kib: peakKiB, cpu };
}

function _vmHwm(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const m = /VmHWM:\s+(\d+)/.exec(status);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
