"""The second sample, as unlike the Andes one as we could make it: it validates, builds, and the check locates all it finds."""

from __future__ import annotations

import re

import pypdfium2
import pytest
import yaml

from coopbrochure import build
from coopbrochure.check import check_project
from coopbrochure.pipeline import check_layout

from conftest import REPO, copy_project
from pdfread import line_right_mm, page_texts, text_boxes_mm

SAMPLE = REPO / "samples" / "great-lakes"


@pytest.fixture(scope="module")
def great_lakes(tmp_path_factory):
    return copy_project(SAMPLE, tmp_path_factory.mktemp("great-lakes"))


def test_the_second_sample_is_valid_with_strict(great_lakes):
    checked = check_project(great_lakes, strict=True)
    assert [country.iso for country in checked.dataset.countries] == ["CD", "RW", "BI", "UG"]
    assert len(checked.dataset.articles) == 3 and checked.project.settings.languages == ["nl", "fr"]


@pytest.mark.parametrize("edition", ["factsheet-rw-fr-a4-web", "factsheet-bi-fr-a4-web",
                                     # twelve programmes and a twenty-row timeline: only the densest layouts fit
                                     "factsheet-cd-nl-a4-web", "factsheet-cd-fr-a4-web"])
def test_its_fact_sheets_are_two_pages_with_no_finding(great_lakes, edition):
    result = build(great_lakes, editions=(edition,), strict=True, jobs=1)
    [built] = result.editions
    assert built.pages == 2 and built.layout == []


def test_every_finding_on_its_dossier_is_located(great_lakes):
    [result] = check_layout(great_lakes, editions=("fr-a4-web",), jobs=1)
    files = {path.relative_to(great_lakes).as_posix() for path in (great_lakes / "data").rglob("*")
             if path.suffix in (".md", ".yaml")}
    for finding in result.layout:
        assert finding.source in files, finding
        assert 1 <= finding.page <= result.pages and finding.element.strip(), finding
        assert re.search(r"[:;] \w", finding.message), finding  # what is wrong, then what to do


def test_its_dutch_a4_dossier_has_no_finding_and_a_ruled_notes_page(great_lakes):
    """Stranded words in captions and cells nudged, country chapters and articles fitted to their pages: all
    measured, none tuned to this text. A chart's small data table stays whole. The page left empty before the back
    cover is ruled inside its text area."""
    [built] = build(great_lakes, editions=("nl-a4-web",), strict=True, jobs=1).editions
    assert built.layout == []
    texts = page_texts(built.path)
    captions = [page for page, text in enumerate(texts, start=1)
                for _ in re.finditer(r"Belgische\s+portefeuille\s+in\s[^,]+\sin\s+\d{4},\s+per\s+kanaal", text)]
    assert len(captions) == 2  # Congo's and Burundi's: a chart's data table is never split from its caption,
    for page in captions:  # whose rows read "Gouvernementeel € 24 miljoen (57%)"
        assert re.search(r"€ [\d,]+ miljoen \(\d+%\)", texts[page - 1]), f"page {page}: the rows are elsewhere"
    # the note in italics under the sleeping-sickness table stays under its last row, in the same column
    [table_page] = [index for index, text in enumerate(texts) if "Gemelde gevallen van slaapziekte" in text]
    [(note_x, note_y)] = text_boxes_mm(built.path, table_page, "Gemelde gevallen van slaapziekte")
    last_rows = text_boxes_mm(built.path, table_page, "2020")  # the year of its last row, right-aligned in a cell
    assert any(abs(x - note_x) < 10 and 0 < note_y - y < 12 for x, y in last_rows), (last_rows, (note_x, note_y))
    [notes] = [index for index, text in enumerate(texts) if text.split()[:1] == ["Notities"]]  # and its folio
    document = pypdfium2.PdfDocument(built.path)
    try:
        page = document[notes].render(scale=4 * 25.4 / 72).to_pil().convert("RGB")  # four pixels a millimetre
    finally:
        document.close()
    rows = {y: [x for x in range(page.width) if _near(page.getpixel((x, y)), (0xB8, 0xC5, 0xC9))]
            for y in range(page.height)}
    ruled = [(x, y) for y, xs in rows.items() if len(xs) > 4 * 100 for x in xs]  # rules: 100 mm and longer
    assert len(ruled) > 4 * 100 * 20, "the notes page has its ruled lines"
    xs, ys = [x / 4 for x, _ in ruled], [y / 4 for _, y in ruled]
    # the text area: margins 22 mm top, 20 mm bottom, 20 mm inside and 16 mm outside (styles/main.css)
    left, right = (20, 16) if notes % 2 == 0 else (16, 20)  # page `notes + 1`: odd numbers are right pages
    assert min(xs) >= left - 1 and max(xs) <= 210 - right + 1 and min(ys) >= 22 and max(ys) <= 297 - 19


def _near(rgb: tuple[int, int, int], target: tuple[int, int, int]) -> bool:
    return all(abs(value - wanted) <= 12 for value, wanted in zip(rgb, target))


def test_its_dutch_a5_dossier_has_no_finding_and_its_editorial_runs_beside_the_colophon(great_lakes):
    """In A5 the editorial wraps around the colophon: its first line, which holds the initial, too, and starts after
    it; a long table goes on overleaf with more than its last row."""
    [built] = build(great_lakes, editions=("nl-a5-web",), strict=True, jobs=1).editions
    assert built.layout == []
    [(colophon, _)] = text_boxes_mm(built.path, 2, "Colofon")
    assert line_right_mm(built.path, 2, "op een heldere ochtend") < colophon - 2
    assert line_right_mm(built.path, 2, "het Kivumeer") < colophon - 2
    [(column_left, _)] = text_boxes_mm(built.path, 2, "Meren die verbinden")
    [(after_initial, _)] = text_boxes_mm(built.path, 2, "ie op een heldere")
    assert after_initial > column_left + 3  # the first line follows its initial, not over it
    # Congo's twelve programmes go on overleaf, under the repeated header: never one row alone on either page
    pages = page_texts(built.path)
    rows = [len(re.findall(r"(lopend|afgerond|gepland)\s*$", text.split("PROGRAMMA PARTNER", 1)[1].split(
        "Niet-gouvernementele")[0], re.M)) if "PROGRAMMA PARTNER" in text else 0 for text in pages]
    continued = [index for index, text in enumerate(pages) if rows[index] and "Programma’s" not in text]
    assert continued and all(rows[index - 1] >= 2 and rows[index] >= 2 for index in continued), rows
    # the note under the coffee table, which ends with a footnote, stays with the table's last row
    [note] = [index for index, text in enumerate(pages) if "Uitvoer van groene koffie" in text]
    assert re.search(r"2023\s+350\s+21\s+14\s+12", pages[note]), pages[note]
    # a chapter's key figures stay together, unless only its densest variants fit it (they may go on overleaf)
    texts = [" ".join(text.split()) for text in page_texts(built.path)]
    together = 0
    for path in sorted((great_lakes / "data" / "countries").glob("*.yaml")):
        country = yaml.safe_load(path.read_text(encoding="utf-8"))
        if built.variants.get(f"country-{country['iso'].lower()}", 0) in (2, 3):
            continue
        labels = [" ".join(figure["label"]["nl"].split()[:6]) for figure in country["key_figures"]]
        pages = {label: {page for page, text in enumerate(texts, start=1) if label in text} for label in labels}
        assert set.intersection(*pages.values()), (path.name, pages)  # a page holds them all
        together += 1
    assert together >= 2, built.variants
