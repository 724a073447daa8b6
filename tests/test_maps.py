"""Locator and region maps: SVG structure, labels per language, print colours, and how WeasyPrint renders them."""

from __future__ import annotations

import io
import json
import re

import pypdf
import pypdfium2
import pytest
import weasyprint
from babel import Locale
from defusedxml import ElementTree

from coopbrochure import maps
from coopbrochure.graphics import LAYOUTS
from coopbrochure.maps import Place, locator_map, region_map

SVG = "{http://www.w3.org/2000/svg}"
PALETTE = {"focus": "#e8b04a", "land": "#efe9dc", "sea": "#cfe3ec", "border": "#7a7466", "ink": "#1d2b36",
           "accent": "#b3261e"}
CMYK_PALETTE = {**PALETTE, "focus": "device-cmyk(0 0.3 0.75 0.05)", "ink": "device-cmyk(1 0.3 0 0.5)"}
NAMES = {
    "nl": {"PE": "Peru", "BO": "Bolivia", "EC": "Ecuador", "CO": "Colombia", "BR": "Brazilië", "CL": "Chili"},
    "fr": {"PE": "Pérou", "BO": "Bolivie", "EC": "Équateur", "CO": "Colombie", "BR": "Brésil", "CL": "Chili"},
}
PERU_PLACES = [Place("Lima", -12.05, -77.04, "capital"), Place("Cusco", -13.53, -71.97),
               Place("Iquitos", -3.75, -73.25), Place("Arequipa", -16.40, -71.54)]


def peru(language: str = "nl", palette: dict[str, str] = PALETTE, **options) -> str:
    return locator_map("PE", places=PERU_PLACES, names=NAMES[language], palette=palette, title="Peru",
                       desc="Peru with Lima and the regions where Belgium works.", **options)


def parse(svg: str):
    return ElementTree.fromstring(svg)


def view_box(root) -> tuple[float, float]:
    _, _, width, height = (float(value) for value in root.get("viewBox").split())
    return width, height


def texts(root) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text")]


def by_id(root) -> dict[str, object]:
    return {element.get("id"): element for element in root.iter() if element.get("id")}


def pdf_of(svg: str) -> bytes:
    return weasyprint.HTML(string=f"<html><body>{svg}</body></html>").write_pdf()


def test_svg_is_an_accessible_image_with_title_and_desc_first():
    root = parse(peru())
    assert root.tag == f"{SVG}svg" and root.get("class") == "map" and root.get("role") == "img"
    assert root.get("width") == "80mm" and root.get("height") == "95mm"
    width, height = view_box(root)
    assert width / height == pytest.approx(80 / 95, rel=1e-3)
    title, desc = list(root)[:2]
    assert (title.tag, title.get("id"), title.text) == (f"{SVG}title", "map-pe-title", "Peru")
    assert desc.tag == f"{SVG}desc" and desc.get("id") == "map-pe-desc"
    assert root.get("aria-labelledby") == "map-pe-title map-pe-desc"


def test_focus_country_and_neighbours_have_their_own_paths():
    ids = by_id(parse(peru()))
    assert {"map-pe-land", "map-pe-places", "map-pe-land-pe"} <= ids.keys()
    assert ids["map-pe-land-pe"].get("class") == "country focus"
    for code in ("co", "ec", "br", "bo", "cl"):
        assert ids[f"map-pe-land-{code}"].get("class") == "country neighbour"
    assert "map-pe-land-uy" not in ids  # Uruguay is far outside the view of Peru


def test_no_path_lies_entirely_outside_the_view():
    root = parse(peru())
    width, height = view_box(root)
    for path in root.iter(f"{SVG}path"):
        numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", path.get("d"))]
        xs, ys = numbers[::2], numbers[1::2]
        assert max(xs) > 0 and min(xs) < width and max(ys) > 0 and min(ys) < height, path.get("id")
        assert re.fullmatch(r"(M-?\d+\.\d -?\d+\.\dL(-?\d+\.\d -?\d+\.\d ?)+Z)+", path.get("d")), "one decimal"


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_labels_follow_the_language(language):
    labels = texts(parse(peru(language)))
    names = NAMES[language]
    assert names["PE"] in labels and names["BR"] in labels and names["EC"] in labels
    other = NAMES["fr" if language == "nl" else "nl"]
    assert other["BR"] not in labels
    assert {"Lima", "Cusco", "Iquitos", "Arequipa"} <= set(labels)


def test_only_countries_with_a_name_are_labelled():
    labels = texts(parse(locator_map("PE", places=[], names={"PE": "Peru"}, palette=PALETTE, title="t", desc="d")))
    assert labels == ["Peru"]


def test_palette_values_are_written_verbatim_on_every_element():
    svg = peru(palette=CMYK_PALETTE)
    root = parse(svg)
    assert root.find(f"{SVG}rect").get("fill") == PALETTE["sea"]
    assert by_id(root)["map-pe-land-pe"].get("fill") == "device-cmyk(0 0.3 0.75 0.05)"
    assert by_id(root)["map-pe-land-co"].get("fill") == PALETTE["land"]
    assert all(text.get("fill") == "device-cmyk(1 0.3 0 0.5)" for text in root.iter(f"{SVG}text"))
    assert all(text.get("font-family") == "Source Sans Pro" for text in root.iter(f"{SVG}text"))
    assert PALETTE["accent"] in svg and PALETTE["border"] in svg
    assert "var(" not in svg and "style=" not in svg


def test_places_and_labels_stay_inside_the_view():
    root = parse(peru())
    width, height = view_box(root)
    for circle in root.iter(f"{SVG}circle"):
        assert 0 <= float(circle.get("cx")) <= width and 0 <= float(circle.get("cy")) <= height
    for text in root.iter(f"{SVG}text"):
        x, y, size = float(text.get("x")), float(text.get("y")), float(text.get("font-size"))
        assert 6.5 <= size <= 7.5
        half = {"start": (0, 1), "middle": (0.5, 0.5), "end": (1, 0)}[text.get("text-anchor")]
        extent = 0.5 * size * len(text.text)
        assert x - half[0] * extent >= 0 and x + half[1] * extent <= width, text.text
        assert y - size >= 0 and y <= height, text.text


@pytest.mark.parametrize("code", ["CL", "BR", "PA", "AW", "GS", "FK"])
def test_thin_huge_and_tiny_countries_get_a_map_with_their_name(code):
    """Chile is too thin for its name, Aruba too small: the name goes beside them, still inside the map."""
    root = parse(locator_map(code, places=[], names={code: "Name of the country"}, palette=PALETTE, title="t", desc="d"))
    width, height = view_box(root)
    assert by_id(root)[f"map-{code.lower()}-land-{code.lower()}"].get("class") == "country focus"
    (label,) = root.iter(f"{SVG}text")
    assert label.text == "Name of the country"
    assert 0 < float(label.get("x")) < width and 0 < float(label.get("y")) < height


def test_capital_has_its_own_symbol():
    root = parse(peru())
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("class") == "capital"]) == 1
    assert len([c for c in root.iter(f"{SVG}circle") if c.get("class") == "place"]) == 3


def test_text_is_escaped():
    svg = locator_map("EC", places=[Place('Quito <"capital"> & co', -0.18, -78.47, "capital")],
                      names={"EC": "Ecuador & <Galápagos>"}, palette=PALETTE, title="A & B <map>", desc='say "hi"',
                      fonts="'Source Sans Pro', \"Noto Sans\", sans-serif")
    root = parse(svg)
    assert 'Quito <"capital"> & co' in texts(root) and "Ecuador & <Galápagos>" in texts(root)
    assert root.find(f"{SVG}title").text == "A & B <map>"
    assert next(root.iter(f"{SVG}text")).get("font-family") == "'Source Sans Pro', \"Noto Sans\", sans-serif"


def test_galapagos_do_not_widen_the_view_of_ecuador():
    root = parse(locator_map("EC", places=[Place("Quito", -0.18, -78.47, "capital")], names=NAMES["nl"],
                             palette=PALETTE, title="Ecuador", desc="d"))
    width, _ = view_box(root)
    numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", by_id(root)["map-ec-land-ec"].get("d"))]
    assert max(numbers[::2]) - min(numbers[::2]) > 0.5 * width  # the mainland fills the map


def test_region_map_highlights_every_country():
    root = parse(region_map(["PE", "BO", "EC"], names=NAMES["fr"], palette=PALETTE, title="Andes", desc="d"))
    ids = by_id(root)
    assert root.get("width") == "120mm"
    assert root.get("aria-labelledby") == "map-region-pe-bo-ec-title map-region-pe-bo-ec-desc"
    for code in ("pe", "bo", "ec"):
        assert ids[f"map-region-pe-bo-ec-land-{code}"].get("class") == "country focus"
    assert ids["map-region-pe-bo-ec-land-br"].get("class") == "country neighbour"
    assert {"Pérou", "Bolivie", "Équateur", "Brésil"} <= set(texts(root))


def test_a_name_that_does_not_fit_stays_beside_its_country():
    """In a small region map Ecuador's name cannot go inside Ecuador: it goes to the sea right beside it
    (or over it), never far away where it would seem to name Peru."""
    for width, height in ((58, 48), (46, 46), (40, 60)):
        root = parse(region_map(["PE", "BO", "EC"], names=NAMES["nl"], palette=PALETTE, title="t", desc="d",
                                width_mm=width, height_mm=height))
        ecuador = next(element for element in root.iter(f"{SVG}text") if element.text == "Ecuador")
        outline = by_id(root)["map-region-pe-bo-ec-land-ec"].get("d")
        numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", outline)]
        xs, ys = numbers[::2], numbers[1::2]
        x, y = float(ecuador.get("x")), float(ecuador.get("y"))
        assert min(xs) - 40 < x < max(xs) + 40 and min(ys) - 15 < y < max(ys) + 15, (width, height, x, y)


def test_outside_explains_a_point_that_cannot_be_on_the_countrys_map():
    assert maps.outside("PE", -12.05, -77.04) is None
    assert maps.outside("BO", -16.5, -68.15) is None
    assert "latitude's minus sign seems to be missing" in maps.outside("PE", 12.05, -77.04)
    assert maps.outside("BE", 50.85, 4.35) is None
    assert maps.outside("TV", 0.0, 0.0) is None, "no outline (Tuvalu): nothing to check, the loader warns"


def test_bad_input_is_refused_with_a_message():
    with pytest.raises(ValueError, match="no map data for XX"):
        locator_map("XX", places=[], names={}, palette=PALETTE, title="t", desc="d")
    with pytest.raises(ValueError, match="palette lacks accent"):
        locator_map("PE", places=[], names={}, palette={k: v for k, v in PALETTE.items() if k != "accent"},
                    title="t", desc="d")
    with pytest.raises(ValueError, match="Brussels .* lies outside the map"):
        locator_map("PE", places=[Place("Brussels", 50.85, 4.35)], names={}, palette=PALETTE, title="t", desc="d")


def test_geodata_is_compact_and_loaded_once():
    assert maps.GEODATA.stat().st_size < 1_000_000
    data = json.loads(maps.GEODATA.read_text(encoding="utf-8"))
    assert {"PE", "BO", "EC", "CO", "BR", "CL", "AR", "VE", "PA", *PARTNERS} <= data["countries"].keys()
    assert data["scale"] == 100 and all(isinstance(value, int) for arc in data["arcs"] for value in arc)
    assert maps.countries() is maps.countries()


@pytest.fixture(scope="module")
def peru_pdf() -> bytes:
    return pdf_of(peru("fr", palette=CMYK_PALETTE))


def test_weasyprint_draws_the_map_as_vectors_with_real_text(peru_pdf):
    page = pypdf.PdfReader(io.BytesIO(peru_pdf)).pages[0]

    def images(resources) -> list:
        found = []
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Image":
                found.append(xobject)
            elif "/Resources" in xobject:
                found += images(xobject["/Resources"].get_object())
        return found

    assert images(page["/Resources"].get_object()) == []
    text = page.extract_text()
    for label in ("Pérou", "Lima", "Cusco", "Brésil"):
        assert label in text
    assert re.search(rb"/DeviceCMYK cs\s+0 0.3 0.75 0.05 scn", page.get_contents().get_data())  # focus fill, as given


def test_the_map_area_is_not_blank(peru_pdf):
    document = pypdfium2.PdfDocument(peru_pdf)
    image = document[0].render(scale=0.5).to_pil().convert("L")
    document.close()
    # The map sits at the top left of an A4 page, inside the default page margin (75 px, about 20 mm).
    area = image.crop((0, 0, int(image.width * 100 / 210), int(image.height * 110 / 297)))
    inked = sum(count for value, count in enumerate(area.histogram()) if value < 245)
    assert inked > 0.5 * area.width * area.height


# Maps anywhere in the world (issue 15) --------------------------------------------------------------------------

PARTNERS = {  # Belgium's partner countries of governmental cooperation, and their capitals
    "BJ": ("Porto-Novo", 6.497, 2.605), "BF": ("Ouagadougou", 12.371, -1.519), "BI": ("Gitega", -3.427, 29.925),
    "CD": ("Kinshasa", -4.322, 15.307), "GN": ("Conakry", 9.509, -13.712), "ML": ("Bamako", 12.639, -8.003),
    "MA": ("Rabat", 34.020, -6.841), "MZ": ("Maputo", -25.966, 32.573), "NE": ("Niamey", 13.512, 2.112),
    "PS": ("Ramallah", 31.903, 35.204), "RW": ("Kigali", -1.950, 30.059), "SN": ("Dakar", 14.693, -17.447),
    "TZ": ("Dodoma", -6.163, 35.752), "UG": ("Kampala", 0.348, 32.582),
}
ANDES = {"PE": ("Lima", -12.05, -77.04), "BO": ("La Paz", -16.5, -68.15), "EC": ("Quito", -0.18, -78.47)}
DUTCH = dict(Locale("nl").territories)
MIN_PT = 6.0  # no text under 6 pt at print size
ADVANCE = 0.5  # em: average advance of a character of the theme's sans serif, to estimate a label's box


def panels(root):
    """(offset, size, element) of each framed area: the whole map, or each panel of a multi-panel map."""
    found = [element for element in root.iter(f"{SVG}g") if element.get("class") == "panel"]
    if not found:
        return [((0.0, 0.0), view_box(root), root)]
    result = []
    for element in found:
        x, y = (float(v) for v in re.fullmatch(r"translate\((\S+) (\S+)\)", element.get("transform")).groups())
        sea = element.find(f"{SVG}rect")
        result.append(((x, y), (float(sea.get("width")), float(sea.get("height"))), element))
    return result


def label_boxes(root) -> list[tuple[str, tuple[float, float, float, float], tuple[float, float, float, float]]]:
    """(text, box, frame) of every label, in the map's coordinates (1 unit = 1 pt at print size)."""
    boxes = []
    for (dx, dy), (width, height), element in panels(root):
        for text in element.iter(f"{SVG}text"):
            x, y, size = float(text.get("x")) + dx, float(text.get("y")) + dy, float(text.get("font-size"))
            extent = ADVANCE * size * len(text.text)
            left = x - {"start": 0, "middle": 0.5, "end": 1}[text.get("text-anchor")] * extent
            boxes.append((text.text, (left, y - 0.7 * size, left + extent, y + 0.2 * size),
                          (dx, dy, dx + width, dy + height)))
    return boxes


def assert_readable(svg: str) -> None:
    """Text at least 6 pt at print size, inside its frame, no label over another."""
    root = parse(svg)
    width, height = view_box(root)
    assert float(root.get("width").removesuffix("mm")) * 72 / 25.4 == pytest.approx(width, abs=0.1), "1 unit = 1 pt"
    assert all(float(text.get("font-size")) >= MIN_PT for text in root.iter(f"{SVG}text"))
    boxes = label_boxes(root)
    for name, (x0, y0, x1, y1), (f0, g0, f1, g1) in boxes:
        assert f0 <= x0 and x1 <= f1 and g0 <= y0 and y1 <= g1, f"{name} leaves the frame"
    for index, (name, (x0, y0, x1, y1), _) in enumerate(boxes):
        for other, (u0, v0, u1, v1), _ in boxes[index + 1:]:
            assert not (x0 < u1 and u0 < x1 and y0 < v1 and v0 < y1), f"{name} overlaps {other}"


def partner_map(code: str, **options) -> str:
    capital, lat, lon = {**PARTNERS, **ANDES}[code]
    return locator_map(code, places=[Place(capital, lat, lon, "capital")], names=DUTCH, palette=PALETTE,
                       title=code, desc="d", **options)


@pytest.mark.parametrize("code", [*PARTNERS, *ANDES])
@pytest.mark.parametrize("size", [layout.map for layout in LAYOUTS.values()], ids=list(LAYOUTS))
def test_every_partner_country_gets_a_readable_locator_map(code, size):
    """At the size of each format's locator map: the dossier in A4 and A5, and the fact sheet."""
    svg = partner_map(code, width_mm=size[0], height_mm=size[1])
    root = parse(svg)
    ids = by_id(root)
    assert ids[f"map-{code.lower()}-land-{code.lower()}"].get("class") == "country focus"
    assert [c.get("class") for c in root.iter(f"{SVG}circle")].count("capital") == 1
    labels = {element.text: element.get("class") for element in root.iter(f"{SVG}text")}
    assert labels[PARTNERS.get(code, ANDES.get(code))[0]] == "label capital"
    assert labels[DUTCH[code]] == "label country-name focus"
    neighbours = [text for text, kind in labels.items() if kind == "label country-name neighbour"]
    assert neighbours and set(neighbours) <= set(DUTCH.values()), "neighbours named in the edition's language"
    assert_readable(svg)


def test_small_countries_are_shown_in_context_and_big_ones_whole():
    """Rwanda, Burundi, Palestine fill a fair part of the map among their neighbours; DR Congo and Brazil fill
    most of it, whole (no point of their outline outside the view)."""
    for code, least, most in (("RW", 0.25, 0.6), ("BI", 0.25, 0.6), ("PS", 0.15, 0.6), ("BJ", 0.35, 0.85),
                              ("CD", 0.6, 0.95), ("BR", 0.6, 0.95)):
        root = parse(partner_map(code) if code != "BR" else locator_map(
            "BR", places=[], names=DUTCH, palette=PALETTE, title="t", desc="d"))
        width, height = view_box(root)
        numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", by_id(root)[f"map-{code.lower()}-land-"
                                                                               f"{code.lower()}"].get("d"))]
        xs, ys = numbers[::2], numbers[1::2]
        share = max((max(xs) - min(xs)) / width, (max(ys) - min(ys)) / height)
        assert least <= share <= most, (code, share)
        if code in ("CD", "BR"):
            assert min(xs) > 0 and max(xs) < width and min(ys) > 0 and max(ys) < height, code
        assert len([p for p in root.iter(f"{SVG}path") if "neighbour" in p.get("class", "")]) >= 3, code


def test_islands_across_the_antimeridian_are_framed_together():
    """Fiji lies on both sides of 180°: one view holds all its main islands, not two halves of the world."""
    root = parse(locator_map("FJ", places=[Place("Suva", -18.14, 178.44, "capital")], names=DUTCH,
                             palette=PALETTE, title="t", desc="d"))
    width, _ = view_box(root)
    numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", by_id(root)["map-fj-land-fj"].get("d"))]
    assert 0 < min(numbers[::2]) and max(numbers[::2]) < width and max(numbers[::2]) - min(numbers[::2]) > width / 3


def test_tanzanias_islands_are_on_its_map_and_the_lakes_are_drawn():
    root = parse(partner_map("TZ"))
    assert len(re.findall("M", by_id(root)["map-tz-land-tz"].get("d"))) >= 3  # the mainland, Zanzibar, Pemba
    assert by_id(root)["map-tz-lakes"].get("fill") == PALETTE["sea"]
    assert len(re.findall("M", by_id(root)["map-tz-lakes"].get("d"))) >= 3  # Victoria, Tanganyika, Malawi...


@pytest.mark.parametrize("lake, lat, lon", [("Victoria", -1.0, 33.0), ("Tanganyika", -6.0, 29.6),
                                            ("Kivu", -2.0, 29.2), ("Malawi", -12.0, 34.6), ("Chad", 13.05, 14.5),
                                            ("Titicaca", -15.8, -69.4)])
def test_the_large_lakes_are_in_the_geodata(lake, lat, lon):
    def inside(ring) -> bool:
        crossings = 0
        for (x0, y0), (x1, y1) in zip(ring[-1:] + ring[:-1], ring):
            if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                crossings += 1
        return crossings % 2 == 1
    assert any(inside(ring) for ring in maps.world().lakes), lake


def test_neighbours_share_their_border_point_for_point():
    """Shared-arc simplification: the border of two countries is the same line on both maps."""
    countries = maps.countries()
    for a, b, least in (("RW", "BI", 5), ("CD", "UG", 5), ("PE", "BO", 5), ("ML", "BF", 5), ("MA", "EH", 2)):
        shared = {p for ring in countries[a] for p in ring} & {p for ring in countries[b] for p in ring}
        assert len(shared) >= least, (a, b)  # Morocco and Western Sahara: a straight line, its two ends


def test_western_sahara_is_apart_from_morocco():
    assert "Western Sahara" in maps.outside("MA", 27.15, -13.2)  # Laayoune
    assert maps.outside("EH", 27.15, -13.2) is None
    assert maps.outside("MA", 31.63, -8.0) is None  # Marrakesh
    root = parse(partner_map("MA"))
    assert by_id(root)["map-ma-land-eh"].get("class") == "country neighbour"


@pytest.mark.parametrize("codes, region", [(["CD", "RW", "BI", "UG"], "great-lakes"),
                                           (["ML", "BF", "NE", "SN"], "sahel"), (["PE", "BO", "EC"], "andes")])
@pytest.mark.parametrize("size", [layout.region for layout in LAYOUTS.values()], ids=list(LAYOUTS))
def test_region_maps_frame_their_countries_in_one_view(codes, region, size):
    svg = region_map(codes, names=DUTCH, palette=PALETTE, title=region, desc="d", width_mm=size[0],
                     height_mm=size[1])
    root = parse(svg)
    assert panels(root)[0][2] is root, "neighbouring countries share one view"
    prefix = "map-region-" + "-".join(code.lower() for code in codes)
    focus = {element.text for element in root.iter(f"{SVG}text") if "focus" in element.get("class")}
    assert focus == {DUTCH[code] for code in codes}
    for code in codes:
        assert by_id(root)[f"{prefix}-land-{code.lower()}"].get("class") == "country focus"
    assert_readable(svg)


def test_a_region_map_across_continents_has_a_panel_per_group():
    svg = region_map(["PE", "BO", "RW", "BI"], names=DUTCH, palette=PALETTE, title="t", desc="d", width_mm=76,
                     height_mm=78)
    root = parse(svg)
    frames = panels(root)
    assert len(frames) == 2
    ids = by_id(root)
    assert ids["map-region-pe-bo-rw-bi-land-pe"].get("class") == "country focus"
    assert ids["map-region-pe-bo-rw-bi-p2-land-rw"].get("class") == "country focus"
    assert "map-region-pe-bo-rw-bi-p2-land-pe" not in ids, "each panel shows its own part of the world"
    assert_readable(svg)
    assert maps.continent(["PE", "BO"]) == "005" and maps.continent(["RW", "CD"]) == "002"
    assert maps.continent(["PE", "RW"]) is None


def test_the_same_map_is_drawn_once_per_process():
    maps._drawn.cache_clear()
    first = partner_map("RW")
    assert partner_map("RW") is first and maps._drawn.cache_info().hits == 1


MINIMAL_COUNTRY = "iso: {iso}\ncapital: X\nintro: x\nincome_category: x\ncooperation_since: 1965\nnon_governmental: x\n"


@pytest.mark.parametrize("iso, line, expected", [
    ("BI", "programmes:\n  - name: PAIOSA\n    places:\n      - {name: Gitega, lat: -3.427, lon: 29.925}\n"
           "      - {name: Rumonge, lat: 3.971, lon: 29.438}",
     ("programmes[0].places[1]", "(3.971, 29.438) lies in Congo - Kinshasa", "outside Burundi (BI)",
      "the latitude's minus sign seems to be missing: (-3.971, 29.438) lies in Burundi")),
    ("CD", "capital_location: {lat: 4.322, lon: 15.307}",
     ("capital_location", "(4.322, 15.307) lies in Central African Republic", "outside Congo - Kinshasa (CD)",
      "the latitude's minus sign seems to be missing")),
    ("SN", "capital_location: {lat: 14.693, lon: 17.447}",
     ("capital_location", "outside Senegal (SN)", "the longitude's minus sign seems to be missing")),
    ("RW", "capital_location: {lat: 30.059, lon: -1.95}",
     ("capital_location", "outside Rwanda (RW)", "latitude and longitude seem swapped")),
])
def test_a_misplaced_coordinate_is_a_located_error_with_its_likely_cause(iso, line, expected):
    from coopbrochure.model import Country
    from coopbrochure.validation import validate
    from coopbrochure.yamlio import parse as parse_yaml

    located, problems = parse_yaml(MINIMAL_COUNTRY.format(iso=iso) + line + "\n", "data/countries/x.yaml")
    assert not problems
    model, problems = validate(Country, located)
    assert model is None and len(problems) == 1 and not problems[0].warning
    where, _, text = str(problems[0]).partition(": ")
    file, number, _ = where.split(":")
    assert file == "data/countries/x.yaml" and int(number) == 7 + line.count("\n"), where
    key, _, message = text.partition(": ")
    assert key == expected[0] and all(part in message for part in expected[1:]), message


@pytest.mark.parametrize("iso, lat, lon", [("CD", -4.322, 15.307), ("SN", 14.667, -17.4), ("TZ", -6.165, 39.199),
                                           ("BI", -3.38, 29.36), ("PS", 31.5, 34.47), ("MZ", -15.03, 40.73),
                                           ("UG", 0.0, 32.8), ("EC", -0.74, -90.31)])
def test_places_on_borders_coasts_islands_and_lakes_pass(iso, lat, lon):
    """Kinshasa on the river border, Dakar's cape, Zanzibar, Bujumbura on Lake Tanganyika, Gaza, the Island of
    Mozambique, a point in Lake Victoria, and the Galápagos."""
    assert maps.outside(iso, lat, lon) is None


def test_a_country_without_an_outline_is_a_located_warning(minimal):
    from coopbrochure.config import load_project
    from coopbrochure.loader import load_dataset

    path = minimal / "data" / "countries" / "landia.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("iso: LA", "iso: TV"), encoding="utf-8")
    project, _ = load_project(minimal)
    _, problems = load_dataset(project)
    (warning,) = [problem for problem in problems if "outline" in problem.message]
    assert warning.warning and str(warning).startswith("data/countries/landia.yaml:2:") and warning.key == "iso"
    assert "no map outline for 'TV'" in warning.message


def test_the_labels_of_many_places_close_together_never_overlap():
    """A Great Lakes chapter marks a dozen programme towns in a small country."""
    towns = [("Bujumbura", -3.383, 29.36), ("Rumonge", -3.971, 29.438), ("Ngozi", -2.908, 29.828),
             ("Muyinga", -2.845, 30.341), ("Kirundo", -2.585, 30.097), ("Makamba", -4.138, 29.804),
             ("Cibitoke", -2.887, 29.124), ("Kayanza", -2.922, 29.629), ("Muramvya", -3.266, 29.608),
             ("Ruyigi", -3.476, 30.249), ("Rutana", -3.927, 29.992), ("Bubanza", -3.08, 29.39)]
    places = [Place("Gitega", -3.427, 29.925, "capital")] + [Place(*town) for town in towns]
    for width, height in ((78, 96), (50, 62)):
        svg = locator_map("BI", places=places, names=DUTCH, palette=PALETTE, title="t", desc="d", width_mm=width,
                          height_mm=height)
        assert {"Gitega", *(town[0] for town in towns)} <= set(texts(parse(svg)))
        assert_readable(svg)


def test_the_view_holds_a_country_of_islands_but_not_its_far_islands():
    """New Zealand's North Island (Auckland) is in its view; Ecuador's Galápagos and Norway's Svalbard are not."""
    def held(code: str, lat: float, lon: float) -> bool:
        return any(min(p[1] for p in ring) <= lat <= max(p[1] for p in ring) and
                   min(p[0] for p in ring) <= lon <= max(p[0] for p in ring) for ring in maps.mainland(code))
    assert held("NZ", -36.85, 174.76) and held("NZ", -43.53, 172.64)
    assert held("TZ", -6.16, 39.19), "Zanzibar"
    assert not held("EC", -0.74, -90.31) and held("EC", -0.18, -78.47)
    assert not held("NO", 78.22, 15.65) and held("NO", 59.91, 10.75)


def rings_of(path_data: str) -> list[list[tuple[float, float]]]:
    rings = []
    for part in re.findall(r"M([^Z]+)Z", path_data):
        numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", part)]
        rings.append(list(zip(numbers[::2], numbers[1::2])))
    return rings


def test_a_coarse_lake_is_left_out_where_it_would_put_a_shore_town_in_the_water():
    """Lake Tanganyika is known only at 1:110m (about 10 km off): drawn on the maps of DR Congo or Tanzania and
    on region maps, left out of Burundi's, where it would put Rumonge and Bujumbura in the lake."""
    places = [Place("Gitega", -3.427, 29.925, "capital"), Place("Bujumbura", -3.383, 29.36),
              Place("Rumonge", -3.971, 29.438)]
    root = parse(locator_map("BI", places=places, names=DUTCH, palette=PALETTE, title="t", desc="d"))
    lakes = rings_of(by_id(root)["map-bi-lakes"].get("d"))
    for circle in root.iter(f"{SVG}circle"):
        x, y = float(circle.get("cx")), float(circle.get("cy"))
        for ring in lakes:
            crossings = sum((y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0)
                            for (x0, y0), (x1, y1) in zip(ring[-1:] + ring[:-1], ring))
            assert crossings % 2 == 0, "a town on the shore drawn in the lake"
    tanganyika = next(i for i, ring in enumerate(maps.world().lakes)
                      if min(p[1] for p in ring) < -6 < max(p[1] for p in ring) and
                      min(p[0] for p in ring) < 29.6 < max(p[0] for p in ring))
    assert tanganyika in maps.world().coarse_lakes
    congo = parse(partner_map("CD"))
    assert len(rings_of(by_id(congo)["map-cd-lakes"].get("d"))) > len(lakes)


def test_the_region_map_names_every_chapter_country_by_its_chapter_name():
    """Each chapter's own name (not CLDR's) on the dossier's region map, for the first country too."""
    from coopbrochure.graphics import Graphics
    from coopbrochure.i18n import Formatter
    from coopbrochure.model import Country

    def country(iso: str, name: str) -> Country:
        return Country(iso=iso, name=name, capital="X", intro="x", income_category="x", cooperation_since=1970,
                       non_governmental="x")
    svg = Graphics(Formatter("nl"), "a4", {}).region([country("CD", "DR Congo"), country("RW", "Rwanda"),
                                                                 country("BI", "Burundi")]).svg
    focus = {t.text for t in parse(str(svg)).iter(f"{SVG}text") if "focus" in t.get("class")}
    assert focus == {"DR Congo", "Rwanda", "Burundi"}


def test_a_place_on_far_islands_widens_the_view_to_hold_them():
    places = [Place("Quito", -0.18, -78.47, "capital"), Place("Puerto Ayora", -0.74, -90.31)]
    root = parse(locator_map("EC", places=places, names=DUTCH, palette=PALETTE, title="t", desc="d"))
    assert {"Quito", "Puerto Ayora"} <= set(texts(root))
    assert len(rings_of(by_id(root)["map-ec-land-ec"].get("d"))) >= 3  # the mainland and the Galápagos islands
