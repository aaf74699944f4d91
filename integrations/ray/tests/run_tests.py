"""Ray tests of azof_ray on a 2-node cluster on 127.0.0.1: read_as_of against `azof scan -f arrow`
on the upstream `financials` sample (hash-shuffle path) and on random tables with late rows, ties
and deletions (key-range path), bytes read per task, and tasks on both nodes.

    AZOF_CMD='deno run -A cli/main.ts' python tests/run_tests.py [--tables N] [--instants N] [--rows N]

Run it through tests/run.sh, which puts it in a loopback-only network namespace with a deadline.
Prints `ray: N passed, N failed` last; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Optional

import pyarrow as pa
import pyarrow.ipc as ipc

sys.path.insert(0, str(Path(__file__).parent))
from cluster import Cluster  # noqa: E402
from tables import RandomTable, azof  # noqa: E402

TASK_DEADLINE = 300.0
BYTES_FACTOR = 1.2


class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def run(self, name: str, fn, *args) -> None:
        start = time.monotonic()
        try:
            fn(*args)
            self.passed += 1
            print(f"ok   {name} ({time.monotonic() - start:.1f} s)", flush=True)
        except Exception:  # noqa: BLE001: every failure is reported, then counted
            self.failed += 1
            print(f"FAIL {name}\n{traceback.format_exc()}", flush=True)


def scan_arrow(command: str, root: str, table: str, as_of: Optional[str], columns=None) -> pa.Table:
    args = ["scan", "-q", "-p", root, "-t", table, "-f", "arrow"]
    if as_of is not None:
        args += ["--as-of", as_of]
    if columns is not None:
        args += ["--columns", ",".join(columns)]
    return ipc.open_stream(azof(command, args)).read_all()


def read_ray(root: str, table: str, as_of, splits: int, columns=None, expect_shuffle=None):
    import ray
    import azof_ray

    plan = azof_ray.fetch_plan(root, table, as_of=as_of, splits=splits, columns=columns)
    result = azof_ray.read_plan(plan)
    if expect_shuffle is not None and result.shuffled != expect_shuffle:
        raise AssertionError(f"shuffled={result.shuffled}, expected {expect_shuffle}")
    refs = result.dataset.to_arrow_refs()
    tables = ray.get(refs, timeout=TASK_DEADLINE)
    stats = ray.get(result.stats_refs, timeout=TASK_DEADLINE)
    schema = azof_ray.output_schema(plan)
    got = pa.concat_tables([t.cast(schema) for t in tables]) if tables else schema.empty_table()
    return plan, got, stats


def same(got: pa.Table, want: pa.Table, what: str, ordered: bool) -> None:
    if not got.schema.equals(want.schema):
        raise AssertionError(f"{what}: schema\n{got.schema}\nwant\n{want.schema}")
    if not ordered:
        got = got.sort_by("key")
    if not got.equals(want):
        n = min(got.num_rows, want.num_rows)
        diff = next((i for i in range(n) if got.slice(i, 1).to_pylist() != want.slice(i, 1).to_pylist()), n)
        raise AssertionError(
            f"{what}: {got.num_rows} rows, want {want.num_rows}; first difference at row {diff}: "
            f"{got.slice(diff, 1).to_pylist()} vs {want.slice(diff, 1).to_pylist()}"
        )


def check_bytes(stats: list[dict], what: str) -> None:
    for s in stats:
        if s["data_bytes"] > BYTES_FACTOR * s["overlapping_bytes"]:
            raise AssertionError(
                f"{what}: range {s['range']} read {s['data_bytes']} bytes of column chunks, more than "
                f"{BYTES_FACTOR}x the {s['overlapping_bytes']} bytes of its overlapping row groups"
            )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=2)
    parser.add_argument("--instants", type=int, default=4)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--upstream", default=os.environ.get("AZOF_UPSTREAM", "../shared/upstream-testdata"))
    options = parser.parse_args()
    command = os.environ.get("AZOF_CMD")
    if not command:
        print("error: set AZOF_CMD to the azof CLI command", file=sys.stderr)
        return 2
    import ray

    checks = Checks()
    work = tempfile.mkdtemp(prefix="azof-ray-test-")
    cluster = Cluster(os.path.join(work, "ray"))
    nodes: set[str] = set()
    try:
        cluster.start()
        ray.init(address=cluster.address, log_to_driver=False)
        upstream = os.path.abspath(options.upstream)
        if not os.path.isdir(os.path.join(upstream, "financials")):
            raise RuntimeError(f"the upstream sample is missing: {upstream}/financials")
        for at in ["2019-01-17", "2019-06-01T00:00:00.000Z", "2019-09-30T23:59:59.999Z", None]:
            def financials(at=at):
                want = scan_arrow(command, upstream, "financials", at)
                _, got, _ = read_ray(upstream, "financials", at, 3, expect_shuffle=True)
                same(got, want, f"financials as of {at}", ordered=False)
            checks.run(f"financials as of {at}", financials)
        root = os.path.join(work, "tables")
        os.makedirs(root)
        for seed in range(options.tables):
            table = RandomTable(command, root, f"t{seed}", seed, keys=options.rows // 3, rows=options.rows)
            checks.run(f"build random table t{seed}", table.build, max(50, options.rows // 20))
            for at in table.instants(options.instants):
                def random_read(at=at, name=table.name):
                    want = scan_arrow(command, root, name, at)
                    plan, got, stats = read_ray(root, name, at, 4, expect_shuffle=False)
                    same(got, want, f"{name} as of {at}", ordered=True)
                    check_bytes(stats, f"{name} as of {at}")
                    nodes.update(s["node"] for s in stats)
                    if len(plan["keyRanges"]) < 2:
                        raise AssertionError(f"{name}: expected several key ranges, got {plan['keyRanges']}")
                checks.run(f"{table.name} as of {at}", random_read)
            def subset(name=table.name, at=table.instants(2)[1]):
                columns = ["key", "f", "s"]
                want = scan_arrow(command, root, name, at, columns)
                _, got, _ = read_ray(root, name, at, 3, columns=columns)
                same(got, want, f"{name} columns {columns} as of {at}", ordered=True)
            checks.run(f"{table.name} with --columns key,f,s", subset)

        def both_nodes():
            if len(nodes) < 2:
                raise AssertionError(f"key-range tasks ran on {len(nodes)} node(s), expected 2")
        checks.run("key-range tasks ran on both nodes", both_nodes)
    except Exception:  # noqa: BLE001: a failed set-up is a failure, reported and counted
        checks.failed += 1
        print(f"FAIL set-up\n{traceback.format_exc()}", flush=True)
    finally:
        try:
            ray.shutdown()
        finally:
            cluster.stop()
            shutil.rmtree(work, ignore_errors=True)
    print(f"ray: {checks.passed} passed, {checks.failed} failed", flush=True)
    return 0 if checks.failed == 0 and checks.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
