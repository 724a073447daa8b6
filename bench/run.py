"""Benchmarks of coopbrochure, as ratios against a baseline measured in the same run (not part of the tests).

Usage: .venv/bin/python bench/run.py [--runs N] [--only NAME ...]
Prints a table, and writes bench/results.json and bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COMMAND = [sys.executable, "-m", "coopbrochure"]


def copy_sample(folder: Path) -> Path:
    project = folder / "sample"
    project.mkdir()
    shutil.copy(REPO / "coopbrochure.yaml", project)
    shutil.copytree(REPO / "data", project / "data")
    return project


def timed(arguments: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run([*COMMAND, *arguments], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def median(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def bench_matrix(work: Path, runs: int) -> dict:
    """The six-edition build in parallel (default --jobs) against the same build with --jobs 1."""
    project = copy_sample(work)
    parallel = median(runs, lambda: timed(["build", "--force"], project))
    serial = median(runs, lambda: timed(["build", "--force", "--jobs", "1"], project))
    return {"parallel_s": parallel, "jobs_1_s": serial, "ratio": parallel / serial, "target": "<= 0.65"}


def bench_rebuild(work: Path, runs: int) -> dict:
    """A build with nothing changed, and one after editing one Markdown file, against a full build."""
    project = copy_sample(work)
    full = median(runs, lambda: timed(["build", "--force"], project))
    nothing = median(runs, lambda: timed(["build"], project))
    article = project / "data/articles/water-voor-iedereen.fr.md"

    def one_text_changed() -> float:
        article.write_text(article.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        return timed(["build"], project)

    one = median(runs, one_text_changed)
    return {"full_s": full, "nothing_changed_s": nothing, "nothing_changed_ratio": nothing / full,
            "one_markdown_changed_s": one, "one_markdown_changed_ratio": one / full,
            "target": "nothing changed < 0.10 x full"}


BENCHMARKS = {"matrix": bench_matrix, "rebuild": bench_rebuild}


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), help="run only these benchmarks")
    arguments = parser.parse_args()
    results = {"machine": machine(), "runs": arguments.runs, "benchmarks": {}}
    for name in arguments.only or BENCHMARKS:
        with tempfile.TemporaryDirectory(prefix=f"coopbrochure-bench-{name}-") as work:
            results["benchmarks"][name] = BENCHMARKS[name](Path(work), arguments.runs)
        print(f"{name:10} " + "  ".join(f"{key}={value:.3f}" if isinstance(value, float) else f"{key}={value}"
                                       for key, value in results["benchmarks"][name].items()), flush=True)
    (REPO / "bench/results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    lines = ["# Benchmark results", "", f"Machine: {results['machine']}; median of {arguments.runs} runs.", "",
             "| benchmark | measure | value |", "| --- | --- | --- |"]
    for name, values in results["benchmarks"].items():
        lines += [f"| {name} | {key} | {value:.3f} |" if isinstance(value, float) else f"| {name} | {key} | {value} |"
                  for key, value in values.items()]
    (REPO / "bench/RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
