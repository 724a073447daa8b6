"""Benchmark of the maps (issue 15): the world geodata against the South America maps it replaced, in one run.

Usage: .venv/bin/python bench/maps.py [--runs N]
The baseline is maps.py and south-america.json as they were at BASELINE (read with `git show`), imported as
a module of their own; the same Andes maps are drawn by both. Prints a table and writes bench/maps-results.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BASELINE = "e7e7058"  # the last commit with the South America maps
PALETTE = {"focus": "#c8553d", "land": "#efe8dc", "sea": "#e3eef1", "border": "white", "ink": "#1d2730",
           "accent": "#0b4f6c"}
ANDES = {"PE": ("Lima", -12.05, -77.04), "BO": ("La Paz", -16.5, -68.15), "EC": ("Quito", -0.18, -78.47)}
GREAT_LAKES = {"CD": ("Kinshasa", -4.322, 15.307), "RW": ("Kigali", -1.95, 30.059),
               "BI": ("Gitega", -3.427, 29.925), "UG": ("Kampala", 0.348, 32.582)}

COLD = """
import sys, time
sys.path.insert(0, {path!r})
import {module} as maps
started = time.perf_counter()
maps.countries()
loaded = time.perf_counter()
maps.locator_map("PE", places=[maps.Place("Lima", -12.05, -77.04, "capital")], names={{"PE": "Peru"}},
                 palette={palette!r}, title="t", desc="d", width_mm=78, height_mm=96)
maps.region_map(["PE", "BO", "EC"], names={{"PE": "Peru"}}, palette={palette!r}, title="t", desc="d",
                width_mm=76, height_mm=78)
print(loaded - started, time.perf_counter() - started)
"""


def baseline_module(folder: Path) -> Path:
    """maps.py and its data at BASELINE, as the module maps_before in `folder`."""
    source = subprocess.run(["git", "show", f"{BASELINE}:src/coopbrochure/maps.py"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout
    data = subprocess.run(["git", "show", f"{BASELINE}:src/coopbrochure/geodata/south-america.json"], cwd=REPO,
                          check=True, capture_output=True, text=True).stdout
    (folder / "south-america.json").write_text(data, encoding="utf-8")
    source = source.replace('GEODATA = Path(__file__).parent / "geodata" / "south-america.json"',
                            'GEODATA = Path(__file__).parent / "south-america.json"')
    (folder / "maps_before.py").write_text(source, encoding="utf-8")
    return folder


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def cold(modules: list[tuple[str, Path]], runs: int) -> list[tuple[float, float]]:
    """Median seconds in a fresh process, after the import: loading the outlines, then also drawing a locator and
    a region map (the first maps of a build). The modules take turns, so that a busy machine weighs on both."""
    times: list[list[tuple[float, float]]] = [[] for _ in modules]
    for _ in range(runs):
        for index, (module, path) in enumerate(modules):
            output = subprocess.run([sys.executable, "-c", COLD.format(path=str(path), module=module,
                                                                        palette=PALETTE)],
                                    check=True, capture_output=True, text=True).stdout.split()
            times[index].append((float(output[0]), float(output[1])))
    return [(statistics.median(t[0] for t in found), statistics.median(t[1] for t in found)) for found in times]


def draw_all(maps, countries: dict, names: dict) -> float:
    """Seconds to draw each country's locator map (A4 and A5) and their region map, cache cleared."""
    maps._drawn.cache_clear()
    started = time.perf_counter()
    for code, (capital, lat, lon) in countries.items():
        for width, height in ((78, 96), (50, 62)):
            maps.locator_map(code, places=[maps.Place(capital, lat, lon, "capital")], names=names,
                             palette=PALETTE, title="t", desc="d", width_mm=width, height_mm=height)
    maps.region_map(list(countries), names=names, palette=PALETTE, title="t", desc="d", width_mm=76, height_mm=78)
    return time.perf_counter() - started


def warm(jobs: list[tuple[object, dict]], runs: int, names: dict) -> list[float]:
    """Median of `runs` draws of each job (module, countries), the jobs taking turns."""
    times: list[list[float]] = [[] for _ in jobs]
    for _ in range(runs):
        for index, (maps, countries) in enumerate(jobs):
            times[index].append(draw_all(maps, countries, names))
    return [statistics.median(found) for found in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    from babel import Locale

    names = dict(Locale("nl").territories)
    with tempfile.TemporaryDirectory() as folder:
        before_path = baseline_module(Path(folder))
        before = load("maps_before", before_path / "maps_before.py")
        sys.path.insert(0, str(REPO / "src"))
        from coopbrochure import maps

        results = {
            "baseline": BASELINE, "runs": runs,
            **dict(zip(("cold_before_s", "cold_after_s"),
                       cold([("maps_before", before_path), ("coopbrochure.maps", REPO / "src")], runs))),
            **dict(zip(("andes_before_s", "andes_after_s", "great_lakes_after_s"),
                       warm([(before, ANDES), (maps, ANDES), (maps, GREAT_LAKES)], runs, names))),
            "geodata_bytes": maps.GEODATA.stat().st_size,
        }
    results["cold_ratio"] = results["cold_after_s"][1] / results["cold_before_s"][1]
    results["andes_ratio"] = results["andes_after_s"] / results["andes_before_s"]
    rows = [("process start: load outlines", results["cold_before_s"][0], results["cold_after_s"][0]),
            ("process start: load + Peru + Andes region", results["cold_before_s"][1], results["cold_after_s"][1]),
            ("Andes: 3 countries x A4/A5 + region", results["andes_before_s"], results["andes_after_s"]),
            ("Great Lakes: 4 countries x A4/A5 + region", None, results["great_lakes_after_s"])]
    print(f"{'measurement':44} {'South America':>14} {'world':>10} {'ratio':>7}")
    for name, old, new in rows:
        before, ratio = (f"{old * 1000:12.0f}ms", f"{new / old:7.2f}") if old else (f"{'-':>14}", f"{'-':>7}")
        print(f"{name:44} {before} {new * 1000:8.0f}ms {ratio}")
    print(f"geodata: {results['geodata_bytes']:,} bytes")
    (BENCH / "maps-results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
