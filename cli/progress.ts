/**
 * Progress lines on standard error: shown only when stderr is a terminal and `--quiet` is off,
 * redrawn at most five times a second, and erased when the work ends. A line tells what is being
 * done, the count and bytes done, the rate, and the time left when the share done is known:
 *
 * ```text
 * writing · 1,250,000/4,000,000 rows · 48.2 MiB · 410,000 rows/s · ~7s left · 3.0s
 * ```
 *
 * The line is redrawn with a carriage return and the ANSI "erase line" sequence (`ESC[2K`);
 * with `TERM=dumb` it is overwritten with spaces instead. azof prints no colour, so `NO_COLOR`
 * changes nothing.
 *
 * @module
 */

import { byteSize, count } from "../lib/output/units.ts";
import type { Context } from "./context.ts";

/** How far an operation has got. */
export interface ProgressState {
  /** What is being done, such as `reading file 3/12` or `writing`. */
  readonly label?: string | undefined;
  /** Units done (rows unless `unit` says otherwise). */
  readonly done: number;
  /** Units in all, when known. */
  readonly total?: number | undefined;
  /** The unit counted, plural (default `rows`); its final `s` is dropped when the count is 1. */
  readonly unit?: string | undefined;
  /** Bytes done (read or written), when counted. */
  readonly bytes?: number | undefined;
  /** Bytes in all, when known. */
  readonly totalBytes?: number | undefined;
  /**
   * The share of the work done, from 0 to 1, when known some other way (such as files done of
   * files planned); otherwise it is `done / total`, else `bytes / totalBytes`.
   */
  readonly fraction?: number | undefined;
}

/** A progress reporter for one long operation. */
export interface Progress {
  /** Replaces the progress line (rate-limited): with a state, or with text as it is. */
  update(state: ProgressState | string): void;
  /** Erases the progress line. */
  done(): void;
}

/** Minimum time between redraws, in milliseconds. */
export const REDRAW_MS = 200;

/**
 * Starts a progress reporter; a no-op one when progress should not be shown.
 *
 * @param context The command context.
 * @param now The clock, in milliseconds (tests pass their own).
 * @returns The reporter.
 */
export function startProgress(
  context: Context,
  now: () => number = () => performance.now(),
): Progress {
  if (!context.stderrIsTerminal || context.quiet) return { update: () => {}, done: () => {} };
  const dumb = context.env("TERM") === "dumb";
  const started = now();
  let last = -Infinity;
  let width = 0;
  const clear = () => !dumb ? "\r\x1b[2K" : width === 0 ? "\r" : `\r${" ".repeat(width)}\r`;
  const screen = _screen(context);
  const progress: Progress = {
    update(state) {
      const t = now();
      if (screen.output || t - last < REDRAW_MS) return;
      last = t;
      const elapsed = t - started;
      const line = typeof state === "string"
        ? `${state} · ${_seconds(elapsed)}`
        : renderProgress(state, elapsed);
      context.status(clear() + line);
      width = Math.max(width, line.length);
    },
    done() {
      if (width > 0) context.status(clear());
      width = 0;
      screen.drawn.delete(progress);
    },
  };
  screen.drawn.add(progress);
  return progress;
}

/** Per terminal (keyed by the context's `status` writer): the lines drawn, and whether output began. */
const _screens = new WeakMap<Context["status"], { drawn: Set<Progress>; output: boolean }>();

function _screen(context: Context): { drawn: Set<Progress>; output: boolean } {
  let screen = _screens.get(context.status);
  if (!screen) _screens.set(context.status, screen = { drawn: new Set(), output: false });
  return screen;
}

/**
 * Called before output goes to a stdout that shares the terminal with stderr: erases every
 * progress line drawn there and draws none after, so the output never starts with progress text.
 *
 * @param context The command context.
 */
export function outputStarts(context: Context): void {
  const screen = _screen(context);
  screen.output = true;
  for (const progress of [...screen.drawn]) progress.done();
}

/**
 * The text of a progress line.
 *
 * @param state How far the operation has got.
 * @param elapsedMs Time since it started.
 * @returns Text such as `writing · 1,000/4,000 rows · 2.0 MiB · 500 rows/s · ~6s left · 2.0s`.
 */
export function renderProgress(state: ProgressState, elapsedMs: number): string {
  const unit = state.unit ?? "rows";
  const parts: string[] = [];
  if (state.label) parts.push(state.label);
  const counted = state.total ?? state.done;
  const noun = counted === 1 ? unit.replace(/s$/, "") : unit;
  parts.push(
    `${count(state.done)}${state.total === undefined ? "" : `/${count(state.total)}`} ${noun}`,
  );
  if (state.bytes !== undefined) {
    parts.push(
      byteSize(state.bytes) +
        (state.totalBytes === undefined ? "" : `/${byteSize(state.totalBytes)}`),
    );
  }
  const seconds = elapsedMs / 1000;
  if (seconds >= 0.5 && state.done > 0) {
    parts.push(`${count(Math.round(state.done / seconds))} ${unit}/s`);
  }
  const fraction = state.fraction ??
    (state.total ? state.done / state.total : undefined) ??
    (state.totalBytes && state.bytes !== undefined ? state.bytes / state.totalBytes : undefined);
  if (fraction !== undefined && fraction > 0 && fraction < 1 && seconds >= 0.5) {
    parts.push(`~${_seconds((elapsedMs * (1 - fraction)) / fraction, true)} left`);
  }
  parts.push(_seconds(elapsedMs));
  return parts.join(" · ");
}

function _seconds(ms: number, whole = false): string {
  const s = ms / 1000;
  if (s < 60) return whole ? `${Math.ceil(s)}s` : `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
