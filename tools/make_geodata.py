"""Build src/coopbrochure/geodata/south-america.json from Natural Earth 1:50m boundaries (npm world-atlas).

Run: .venv/bin/python tools/make_geodata.py [--source countries-50m.json]
The output is committed; run this only to change the map data. Without --source the script fetches
world-atlas@WORLD_ATLAS with `npm pack` into a temporary folder (needs npm and the npm registry).
TopoJSON is decoded here in plain Python; shared arcs are simplified once (Douglas-Peucker), so the
border between two countries stays identical on both sides.
"""
import argparse
import json
import math
import subprocess
import tarfile
import tempfile
from pathlib import Path

WORLD_ATLAS = "2.0.2"
SOURCE_FILE = "countries-50m.json"
OUTPUT = Path(__file__).resolve().parent.parent / "src/coopbrochure/geodata/south-america.json"
WINDOW = (-92.0, -57.0, -30.0, 14.0)  # lon_min, lat_min, lon_max, lat_max: rings touching it are kept
TOLERANCE = 0.02  # degrees (about 2 km; 0.25 mm on an 80 mm country map)
MIN_RING_AREA = 0.004  # square degrees (about 50 km²): smaller islands vanish at these scales
DIGITS = 2  # coordinates rounded to 0.01 degree

ALPHA2 = {  # ISO 3166-1 numeric (as used by world-atlas) -> alpha-2
    "032": "AR", "052": "BB", "068": "BO", "076": "BR", "152": "CL", "170": "CO", "188": "CR",
    "218": "EC", "222": "SV", "238": "FK", "239": "GS", "308": "GD", "320": "GT", "328": "GY",
    "340": "HN", "531": "CW", "533": "AW", "558": "NI", "591": "PA", "600": "PY", "604": "PE",
    "662": "LC", "670": "VC", "740": "SR", "780": "TT", "858": "UY", "862": "VE",
    "250": "GF",  # France: inside the window only French Guiana
    "528": "BQ",  # Netherlands: inside the window only the Caribbean Netherlands
}


def fetch_source(folder: Path) -> Path:
    """Download world-atlas with npm pack and return the path of the TopoJSON file."""
    subprocess.run(["npm", "pack", f"world-atlas@{WORLD_ATLAS}", "--silent"], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)
    with tarfile.open(folder / f"world-atlas-{WORLD_ATLAS}.tgz") as archive:
        archive.extract(f"package/{SOURCE_FILE}", folder, filter="data")
    return folder / "package" / SOURCE_FILE


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Undo the delta encoding and the quantization of every arc: lists of (lon, lat)."""
    (scale_x, scale_y), (shift_x, shift_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def douglas_peucker(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Simplify a polyline, keeping both ends; distances in a local equirectangular plane."""
    if len(points) < 3:
        return points
    squash = math.cos(math.radians(sum(lat for _, lat in points) / len(points)))
    flat = [(lon * squash, lat) for lon, lat in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = flat[first], flat[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, worst_index = 0.0, None
        for index in range(first + 1, last):
            px, py = flat[index]
            distance = (abs(dx * (ay - py) - dy * (ax - px)) / length) if length else math.hypot(px - ax, py - ay)
            if distance > worst:
                worst, worst_index = distance, index
        if worst_index is not None and worst > tolerance:
            keep[worst_index] = True
            stack += [(first, worst_index), (worst_index, last)]
    return [point for point, kept in zip(points, keep) if kept]


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Stitch a ring from arc indexes (~i means arc i reversed), dropping the repeated joints."""
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def rounded(points: list[tuple[float, float]]) -> list[list[float]]:
    """Round to DIGITS and drop points that became duplicates of their predecessor."""
    result: list[list[float]] = []
    for lon, lat in points:
        point = [round(lon, DIGITS), round(lat, DIGITS)]
        if not result or point != result[-1]:
            result.append(point)
    return result


def area(points: list[list[float]]) -> float:
    """Absolute planar area of a ring in square degrees (cos-latitude corrected)."""
    squash = math.cos(math.radians(sum(lat for _, lat in points) / len(points)))
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]))
    return abs(twice) * squash / 2


def touches_window(points: list[tuple[float, float]]) -> bool:
    """True when the ring's bounding box meets WINDOW."""
    lon_min, lat_min, lon_max, lat_max = WINDOW
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons) <= lon_max and max(lons) >= lon_min and min(lats) <= lat_max and max(lats) >= lat_min


def country_rings(topology: dict) -> dict[str, list[list[list[float]]]]:
    """Alpha-2 code -> simplified, rounded rings ([lon, lat] lists) of every country in the window."""
    raw_arcs = decode_arcs(topology)
    simple_arcs = [douglas_peucker(arc, TOLERANCE) for arc in raw_arcs]
    countries: dict[str, list[list[list[float]]]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = ALPHA2.get(str(geometry.get("id")))
        if code is None or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                if not touches_window(ring_points(ring, raw_arcs)):
                    continue
                points = rounded(ring_points(ring, simple_arcs))
                if points[0] == points[-1]:
                    points.pop()
                if len(points) >= 3 and area(points) >= MIN_RING_AREA:
                    countries.setdefault(code, []).append(points)
    return dict(sorted(countries.items()))


def write(countries: dict, path: Path) -> None:
    """Write the compact JSON file: {"XX": [[[lon, lat], ...], ...], ...}."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(countries, separators=(",", ":")) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help=f"a local copy of world-atlas {SOURCE_FILE}")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = args.source or fetch_source(Path(folder))
        countries = country_rings(json.loads(source.read_text(encoding="utf-8")))
    write(countries, args.output)
    points = sum(len(ring) for rings in countries.values() for ring in rings)
    print(f"{args.output}: {len(countries)} countries, {points} points, {args.output.stat().st_size} bytes")


if __name__ == "__main__":
    main()
