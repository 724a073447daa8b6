"""Charts and timelines as inline SVG: structure, exact values, explicit paint, and what WeasyPrint makes of them."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import weasyprint
from defusedxml import ElementTree

from coopbrochure.charts import (
    Bar,
    Milestone,
    bar_chart,
    data_table,
    portfolio_chart,
    portfolio_rows,
    table_rows,
    text_width,
    timeline,
    wrap,
)
from coopbrochure.i18n import Formatter

SVG = "{http://www.w3.org/2000/svg}"
FONTS = Path(__file__).resolve().parent.parent / "styles" / "fonts"
PALETTE = {"ink": "#1d2730", "muted": "#5b6b75", "rule": "#c9d3d8", "series-1": "#0b4f6c", "series-2": "#c8553d",
           "series-3": "#f2a541", "series-4": "#3c7a5a", "paper": "#ffffff"}
CMYK = dict(PALETTE, ink="device-cmyk(0 0 0 1)", **{"series-1": "device-cmyk(1 0.3 0 0.5)"})
NAMES = {"nl": ("gouvernementeel", "niet-gouvernementeel"), "fr": ("gouvernemental", "non gouvernemental")}
PERU_EVENTS = [
    Milestone(2019, None, "Het laatste gouvernementele programma loopt af", "end"),
    Milestone(1965, None, "Eerste algemene samenwerkingsovereenkomst tussen België en Peru", "agreement"),
    Milestone(2005, None, "Zesde gemengde commissie: € 24 miljoen voor vier jaar", "agreement"),
    Milestone(2007, 2010, "Indicatief samenwerkingsprogramma voor gezondheid en plattelandsontwikkeling", "programme"),
    Milestone(2015, None, "Peru is niet langer partnerland van de gouvernementele samenwerking", "end"),
]


def portfolio(lang="nl", values=(9_000_000, 8_000_000), total=17_000_000, palette=PALETTE, **options) -> str:
    names = NAMES[lang] + ("multilateraal", "humanitair")
    keys = ("governmental", "non-governmental", "multilateral", "humanitarian")
    parts = [Bar(name, value, key=key) for name, value, key in zip(names, values, keys)]
    return portfolio_chart(parts, total=total, fmt=Formatter(lang), palette=palette, title="Portefeuille Peru 2014",
                           desc="Gouvernementeel en niet-gouvernementeel", ident="peru", **options)


def bars(lang="nl", palette=PALETTE, **options) -> str:
    data = [Bar("Peru", 17_000_000, "2014"), Bar("Bolivia", 14_000_000, "2014"), Bar("Ecuador", 2_500_000)]
    return bar_chart(data, fmt=Formatter(lang), unit="eur", palette=palette, title="Budget", desc="Per land",
                     ident="budget", **options)


def peru_timeline(events=PERU_EVENTS, palette=PALETTE, **options) -> str:
    return timeline(events, fmt=Formatter("nl"), palette=palette, title="Tijdlijn Peru", desc="Van 1965 tot 2019",
                    ident="peru-timeline", **options)


def parse(svg: str):
    return ElementTree.fromstring(svg)


def by_id(root, ident: str):
    found = [element for element in root.iter() if element.get("id") == ident]
    assert len(found) == 1, ident
    return found[0]


def texts(root) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def view_box(root) -> tuple[float, float]:
    _, _, width, height = map(float, root.get("viewBox").split())
    return width, height


@pytest.mark.parametrize("make, kind, ident", [(bars, "chart", "budget"), (portfolio, "chart", "peru"),
                                               (peru_timeline, "timeline", "peru-timeline")])
def test_svg_root_is_accessible_and_sized_in_mm(make, kind, ident):
    root = parse(make())
    assert root.tag == f"{SVG}svg" and root.get("class") == kind and root.get("role") == "img"
    assert root.get("aria-labelledby").split() == [f"{ident}-title", f"{ident}-desc"]
    first, second = list(root)[:2]
    assert (first.tag, first.get("id")) == (f"{SVG}title", f"{ident}-title")
    assert (second.tag, second.get("id")) == (f"{SVG}desc", f"{ident}-desc")
    width, height = view_box(root)
    assert root.get("width") == f"{width:g}mm" and root.get("height") == f"{height:g}mm"


@pytest.mark.parametrize("make", [bars, portfolio, peru_timeline])
def test_every_paint_and_font_is_explicit_and_verbatim(make):
    root = parse(make(palette=CMYK))
    paints = {element.get(name) for element in root.iter() for name in ("fill", "stroke")} - {None, "none"}
    assert paints <= set(CMYK.values()) and "device-cmyk(1 0.3 0 0.5)" in paints
    for text in root.iter(f"{SVG}text"):
        assert text.get("font-family") == "Source Sans Pro" and text.get("fill") in CMYK.values()
        assert text.get("font-weight") in ("400", "700")
        assert 7 <= float(text.get("font-size")) / 0.3528 <= 9
    for shape in [*root.iter(f"{SVG}rect"), *root.iter(f"{SVG}circle")]:
        assert shape.get("id") and shape.get("fill") in CMYK.values()


def test_bar_lengths_are_proportional_and_values_formatted_per_language():
    nl, fr = parse(bars("nl")), parse(bars("fr"))
    lengths = [float(by_id(nl, f"budget-bar-{index}").get("width")) for index in range(3)]
    assert lengths[0] / 17 == pytest.approx(lengths[1] / 14, rel=1e-4) == pytest.approx(lengths[2] / 2.5, rel=1e-3)
    assert "€\u00a017\u00a0miljoen" in texts(nl) and "17\u00a0millions d’euros" in texts(fr)
    assert "Peru 2014" in texts(nl) and "Ecuador" in texts(nl)
    width, _ = view_box(fr)
    for index in range(3):  # the value after the longest bar still fits
        value = by_id(fr, f"budget-value-{index}")
        x = float(value.find(f"{SVG}tspan").get("x"))
        assert x + text_width("".join(value.itertext()), float(value.get("font-size")), 700) <= width + 1e-6


@pytest.mark.parametrize("values, total, shares", [((9_000_000, 8_000_000), 17_000_000, ("53", "47")),
                                                   ((8_000_000, 6_000_000), 14_000_000, ("57", "43"))])
def test_portfolio_segments_match_the_data_exactly(values, total, shares):
    root = parse(portfolio(values=values, total=total))
    widths = [float(by_id(root, f"peru-segment-{key}").get("width")) for key in ("governmental", "non-governmental")]
    assert widths[0] / widths[1] == pytest.approx(values[0] / values[1], rel=1e-4)
    assert sum(widths) == pytest.approx(80, abs=1e-3)
    assert "".join(by_id(root, "peru-share-governmental").itertext()) == f"{shares[0]}%"
    assert "".join(by_id(root, "peru-share-non-governmental").itertext()) == f"{shares[1]}%"
    assert f"€\u00a0{values[0] // 1_000_000}\u00a0miljoen" in texts(root)
    assert f"Totaal €\u00a0{total // 1_000_000}\u00a0miljoen" in texts(root)


def test_portfolio_labels_follow_the_language():
    nl, fr = texts(parse(portfolio("nl"))), texts(parse(portfolio("fr")))
    assert nl != fr
    assert {"gouvernementeel", "€\u00a09\u00a0miljoen", "53%"} <= set(nl)
    assert {"gouvernemental", "9\u00a0millions d’euros", "53\u00a0%"} <= set(fr)


def test_portfolio_switches_to_a_legend_when_segments_are_too_narrow():
    root = parse(portfolio(values=(30_000_000, 8_000_000, 1_500_000, 500_000), total=None))
    assert by_id(root, "peru-swatch-humanitarian") is not None
    shares = ["".join(by_id(root, f"peru-share-{key}").itertext())
              for key in ("governmental", "non-governmental", "multilateral", "humanitarian")]
    assert shares == ["75%", "20%", "4%", "1%"]


def test_portfolio_shares_always_add_up_to_100():
    root = parse(portfolio(values=(1, 1, 1), total=None))
    shares = [int(text.rstrip("%")) for text in texts(root) if text.endswith("%")]
    assert sorted(shares) == [33, 33, 34]


def test_portfolio_refuses_parts_larger_than_the_total():
    with pytest.raises(ValueError, match="do not fit"):
        portfolio(total=16_000_000)


def test_portfolio_rows_give_the_charts_numbers_for_a_data_table():
    parts = [Bar("gouvernemental", 9_000_000), Bar("non gouvernemental", 8_000_000)]
    rows = portfolio_rows(parts, 17_000_000, Formatter("fr"))
    assert rows == [("gouvernemental", "9\u00a0millions d’euros", "53\u00a0%"),
                    ("non gouvernemental", "8\u00a0millions d’euros", "47\u00a0%")]
    assert {text for row in rows for text in row[1:]} <= set(texts(parse(portfolio("fr"))))


def test_wrapping_keeps_no_break_spaces():
    lines = wrap("Zesde gemengde commissie: €\u00a024\u00a0miljoen over drie jaar", 20, 2.6)
    assert any("€\u00a024" in line for line in lines) and all(line == line.strip() for line in lines)


def test_unallocated_money_is_shown_as_a_grey_rest():
    root = parse(portfolio(total=20_000_000))
    assert by_id(root, "peru-rest").get("fill") == PALETTE["rule"]
    assert "".join(by_id(root, "peru-share-governmental").itertext()) == "45%"


@pytest.mark.parametrize("total", [20_000_000, 60_000_000])  # labels beside the segments, or a legend
def test_unallocated_money_is_named_with_its_amount_and_share(total):
    parts = [Bar("Gouvernementeel", 9_000_000, key="governmental"), Bar("Niet-gouvernementeel", 8_000_000)]
    rows = portfolio_rows(parts, total, Formatter("nl"), "Niet toegewezen")
    root = parse(portfolio_chart(parts, total=total, fmt=Formatter("nl"), palette=PALETTE, title="t", desc="d",
                                 ident="peru", unallocated="Niet toegewezen"))
    assert rows[-1][0] == "Niet toegewezen" and "".join(by_id(root, "peru-name-rest").itertext()) == "Niet toegewezen"
    assert rows[-1][1] in texts(root) and rows[-1][2] in texts(root)
    assert sum(int(share.rstrip("%")) for *_, share in rows) == 100
    assert len(portfolio_rows(parts, 17_000_000, Formatter("nl"), "Niet toegewezen")) == 2  # nothing left over


def test_text_is_escaped_and_ids_are_checked():
    chart = bar_chart([Bar("R&D <onderzoek>", 3, "“2014”")], fmt=Formatter("nl"), unit="number", palette=PALETTE,
                      title="A & B", desc="<desc>", ident="rd")
    root = parse(chart)
    assert "R&D <onderzoek> “2014”" in texts(root) and root.find(f"{SVG}title").text == "A & B"
    with pytest.raises(ValueError):
        bar_chart([], fmt=Formatter("nl"), unit="eur", palette=PALETTE, title="", desc="", ident='x" onload="')


def test_timeline_grows_with_its_events_and_keeps_text_inside():
    short, full = parse(peru_timeline(PERU_EVENTS[:2])), parse(peru_timeline())
    assert view_box(full)[1] > view_box(short)[1] + 10
    narrow = parse(peru_timeline(width_mm=50))
    assert view_box(narrow)[1] > view_box(full)[1]
    for root in (full, narrow):
        width, height = view_box(root)
        for text in root.iter(f"{SVG}text"):
            size, weight = float(text.get("font-size")), int(text.get("font-weight"))
            for line in text.iter(f"{SVG}tspan"):
                x, y = float(line.get("x")), float(line.get("y"))
                left = x - text_width(line.text, size, weight) if text.get("text-anchor") == "end" else x
                assert 0 <= left and left + text_width(line.text, size, weight) <= width + 1e-6
                assert size * 0.8 <= y <= height - size * 0.2


def test_timeline_is_in_year_order_with_a_bar_for_the_period():
    root = parse(peru_timeline())
    years = ["".join(by_id(root, f"peru-timeline-year-{index}").itertext()) for index in range(5)]
    assert years == ["1965", "2005", "2007–2010", "2015", "2019"]
    period = by_id(root, "peru-timeline-period-2")
    assert period.get("fill") == PALETTE["series-3"] and float(period.get("height")) > 2.2
    assert by_id(root, "peru-timeline-event-4").get("fill") == PALETTE["series-2"]


def test_data_table_is_escaped_html():
    rows = table_rows([Bar("R&D", 9_000_000, "2014"), Bar("<b>", 8_000_000)], fmt=Formatter("fr"), unit="eur")
    table = parse(data_table(rows, "Portefeuille & canaux", "peru"))
    assert table.tag == "table" and table.get("class") == "chart-data" and table.get("id") == "peru-data"
    assert table.find("caption").text == "Portefeuille & canaux"
    assert [(row.find("th").text, row.find("td").text) for row in table.iter("tr")] == [
        ("R&D (2014)", "9\u00a0millions d’euros"), ("<b>", "8\u00a0millions d’euros")]
    assert table.find(".//th").get("scope") == "row"


# ---- What WeasyPrint makes of them ----------------------------------------------------------------------------

FONT_FACES = "".join(
    f"@font-face {{ font-family: 'Source Sans Pro'; src: url('{(FONTS / f'SourceSansPro-{name}.ttf').as_uri()}');"
    f" font-weight: {weight}; }}" for name, weight in (("Regular", 400), ("Bold", 700)))


def pdf_of(svg: str, page: str = "A4") -> bytes:
    style = f"{FONT_FACES} @page {{ size: {page}; margin: 0 }} body {{ margin: 0 }} svg {{ display: block }}"
    return weasyprint.HTML(string=f"<html><head><style>{style}</style></head><body>{svg}</body></html>").write_pdf()


def page_size_of(svg: str) -> str:
    width, height = view_box(parse(svg))
    return f"{width}mm {height}mm"


@pytest.fixture(scope="module")
def rendered() -> bytes:
    charts = [portfolio("nl", palette=CMYK), portfolio("fr"), bars("fr"), peru_timeline()]
    return pdf_of("".join(charts))


def test_rendered_charts_stay_vector(rendered):
    def images(resources) -> int:
        found = 0
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            found += xobject.get("/Subtype") == "/Image"
            found += images(xobject.get("/Resources") or {})
        return found

    reader = pypdf.PdfReader(io.BytesIO(rendered))
    assert len(reader.pages) == 1
    assert images(reader.pages[0]["/Resources"].get_object()) == 0


def test_rendered_text_is_extractable(rendered):
    """pdfium and poppler rebuild the spaces of SVG text (WeasyPrint places it glyph by glyph); pypdf finds
    the words but runs them together."""
    words = "".join(pypdf.PdfReader(io.BytesIO(rendered)).pages[0].extract_text().split())
    for expected in ("Totaal€17miljoen", "9millionsd’euros", "53%", "gouvernemental", "1965", "Zesdegemengde"):
        assert expected in words
    document = pypdfium2.PdfDocument(rendered)
    try:
        text = " ".join(document[0].get_textpage().get_text_range().split())
    finally:
        document.close()
    for expected in ("Totaal € 17 miljoen", "Total 17 millions d’euros", "53 %",
                     "Zesde gemengde commissie: € 24"):
        assert expected in text


def test_rendered_charts_are_not_blank(rendered):
    document = pypdfium2.PdfDocument(rendered)
    try:
        image = document[0].render(scale=0.5).to_pil().convert("L")
    finally:
        document.close()
    assert sum(image.histogram()[:200]) / (image.width * image.height) > 0.01


@pytest.mark.parametrize("make", [peru_timeline, portfolio, bars])
def test_rendered_glyphs_stay_inside_the_svg(make):
    """On a page exactly the size of the SVG, every glyph the PDF holds lies on the page."""
    svg = make(palette=PALETTE) if make is not bars else bars("fr")
    document = pypdfium2.PdfDocument(pdf_of(svg, page_size_of(svg)))
    try:
        assert len(document) == 1
        page = document[0]
        width, height = page.get_size()
        textpage = page.get_textpage()
        boxes = [textpage.get_charbox(index) for index in range(textpage.count_chars())]
    finally:
        document.close()
    assert boxes
    for left, bottom, right, top in boxes:
        assert -0.5 <= left and right <= width + 0.5 and -0.5 <= bottom and top <= height + 0.5
