"""The work of one Ray task: a key range of key-ordered files, or one side of the hash shuffle."""

from __future__ import annotations

import resource
from typing import Any, Optional

import numpy as np
import pandas as pd
import pyarrow as pa

from .files import OpenedFile
from .resolve import (
    DELETED,
    EVENT_TIME,
    KEY,
    candidates,
    output_schema,
    parse_instant,
    resolve,
    work_schema,
)


def overlaps(group: dict[str, Any], key_range: dict[str, Any]) -> bool:
    """Whether a row group may hold keys of a range by its statistics (always, without them)."""
    low, high = group.get("keyMin"), group.get("keyMax")
    if low is None or high is None:
        return True
    start, end = key_range.get("start"), key_range.get("end")
    return (start is None or high >= start) and (end is None or low < end)


def _selection(plan: dict[str, Any]) -> Optional[tuple[list[str], list[str]]]:
    if plan.get("keys") is None and plan.get("keyPrefixes") is None:
        return None
    return (list(plan.get("keys") or []), list(plan.get("keyPrefixes") or []))


def _first_rows(opened: OpenedFile) -> list[int]:
    meta = opened.parquet.metadata
    starts, total = [], 0
    for g in range(meta.num_row_groups):
        starts.append(total)
        total += meta.row_group(g).num_rows
    return starts


def _read_columns(file: dict[str, Any], schema: pa.Schema) -> dict[str, str]:
    """The Parquet columns to read, each with the output name it is read under: the plan's
    `fileColumns` of the file (after a schema change a column may have another name in the file;
    one missing there reads as null), and `_deleted` when the file has it."""
    mapping = file["fileColumns"]
    wanted = {mapping[n]: n for n in schema.names if n in mapping}
    if file["hasDeleted"]:
        wanted[DELETED] = DELETED
    return wanted


def _groups(opened: OpenedFile, file: dict[str, Any], groups, schema, as_of, key_range, keys, stats):
    wanted = _read_columns(file, schema)
    columns = list(wanted)
    starts = _first_rows(opened)
    parts = []
    for group in groups:
        index = group["index"]
        stats["overlapping_bytes"] += opened.chunk_bytes(index, columns)
        stats["row_groups"] += 1
        table = opened.parquet.read_row_group(index, columns=columns)
        table = table.rename_columns([wanted[n] for n in table.column_names])
        stats["rows_read"] += table.num_rows
        parts.append(candidates(table, schema, file["rank"], starts[index], as_of, key_range, keys))
    return parts


def _stats(range_index: int) -> dict[str, Any]:
    import ray

    return {
        "range": range_index,
        "node": ray.get_runtime_context().get_node_id(),
        "files": 0,
        "row_groups": 0,
        "rows_read": 0,
        "footer_bytes": 0,
        "data_bytes": 0,
        "overlapping_bytes": 0,
    }


def read_range(plan: dict[str, Any], range_index: int) -> tuple[pa.Table, dict[str, Any]]:
    """Resolves one key range: reads, from every planned file, only the row groups overlapping it."""
    key_range = plan["keyRanges"][range_index]
    schema = work_schema(plan)
    as_of = parse_instant(plan["asOf"])
    keys = _selection(plan)
    stats = _stats(range_index)
    parts = []
    for file in plan["files"]:
        groups = [g for g in file["rowGroups"] if overlaps(g, key_range)]
        if not groups:
            continue
        opened = OpenedFile(file["path"])
        try:
            parts += _groups(opened, file, groups, schema, as_of, key_range, keys, stats)
        finally:
            stats["files"] += 1
            stats["footer_bytes"] += opened.footer_bytes
            stats["data_bytes"] += opened.data_bytes
            opened.close()
    table = resolve(parts, output_schema(plan))
    stats["rows_out"] = table.num_rows
    stats["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return table, stats


def partition_file(plan: dict[str, Any], file_index: int, partitions: int):
    """Map side of the hash shuffle: one file's candidate rows, split by a hash of the key (a
    list of `partitions` tables; the table itself for one partition, as Ray returns one value)."""
    split = _split_file(plan, file_index, partitions)
    return split if partitions > 1 else split[0]


def _split_file(plan: dict[str, Any], file_index: int, partitions: int) -> list[pa.Table]:
    file = plan["files"][file_index]
    schema = work_schema(plan)
    stats = _stats(-1)
    opened = OpenedFile(file["path"])
    try:
        parts = _groups(
            opened, file, file["rowGroups"], schema, parse_instant(plan["asOf"]), None,
            _selection(plan), stats,
        )
    finally:
        opened.close()
    if not parts:
        return [pa.table({}) for _ in range(partitions)]
    table = pa.concat_tables(parts)
    keys = table.column(KEY).to_numpy(zero_copy_only=False)
    bucket = pd.util.hash_array(keys.astype(object)) % np.uint64(partitions)
    return [table.filter(pa.array(bucket == p)) for p in range(partitions)]


def resolve_partition(plan: dict[str, Any], *parts: pa.Table) -> pa.Table:
    """Reduce side of the hash shuffle: the winners of one hash partition, sorted by key."""
    return resolve([p for p in parts if p.num_columns > 0], output_schema(plan))
