"""A 2-node Ray cluster on 127.0.0.1 for the tests: `ray start --head --block` plus a second node
joining it, each its own process group with its own ports; stopped by killing exactly the process
trees these two commands started (never `ray stop`, which stops every Ray on the machine).

Run it inside a loopback-only network namespace (tests/run.sh does), so that no traffic leaves
127.0.0.1 even where Ray binds the machine's own address.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

_RAY = str(Path(sys.executable).with_name("ray"))


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry))
    return tree


def _descendants(pid: int) -> list[int]:
    tree = _children()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += tree.get(p, [])
    return out


def _with_argument(text: str) -> list[int]:
    """Processes whose command line mentions `text` (this cluster's own temp folder)."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                if text.encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                    out.append(int(entry))
            except OSError:
                pass
    return out


class Cluster:
    """Two Ray nodes (1 CPU each) on 127.0.0.1, started with deadlines and stopped by pid."""

    def __init__(
        self, temp_dir: str, port: int = 46379, deadline: float = 120.0, object_store: int = 200_000_000
    ):
        self.temp_dir = temp_dir
        self.address = f"127.0.0.1:{port}"
        self._port = port
        self._deadline = deadline
        self._object_store = object_store
        self._procs: list[subprocess.Popen] = []
        self._pids: set[int] = set()

    def _start(self, args: list[str], log: str) -> None:
        out = open(os.path.join(self.temp_dir, log), "w")
        proc = subprocess.Popen(
            [_RAY, "start", "--block", "--disable-usage-stats", "--node-ip-address=127.0.0.1", *args],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._procs.append(proc)

    def start(self) -> "Cluster":
        os.makedirs(self.temp_dir, exist_ok=True)
        p = self._port
        self._start(
            ["--head", f"--port={p}", "--num-cpus=1", "--include-dashboard=false",
             f"--temp-dir={self.temp_dir}", f"--node-manager-port={p + 1}",
             f"--object-manager-port={p + 2}",
             f"--min-worker-port={p + 100}", f"--max-worker-port={p + 199}",
             f"--dashboard-agent-listen-port={p + 4}", f"--metrics-export-port={p + 5}",
             f"--runtime-env-agent-port={p + 6}", f"--object-store-memory={self._object_store}"],
            "head.log",
        )
        self._wait_nodes(1, "the head node")
        self._start(
            [f"--address={self.address}", "--num-cpus=1", f"--node-manager-port={p + 11}",
             f"--object-manager-port={p + 12}", f"--min-worker-port={p + 200}",
             f"--max-worker-port={p + 299}", f"--dashboard-agent-listen-port={p + 14}",
             f"--metrics-export-port={p + 15}", f"--runtime-env-agent-port={p + 16}",
             f"--object-store-memory={self._object_store}"],
            "worker.log",
        )
        self._wait_nodes(2, "the second node")
        return self

    def _wait_nodes(self, count: int, what: str) -> None:
        end = time.monotonic() + self._deadline
        while time.monotonic() < end:
            for proc in self._procs:
                if proc.poll() is not None:
                    raise RuntimeError(f"ray start for {what} exited with {proc.returncode}: {self.logs()}")
            done = subprocess.run(
                [_RAY, "status", f"--address={self.address}"], capture_output=True, text=True, timeout=60,
            )
            if done.returncode == 0 and done.stdout.count("node_") >= count:
                return
            time.sleep(1)
        raise TimeoutError(f"{what} did not join within {self._deadline} s: {self.logs()}")

    def logs(self) -> str:
        texts = []
        for name in ("head.log", "worker.log"):
            path = os.path.join(self.temp_dir, name)
            if os.path.exists(path):
                texts.append(f"--- {name}\n" + Path(path).read_text()[-2000:])
        return "\n".join(texts)

    def stop(self) -> None:
        """Stops the two nodes: SIGTERM to each process tree, SIGKILL to what is left after 20 s."""
        pids = set(_with_argument(self.temp_dir))
        for proc in self._procs:
            pids.update(_descendants(proc.pid))
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in pids:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            end = time.monotonic() + 20
            while time.monotonic() < end and any(Path(f"/proc/{p}").exists() for p in pids):
                for proc in self._procs:
                    proc.poll()
                time.sleep(0.2)
        for proc in self._procs:
            proc.wait(timeout=10)
