"""Read azof tables as of an event-time instant into Ray Data.

    import ray, azof_ray
    ray.init()
    ds = azof_ray.read_as_of("/data/lake", "prices", as_of="2024-01-01")

The driver asks the azof CLI for the plan (`azof plan --format json`); one Ray task per key range
then reads, with pyarrow, only the row groups of every planned file that overlap its range and
resolves them (no shuffle). A plan holding a file that does not declare key order (written by
another tool or by azof before 0.3) is resolved by a hash shuffle instead: one task per file splits
its candidate rows by a hash of the key, one task per partition resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence, Union

from .plan import AzofPlanError, Instant, fetch_plan
from .resolve import output_schema

__all__ = ["AzofPlanError", "ReadResult", "fetch_plan", "output_schema", "read_as_of", "read_plan"]


@dataclass
class ReadResult:
    """A started read: the dataset, and per task what it read (when `task_stats` is resolved)."""

    dataset: Any
    """The rows, as a ray.data.Dataset."""
    shuffled: bool
    """True when the plan was resolved by the hash shuffle (a file without key order)."""
    stats_refs: list
    """Per key-range task (empty after a shuffle): an ObjectRef of a dict with `footer_bytes`,
    `data_bytes` (column chunks read), `overlapping_bytes` (stored size of the chunks of the row
    groups overlapping the range), `row_groups`, `rows_read`, `rows_out`, `files`, `node` and
    `peak_rss_bytes` (of the worker process, which may have run earlier tasks)."""


def _cpus() -> int:
    import ray

    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def read_plan(plan: dict[str, Any]) -> ReadResult:
    """Carries out a plan of `azof plan --format json` on the Ray cluster `ray.init()` joined."""
    import ray
    import ray.data

    from . import tasks

    plan_ref = ray.put(plan)
    if all(f["keyOrdered"] for f in plan["files"]):
        read = ray.remote(num_returns=2)(tasks.read_range)
        refs = [read.remote(plan_ref, i) for i in range(len(plan["keyRanges"]))]
        tables = [t for t, _ in refs]
        return ReadResult(_dataset(tables, plan), False, [s for _, s in refs])
    partitions = max(1, len(plan["keyRanges"]))
    split = ray.remote(num_returns=partitions)(tasks.partition_file)
    sides = []
    for i in range(len(plan["files"])):
        out = split.remote(plan_ref, i, partitions)
        sides.append(out if partitions > 1 else [out])
    merge = ray.remote(tasks.resolve_partition)
    tables = [merge.remote(plan_ref, *[side[p] for side in sides]) for p in range(partitions)]
    return ReadResult(_dataset(tables, plan), True, [])


def _dataset(tables: list, plan: dict[str, Any]):
    import ray
    import ray.data

    if not tables:
        return ray.data.from_arrow(output_schema(plan).empty_table())
    return ray.data.from_arrow_refs(tables)


def read_as_of(
    path: str,
    table: str,
    as_of: Instant = None,
    snapshot: Optional[int] = None,
    columns: Optional[Sequence[str]] = None,
    *,
    splits: Optional[int] = None,
    azof: Union[str, Sequence[str], None] = None,
):
    """Reads table `table` under root `path` (a folder every node sees, or s3://bucket/prefix) as
    of `as_of` (text in the CLI's forms, a datetime, or None for the current state), optionally from
    snapshot `snapshot` and only `columns`. Returns a ray.data.Dataset with the rows, columns and
    types of `azof scan -f arrow` (each block sorted by key; blocks in key order unless the plan
    needed the hash shuffle). `splits` is the number of key ranges (default: 2 per cluster CPU);
    `azof` the CLI command (default: AZOF_CMD, else azof on PATH)."""
    plan = fetch_plan(
        path, table, as_of=as_of, snapshot=snapshot, columns=columns,
        splits=splits or 2 * _cpus(), azof=azof,
    )
    return read_plan(plan).dataset
