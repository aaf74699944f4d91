/**
 * Progress lines on standard error: shown only when stderr is a terminal and `--quiet` is off,
 * redrawn at most five times a second, and erased when the work ends.
 *
 * @module
 */

import type { Context } from "./context.ts";

/** A progress reporter for one long operation. */
export interface Progress {
  /** Replaces the progress line (rate-limited). */
  update(text: string): void;
  /** Erases the progress line. */
  done(): void;
}

/**
 * Starts a progress reporter; a no-op one when progress should not be shown.
 *
 * @param context The command context.
 * @returns The reporter.
 */
export function startProgress(context: Context): Progress {
  if (!context.stderrIsTerminal || context.quiet) return { update: () => {}, done: () => {} };
  const started = performance.now();
  let last = 0;
  let shown = false;
  return {
    update(text) {
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      shown = true;
      const seconds = ((now - started) / 1000).toFixed(1);
      context.status(`\r\x1b[2K${text} · ${seconds}s`);
    },
    done() {
      if (shown) context.status("\r\x1b[2K");
    },
  };
}

/**
 * Formats a count with thousands separators.
 *
 * @param n The count.
 * @returns Text such as `1,234,567`.
 */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Formats a byte size in binary units.
 *
 * @param bytes The size.
 * @returns Text such as `57.0 MiB`.
 */
export function byteSize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
