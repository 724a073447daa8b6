"""Locator and region maps of South America as inline SVG, drawn from the bundled Natural Earth data."""
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

GEODATA = Path(__file__).parent / "geodata" / "south-america.json"
PT_PER_MM = 72 / 25.4
PALETTE_KEYS = ("focus", "land", "sea", "border", "ink", "accent")
CELL = 2.0  # pt: grid used to find room for labels
CHAR_WIDTH = 0.55  # average advance of a character, in em (Source Sans Pro is narrower: a safe guess)
MIN_SPAN = 8.0  # degrees: a small country is shown in context, not blown up
FOCUS_SIZE, NEIGHBOUR_SIZE, PLACE_SIZE = 7.5, 6.5, 7.0  # font sizes in pt (the user unit is 1 pt)

Point = tuple[float, float]


@dataclass(frozen=True)
class Place:
    """A town or region to mark on a locator map."""
    name: str
    lat: float
    lon: float
    kind: str = "region"  # "capital" or "region"


@cache
def countries() -> dict[str, tuple[tuple[Point, ...], ...]]:
    """Alpha-2 code -> rings of (lon, lat), loaded once from the package data."""
    data = json.loads(GEODATA.read_text(encoding="utf-8"))
    return {code: tuple(tuple((lon, lat) for lon, lat in ring) for ring in rings) for code, rings in data.items()}


def azimuthal(lon: float, lat: float, lon0: float, lat0: float) -> Point:
    """Lambert azimuthal equal-area coordinates, in degrees of arc at the centre (y grows northwards)."""
    phi, phi0, dlon = math.radians(lat), math.radians(lat0), math.radians(lon - lon0)
    k = math.sqrt(2 / (1 + math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(dlon)))
    x = k * math.cos(phi) * math.sin(dlon)
    y = k * (math.cos(phi0) * math.sin(phi) - math.sin(phi0) * math.cos(phi) * math.cos(dlon))
    return math.degrees(x), math.degrees(y)


def bounds(points) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def mainland(rings) -> list:
    """The longest ring and the rings near it: far islands (the Galápagos) do not widen the view."""
    largest = max(rings, key=len)
    west, south, east, north = bounds(largest)
    return [ring for ring in rings if all(
        west - 2 <= lon <= east + 2 and south - 2 <= lat <= north + 2 for lon, lat in ring)]


def outside(iso: str, lat: float, lon: float, tolerance: float = 0.5) -> str | None:
    """Why (lat, lon) cannot be marked on the locator map of `iso`, or None when it can (or there is no map)."""
    if iso not in countries():
        return None
    west, south, east, north = bounds([p for ring in mainland(countries()[iso]) for p in ring])
    if south - tolerance <= lat <= north + tolerance and west - tolerance <= lon <= east + tolerance:
        return None
    south, north, west, east = (f"{round(value, 1) + 0:.1f}" for value in (south, north, west, east))
    return (f"({lat:g}, {lon:g}) lies outside {iso} (latitude {south} to {north}, longitude {west} to {east}); "
            "check the signs: south and west are negative")


def fit_view(codes: list[str], width: float, height: float, margin: float) -> Callable[[float, float], Point]:
    """A projection (lon, lat) -> pt on the map, framing the mainland of `codes` with `margin` around it.

    Lambert azimuthal equal-area centred on the countries; the margin (share of the larger side) shows the
    neighbours, and the frame is widened to the aspect ratio of the map."""
    points = [p for code in codes for ring in mainland(countries()[code]) for p in ring]
    west, south, east, north = bounds(points)
    lon0, lat0 = (west + east) / 2, (south + north) / 2
    x0, y0, x1, y1 = bounds([azimuthal(lon, lat, lon0, lat0) for lon, lat in points])
    pad = margin * max(x1 - x0, y1 - y0) + margin * 8
    span_x, span_y = max(x1 - x0 + 2 * pad, MIN_SPAN), max(y1 - y0 + 2 * pad, MIN_SPAN)
    span_x, span_y = max(span_x, span_y * width / height), max(span_y, span_x * height / width)
    left, top, scale = (x0 + x1 - span_x) / 2, (y0 + y1 + span_y) / 2, width / span_x

    def project(lon: float, lat: float) -> Point:
        x, y = azimuthal(lon, lat, lon0, lat0)
        return (x - left) * scale, (top - y) * scale
    return project


def clip(ring: list[Point], x0: float, y0: float, x1: float, y1: float) -> list[Point]:
    """Sutherland-Hodgman clipping of a ring to a rectangle (edges along the rectangle stay outside view)."""
    for axis, limit, sign in ((0, x0, 1), (0, x1, -1), (1, y0, 1), (1, y1, -1)):
        result = []
        for a, b in zip(ring[-1:] + ring[:-1], ring):
            a_in, b_in = sign * (a[axis] - limit) >= 0, sign * (b[axis] - limit) >= 0
            if a_in != b_in:
                t = (limit - a[axis]) / (b[axis] - a[axis])
                result.append((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
            if b_in:
                result.append(b)
        ring = result
    return ring


def visible_rings(project, width: float, height: float, code: str) -> list[list[Point]]:
    """The country's rings projected to pt and clipped just outside the viewBox; empty when out of view."""
    margin = 3.0
    rings = []
    for ring in countries()[code]:
        clipped = clip([project(lon, lat) for lon, lat in ring], -margin, -margin, width + margin, height + margin)
        if len(clipped) >= 3:
            west, south, east, north = bounds(clipped)
            if east > 0 and west < width and north > 0 and south < height:
                rings.append(clipped)
    return rings


def path_data(rings: list[list[Point]]) -> str:
    """SVG path data with one decimal; points that round together are written once."""
    parts = []
    for ring in rings:
        coords = []
        for x, y in ring:
            pair = f"{x:.1f} {y:.1f}"
            if not coords or pair != coords[-1]:
                coords.append(pair)
        parts.append("M" + coords[0] + "L" + " ".join(coords[1:]) + "Z")
    return "".join(parts)


class Room:
    """The map's area: boxes taken by markers and labels, and a grid of cells to find room inside countries."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.columns, self.rows = math.ceil(width / CELL), math.ceil(height / CELL)
        self.taken: list[tuple[float, float, float, float]] = []

    def cells(self, box):
        x0, y0, x1, y1 = box
        return ((r, c) for r in range(max(0, int(y0 // CELL)), min(self.rows, math.ceil(y1 / CELL)))
                for c in range(max(0, int(x0 // CELL)), min(self.columns, math.ceil(x1 / CELL))))

    def within(self, box, margin: float = 1.0) -> bool:
        x0, y0, x1, y1 = box
        return x0 >= margin and y0 >= margin and x1 <= self.width - margin and y1 <= self.height - margin

    def free(self, box, gap: float = 0.0) -> bool:
        """Inside the map, and nothing taken within `gap` of the box."""
        x0, y0, x1, y1 = box
        return self.within(box) and not any(
            x0 - gap < t1 and t0 < x1 + gap and y0 - gap < u1 and u0 < y1 + gap for t0, u0, t1, u1 in self.taken)

    def take(self, box) -> None:
        self.taken.append(box)

    def mask(self, rings: list[list[Point]]) -> list[list[bool]]:
        """Cells whose centre lies inside the rings (even-odd rule), by scanlines."""
        mask = [[False] * self.columns for _ in range(self.rows)]
        edges = [(a, b) for ring in rings for a, b in zip(ring[-1:] + ring[:-1], ring) if a[1] != b[1]]
        for r in range(self.rows):
            y = (r + 0.5) * CELL
            xs = sorted(a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
                        for a, b in edges if min(a[1], b[1]) <= y < max(a[1], b[1]))
            for start, end in zip(xs[::2], xs[1::2]):
                first, last = max(0, math.ceil(start / CELL - 0.5)), min(self.columns - 1, math.floor(end / CELL - 0.5))
                for c in range(first, last + 1):
                    mask[r][c] = True
        return mask


def text_box(x: float, y: float, text: str, size: float, anchor: str):
    """Approximate box (x0, y0, x1, y1) of a one-line label at baseline (x, y)."""
    width = CHAR_WIDTH * size * len(text)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, y - 0.75 * size, left + width, y + 0.25 * size


def place_label(room: Room, x: float, y: float, text: str, gap: float):
    """The first free spot around a marker: right, left, above, below, then the diagonals."""
    size, rise = PLACE_SIZE, 0.35 * PLACE_SIZE
    above, below = y - gap - 0.25 * size, y + gap + 0.75 * size
    spots = [(x + gap, y + rise, "start"), (x - gap, y + rise, "end"), (x, above, "middle"), (x, below, "middle"),
             (x + gap, y - gap, "start"), (x + gap, below - 0.15 * size, "start"), (x - gap, y - gap, "end"),
             (x - gap, below - 0.15 * size, "end")]
    for spot in spots:
        if room.free(text_box(*spot[:2], text, size, spot[2]), gap=0.5):
            return spot
    within = [spot for spot in spots if room.within(text_box(*spot[:2], text, size, spot[2]))]
    return within[0] if within else spots[0 if x < room.width / 2 else 1]


def country_label(room: Room, rings: list[list[Point]], text: str, size: float, sea=None):
    """(x, y, box) of a name well inside the visible part of a country, near its middle; None if it does not fit.

    Given `sea` (a function returning the sea mask), a name that does not fit inside goes to the sea right
    beside the country, else over the country's middle: never far away, where it would name another country."""
    mask = room.mask(rings)
    inside = [(r, c) for r in range(room.rows) for c in range(room.columns) if mask[r][c]]
    if not inside:
        return None
    middle_r, middle_c = sum(r for r, _ in inside) / len(inside), sum(c for _, c in inside) / len(inside)
    half = text_box(0, 0, text, size, "middle")[2] / CELL
    reach = max(math.hypot(r - middle_r, c - middle_c) for r, c in inside) + half + 2

    def nearest(cells, where, outside=False):
        """The best free spot, trying cells nearest the middle first and stopping once none can beat it."""
        best = None
        for distance, r, c in sorted(((r - middle_r) ** 2 + (c - middle_c) ** 2, r, c) for r, c in cells):
            if outside and distance > reach ** 2 or best is not None and best[0] == 0 and distance > best[1]:
                break
            x, y = (c + 0.5) * CELL, (r + 0.5) * CELL + 0.35 * size
            box = text_box(x, y, text, size, "middle")
            padded = (box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2)
            if room.free(box, gap=2.5) and all(where[rr][cc] for rr, cc in room.cells(padded)):
                crowded = not room.free(box, gap=12.0)  # keep clear of place names where there is room
                spot = (0 if outside else crowded, distance * (2 if outside and crowded else 1), x, y, box)
                best = spot if best is None else min(best, spot)
        return best

    best = nearest(inside, mask)
    if best is None and sea is not None:
        everywhere = list(room.cells((0, 0, room.width, room.height)))
        best = nearest(everywhere, sea(), outside=True)
        if best is None:  # over the middle of the country, kept inside the map
            width = 2 * half * CELL
            x = min(max((middle_c + 0.5) * CELL, width / 2 + 1), room.width - width / 2 - 1)
            y = min(max((middle_r + 0.5) * CELL + 0.35 * size, size), room.height - 0.25 * size - 1)
            best = (0, 0, x, y, text_box(x, y, text, size, "middle"))
    return best[2:] if best else None


def svg_text(x: float, y: float, text: str, *, size: float, weight: int, anchor: str, fill: str, fonts: str,
             css_class: str) -> str:
    return (f'<text class="{css_class}" x="{x:.1f}" y="{y:.1f}" font-family={quoteattr(fonts)} '
            f'font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" fill={quoteattr(fill)}>'
            f"{escape(text)}</text>")


def land_paths(prefix: str, project, room: Room, focus: list[str], palette: dict[str, str]):
    """One <path> per visible country (focus countries last, on top) and the visible rings by code."""
    paths, shapes = [], {}
    for code in sorted(countries(), key=lambda c: (c in focus, c)):
        if rings := visible_rings(project, room.width, room.height, code):
            shapes[code] = rings
            kind = "focus" if code in focus else "neighbour"
            paths.append(f'<path id="{prefix}-land-{code.lower()}" class="country {kind}" d="{path_data(rings)}" '
                         f'fill={quoteattr(palette["focus" if code in focus else "land"])} '
                         f'stroke={quoteattr(palette["border"])} stroke-width="0.4" stroke-linejoin="round"/>')
    return paths, shapes


def place_marks(prefix: str, room: Room, project, places: list[Place], palette: dict[str, str], fonts: str):
    """Markers (capital: ringed dot; other places: dot), then their labels where there is room."""
    marks, spots, accent = [], [], quoteattr(palette["accent"])
    for place in places:
        x, y = project(place.lon, place.lat)
        if not (0 <= x <= room.width and 0 <= y <= room.height):
            raise ValueError(f"map {prefix}: {place.name} ({place.lat}, {place.lon}) lies outside the map")
        radius = 3.1 if place.kind == "capital" else 1.7
        if place.kind == "capital":
            marks.append(f'<circle class="capital" cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="none" stroke={accent} '
                         f'stroke-width="0.9"/><circle cx="{x:.1f}" cy="{y:.1f}" r="1.2" fill={accent}/>')
        else:
            marks.append(f'<circle class="place" cx="{x:.1f}" cy="{y:.1f}" r="1.7" fill={accent}/>')
        room.take((x - radius, y - radius, x + radius, y + radius))
        spots.append((x, y, radius))
    for place, (x, y, radius) in zip(places, spots):
        lx, ly, anchor = place_label(room, x, y, place.name, radius + 1.5)
        room.take(text_box(lx, ly, place.name, PLACE_SIZE, anchor))
        marks.append(svg_text(lx, ly, place.name, size=PLACE_SIZE, weight=600 if place.kind == "capital" else 400,
                              anchor=anchor, fill=palette["ink"], fonts=fonts, css_class=f"label {place.kind}"))
    return marks


def country_names(room: Room, shapes: dict, focus: list[str], names: dict[str, str], palette: dict[str, str],
                  fonts: str):
    """Names of the focus countries (always), then of the larger neighbours where they fit inside."""
    def sea():
        return [[not cell for cell in row] for row in room.mask([r for rings in shapes.values() for r in rings])]

    labels = []
    neighbours = sorted((c for c in shapes if c not in focus), key=lambda c: -sum(len(r) for r in shapes[c]))
    for code in [c for c in focus if c in shapes] + neighbours:
        if code not in names:
            continue
        size = FOCUS_SIZE if code in focus else NEIGHBOUR_SIZE
        if spot := country_label(room, shapes[code], names[code], size, sea if code in focus else None):
            room.take(spot[2])
            kind = "focus" if code in focus else "neighbour"
            labels.append(svg_text(spot[0], spot[1], names[code], size=size, weight=700 if code in focus else 400,
                                   anchor="middle", fill=palette["ink"], fonts=fonts,
                                   css_class=f"label country-name {kind}"))
    return labels


def draw(prefix: str, focus: list[str], places: list[Place], names: dict[str, str], palette: dict[str, str],
         title: str, desc: str, width_mm: float, height_mm: float, fonts: str, margin: float) -> str:
    """The SVG of a map framing the `focus` countries; shared by locator_map and region_map.

    The same data draws the same map, so maps are kept per process: the editions of a build, a
    preview's rebuilds and the fuzz tests place the labels of each map once.
    """
    return _drawn(prefix, tuple(focus), tuple(places), tuple(names.items()), tuple(palette.items()), title, desc,
                  width_mm, height_mm, fonts, margin)


@lru_cache(maxsize=64)
def _drawn(prefix: str, focus: tuple[str, ...], places: tuple[Place, ...], names: tuple, palette: tuple, title: str,
           desc: str, width_mm: float, height_mm: float, fonts: str, margin: float) -> str:
    focus, places, names, palette = list(focus), list(places), dict(names), dict(palette)
    if missing := [key for key in PALETTE_KEYS if key not in palette]:
        raise ValueError(f"map {prefix}: the palette lacks {', '.join(missing)}")
    if unknown := [code for code in focus if code not in countries()]:
        raise ValueError(f"map {prefix}: no map data for {', '.join(unknown)}")
    width, height = width_mm * PT_PER_MM, height_mm * PT_PER_MM
    project, room = fit_view(focus, width, height, margin), Room(width, height)
    land, shapes = land_paths(prefix, project, room, focus, palette)
    marks = place_marks(prefix, room, project, places, palette, fonts)
    labels = country_names(room, shapes, focus, {c.upper(): n for c, n in names.items()}, palette, fonts)
    return (f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.1f} {height:.1f}" '
            f'width="{width_mm:g}mm" height="{height_mm:g}mm" role="img" '
            f'aria-labelledby="{prefix}-title {prefix}-desc">'
            f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(desc)}</desc>'
            f'<rect class="sea" x="0" y="0" width="{width:.1f}" height="{height:.1f}" '
            f'fill={quoteattr(palette["sea"])}/>'
            f'<g id="{prefix}-land">{"".join(land)}</g><g id="{prefix}-labels">{"".join(labels)}</g>'
            f'<g id="{prefix}-places">{"".join(marks)}</g></svg>')


def locator_map(iso: str, *, places: list[Place], names: dict[str, str], palette: dict[str, str],
                title: str, desc: str, width_mm: float = 80, height_mm: float = 95,
                fonts: str = "Source Sans Pro") -> str:
    """An SVG map of one country (alpha-2 `iso`) among its neighbours, with its places marked."""
    return draw(f"map-{iso.lower()}", [iso.upper()], places, names, palette, title, desc, width_mm, height_mm, fonts,
                margin=0.12)


def region_map(highlight: list[str], *, names: dict[str, str], palette: dict[str, str], title: str, desc: str,
               width_mm: float = 120, height_mm: float = 150, fonts: str = "Source Sans Pro") -> str:
    """An SVG map framing several highlighted countries (alpha-2 codes), e.g. the Andes partner countries."""
    codes = [code.upper() for code in highlight]
    return draw("map-region-" + "-".join(c.lower() for c in codes), codes, [], names, palette, title, desc,
                width_mm, height_mm, fonts, margin=0.1)
