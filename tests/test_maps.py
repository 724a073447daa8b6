"""Locator and region maps: SVG structure, labels per language, print colours, and how WeasyPrint renders them."""

from __future__ import annotations

import io
import json
import re

import pypdf
import pypdfium2
import pytest
import weasyprint
from defusedxml import ElementTree

from coopbrochure import maps
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
    assert "check the signs" in maps.outside("PE", 12.05, -77.04)
    assert maps.outside("BE", 50.85, 4.35) is None, "no map data: nothing to check"


def test_bad_input_is_refused_with_a_message():
    with pytest.raises(ValueError, match="no map data for XX"):
        locator_map("XX", places=[], names={}, palette=PALETTE, title="t", desc="d")
    with pytest.raises(ValueError, match="palette lacks accent"):
        locator_map("PE", places=[], names={}, palette={k: v for k, v in PALETTE.items() if k != "accent"},
                    title="t", desc="d")
    with pytest.raises(ValueError, match="Brussels .* lies outside the map"):
        locator_map("PE", places=[Place("Brussels", 50.85, 4.35)], names={}, palette=PALETTE, title="t", desc="d")


def test_geodata_is_compact_and_loaded_once():
    assert maps.GEODATA.stat().st_size < 150_000
    data = json.loads(maps.GEODATA.read_text(encoding="utf-8"))
    assert {"PE", "BO", "EC", "CO", "BR", "CL", "AR", "VE", "PA"} <= data.keys()
    assert all(round(value, 2) == value for ring in data["PE"] for point in ring for value in point)
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
