"""The sample publication, built with the real WeasyPrint, checked as a reader would."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pdfread import fonts, ink_ratio, named_destination_pages, page_sizes_mm, page_texts

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def texts(sample) -> list[str]:
    return page_texts(sample)


def test_output_name_and_size(sample):
    assert sample.name == "andes-2013-nl-a4-web.pdf"
    sizes = page_sizes_mm(sample)
    assert len(sizes) >= 16
    assert set(sizes) == {(210, 297)}


def test_page_count_is_even_so_the_back_cover_is_a_left_page(sample):
    assert len(page_sizes_mm(sample)) % 2 == 0


def flat(text: str) -> str:
    """Page text as one line: layout line breaks and hyphenation points removed."""
    return " ".join(text.replace("\u2010\r\n", "").split())


def test_cover_carries_series_issue_and_title(texts):
    cover = flat(texts[0])
    for expected in ("Dimensie 3", "Ruim vijftig jaar in de Andes"):
        assert expected in cover
    spaced_capitals = cover.upper().replace(" ", "")  # letter-spaced capitals come out of the PDF spaced apart
    assert "P308613" in spaced_capitals and "AFGIFTEKANTOORBRUSSELX" in spaced_capitals
    assert not re.search(r"^\s*1\s*$", cover, re.M), "the cover has no page number"


def test_every_seed_fact_is_in_the_country_chapters(sample, texts):
    whole = "\n".join(texts)
    starts = named_destination_pages(sample)
    sections = sorted(page for name, page in starts.items() if not name.startswith("portfolio-"))
    seeds = {"pe": ("Peru", ["1965", "2019"]), "bo": ("Bolivia", ["1974", "2019"]),
             "ec": ("Ecuador", ["1977", "1980", "2016"])}
    for code, (country, years) in seeds.items():
        first = starts[f"country-{code}"]
        last = min(page for page in sections if page > first) - 1  # the chapter ends where the next section starts
        chapter = "\n".join(texts[first - 1:last])
        assert re.search(rf"^{country}\s*$", chapter, re.M) and "Kerncijfers" in chapter
        for year in years:
            assert year in chapter, f"{year} is not in the chapter on {country} (pages {first}-{last})"
    assert "€ 17 miljoen" in whole and "€ 32 miljoen" in whole  # the no-break space is extracted as a space


def test_overview_page_numbers_are_the_chapter_start_pages(sample, texts):
    overview = texts[1]
    assert "Overzicht" in overview
    starts = named_destination_pages(sample)
    for country, anchor in {"Peru": "country-pe", "Bolivia": "country-bo", "Ecuador": "country-ec"}.items():
        # the country list comes last on the page: the last mention of the name is its entry
        printed = re.findall(rf"{country}\b\D*(?:\d{{4}})?\s+(\d{{1,2}})\b", overview)
        assert printed, f"{country} has no page number on the overview"
        page = int(printed[-1])
        assert page == starts[anchor]
        assert re.search(rf"^{country}\s*$", texts[page - 1], re.M), f"{country} chapter heading is on page {page}"


def test_page_numbers_are_printed_on_inside_pages(texts):
    for number in (3, 6, 10):
        assert re.search(rf"^{number}\s*$", texts[number - 1], re.M)


def test_colophon_names_the_responsible_publisher(texts):
    editorial = flat(texts[2]).upper()  # headings are set in capitals
    assert "COLOFON" in editorial
    assert "VERANTWOORDELIJKE UITGEVER" in editorial
    assert "KARMELIETENSTRAAT 15" in editorial


def test_contacts_page(texts):
    assert any("Waar vindt u ons?" in flat(text) and "Calle Félix Olcay 389" in flat(text) for text in texts)


def test_footnotes_sit_at_the_page_foot(sample, texts):
    """Measured in the PDF: a footnote is in the page's bottom quarter, below every line of body text, with
    the footnote area's gap (and rule) between them, and nothing but smaller text or the folio under it."""
    import pypdfium2

    note = "Belgische ambassade in Peru, pagina"
    pages = [index for index, text in enumerate(texts) if note in text]
    assert len(pages) >= 3, "the articles' footnotes are printed"
    mm = 72 / 25.4
    document = pypdfium2.PdfDocument(sample)
    try:
        for index in pages:
            page = document[index]
            height = page.get_size()[1]
            text = page.get_textpage()
            start, _ = text.search(note).get_next()
            _, bottom, _, top = text.get_charbox(start)
            where = f"page {index + 1}"
            assert bottom < height / 4, f"{where}: the footnote is {bottom / mm:.0f} mm above the page foot"
            lines = [text.get_rect(number) for number in range(text.count_rects())]
            body = [line for line in lines if line[3] - line[1] > 2.8 * mm]  # body text is set larger than notes
            above = [line for line in body if line[1] > top]
            assert above, f"{where}: body text above the footnote"
            gap = min(line[1] for line in above) - top
            assert gap > 4 * mm, f"{where}: only {gap / mm:.1f} mm between the text and its footnote"
            below = [line for line in body if line[3] < bottom and line[1] > 15 * mm]  # the folio stays lower
            assert not below, f"{where}: body text under the footnote"
    finally:
        document.close()


def test_every_font_is_embedded_and_bundled(sample):
    bundled = {TTFont(path)["name"].getDebugName(1).replace(" ", "-") for path in (REPO / "styles/fonts").glob("*.ttf")}
    used = fonts(sample)
    assert used
    for name, embedded in used.items():
        assert embedded, f"{name} is not embedded"
        assert any(name.startswith(family) for family in bundled), f"{name} is not a bundled font"


def test_no_page_is_blank(sample):
    for index in range(len(page_sizes_mm(sample))):
        assert ink_ratio(sample, index) > 0.02, f"page {index + 1} is (nearly) blank"


def test_metadata(sample):
    import pypdf

    info = pypdf.PdfReader(sample).metadata
    assert info.title == "Dimensie 3 – Ruim vijftig jaar in de Andes"
    assert info.author
