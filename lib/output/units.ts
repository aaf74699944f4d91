/**
 * Numbers as people read them in messages, tables and pictures: counts with thousands separators,
 * nouns in the right number, byte sizes in binary units.
 *
 * @module
 */

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
 * Formats a count of things with thousands separators and the noun in the right number.
 *
 * @param n The count.
 * @param noun The noun for one (`file`).
 * @param plural The noun for several (default: `noun` + `s`).
 * @returns Text such as `1 file` or `1,234 files`.
 */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${count(n)} ${n === 1 ? noun : plural}`;
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
