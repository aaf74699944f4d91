"""Random azof tables for the tests, written with the azof CLI: several writes with late rows,
ties, deletions and awkward strings, a compaction into small row groups, then more late writes."""

from __future__ import annotations

import datetime as dt
import json
import random
import shlex
import subprocess
from pathlib import Path
from typing import Optional

SCHEMA = "s:String?,n:Int?,f:Float?,b:Boolean?,d:DateTime?"
_START = dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)
_SPAN_MS = 2 * 365 * 86_400_000
_ODD = ["é", "😀", "a\nb", "x,y", '"q"', "\u00a0", "\uffff", "Z", "zz", ""]


def azof(command: str, args: list[str], timeout: float = 300.0, stdin: Optional[bytes] = None) -> bytes:
    """Runs the azof CLI (`command` split like a shell) with a deadline; raises with its stderr."""
    argv = shlex.split(command) + args
    try:
        done = subprocess.run(argv, input=stdin, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as error:
        raise TimeoutError(f"azof {args[0]} did not finish within {timeout} s") from error
    if done.returncode != 0:
        raise RuntimeError(f"{shlex.join(argv)} failed: {done.stderr.decode(errors='replace')}")
    return done.stdout


def instant(ms: int) -> str:
    """ms since the epoch as RFC 3339 with milliseconds."""
    moment = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(milliseconds=ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class RandomTable:
    """A table under `root` named `name`, with every event time written (for picking instants)."""

    def __init__(self, command: str, root: str, name: str, seed: int, keys: int, rows: int):
        self.command, self.root, self.name = command, root, name
        self.rng = random.Random(seed)
        self.keys = [f"k{i:05d}" for i in range(keys)] + [f"k{o}" for o in _ODD]
        self.rows = rows
        self.times: list[int] = []
        self.written: list[tuple[str, int]] = []
        self.ties: list[int] = []
        self._base = int(_START.timestamp() * 1000)
        # Column name -> the kind of values written to it (`_value`).
        self.columns = {c: c for c in ("s", "n", "f", "b", "d")}
        self.altered_at: Optional[int] = None

    def _value(self, kind: str):
        r = self.rng
        if r.random() < 0.15:
            return None
        if kind == "s":
            return r.choice(_ODD + [f"v{r.randrange(1000)}", "line1\nline2\r\n", "tab\there"])
        if kind == "n":
            return r.randrange(-(2**50), 2**50)
        if kind == "f":
            return r.choice([r.uniform(-1e6, 1e6), 0.0, -0.0, 1.5, 1e-300])
        if kind == "b":
            return r.random() < 0.5
        return instant(self._base + r.randrange(_SPAN_MS))

    def _batch(self, count: int, late_from: Optional[int]) -> bytes:
        lines = []
        batch: list[tuple[str, int]] = []
        for _ in range(count):
            low = self._base if late_from is None else late_from
            t = low + self.rng.randrange(max(1, self._base + _SPAN_MS - low))
            key = self.rng.choice(self.keys)
            if self.written and self.rng.random() < 0.15:
                key, t = self.rng.choice(self.written)  # a tie with an earlier write: this one wins
                self.ties.append(t)
            self.times.append(t)
            batch.append((key, t))
            row = {"key": key, "event_time": instant(t)}
            if self.rng.random() < 0.08:
                row["_deleted"] = True
            else:
                row.update({c: self._value(kind) for c, kind in self.columns.items()})
            lines.append(json.dumps(row, ensure_ascii=False))
        self.written += batch
        return ("\n".join(lines) + "\n").encode()

    def _run(self, args: list[str], stdin: Optional[bytes] = None) -> None:
        azof(self.command, [args[0], "-q", "--path", self.root, "--table", self.name, *args[1:]], stdin=stdin)

    def _write(self, count: int, late_from: Optional[int]) -> None:
        self._run(["write", "--input", "-"], stdin=self._batch(count, late_from))

    def build(self, row_group_rows: int) -> "RandomTable":
        """Creates the table: 3 writes, a compaction into small row groups, 2 late writes."""
        self._run(["create", "--schema", SCHEMA, "--segment", "P1Y,P3M"])
        per = max(1, self.rows // 5)
        for i in range(3):
            self._write(per, None if i == 0 else self._base + self.rng.randrange(_SPAN_MS // 2))
        self._run(["compact", "--force", "--row-group-rows", str(row_group_rows)])
        for _ in range(2):
            self._write(per, self._base + self.rng.randrange(_SPAN_MS))
        return self

    def evolve(self) -> "RandomTable":
        """After `build` (on a local root): one alter (rename s to str, drop b, widen n to Float, add
        note, add b again as a String), then 3 late writes; the files written before keep the old
        columns. `altered_at` is the snapshot of the alter."""
        self._run([
            "alter", "--rename-column", "s:str", "--drop-column", "b", "--widen-column", "n:Float?",
            "--add-column", "note:String?", "--add-column", "b:String?",
        ])
        self.altered_at = int(Path(self.root, self.name, "version.txt").read_text().strip())
        self.columns = {"str": "s", "n": "f", "f": "f", "d": "d", "note": "s", "b": "s"}
        for _ in range(3):
            self._write(max(1, self.rows // 5), self._base + self.rng.randrange(_SPAN_MS))
        return self

    def instants(self, count: int) -> list[Optional[str]]:
        """`count` instants: the current state, then exact event times written (every other one a
        tie between writes), some ±1 ms."""
        picked: list[Optional[str]] = [None]
        while len(picked) < count:
            pool = self.ties if self.ties and len(picked) % 2 == 1 else self.times
            t = self.rng.choice(pool) + self.rng.choice([-1, 0, 0, 1])
            picked.append(instant(t))
        return picked
