"""Candidate rows of planned row groups, and the resolution rule (docs/SPEC.md §7) in pyarrow."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Optional

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

KEY = "key"
EVENT_TIME = "event_time"
DELETED = "_deleted"
_RANK = "__rank"
_ROW = "__row"
_DELETED = "__deleted"

_TYPES = {
    "String": pa.string(),
    "Int": pa.int64(),
    "Float": pa.float64(),
    "Boolean": pa.bool_(),
    "DateTime": pa.timestamp("ms", tz="UTC"),
}


def output_schema(plan: dict[str, Any]) -> pa.Schema:
    """The schema of `azof scan -f arrow` for the plan's columns: key and event_time not null."""
    types = {c["name"]: c["type"] for c in plan["schema"]["columns"]}
    types[KEY] = "String"
    types[EVENT_TIME] = "DateTime"
    return pa.schema(
        [pa.field(n, _TYPES[types[n]], nullable=n not in (KEY, EVENT_TIME)) for n in plan["columns"]]
    )


def work_schema(plan: dict[str, Any]) -> pa.Schema:
    """The output schema with key and event_time added when not output (resolution needs them)."""
    schema = output_schema(plan)
    for name in (EVENT_TIME, KEY):
        if name not in schema.names:
            schema = schema.insert(0, pa.field(name, _TYPES["DateTime" if name == EVENT_TIME else "String"], False))
    return schema


def parse_instant(text: Optional[str]) -> Optional[int]:
    """An RFC 3339 instant of the plan as ms since the epoch."""
    if text is None:
        return None
    moment = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    epoch = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
    delta = moment - epoch
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _column(array: pa.ChunkedArray, target: pa.DataType) -> pa.ChunkedArray:
    """A file's column in the output type: timestamps floored to ms in UTC, narrower types widened
    (Int values of a column widened to Float rounded to the nearest Float, as azof does)."""
    if pa.types.is_timestamp(target):
        if not pa.types.is_timestamp(array.type):
            raise TypeError(f"expected a timestamp column, found {array.type}")
        if array.type.unit != "ms":
            array = pc.floor_temporal(array, unit="millisecond")
        array = array.cast(pa.timestamp("ms", tz=array.type.tz), safe=False)
        return array.cast(target)
    if pa.types.is_large_string(array.type) or pa.types.is_binary(array.type):
        return array.cast(pa.string())
    if pa.types.is_integer(array.type) and pa.types.is_floating(target):
        # A column widened from Int: to the nearest binary64, as azof converts (SPEC §3.7).
        return array.cast(target, safe=False)
    return array if array.type == target else array.cast(target)


def candidates(
    table: pa.Table,
    schema: pa.Schema,
    rank: int,
    first_row: int,
    as_of: Optional[int],
    key_range: Optional[dict[str, Any]],
    keys: Optional[tuple[list[str], list[str]]],
) -> pa.Table:
    """One row group's candidate rows in the output schema plus __deleted, __rank and __row:
    event_time <= as_of, key in the range and selected."""
    rows = table.num_rows
    columns = {}
    for field in schema:
        if field.name in table.column_names:
            columns[field.name] = _column(table.column(field.name), field.type)
        else:
            columns[field.name] = pa.nulls(rows, field.type)
    if DELETED in table.column_names:
        columns[_DELETED] = pc.fill_null(table.column(DELETED).cast(pa.bool_()), False)
    else:
        columns[_DELETED] = pa.array(np.zeros(rows, dtype=bool))
    columns[_RANK] = pa.array(np.full(rows, rank, dtype=np.int32))
    columns[_ROW] = pa.array(np.arange(first_row, first_row + rows, dtype=np.int64))
    out = pa.table(columns)
    key = out.column(KEY)
    mask = None

    def both(a, b):
        return b if a is None else pc.and_(a, b)

    if as_of is not None:
        ms = out.column(EVENT_TIME).cast(pa.int64())
        mask = both(mask, pc.less_equal(ms, as_of))
    if key_range is not None:
        if key_range.get("start") is not None:
            mask = both(mask, pc.greater_equal(key, key_range["start"]))
        if key_range.get("end") is not None:
            mask = both(mask, pc.less(key, key_range["end"]))
    if keys is not None:
        exact, prefixes = keys
        selected = pc.is_in(key, value_set=pa.array(exact, pa.string()))
        for prefix in prefixes:
            selected = pc.or_(selected, pc.starts_with(key, prefix))
        mask = both(mask, selected)
    return out if mask is None else out.filter(mask)


def resolve(parts: list[pa.Table], schema: pa.Schema) -> pa.Table:
    """The winners of candidate rows: per key, greatest event_time, then higher rank, then later
    row; winning deletions dropped; sorted by key (UTF-8 byte order)."""
    if not parts:
        return schema.empty_table()
    table = pa.concat_tables(parts)
    if table.num_rows == 0:
        return schema.empty_table()
    table = table.sort_by(
        [(KEY, "ascending"), (EVENT_TIME, "descending"), (_RANK, "descending"), (_ROW, "descending")]
    )
    key = table.column(KEY).combine_chunks()
    first = np.ones(len(key), dtype=bool)
    if len(key) > 1:
        first[1:] = pc.not_equal(key.slice(1), key.slice(0, len(key) - 1)).to_numpy(zero_copy_only=False)
    keep = pc.and_(pa.array(first), pc.invert(table.column(_DELETED)))
    return table.filter(keep).select(schema.names).cast(schema)
