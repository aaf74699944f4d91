/**
 * hyparquet types its entry point does not export and whose own module path has no declaration
 * file (`src/types.js` maps to a `types/types.d.ts` the package lacks), taken from the functions
 * that use them, so that the decoders are type-checked against them.
 *
 * @module
 */

import type { readPage } from "npm:hyparquet@1.31.5/src/column.js";

/** hyparquet's column decoder parameters: the third argument of its `readPage`. */
export type ColumnDecoder = Parameters<typeof readPage>[2];
