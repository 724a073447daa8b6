"""Infographics in the sample: locator maps, key figures, timelines and portfolio charts, vector and readable."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pypdfium2
import pypdfium2.raw as pdfium
import pytest
import yaml
from defusedxml import ElementTree
from pdfread import named_destination_pages, page_texts

from coopbrochure.charts import Bar, portfolio_rows
from coopbrochure.graphics import COMPACT_MAP, LAYOUTS, TALLER_MAPS, Graphics, milestones
from coopbrochure.i18n import Formatter, labels
from coopbrochure.localize import localize
from coopbrochure.model import Country
from coopbrochure.validation import validate
from coopbrochure.yamlio import parse

SVG = "{http://www.w3.org/2000/svg}"
PT_PER_MM = 72 / 25.4
REPO = Path(__file__).resolve().parent.parent
EDITIONS = [f"{lang}-{fmt}-{profile}" for lang in ("nl", "fr", "en") for fmt in ("a4", "a5")
            for profile in ("print", "web")]
FILES = {"PE": "peru", "BO": "bolivia", "EC": "ecuador"}
CAPITALS = {"PE": "Lima", "BO": "La Paz", "EC": "Quito"}
NEIGHBOURS = {"PE": ("BR", "CO", "EC", "BO"), "BO": ("BR", "PY", "AR", "PE"), "EC": ("PE", "CO")}


def flat(text: str) -> str:
    """Text as one line: no-break spaces as spaces, hyphenation points and line breaks removed."""
    text = text.replace("\u2010\r\n", "").replace("\u00ad", "")
    return " ".join(re.sub(r"[\u00a0\u202f\u2009]", " ", text).split())


def sample_country(iso: str, lang: str) -> Country:
    raw = yaml.safe_load((REPO / "data" / "countries" / f"{FILES[iso]}.yaml").read_text(encoding="utf-8"))
    country = localize(Country.model_validate(raw), lang, "nl")
    return country.model_copy(update={"name": country.name or Formatter(lang).country_name(iso)})


@dataclass(frozen=True)
class Edition:
    """One built edition of the sample, read once: its pages' text and the pages of each chapter."""

    name: str
    path: Path
    texts: list[str]
    chapters: dict[str, list[int]]  # iso -> 0-based page indexes
    dossier: int

    @property
    def lang(self) -> str:
        return self.name.split("-")[0]

    @property
    def format(self) -> str:
        return self.name.split("-")[1]

    def chapter_text(self, iso: str) -> str:
        return flat(" ".join(self.texts[index] for index in self.chapters[iso]))


@functools.cache
def read(path: Path) -> Edition:
    starts = named_destination_pages(path)
    order = ["country-pe", "country-bo", "country-ec", "contacts"]
    chapters = {iso: list(range(starts[begin] - 1, starts[end] - 1))
                for iso, begin, end in zip(FILES, order, order[1:])}
    return Edition(path.stem.removeprefix("andes-2013-"), path, page_texts(path), chapters, starts["dossier"] - 1)


@pytest.fixture(params=EDITIONS)
def edition(request, sample_project) -> Edition:
    return read(sample_project / "output" / f"andes-2013-{request.param}.pdf")


def test_every_chapter_shows_its_locator_map(edition):
    fmt = Formatter(edition.lang)
    for iso, capital in CAPITALS.items():
        text = edition.chapter_text(iso)
        expected = [capital, fmt.country_name(iso), *(fmt.country_name(code) for code in NEIGHBOURS[iso])]
        assert all(name in text for name in expected), (edition.name, iso, [n for n in expected if n not in text])


def test_every_chapter_shows_its_key_figures_and_timeline(edition):
    fmt, t = Formatter(edition.lang), labels(edition.lang)
    plain = Graphics(fmt, edition.format, {}).plain
    for iso in FILES:
        country, text = sample_country(iso, edition.lang), edition.chapter_text(iso)
        assert country.key_figures and t["key_figures"] in text
        for figure in country.key_figures:
            assert flat(fmt.figure(figure.value, figure.unit)) in text, (edition.name, iso, figure.value)
            assert flat(plain(figure.label))[:40] in text and flat(plain(figure.source)) in text
        events = milestones(country, t)
        assert len(events) >= 3 and t["timeline"] in text
        for event in events:  # a programme's period is in its table when a dense layout's timeline leaves it out
            words = event.text.split(" – ", 1)[-1] if event.kind == "programme" else event.text
            assert str(event.year) in text
            assert " ".join(flat(plain(words)).split()[:4]) in text, (edition.name, iso, event.text)


def test_peru_and_bolivia_show_their_portfolio_as_in_the_data(edition):
    fmt, t = Formatter(edition.lang), labels(edition.lang)
    for iso in ("PE", "BO"):
        portfolio, text = sample_country(iso, edition.lang).portfolio, edition.chapter_text(iso)
        parts = [Bar(t[f"channel_{item.channel}"], item.amount) for item in portfolio.channels]
        assert flat(t["portfolio"].format(year=portfolio.year)) in text
        assert flat(f'{t["total"]} {fmt.eur(portfolio.total)}') in text
        for name, amount, share in portfolio_rows(parts, portfolio.total, fmt):
            assert all(flat(value) in text for value in (name, amount, share)), (edition.name, iso, name)
    assert flat(t["portfolio"].format(year=2014)) not in edition.chapter_text("EC"), "Ecuador has no portfolio data"


def test_the_numbers_read_as_in_each_language(sample_project):
    expected = {"nl": ("€ 9 miljoen", "53%", "€ 6 miljoen", "43%"),
                "fr": ("9 millions d’euros", "53 %", "6 millions d’euros", "43 %"),
                "en": ("€9 million", "53%", "€6 million", "43%")}
    for lang, (peru_amount, peru_share, bolivia_amount, bolivia_share) in expected.items():
        edition = read(sample_project / "output" / f"andes-2013-{lang}-a4-web.pdf")
        assert peru_amount in edition.chapter_text("PE") and peru_share in edition.chapter_text("PE")
        assert bolivia_amount in edition.chapter_text("BO") and bolivia_share in edition.chapter_text("BO")


def test_every_edition_adds_the_chart_data_as_a_table(edition):
    # print and web alike, so that both profiles of an edition are paginated the same
    caption = labels(edition.lang)["portfolio_title"].format(country=sample_country("PE", edition.lang).name,
                                                              year=2014)
    assert flat(caption) in edition.chapter_text("PE")


def sea_rectangles(page, size_mm: tuple[float, float]) -> list[tuple[float, float, float, float]]:
    """Bounds (left, bottom, right, top, in pt) of vector rectangles of the map's size: a map's sea."""
    width, height = (value * PT_PER_MM for value in size_mm)
    return [bounds for bounds in (obj.get_bounds() for obj in page.get_objects(max_depth=8)
                                  if obj.type == pdfium.FPDF_PAGEOBJ_PATH)
            if abs(bounds[2] - bounds[0] - width) < 1 and abs(bounds[3] - bounds[1] - height) < 1]


def map_page(document, pages: list[int], size_mm: tuple[float, float]) -> tuple[int, tuple[float, ...]]:
    """The one page among `pages` with a map of that size (or of its compact height, which a denser layout
    variant takes, or of a taller one, drawn to end level with the timeline beside it), and the bounds of the map."""
    sizes = [(size_mm[0], round(size_mm[1] * share, 1)) for share in (1, COMPACT_MAP, *TALLER_MAPS)]
    found = [(index, bounds) for index in pages for size in sizes for bounds in sea_rectangles(document[index], size)]
    assert len(found) == 1, f"one map of {size_mm} mm on pages {[index + 1 for index in pages]}, found {len(found)}"
    return found[0]


def label_boxes(page, words: list[str]) -> list[tuple[float, float, float, float]]:
    textpage = page.get_textpage()
    boxes = []
    for word in words:
        hit = textpage.search(word).get_next()
        assert hit, f"{word!r} is extractable text"
        boxes.append(textpage.get_charbox(hit[0]))
    return boxes


def test_maps_and_charts_stay_vector_with_extractable_text(edition):
    document = pypdfium2.PdfDocument(edition.path)
    try:
        for iso in FILES:
            index, (west, south, east, north) = map_page(document, edition.chapters[iso], LAYOUTS[edition.format].map)
            page = document[index]
            images = [obj.get_bounds() for obj in page.get_objects(max_depth=8)
                      if obj.type == pdfium.FPDF_PAGEOBJ_IMAGE]
            words = [CAPITALS[iso], str(sample_country(iso, edition.lang).cooperation_since)]
            if iso != "EC":  # the portfolio chart, beside the map
                words.append(labels(edition.lang)["channel_non_governmental"])
            for left, bottom, right, top in [(west, south, east, north), *label_boxes(page, words)]:
                assert not any(x0 < right and left < x1 and y0 < top and bottom < y1 for x0, y0, x1, y1 in images), \
                    f"{edition.name} {iso}: a raster image lies under the map or chart"
    finally:
        document.close()


def colours(document, index: int, box) -> tuple[float, list[float]]:
    """Inside `box` (PDF points) of a page rendered at 1 px per pt: the share of white pixels, and the shares
    of the colours (coarsely quantised), largest first."""
    page = document[index]
    left, _, _, top = page.get_cropbox()
    image = page.render(scale=1).to_pil().convert("RGB")
    west, south, east, north = box
    crop = image.crop((round(west - left) + 2, round(top - north) + 2, round(east - left) - 2, round(top - south) - 2))
    total = crop.width * crop.height
    white = sum(count for count, colour in crop.getcolors(total) if min(colour) >= 250)
    coarse = crop.quantize(colors=8).getcolors(8)
    return white / total, sorted((count / total for count, _ in coarse), reverse=True)


def test_map_areas_are_drawn(edition):
    document = pypdfium2.PdfDocument(edition.path)
    try:
        layout = LAYOUTS[edition.format]
        maps = [map_page(document, edition.chapters[iso], layout.map) for iso in FILES]
        for index, box in [*maps, map_page(document, [edition.dossier], layout.region)]:
            white, shares = colours(document, index, box)
            assert white < 0.05, f"{edition.name} page {index + 1}: the map is (partly) blank"
            assert sum(share > 0.04 for share in shares) >= 3, \
                f"{edition.name} page {index + 1}: sea, land and the highlighted country are drawn"
    finally:
        document.close()


def test_the_dossier_opener_shows_the_region_map(edition):
    fmt = Formatter(edition.lang)
    text = flat(edition.texts[edition.dossier])
    assert all(fmt.country_name(iso) in text for iso in FILES)


def structure_figures(path: Path) -> list[str]:
    """The alternative text of every Figure in the PDF's structure tree."""
    reader = pypdf.PdfReader(path)
    found, stack = [], [reader.trailer["/Root"]["/StructTreeRoot"].get_object().get("/K")]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt", "")))
            if "/K" in node:
                stack.append(node["/K"])
    return found


def test_tagged_figures_of_web_editions_say_what_the_graphics_show(sample_project):
    alts = structure_figures(sample_project / "output" / "andes-2013-nl-a4-web.pdf")
    assert len([alt for alt in alts if alt.startswith("Tijdlijn")]) == 3
    peru = next(alt for alt in alts if alt.startswith("Tijdlijn: Peru, 1965–2019. "))
    assert all(f"{year}: " in peru for year in ("1965", "2005", "2015", "2019"))
    assert any(alt.startswith("Kaart: Peru en de buurlanden") and "Lima" in alt for alt in alts)
    assert any(alt.startswith("Belgische portefeuille in Peru") and "€ 9 miljoen (53%)" in alt
               for alt in (flat(alt) for alt in alts))


# ---- The pieces, without rendering ---------------------------------------------------------------------------

PRINT_PALETTE = {"chart-series-1": "device-cmyk(1 0.3 0 0.5)", "map-focus": "device-cmyk(0 0.7 0.7 0.2)",
                 "chart-font": "Test Sans"}


def test_graphics_take_the_palette_font_and_format():
    graphics = Graphics(Formatter("fr"), "a5", PRINT_PALETTE)
    peru = sample_country("PE", "fr")
    portfolio = ElementTree.fromstring(graphics.portfolio(peru).svg)
    locator = ElementTree.fromstring(graphics.locator(peru).svg)
    assert portfolio.get("width") == f"{LAYOUTS['a5'].side}mm"
    assert (locator.get("width"), locator.get("height")) == tuple(f"{value:g}mm" for value in LAYOUTS["a5"].map)
    assert {"device-cmyk(1 0.3 0 0.5)"} <= {element.get("fill") for element in portfolio.iter()}
    assert locator.find(f".//{SVG}path[@id='map-pe-land-pe']").get("fill") == "device-cmyk(0 0.7 0.7 0.2)"
    assert {element.get("font-family") for element in portfolio.iter(f"{SVG}text")} == {"Test Sans"}
    assert graphics.portfolio(peru).table is not None, "print and web editions alike carry the chart's data"


def test_graphics_carry_a_data_table_of_the_chart():
    table = ElementTree.fromstring(Graphics(Formatter("nl"), "a4", {}).portfolio(
        sample_country("BO", "nl")).table)
    rows = [["".join(cell.itertext()) for cell in row] for row in table.iter("tr")]
    assert rows == [["Gouvernementeel", "€\u00a08\u00a0miljoen (57%)"],
                    ["Niet-gouvernementeel", "€\u00a06\u00a0miljoen (43%)"], ["Totaal", "€\u00a014\u00a0miljoen"]]


def test_a_country_without_map_data_or_portfolio_gets_no_such_graphic():
    graphics = Graphics(Formatter("en"), "a4", {})
    ecuador = sample_country("EC", "en")
    assert graphics.portfolio(ecuador) is None
    assert graphics.locator(ecuador.model_copy(update={"iso": "TV", "capital_location": None})) is None  # Tuvalu
    assert graphics.region([ecuador.model_copy(update={"iso": "TV"})]) is None


def test_timeline_milestones_keep_programme_periods_in_year_order():
    events = milestones(sample_country("EC", "en"), labels("en"))
    assert [(event.year, event.end_year, event.kind) for event in events] == [
        (1977, None, "agreement"), (1980, None, "agreement"), (2006, None, "agreement"),
        (2007, 2010, "programme"), (2015, None, "agreement"), (2016, None, "end")]


def test_the_region_map_highlights_the_chapters_countries_in_the_language():
    svg = ElementTree.fromstring(Graphics(Formatter("fr"), "a4", {}).region(
        [sample_country(iso, "fr") for iso in FILES]).svg)
    focus = {element.text for element in svg.iter(f"{SVG}text") if "focus" in element.get("class")}
    assert focus == {"Pérou", "Bolivie", "Équateur"}
    assert svg.find(f"{SVG}title").text.startswith("Carte\u00a0: Pérou, Bolivie et Équateur en Amérique du Sud")


BAD = {
    "capital_location: {lat: 12.05, lon: -77.04}":
        "capital_location: (12.05, -77.04) lies at sea, 1,359 km outside Peru (PE); the latitude's minus sign seems "
        "to be missing: (-12.05, -77.04) lies in Peru",
    "capital_location: {lat: -120, lon: -77.04}":
        "capital_location.lat: input should be greater than or equal to -90, got -120",
    "programmes:\n  - name: X\n    places: [{name: Cusco, lat: -13.5, lon: 71.97}]":
        "programmes[0].places[0]: (-13.5, 71.97) lies at sea, 14,804 km outside Peru (PE); the longitude's minus "
        "sign seems to be missing",
    "portfolio: {year: 2014, total: 10, source: x, channels: [{channel: governmental, amount: 11}]}":
        "portfolio: the channels add up to 11, more than the total 10",
    "portfolio: {year: 2014, source: x, channels: [{channel: governmental, amount: 1}, "
    "{channel: governmental, amount: 2}]}": "portfolio.channels: channel 'governmental' is listed more than once",
    "portfolio: {year: 2014, source: x, channels: [{channel: bilateral, amount: 1}]}":
        "portfolio.channels[0].channel: input should be 'governmental', 'non_governmental', 'multilateral' or "
        "'humanitarian', got 'bilateral'",
    "portfolio: {year: 2014, source: x, channels: [{channel: governmental, amount: -5}]}":
        "portfolio.channels[0].amount: input should be greater than or equal to 0, got -5",
}
MINIMAL = ("iso: PE\ncapital: Lima\nintro: x\nincome_category: x\ncooperation_since: 1965\n"
           "non_governmental: x\n")


@pytest.mark.parametrize("line, message", BAD.items(), ids=range(len(BAD)))
def test_map_and_portfolio_data_errors_are_located(line, message):
    located, problems = parse(MINIMAL + line + "\n", "data/countries/peru.yaml")
    assert not problems
    model, problems = validate(Country, located)
    assert model is None and len(problems) == 1
    where, _, text = str(problems[0]).partition(": ")
    file, line, _ = where.split(":")
    assert file == "data/countries/peru.yaml" and int(line) >= 7, where  # the line of the key or value
    assert text.startswith(message), text
