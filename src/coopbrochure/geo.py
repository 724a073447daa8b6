"""The bundled world outlines (Natural Earth), the projection of maps, and the check of a place against its country."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale

GEODATA = Path(__file__).parent / "geodata" / "world.json"
UNLABELLED = frozenset({"XS"})  # drawn, never named: the Siachen Glacier (claimed by India and Pakistan)
COAST_KM = 15.0  # a place this close to its country's outline counts as inside (simplified coasts, border towns)
EARTH_KM = 6371.0

Point = tuple[float, float]
Ring = tuple[Point, ...]


@dataclass(frozen=True)
class Extent:
    """A ring's bounding box in degrees, and its centre and radius on the sphere (for culling)."""

    west: float
    south: float
    east: float
    north: float
    centre: tuple[float, float, float]
    radius: float  # degrees of arc


class Lazy(Mapping):
    """Code -> value, made by `make(code)` on first use: a map decodes only the countries near it."""

    def __init__(self, codes, make):
        self._codes, self._make, self._made = frozenset(codes), make, {}
        self._order = sorted(self._codes)

    def __getitem__(self, code):
        if code not in self._made:
            if code not in self._codes:
                raise KeyError(code)
            self._made[code] = self._make(code)
        return self._made[code]

    def __contains__(self, code) -> bool:
        return code in self._codes

    def __iter__(self):
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)


class World:
    """The outlines of the bundled file: countries (decoded on first use), lakes, continents, and for culling a
    circle (centre, radius) around each country and an Extent around each ring."""

    def __init__(self, document: dict):
        self._document, self._scale, self._arcs = document, document["scale"], {}
        self.countries: Mapping[str, tuple[Ring, ...]] = Lazy(
            document["countries"], lambda code: tuple(self._ring(refs) for refs in document["countries"][code]))
        self.extents: Mapping[str, tuple[Extent, ...]] = Lazy(
            document["countries"], lambda code: tuple(extent(ring) for ring in self.countries[code]))
        self.circles = {code: (unit(lon, lat), radius) for code, (lon, lat, radius) in document["circles"].items()}
        self.lakes = tuple(self._ring(refs) for refs in document["lakes"])
        self.lake_extents = tuple(extent(ring) for ring in self.lakes)
        self.coarse_lakes = frozenset(document.get("coarse_lakes", ()))  # from 1:110m: for small scales only
        self.regions = {region: frozenset(codes) for region, codes in document.get("regions", {}).items()}

    def _arc(self, index: int) -> list[Point]:
        if index not in self._arcs:
            flat, scale, x, y, points = self._document["arcs"][index], self._scale, 0, 0, []
            for i in range(0, len(flat), 2):
                x, y = x + flat[i], y + flat[i + 1]
                points.append((x / scale, y / scale))
            self._arcs[index] = points
        return self._arcs[index]

    def _ring(self, refs: list[int]) -> Ring:
        points: list[Point] = []
        for ref in refs:
            arc = self._arc(ref) if ref >= 0 else self._arc(~ref)[::-1]
            points.extend(arc if not points else arc[1:])
        if len(points) > 1 and points[0] == points[-1]:
            points.pop()
        return tuple(points)

    def near(self, lon: float, lat: float, reach: float) -> list[str]:
        """The codes of the countries that may have land within `reach` degrees of arc of (lon, lat)."""
        here = unit(lon, lat)
        return [code for code, (centre, radius) in self.circles.items() if arc_between(here, centre) - radius <= reach]


def unit(lon: float, lat: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lon)
    return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)


def arc_between(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """Angle between two unit vectors, in degrees."""
    dot = max(-1.0, min(1.0, a[0] * b[0] + a[1] * b[1] + a[2] * b[2]))
    return math.degrees(math.acos(dot))


def centre_of(points) -> tuple[float, float]:
    """(lon, lat) of the mean direction of the points: right across the antimeridian too."""
    x = y = z = 0.0
    for lon, lat in points:
        ux, uy, uz = unit(lon, lat)
        x, y, z = x + ux, y + uy, z + uz
    return math.degrees(math.atan2(y, x)), math.degrees(math.atan2(z, math.hypot(x, y)))


def extent(ring: Ring) -> Extent:
    """The ring's box; its circle from the box's corners and edge middles (every point for the largest rings)."""
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    west, south, east, north = min(lons), min(lats), max(lons), max(lats)
    if east - west > 60 or north - south > 60:
        middle = unit(*centre_of(ring))
        return Extent(west, south, east, north, middle, max(arc_between(middle, unit(*p)) for p in ring))
    middle = unit((west + east) / 2, (south + north) / 2)
    rim = [(lon, lat) for lon in (west, (west + east) / 2, east) for lat in (south, (south + north) / 2, north)]
    return Extent(west, south, east, north, middle, max(arc_between(middle, unit(*p)) for p in rim) + 0.01)


@cache
def world() -> World:
    """The bundled outlines, read once per process."""
    return World(json.loads(GEODATA.read_text(encoding="utf-8")))


def continent(codes: list[str]) -> str | None:
    """The UN M.49 code of the continent holding all `codes` (e.g. "002", Africa), or None."""
    return next((region for region, members in world().regions.items() if set(codes) <= members), None)


def azimuthal(lon: float, lat: float, lon0: float, lat0: float) -> Point:
    """Lambert azimuthal equal-area coordinates, in degrees of arc at the centre (y grows northwards)."""
    phi, phi0, dlon = math.radians(lat), math.radians(lat0), math.radians(lon - lon0)
    cos_c = math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(dlon)
    k = math.sqrt(2 / max(1 + cos_c, 1e-9))
    x = k * math.cos(phi) * math.sin(dlon)
    y = k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(dlon))
    return math.degrees(x), math.degrees(y)


def reach(rho: float) -> float:
    """The angular distance (degrees) from the centre of a point `rho` projected degrees away."""
    half = math.radians(rho) / 2
    return 180.0 if half >= 1 else math.degrees(2 * math.asin(half))


@cache
def mainland(code: str) -> tuple[Ring, ...]:
    """The largest ring and the rings that reach within 2° of it, growing island by island (New Zealand's two
    islands, Zanzibar, Indonesia): far islands (the Galápagos, Hawaii, Svalbard) do not widen the view."""
    rings, extents = world().countries[code], world().extents[code]
    largest = max(range(len(rings)), key=lambda i: _area(rings[i]))
    lon0, lat0 = centre_of(rings[largest])
    middle = unit(lon0, lat0)
    boxes = {i: bounds([azimuthal(lon, lat, lon0, lat0) for lon, lat in ring]) for i, (ring, ext) in
             enumerate(zip(rings, extents)) if arc_between(middle, ext.centre) < 120}
    kept, frame = {largest}, boxes[largest]
    while True:
        near = frame[0] - 2, frame[1] - 2, frame[2] + 2, frame[3] + 2
        touching = [i for i, (x0, y0, x1, y1) in boxes.items() if i not in kept and
                    x0 <= near[2] and x1 >= near[0] and y0 <= near[3] and y1 >= near[1]]
        if not touching:
            return tuple(ring for i, ring in enumerate(rings) if i in kept)
        kept.update(touching)
        frame = bounds([corner for i in kept for corner in (boxes[i][:2], boxes[i][2:])])


def bounds(points) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _area(ring: Ring) -> float:
    squash = math.cos(math.radians(sum(lat for _, lat in ring) / len(ring)))
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))
    return abs(twice) * squash / 2


# The check of a place against its country ------------------------------------------------------------------------

def contains(code: str, lat: float, lon: float) -> bool:
    """Whether (lat, lon) lies inside the country's rings (even-odd rule: holes such as Lesotho are outside)."""
    inside = False
    for ring, ext in zip(world().countries[code], world().extents[code]):
        if not (ext.south <= lat <= ext.north and ext.west <= lon <= ext.east):
            continue
        for (x0, y0), (x1, y1) in zip(ring[-1:] + ring[:-1], ring):
            if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


def distance_km(code: str, lat: float, lon: float) -> float:
    """Great-circle distance from (lat, lon) to the nearest point of the country's outline (0 inside), in km."""
    if contains(code, lat, lon):
        return 0.0
    here, squash = unit(lon, lat), math.cos(math.radians(lat))
    best, nearest = math.inf, None
    for ring, ext in zip(world().countries[code], world().extents[code]):
        if nearest is not None and arc_between(here, ext.centre) - ext.radius > arc_between(here, unit(*nearest)):
            continue
        for (x0, y0), (x1, y1) in zip(ring[-1:] + ring[:-1], ring):
            # nearest point of the edge in a plane around the place (exact enough near it, where it matters)
            ax, ay, bx, by = (x0 - lon) * squash, y0 - lat, (x1 - lon) * squash, y1 - lat
            dx, dy = bx - ax, by - ay
            t = max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy))) if dx or dy else 0.0
            if (flat := math.hypot(ax + t * dx, ay + t * dy)) < best:
                best, nearest = flat, (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
    return math.radians(arc_between(here, unit(*nearest))) * EARTH_KM


def country_at(lat: float, lon: float) -> str | None:
    """The code of the country at (lat, lon), or None at sea."""
    for code in world().near(lon, lat, 0.0):
        if any(e.south <= lat <= e.north and e.west <= lon <= e.east for e in world().extents[code]) and \
                contains(code, lat, lon):
            return code
    return None


def english(code: str) -> str:
    return Locale("en").territories.get(code, code)


def has_outline(iso: str) -> bool:
    return iso in world().countries


def outside(iso: str, lat: float, lon: float, tolerance_km: float = COAST_KM) -> str | None:
    """Why (lat, lon) cannot be a place of `iso`, with the likely mistake; None when it can, or when `iso` has
    no outline."""
    if not has_outline(iso) or distance_km(iso, lat, lon) <= tolerance_km:
        return None
    name = english(iso)
    where = country_at(lat, lon)
    found = f"in {english(where)}" if where else "at sea"
    message = f"({lat:g}, {lon:g}) lies {found}, {distance_km(iso, lat, lon):,.0f} km outside {name} ({iso})"
    fixes = [(-lat, lon, f"the latitude's minus sign seems to be missing: ({-lat:g}, {lon:g}) lies in {name}"
              if lat > 0 else f"the latitude has a minus sign too many: ({-lat:g}, {lon:g}) lies in {name}"),
             (lat, -lon, f"the longitude's minus sign seems to be missing: ({lat:g}, {-lon:g}) lies in {name}"
              if lon > 0 else f"the longitude has a minus sign too many: ({lat:g}, {-lon:g}) lies in {name}"),
             (-lat, -lon, f"both signs seem wrong: ({-lat:g}, {-lon:g}) lies in {name}"),
             (lon, lat, f"latitude and longitude seem swapped: lat {lon:g}, lon {lat:g} lies in {name}")]
    for fixed_lat, fixed_lon, hint in fixes:
        if abs(fixed_lat) <= 90 and (fixed_lat, fixed_lon) != (lat, lon) and \
                distance_km(iso, fixed_lat, fixed_lon) <= tolerance_km:
            return f"{message}; {hint}"
    return f"{message}; check the coordinates: latitude first, south and west are negative"
