/** Inferring a segment tree's policy, including trees compaction extended over empty periods. */

import assert from "node:assert/strict";
import { inferSegmentPolicy } from "./layout_policy.ts";
import type { Segment } from "./snapshot.ts";

function _segment(id: string, start: number, end?: number, children: Segment[] = []): Segment {
  return { id, start, ...(end === undefined ? {} : { end }), deltas: [], children };
}

const _M = (y: number, m: number) => Date.UTC(y, m, 1);

Deno.test("inferSegmentPolicy() keeps P1Y,P3M for years and quarters that reach over empty periods", () => {
  const first = _segment("2019", _M(2019, 0), _M(2022, 0) - 1, [
    _segment("2019-01", _M(2019, 0), _M(2019, 6) - 1),
    _segment("2019-07", _M(2019, 6), _M(2022, 0) - 1),
  ]);
  const open = _segment("2022", _M(2022, 0), undefined, [_segment("2022-04", _M(2022, 3))]);
  assert.deepEqual(inferSegmentPolicy([first, open]), ["P1Y", "P3M"]);
});

Deno.test("inferSegmentPolicy() refuses a period a closed segment does not end on", () => {
  const odd = _segment("2019", _M(2019, 0), _M(2019, 4) - 1);
  assert.deepEqual(inferSegmentPolicy([odd]), ["P1M"]);
  const overlap = [_segment("a", _M(2019, 0), _M(2020, 0) - 1), _segment("b", _M(2019, 6))];
  assert.deepEqual(inferSegmentPolicy(overlap), undefined);
});
