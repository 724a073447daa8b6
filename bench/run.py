"""Benchmarks of coopbrochure (issue 8, part 1 a–f), as ratios against baselines measured in the same run.

Usage: .venv/bin/python bench/run.py [--runs N] [--heavy-runs N] [--quick] [--only NAME ...]
Prints a table, and writes bench/results.json and bench/RESULTS.md. Not part of the tests.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchmarks  # noqa: E402
import report  # noqa: E402
from common import BENCH, CpuWatch, describe, machine  # noqa: E402

ORDER = ("startup", "overhead", "scaling", "images", "matrix", "rebuild")


def settings_from(arguments: argparse.Namespace) -> dict:
    if arguments.quick:
        settings = {"runs": 1, "heavy_runs": 1, "image_runs": 1, "pages": (16, 64), "photos": 10,
                    "overhead_editions": ("nl-a4-web",)}
    else:
        settings = {"runs": 3, "heavy_runs": 1, "image_runs": 1, "pages": synth_pages(),
                    "photos": 30, "overhead_editions": ("nl-a4-web", "nl-a4-print")}
    for key in ("runs", "heavy_runs", "image_runs"):
        if getattr(arguments, key) is not None:
            settings[key] = getattr(arguments, key)
    settings["quick"] = arguments.quick
    return settings


def synth_pages() -> tuple[int, ...]:
    import synth

    return synth.PAGES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, help="runs of each light measurement; the median is reported (default 3)")
    parser.add_argument("--heavy-runs", type=int, help="runs of the full matrix, the one-text rebuild and the "
                                                       "largest publication (default 1)")
    parser.add_argument("--image-runs", type=int, help="runs of each 30-photo build and its baseline (default 1)")
    parser.add_argument("--quick", action="store_true", help="one run each, smaller publications and 10 photos: "
                                                              "a smoke test, not for the targets")
    parser.add_argument("--only", nargs="*", choices=ORDER, help="run only these benchmarks")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects (the folder is printed)")
    arguments = parser.parse_args()
    settings = settings_from(arguments)
    info = machine()
    print(f"machine: {describe(info)}", flush=True)
    results = {"date": datetime.datetime.now().isoformat(timespec="seconds"), "machine": info,
               "machine_description": describe(info), "settings": settings, "benchmarks": {}}
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="coopbrochure-bench-"))
    try:
        for name in arguments.only or ORDER:
            mark, watch = time.perf_counter(), CpuWatch()
            folder = work / name
            folder.mkdir()
            if name == "rebuild":
                outcome = benchmarks.rebuild(folder, settings, results["benchmarks"].get("matrix"))
            else:
                outcome = getattr(benchmarks, name)(folder, settings)
            outcome["benchmark_s"] = time.perf_counter() - mark
            outcome["other_processes_cores"] = watch.others_cores()
            results["benchmarks"][name] = outcome
            for line in report.console_lines(name, outcome):
                print(line, flush=True)
    finally:
        if arguments.keep:
            print(f"generated projects kept in {work}")
        else:
            import shutil

            shutil.rmtree(work, ignore_errors=True)
    results["total_s"] = time.perf_counter() - started
    for outcome in results["benchmarks"].values():
        outcome.pop("project", None)  # a temporary folder, gone now
    (BENCH / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (BENCH / "RESULTS.md").write_text(report.markdown(results), encoding="utf-8")
    print(f"\ntotal {results['total_s']:.0f} s; wrote bench/results.json and bench/RESULTS.md")


if __name__ == "__main__":
    main()
