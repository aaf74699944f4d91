/**
 * The event-time axis of the layout picture (lib/inspect/svg.ts): grid lines and labels at round
 * calendar instants.
 *
 * @module
 */

import { formatInstant } from "../format/time.ts";

/**
 * Vertical grid lines and date labels at round instants (milliseconds up to centuries), at least
 * ~90 px apart, and the axis line along `bottom`.
 *
 * @param from First instant shown (ms).
 * @param to Last instant shown (ms).
 * @param x Maps an instant to a horizontal position.
 * @param top Where grid lines start.
 * @param bottom Where grid lines end and the axis is drawn.
 * @returns SVG elements: grid lines (drawn under the picture) and labels (drawn over it).
 */
export function timeAxis(
  from: number,
  to: number,
  x: (t: number) => number,
  top: number,
  bottom: number,
): { grid: string[]; labels: string[] } {
  const pxPerMs = (x(to) - x(from)) / (to - from);
  const step = _STEPS.find((s) => s.approx * pxPerMs >= 90) ?? _STEPS.at(-1)!;
  const grid: string[] = [];
  const labels = [
    `<line class="axis" x1="${_n(x(from))}" y1="${bottom}" x2="${_n(x(to))}" y2="${bottom}"/>`,
  ];
  for (let t = step.floor(from); t <= to; t = step.next(t)) {
    if (t < from) continue;
    const tx = _n(x(t));
    grid.push(`<line class="grid" x1="${tx}" y1="${top}" x2="${tx}" y2="${bottom}"/>`);
    labels.push(
      `<line class="axis" x1="${tx}" y1="${bottom}" x2="${tx}" y2="${bottom + 5}"/>`,
      `<text class="tick" x="${tx}" y="${bottom + 18}" text-anchor="middle">${
        step.label(t)
      }</text>`,
    );
  }
  return { grid, labels };
}

interface _Step {
  readonly approx: number;
  floor(t: number): number;
  next(t: number): number;
  label(t: number): string;
}

function _calendar(months: number): _Step {
  const label = months >= 12
    ? (t: number) => formatInstant(t).slice(0, 4)
    : (t: number) => formatInstant(t).slice(0, 7);
  return {
    approx: months * 30.44 * 86_400_000,
    floor: (t) => {
      const d = new Date(t);
      const index = d.getUTCFullYear() * 12 + d.getUTCMonth();
      const start = index - (((index % months) + months) % months);
      return Date.UTC(Math.floor(start / 12), start % 12, 1);
    },
    next: (t) => {
      const d = new Date(t);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
    },
    label,
  };
}

function _fixed(ms: number, label: (t: number) => string): _Step {
  return {
    approx: ms,
    floor: (t) => Math.floor(t / ms) * ms,
    next: (t) => t + ms,
    label,
  };
}

const _DAY = 86_400_000;
const _STEPS: readonly _Step[] = [
  ...[1, 10, 100].map((ms) => _fixed(ms, (t) => formatInstant(t).slice(17, 23))),
  ...[1000, 10_000, 60_000, 600_000].map((ms) => _fixed(ms, (t) => formatInstant(t).slice(11, 19))),
  ...[3_600_000, 6 * 3_600_000].map((ms) => _fixed(ms, (t) => formatInstant(t).slice(5, 16))),
  _fixed(_DAY, (t) => formatInstant(t).slice(0, 10)),
  _fixed(7 * _DAY, (t) => formatInstant(t).slice(0, 10)),
  ...[1, 3, 6, 12, 24, 60, 120, 240, 600, 1200].map(_calendar),
];

function _n(value: number): string {
  return String(Math.round(value * 10) / 10);
}
