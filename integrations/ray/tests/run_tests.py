"""Ray tests of azof_ray on a 2-node cluster on 127.0.0.1: read_as_of against `azof scan -f arrow`
on the upstream `financials` sample (hash-shuffle path) and on random tables with late rows, ties
and deletions (key-range path), bytes read per task, and tasks on both nodes.

    AZOF_CMD='deno run -A cli/main.ts' python tests/run_tests.py [--tables N] [--instants N] [--rows N]

Run it through tests/run.sh, which puts it in a loopback-only network namespace with a deadline.
Prints `ray: N passed, N failed` last; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
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


def scan_arrow(command: str, root: str, table: str, as_of: Optional[str], columns=None, snapshot=None) -> pa.Table:
    args = ["scan", "-q", "-p", root, "-t", table, "-f", "arrow"]
    if as_of is not None:
        args += ["--as-of", as_of]
    if snapshot is not None:
        args += ["--snapshot", str(snapshot)]
    if columns is not None:
        args += ["--columns", ",".join(columns)]
    return ipc.open_stream(azof(command, args)).read_all()


def read_ray(root: str, table: str, as_of, splits: int, columns=None, expect_shuffle=None, snapshot=None):
    import ray
    import azof_ray

    plan = azof_ray.fetch_plan(root, table, as_of=as_of, splits=splits, columns=columns, snapshot=snapshot)
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


def check_evolved(checks: Checks, command: str, root: str, table: RandomTable, nodes: set[str]) -> None:
    """An altered table: files before the alter hold s (now str), b (dropped; a new String b was
    added), n as Int (now Float), no note. Reads now, as of instants, and at the snapshots before
    and of the alter (each with its own schema) against `azof scan`."""
    before = ["key", "event_time", "s", "n", "f", "b", "d"]
    after = ["key", "event_time", "str", "n", "f", "d", "note", "b"]
    cases = [(at, None, after) for at in table.instants(4)]
    cases += [(None, table.altered_at - 1, before), (table.instants(2)[1], table.altered_at, after)]
    for at, snapshot, names in cases:
        def read(at=at, snapshot=snapshot, names=names):
            want = scan_arrow(command, root, table.name, at, snapshot=snapshot)
            plan, got, stats = read_ray(root, table.name, at, 4, expect_shuffle=False, snapshot=snapshot)
            nodes.update(s["node"] for s in stats)
            if want.column_names != names:
                raise AssertionError(f"azof scan gave columns {want.column_names}, expected {names}")
            same(got, want, f"{table.name} snapshot {snapshot} as of {at}", ordered=True)
            check_bytes(stats, f"{table.name} snapshot {snapshot} as of {at}")
            if snapshot is None and at is None:
                old = [f for f in plan["files"] if f["fileColumns"].get("str") == "s"]
                if not old or any("note" in f["columns"] or "b" in f["columns"] for f in old):
                    raise AssertionError("the plan should hold files from before the alter, without note and b")
        checks.run(f"{table.name} snapshot {snapshot} as of {at}", read)


def check_evolved_shuffle(checks: Checks, command: str, root: str) -> None:
    """The hash-shuffle path on an altered table: a copy of testdata/prices (files without key
    order) with price renamed, listed dropped and added again as a String, volume widened."""
    shutil.copytree(Path(__file__).resolve().parents[3] / "testdata" / "prices", Path(root, "prices"))
    azof(command, [
        "alter", "-q", "-p", root, "-t", "prices", "--rename-column", "price:close",
        "--drop-column", "listed", "--add-column", "listed:String?", "--widen-column", "volume:Float",
    ])
    for at in ["2023-05-17", "2023-12-31T23:59:59.999Z", None]:
        def read(at=at):
            want = scan_arrow(command, root, "prices", at)
            _, got, _ = read_ray(root, "prices", at, 3, expect_shuffle=True)
            same(got, want, f"altered prices as of {at}", ordered=False)
        checks.run(f"altered prices (hash shuffle) as of {at}", read)


def start_s3(work: str):
    """Starts an s3rver of its own in this network namespace (.ci/s3rver.sh with the s3rver that
    AZOF_S3RVER_MODULES holds) and points the AWS_* variables at it; returns its stop function."""
    modules = os.environ.get("AZOF_S3RVER_MODULES", "/tmp/azof-s3rver/node_modules")
    if not os.path.isdir(os.path.join(modules, "s3rver")):
        raise RuntimeError(f"S3 tests NOT RUN: no s3rver in {modules} (run .ci/s3rver.sh start once)")
    folder = os.path.join(work, "s3rver")
    os.makedirs(folder)
    os.symlink(modules, os.path.join(folder, "node_modules"))
    script = str(Path(__file__).resolve().parents[3] / ".ci" / "s3rver.sh")
    env = {**os.environ, "AZOF_S3RVER_DIR": folder, "AZOF_S3RVER_PORT": "4613"}
    subprocess.run([script, "start"], env=env, check=True, capture_output=True, timeout=120)
    exports = dict(
        line.removeprefix("export ").split("=", 1)
        for line in Path(folder, "env").read_text().splitlines()
    )
    os.environ.update({
        "AWS_ENDPOINT_URL_S3": exports["AZOF_TEST_S3_ENDPOINT"],
        "AWS_ACCESS_KEY_ID": "S3RVER",
        "AWS_SECRET_ACCESS_KEY": "S3RVER",
        "AWS_REGION": "us-east-1",
    })
    bucket = exports["AZOF_TEST_S3_BUCKET"]
    return f"s3://{bucket}/ray", lambda: subprocess.run([script, "stop"], env=env, timeout=60)


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
    stop_s3 = None
    try:
        s3_root, stop_s3 = start_s3(work)
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
                    nodes.update(s["node"] for s in stats)
                    same(got, want, f"{name} as of {at}", ordered=True)
                    check_bytes(stats, f"{name} as of {at}")
                    if len(plan["keyRanges"]) < 2:
                        raise AssertionError(f"{name}: expected several key ranges, got {plan['keyRanges']}")
                checks.run(f"{table.name} as of {at}", random_read)
            def subset(name=table.name, at=table.instants(2)[1]):
                columns = ["key", "f", "s"]
                want = scan_arrow(command, root, name, at, columns)
                _, got, _ = read_ray(root, name, at, 3, columns=columns)
                same(got, want, f"{name} columns {columns} as of {at}", ordered=True)
            checks.run(f"{table.name} with --columns key,f,s", subset)

            def public(name=table.name, at=table.instants(2)[1]):
                import azof_ray

                moment = dt.datetime.fromisoformat(at.replace("Z", "+00:00"))
                ds = azof_ray.read_as_of(root, name, as_of=moment)
                got = pa.concat_tables(ray.get(ds.to_arrow_refs(), timeout=TASK_DEADLINE))
                same(got, scan_arrow(command, root, name, at), f"read_as_of({name}, {moment})", ordered=True)
            checks.run(f"{table.name} through read_as_of() with a datetime", public)

        evolved = RandomTable(command, root, "t_evolved", 77, keys=300, rows=3000)
        checks.run("build t_evolved and alter it (rename, drop, widen, add)", lambda: evolved.build(150).evolve())
        check_evolved(checks, command, root, evolved, nodes)
        check_evolved_shuffle(checks, command, root)

        s3_table = RandomTable(command, s3_root, "t_s3", 99, keys=300, rows=1500)
        checks.run("build random table t_s3 on S3 (s3rver)", s3_table.build, 60)
        for at in s3_table.instants(3):
            def s3_read(at=at):
                want = scan_arrow(command, s3_root, "t_s3", at)
                plan, got, stats = read_ray(s3_root, "t_s3", at, 3, expect_shuffle=False)
                assert all(f["path"].startswith("s3://") for f in plan["files"])
                same(got, want, f"s3 t_s3 as of {at}", ordered=True)
                check_bytes(stats, f"s3 t_s3 as of {at}")
            checks.run(f"t_s3 on S3 as of {at}", s3_read)

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
            if stop_s3 is not None:
                stop_s3()
            shutil.rmtree(work, ignore_errors=True)
    print(f"ray: {checks.passed} passed, {checks.failed} failed", flush=True)
    return 0 if checks.failed == 0 and checks.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
