/**
 * A counting semaphore, for bounding the requests a store has in flight.
 *
 * @module
 */

/** A counting semaphore: at most `size` holders at once, waiters served in order. */
export class Semaphore {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  /** @param size Holders allowed at once, at least 1. */
  constructor(size: number) {
    if (!(size >= 1)) throw new RangeError(`maxConcurrency must be at least 1, got ${size}`);
    this.#free = size;
  }

  /** @returns A promise that resolves once a slot is held. */
  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  /** Gives a held slot back, to the longest waiter if any. */
  release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}
