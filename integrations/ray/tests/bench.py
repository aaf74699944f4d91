"""Benchmark: read_as_of on a 2-node loopback Ray cluster against single-process `azof scan -f arrow`
on the same table and instant; checks that the answers are equal and reports per-task bytes.

    AZOF_CMD='deno run -A cli/main.ts' AZOF_RAY_SCRIPT=bench.py integrations/ray/tests/run.sh \\
        --root bench/out/keys/t10000000 --table t --as-of 2024-12-01T10:00:00.000Z --splits 8

Prints a Markdown table for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

sys.path.insert(0, str(Path(__file__).parent))
from cluster import Cluster  # noqa: E402


def _scan(command: str, root: str, table: str, as_of: str, out: str) -> float:
    start = time.monotonic()
    subprocess.run(
        [*command.split(), "scan", "-q", "-p", root, "-t", table, "--as-of", as_of, "-f", "arrow", "-o", out],
        check=True, timeout=3600,
    )
    return time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--table", required=True)
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--splits", type=int, default=8)
    options = parser.parse_args()
    command = os.environ["AZOF_CMD"]
    root = os.path.abspath(options.root)
    import ray
    import azof_ray

    work = tempfile.mkdtemp(prefix="azof-ray-bench-")
    arrow = os.path.join(work, "scan.arrow")
    scan_s = _scan(command, root, options.table, options.as_of, arrow)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    cluster = Cluster(os.path.join(work, "ray"), object_store=2_000_000_000).start()
    try:
        ray.init(address=cluster.address, log_to_driver=False)
        start = time.monotonic()
        plan = azof_ray.fetch_plan(root, options.table, as_of=options.as_of, splits=options.splits)
        planned = time.monotonic()
        result = azof_ray.read_plan(plan)
        refs = result.dataset.to_arrow_refs()
        stats = ray.get(result.stats_refs, timeout=3600)
        ray.wait(refs, num_returns=len(refs), timeout=3600, fetch_local=False)
        ray_s = time.monotonic() - start
        got = pa.concat_tables(ray.get(refs)).cast(azof_ray.output_schema(plan))
        want = ipc.open_stream(arrow).read_all()
        same = got.equals(want)
    finally:
        ray.shutdown()
        cluster.stop()
    ratio = max(s["data_bytes"] / s["overlapping_bytes"] for s in stats if s["overlapping_bytes"])
    print(f"| table | rows out | `azof scan -f arrow` | Ray, 2 nodes x 1 CPU ({len(stats)} tasks) | ratio | same |")
    print("| --- | ---: | ---: | ---: | ---: | :---: |")
    print(
        f"| {options.table} as of {options.as_of} | {want.num_rows:,} | {scan_s:.1f} s | "
        f"{ray_s:.1f} s (plan {planned - start:.1f} s) | {ray_s / scan_s:.2f}x | {'yes' if same else 'NO'} |"
    )
    print()
    print("| range | rows read | rows out | row groups | files | footer bytes | data bytes | overlapping bytes | data/overlapping | worker peak RSS |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in stats:
        print(
            f"| {s['range']} | {s['rows_read']:,} | {s['rows_out']:,} | {s['row_groups']} | {s['files']} | "
            f"{s['footer_bytes']:,} | {s['data_bytes']:,} | {s['overlapping_bytes']:,} | "
            f"{s['data_bytes'] / max(1, s['overlapping_bytes']):.3f} | {s['peak_rss_bytes'] / 2**20:.0f} MiB |"
        )
    print(f"\nazof scan peak RSS: {children / 2**20:.0f} MiB; max data/overlapping: {ratio:.3f}")
    return 0 if same and ratio <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
