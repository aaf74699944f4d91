"""Getting an azof read plan: `azof plan --format json`, run on the driver.

The plan (files, ranks, row-group statistics, key ranges) comes from the azof CLI rather than from
reading snapshots in Python, so that there is one implementation of the snapshot format, the plan
rule and the S3 conventions (docs/DISTRIBUTED.md explains the choice).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shlex
import shutil
import subprocess
from typing import Any, Optional, Sequence, Union

Instant = Union[str, _dt.datetime, _dt.date, None]


class AzofPlanError(RuntimeError):
    """`azof plan` failed or could not be run; the message holds its `error: ...` line."""


def azof_command(azof: Union[str, Sequence[str], None] = None) -> list[str]:
    """The command that runs the azof CLI: `azof`, else `AZOF_CMD` (split like a shell), else
    `azof` on PATH, else `deno run --allow-all cli/main.ts` when the current folder is an azof
    checkout and deno is on PATH."""
    if azof is None:
        azof = os.environ.get("AZOF_CMD")
    if azof is not None:
        return shlex.split(azof) if isinstance(azof, str) else list(azof)
    found = shutil.which("azof")
    if found is not None:
        return [found]
    deno = shutil.which("deno")
    main = os.path.join(os.getcwd(), "cli", "main.ts")
    if deno is not None and os.path.isfile(main):
        return [deno, "run", "--allow-all", main]
    raise AzofPlanError(
        "Cannot plan the read: no azof on PATH; install the azof CLI or set AZOF_CMD "
        "(e.g. AZOF_CMD='deno run -A /path/to/azof/cli/main.ts')"
    )


def instant_text(value: Instant) -> Optional[str]:
    """An instant as the CLI's --as-of takes it: text as given, a datetime in UTC (naive = UTC)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="milliseconds") + "Z"
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError(f"Invalid as_of {value!r}: expected text, a datetime or a date")


def fetch_plan(
    path: str,
    table: str,
    *,
    as_of: Instant = None,
    snapshot: Optional[int] = None,
    columns: Optional[Sequence[str]] = None,
    splits: int = 1,
    azof: Union[str, Sequence[str], None] = None,
    timeout: float = 300.0,
) -> dict[str, Any]:
    """Runs `azof plan ... --format json` and returns the plan (docs/SPEC.md §6.1)."""
    args = ["plan", "--quiet", "--path", path, "--table", table, "--splits", str(splits)]
    at = instant_text(as_of)
    if at is not None:
        args += ["--as-of", at]
    if snapshot is not None:
        args += ["--snapshot", str(snapshot)]
    if columns is not None:
        args += ["--columns", ",".join(columns)]
    command = azof_command(azof) + args
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise AzofPlanError(f"azof plan did not finish within {timeout} s: {shlex.join(command)}") from error
    except OSError as error:
        raise AzofPlanError(f"Cannot run {shlex.join(command)}: {error}") from error
    if done.returncode != 0:
        message = done.stderr.strip() or f"exit code {done.returncode}"
        raise AzofPlanError(f"azof plan failed for table {table} in {path}: {message}")
    return json.loads(done.stdout)
