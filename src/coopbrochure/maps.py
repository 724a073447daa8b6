"""Locator and region maps anywhere in the world as inline SVG, drawn from the bundled Natural Earth data."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from .geo import (GEODATA, UNLABELLED, Point, arc_between, azimuthal, bounds, centre_of,  # noqa: F401
                  continent, has_outline, mainland, outside, reach, unit, world)

PT_PER_MM = 72 / 25.4
PALETTE_KEYS = ("focus", "land", "sea", "border", "ink", "accent")
CELL = 2.0  # pt: grid used to find room for labels
CHAR_WIDTH = 0.55  # average advance of a character, in em (Source Sans Pro is narrower: a safe guess)
BOLD_WIDTH = 0.62  # the same for the bold names of the highlighted countries and the capital
MIN_SPAN = 4.5  # degrees: a small country is shown in context (Rwanda fills half the map), not blown up
MAX_SPAN = 48.0  # degrees of arc: countries farther apart than this on a region map get a panel each
FOCUS_SIZE, NEIGHBOUR_SIZE, PLACE_SIZE = 7.5, 6.5, 7.0  # font sizes in pt (the user unit is 1 pt)
GAP = 3.0  # pt between the panels of a region map
COARSE_SCALE = 20.0  # pt per degree: above it, lakes known only at 1:110m (Tanganyika; 0.1° off) are left out


@dataclass(frozen=True)
class Place:
    """A town or region to mark on a locator map."""
    name: str
    lat: float
    lon: float
    kind: str = "region"  # "capital" or "region"


def countries() -> dict[str, tuple[tuple[Point, ...], ...]]:
    """Alpha-2 code -> rings of (lon, lat), loaded once from the package data."""
    return world().countries


@dataclass(frozen=True)
class View:
    """A projection (lon, lat) -> pt on a width x height area, and how far from its centre it sees."""
    lon0: float
    lat0: float
    left: float
    top: float
    scale: float
    width: float
    height: float

    def __call__(self, lon: float, lat: float) -> Point:
        x, y = azimuthal(lon, lat, self.lon0, self.lat0)
        return (x - self.left) * self.scale, (self.top - y) * self.scale

    def ring(self, ring) -> list[Point]:
        """Every point of a ring projected: azimuthal() unrolled, the same numbers (maps project many points)."""
        sin0, cos0 = math.sin(math.radians(self.lat0)), math.cos(math.radians(self.lat0))
        lon0, left, top, scale = self.lon0, self.left, self.top, self.scale * 180 / math.pi
        sin, cos, sqrt, rad = math.sin, math.cos, math.sqrt, math.radians
        result = []
        for lon, lat in ring:
            phi, dlon = rad(lat), rad(lon - lon0)
            sin_phi, cos_phi, cos_dlon = sin(phi), cos(phi), cos(dlon)
            k = sqrt(2 / max(1 + sin0 * sin_phi + cos0 * cos_phi * cos_dlon, 1e-9))
            result.append(((k * cos_phi * sin(dlon)) * scale - left * self.scale,
                           top * self.scale - (k * (cos0 * sin_phi - sin0 * cos_phi * cos_dlon)) * scale))
        return result

    def reach(self) -> float:
        """Degrees of arc from the centre to the farthest corner."""
        x0, x1 = self.left, self.left + self.width / self.scale
        y0, y1 = self.top - self.height / self.scale, self.top
        return reach(max(math.hypot(x, y) for x in (x0, x1) for y in (y0, y1)))


def fit_view(codes: list[str], places: list[Place], width: float, height: float, margin: float) -> View:
    """Lambert azimuthal equal-area centred on the mainland of `codes` and their places (the Galápagos when a
    programme works there), framed with `margin` around them (share of the larger side, to show the
    neighbours), widened to the map's aspect ratio."""
    points = [p for code in codes for ring in mainland(code) for p in ring]
    points += [(p.lon, p.lat) for p in places if any(outside(code, p.lat, p.lon) is None for code in codes)]
    lon0, lat0 = centre_of(points)
    x0, y0, x1, y1 = bounds([azimuthal(lon, lat, lon0, lat0) for lon, lat in points])
    pad = margin * max(x1 - x0, y1 - y0) + margin * 8
    span_x, span_y = max(x1 - x0 + 2 * pad, MIN_SPAN), max(y1 - y0 + 2 * pad, MIN_SPAN)
    span_x, span_y = max(span_x, span_y * width / height), max(span_y, span_x * height / width)
    return View(lon0, lat0, (x0 + x1 - span_x) / 2, (y0 + y1 + span_y) / 2, width / span_x, width, height)


def clusters(codes: list[str]) -> list[list[str]]:
    """The countries grouped by nearness: each group fits in MAX_SPAN degrees of arc (Andes, Great Lakes...)."""
    groups = [[code] for code in codes]
    points = {code: [p for ring in mainland(code) for p in ring[:: max(1, len(ring) // 50)]] for code in codes}

    def span(group: list[str]) -> float:
        every = [p for code in group for p in points[code]]
        middle = unit(*centre_of(every))
        return 2 * max(arc_between(middle, unit(*p)) for p in every)

    while len(groups) > 1:
        pairs = [(span(a + b), i, j) for i, a in enumerate(groups) for j, b in enumerate(groups) if i < j]
        best, i, j = min(pairs)
        if best > MAX_SPAN:
            break
        groups[i] += groups.pop(j)
    return groups


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


def visible(view: View, rings, extents) -> list[list[Point]]:
    """The rings near enough to be seen, projected to pt and clipped just outside the area; empty when none is."""
    margin, middle, seen = 3.0, unit(view.lon0, view.lat0), view.reach() + 1
    result = []
    for ring, ext in zip(rings, extents):
        if arc_between(middle, ext.centre) - ext.radius > seen:
            continue
        clipped = clip(view.ring(ring), -margin, -margin, view.width + margin,
                       view.height + margin)
        if len(clipped) >= 3:
            west, south, east, north = bounds(clipped)
            if east > 0 and west < view.width and north > 0 and south < view.height:
                result.append(clipped)
    return result


def path_data(rings: list[list[Point]]) -> str:
    """SVG path data with one decimal; points that round together are written once."""
    parts = []
    for ring in rings:
        coords = []
        for x, y in ring:
            pair = f"{x:.1f} {y:.1f}"
            if not coords or pair != coords[-1]:
                coords.append(pair)
        if len(coords) >= 3:
            parts.append("M" + coords[0] + "L" + " ".join(coords[1:]) + "Z")
    return "".join(parts)


class Room:
    """The map's area: boxes taken by markers and labels, and a grid of cells to find room inside countries."""

    def __init__(self, width: float, height: float):
        self.width, self.height = width, height
        self.columns, self.rows = math.ceil(width / CELL), math.ceil(height / CELL)
        self.taken: list[tuple[float, float, float, float]] = []
        self.water: list[list[bool]] | None = None  # cells of the lakes

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

    def mask(self, rings: list[list[Point]], dry: bool = False) -> list[list[bool]]:
        """Cells whose centre lies inside the rings (even-odd rule), by scanlines; `dry`: not in a lake."""
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
        if dry and self.water:
            mask = [[cell and not wet for cell, wet in zip(row, lake)] for row, lake in zip(mask, self.water)]
        return mask


def text_box(x: float, y: float, text: str, size: float, anchor: str, bold: bool = False):
    """Approximate box (x0, y0, x1, y1) of a one-line label at baseline (x, y)."""
    width = (BOLD_WIDTH if bold else CHAR_WIDTH) * size * len(text)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, y - 0.75 * size, left + width, y + 0.25 * size


def place_label(room: Room, x: float, y: float, text: str, gap: float, bold: bool = False):
    """(x, y, anchor, leader) of a label beside its marker: right, left, above, below, the diagonals; where these
    are taken, the free spot nearest the marker, joined to it by a leader line. Never over another label."""
    size, rise = PLACE_SIZE, 0.35 * PLACE_SIZE
    above, below = y - gap - 0.25 * size, y + gap + 0.75 * size
    spots = [(x + gap, y + rise, "start"), (x - gap, y + rise, "end"), (x, above, "middle"), (x, below, "middle"),
             (x + gap, y - gap, "start"), (x + gap, below - 0.15 * size, "start"), (x - gap, y - gap, "end"),
             (x - gap, below - 0.15 * size, "end")]
    for spot in spots:
        if room.free(text_box(*spot[:2], text, size, spot[2], bold), gap=0.5):
            return (*spot, False)
    farther = sorted(((dx * dx + dy * dy, dx, dy) for dx in range(-60, 61, 3) for dy in range(-48, 49, 3)
                      if dx * dx + dy * dy > gap * gap))
    for _, dx, dy in farther:
        anchor = "start" if dx > 0 else "end" if dx < 0 else "middle"
        spot = (x + dx + (gap if dx > 0 else -gap if dx < 0 else 0), y + dy + rise, anchor)
        if room.free(text_box(*spot[:2], text, size, anchor, bold), gap=0.5):
            return (*spot, True)
    within = [spot for spot in spots if room.within(text_box(*spot[:2], text, size, spot[2], bold))]
    return (*(within[0] if within else spots[0 if x < room.width / 2 else 1]), False)


def leader(x: float, y: float, radius: float, box, colour: str) -> str:
    """A hairline from a marker to the nearest point of its label's box."""
    tx, ty = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
    length = math.hypot(tx - x, ty - y)
    if length <= radius:
        return ""
    sx, sy = x + (tx - x) * radius / length, y + (ty - y) * radius / length
    return (f'<line class="leader" x1="{sx:.1f}" y1="{sy:.1f}" x2="{tx:.1f}" y2="{ty:.1f}" stroke={quoteattr(colour)} '
            f'stroke-width="0.4"/>')


def country_label(room: Room, rings: list[list[Point]], text: str, size: float, sea=None, focus: bool = True):
    """(x, y, box) of a name well inside the visible part of a country, near its middle; None if it does not fit.

    Given `sea` (a function returning the sea mask), a name that does not fit inside is centred near the
    country's middle, running over its neighbours (a `focus` country only, whose name is bold), else goes to the
    sea right beside the country, else (a focus country only) anywhere free nearest its middle: never over
    another label."""
    mask = room.mask(rings, dry=True)
    inside = [(r, c) for r in range(room.rows) for c in range(room.columns) if mask[r][c]]
    if not inside:  # all under a lake (or too small for a cell): the wet cells will do
        mask = room.mask(rings)
        inside = [(r, c) for r in range(room.rows) for c in range(room.columns) if mask[r][c]]
        if not inside:
            return None
    middle_r, middle_c = sum(r for r, _ in inside) / len(inside), sum(c for _, c in inside) / len(inside)
    half = text_box(0, 0, text, size, "middle", focus)[2] / CELL
    reach_ = max(math.hypot(r - middle_r, c - middle_c) for r, c in inside) + half + 2

    def nearest(cells, where, outside=False, limit=True):
        """The best free spot, trying cells nearest the middle first and stopping once none can beat it."""
        best = None
        for distance, r, c in sorted(((r - middle_r) ** 2 + (c - middle_c) ** 2, r, c) for r, c in cells):
            if outside and limit and distance > reach_ ** 2 or best is not None and best[0] == 0 and distance > best[1]:
                break
            x, y = (c + 0.5) * CELL, (r + 0.5) * CELL + 0.35 * size
            box = text_box(x, y, text, size, "middle", focus)
            padded = (box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2)
            if room.free(box, gap=2.5) and (where is None or all(where[rr][cc] for rr, cc in room.cells(padded))):
                crowded = not room.free(box, gap=12.0)  # keep clear of place names where there is room
                spot = (0 if outside else crowded, distance * (2 if outside and crowded else 1), x, y, box)
                best = spot if best is None else min(best, spot)
        return best

    best = nearest(inside, mask)
    if best is None and sea is not None and focus:  # centred on the country, running over its neighbours
        best = nearest([(r, c) for r, c in inside if math.hypot(r - middle_r, c - middle_c) * CELL <= 12], None)
    if best is None and sea is not None:
        everywhere = list(room.cells((0, 0, room.width, room.height)))
        best = nearest(everywhere, sea(), outside=True)
        if best is None and focus:  # anywhere free, nearest the country's middle
            anywhere = [[True] * room.columns for _ in range(room.rows)]
            best = nearest(everywhere, anywhere, outside=True, limit=False)
    return best[2:] if best else None


def svg_text(x: float, y: float, text: str, *, size: float, weight: int, anchor: str, fill: str, fonts: str,
             css_class: str) -> str:
    return (f'<text class="{css_class}" x="{x:.1f}" y="{y:.1f}" font-family={quoteattr(fonts)} '
            f'font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" fill={quoteattr(fill)}>'
            f"{escape(text)}</text>")


def land_paths(prefix: str, view: View, focus: list[str], palette: dict[str, str]):
    """One <path> per visible country (focus countries last, on top), the lakes, and the visible rings by code."""
    paths, shapes, data = [], {}, world()
    for code in sorted(data.near(view.lon0, view.lat0, view.reach() + 1), key=lambda c: (c in focus, c)):
        if rings := visible(view, data.countries[code], data.extents[code]):
            shapes[code] = rings
            kind = "focus" if code in focus else "neighbour"
            paths.append(f'<path id="{prefix}-land-{code.lower()}" class="country {kind}" d="{path_data(rings)}" '
                         f'fill={quoteattr(palette["focus" if code in focus else "land"])} fill-rule="evenodd" '
                         f'stroke={quoteattr(palette["border"])} stroke-width="0.4" stroke-linejoin="round"/>')
    fine = view.scale <= COARSE_SCALE
    kept = [i for i in range(len(data.lakes)) if fine or i not in data.coarse_lakes]
    lakes = visible(view, [data.lakes[i] for i in kept], [data.lake_extents[i] for i in kept])
    if lakes:
        paths.append(f'<path id="{prefix}-lakes" class="lake" d="{path_data(lakes)}" fill={quoteattr(palette["sea"])} '
                     f'stroke={quoteattr(palette["border"])} stroke-width="0.3" stroke-linejoin="round"/>')
    return paths, shapes, lakes


def place_marks(prefix: str, room: Room, view: View, places: list[Place], palette: dict[str, str], fonts: str):
    """Markers (capital: ringed dot; other places: dot), then their labels where there is room."""
    marks, spots, accent = [], [], quoteattr(palette["accent"])
    for place in places:
        x, y = view(place.lon, place.lat)
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
        capital = place.kind == "capital"
        lx, ly, anchor, far = place_label(room, x, y, place.name, radius + 1.5, capital)
        box = text_box(lx, ly, place.name, PLACE_SIZE, anchor, capital)
        room.take(box)
        if far:
            marks.append(leader(x, y, radius, box, palette["ink"]))
        marks.append(svg_text(lx, ly, place.name, size=PLACE_SIZE, weight=600 if place.kind == "capital" else 400,
                              anchor=anchor, fill=palette["ink"], fonts=fonts, css_class=f"label {place.kind}"))
    return marks


def country_names(room: Room, shapes: dict, lakes: list, focus: list[str], names: dict[str, str],
                  palette: dict[str, str], fonts: str):
    """Names of the focus countries (always), then of the larger neighbours where they fit inside, or in the sea
    beside them (a neighbour cut to a sliver by the frame)."""
    def sea():
        land = room.mask([r for rings in shapes.values() for r in rings])
        return [[not cell or wet for cell, wet in zip(row, lake)] for row, lake in zip(land, room.water)]

    labels = []
    neighbours = sorted((c for c in shapes if c not in focus), key=lambda c: -sum(len(r) for r in shapes[c]))
    for code in [c for c in focus if c in shapes] + neighbours:
        if code not in names or code in UNLABELLED:
            continue
        size = FOCUS_SIZE if code in focus else NEIGHBOUR_SIZE
        if spot := country_label(room, shapes[code], names[code], size, sea, focus=code in focus):
            room.take(spot[2])
            kind = "focus" if code in focus else "neighbour"
            labels.append(svg_text(spot[0], spot[1], names[code], size=size, weight=700 if code in focus else 400,
                                   anchor="middle", fill=palette["ink"], fonts=fonts,
                                   css_class=f"label country-name {kind}"))
    return labels


def panel(prefix: str, focus: list[str], places: list[Place], names: dict[str, str], palette: dict[str, str],
          width: float, height: float, fonts: str, margin: float) -> str:
    """The land, labels and places of one framed area, in its own coordinates (0, 0 at the top left)."""
    view, room = fit_view(focus, places, width, height, margin), Room(width, height)
    land, shapes, lakes = land_paths(prefix, view, focus, palette)
    room.water = room.mask(lakes)
    marks = place_marks(prefix, room, view, places, palette, fonts)
    labels = country_names(room, shapes, lakes, focus, names, palette, fonts)
    return (f'<rect class="sea" x="0" y="0" width="{width:.1f}" height="{height:.1f}" '
            f'fill={quoteattr(palette["sea"])}/>'
            f'<g id="{prefix}-land">{"".join(land)}</g><g id="{prefix}-labels">{"".join(labels)}</g>'
            f'<g id="{prefix}-places">{"".join(marks)}</g>')


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
    names = {c.upper(): n for c, n in names.items()}
    width, height = width_mm * PT_PER_MM, height_mm * PT_PER_MM
    groups = clusters(focus) if not places else [focus]
    if len(groups) == 1:
        body = panel(prefix, focus, places, names, palette, width, height, fonts, margin)
    else:  # panels side by side along the longer side, each framing a group of neighbouring countries
        across = width >= height
        size = ((width if across else height) - GAP * (len(groups) - 1)) / len(groups)
        parts = []
        for index, group in enumerate(groups):
            shift = index * (size + GAP)
            w, h = (size, height) if across else (width, size)
            x, y = (shift, 0.0) if across else (0.0, shift)
            parts.append(f'<g class="panel" id="{prefix}-panel-{index + 1}" transform="translate({x:.1f} {y:.1f})">'
                         + panel(f"{prefix}-p{index + 1}" if index else prefix, group, [], names, palette, w, h,
                                 fonts, margin) + "</g>")
        body = (f'<rect class="gap" x="0" y="0" width="{width:.1f}" height="{height:.1f}" '
                f'fill={quoteattr(palette["border"])}/>' + "".join(parts))
    return (f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.1f} {height:.1f}" '
            f'width="{width_mm:g}mm" height="{height_mm:g}mm" role="img" '
            f'aria-labelledby="{prefix}-title {prefix}-desc">'
            f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(desc)}</desc>'
            f'{body}</svg>')


def locator_map(iso: str, *, places: list[Place], names: dict[str, str], palette: dict[str, str],
                title: str, desc: str, width_mm: float = 80, height_mm: float = 95,
                fonts: str = "Source Sans Pro", ident: str = "") -> str:
    """An SVG map of one country (alpha-2 `iso`) among its neighbours, with its places marked.

    `ident` prefixes the SVG's element ids (default `map-<iso>`): two drawings of one map need two."""
    return draw(ident or f"map-{iso.lower()}", [iso.upper()], places, names, palette, title, desc, width_mm,
                height_mm, fonts, margin=0.12)


def region_map(highlight: list[str], *, names: dict[str, str], palette: dict[str, str], title: str, desc: str,
               width_mm: float = 120, height_mm: float = 150, fonts: str = "Source Sans Pro") -> str:
    """An SVG map framing several highlighted countries (alpha-2 codes): one panel per group of neighbours."""
    codes = [code.upper() for code in highlight]
    return draw("map-region-" + "-".join(c.lower() for c in codes), codes, [], names, palette, title, desc,
                width_mm, height_mm, fonts, margin=0.1)
