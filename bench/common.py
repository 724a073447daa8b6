"""Measuring commands: wall time and peak memory of a subprocess, medians, and the machine's description."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
PYTHON = sys.executable
COOPBROCHURE = [PYTHON, "-m", "coopbrochure"]
WEASY_ALONE = [PYTHON, str(BENCH / "weasy_alone.py")]
RETRIES = 2  # the sample may be mid-edit by someone else: a failed build is retried after a pause


@dataclass(frozen=True)
class Run:
    """One command: wall seconds (interpreter start-up included), CPU seconds (user + system, workers
    included), peak RSS in MB, exit code and output."""

    seconds: float
    cpu_s: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


class CommandFailed(RuntimeError):
    pass


def run(command: list[str], cwd: Path, *, ok_codes: tuple[int, ...] = (0,), retries: int = RETRIES) -> Run:
    """Run `command` and measure it. The peak memory is that of this child and its descendants
    (os.wait4's rusage), so one measurement never carries over into the next."""
    for attempt in range(retries + 1):
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            started = time.perf_counter()
            process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            result = Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode,
                         out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))
        if result.returncode in ok_codes:
            return result
        if attempt < retries:
            print(f"  (command failed with exit {result.returncode}, retrying in 20 s: {' '.join(command[-4:])})",
                  file=sys.stderr, flush=True)
            time.sleep(20)
    raise CommandFailed(f"{' '.join(command)} (in {cwd}) exited with {result.returncode}:\n"
                        f"{result.stderr[-2000:] or result.stdout[-2000:]}")


class CpuWatch:
    """How much CPU other processes on the machine used while a benchmark ran (Linux: /proc/stat).

    Busy time of all CPUs, minus the CPU time of this process and of the commands it ran and waited
    for: what is left was used by someone else, and slowed our measurements down."""

    def __init__(self) -> None:
        self.start = self._sample()

    @staticmethod
    def _sample() -> tuple[float, float, float] | None:
        import resource

        try:
            fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        except (OSError, ValueError):
            return None
        ticks = os.sysconf("SC_CLK_TCK")
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / ticks  # all but idle and iowait
        ours = sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
                   for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        return busy, ours, time.perf_counter()

    def others_cores(self) -> float | None:
        """The average number of cores busy with other processes since this watch started."""
        end = self._sample()
        if self.start is None or end is None:
            return None
        busy, ours, wall = (after - before for after, before in zip(end, self.start))
        return max(0.0, (busy - ours) / wall) if wall > 0 else None


def median(values) -> float:
    return statistics.median(list(values))


def machine() -> dict:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        memory = f"{kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = {}
    for package in ("coopbrochure", "weasyprint", "pillow", "pypdf", "pypdfium2"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:  # noqa: BLE001 (a missing package is just not listed)
            pass
    harfbuzz_subset = any(Path(folder, "libharfbuzz-subset.so.0").exists()
                          for folder in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/usr/lib",
                                         "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu"))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cpu": cpu, "cores": usable, "memory": memory, "os": platform.platform(),
            "python": platform.python_version(), "versions": versions, "harfbuzz_subset": harfbuzz_subset,
            "load_at_start": load}


def describe(info: dict) -> str:
    versions = ", ".join(f"{name} {value}" for name, value in info["versions"].items())
    return (f"{info['cpu']}, {info['cores']} cores, {info['memory']}; {info['os']}; Python {info['python']}; "
            f"{versions}; libharfbuzz-subset {'present' if info['harfbuzz_subset'] else 'absent'}")
