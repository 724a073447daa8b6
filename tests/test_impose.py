"""Saddle-stitch imposition of real WeasyPrint PDFs: page order, sheet size, bleed, marks, creep."""

from __future__ import annotations

import base64
import io

import pypdf
import pypdfium2
import pytest
from pypdf.generic import ContentStream

from coopbrochure.impose import impose, imposition_order
from coopbrochure.preflight import preflight

MM = 72 / 25.4
NUMBERED_PAGES_CSS = """
@page {{ size: A5; {bleed} background: device-cmyk(0 0 0.2 0) }}
body {{ color: device-cmyk(0 0 0 1); margin: 0 }}
p {{ font-size: 120pt; margin: 0; text-align: center; break-after: page }}
"""


def numbered_pages(count: int, bleed: str = "bleed: 3mm;") -> bytes:
    """An A5 PDF whose pages show their own number, large, in CMYK."""
    import weasyprint

    css = NUMBERED_PAGES_CSS.format(bleed=bleed)
    pages = "".join(f"<p>{number}</p>" for number in range(1, count + 1))
    return weasyprint.HTML(string=f"<html><head><style>{css}</style></head><body>{pages}</body></html>").write_pdf(
        pdf_variant="pdf/x-4")


@pytest.fixture(scope="module")
def ten_pages() -> bytes:
    return numbered_pages(10)


def halves(pdf: bytes) -> list[tuple[str, str]]:
    """The text on the left and on the right half of every page."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        result = []
        for page in document:
            width, height = page.get_size()
            text = page.get_textpage()
            result.append((text.get_text_bounded(0, 0, width / 2, height).strip(),
                           text.get_text_bounded(width / 2, 0, width, height).strip()))
        return result
    finally:
        document.close()


def glyph_left(pdf: bytes, page_index: int, character: str) -> float:
    """Where the first `character` on a page starts, in points from the left edge."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = document[page_index].get_textpage()
        index = next(i for i in range(text.count_chars()) if text.get_text_range(i, 1) == character)
        return text.get_charbox(index)[0]
    finally:
        document.close()


def boxes_mm(page) -> dict[str, tuple[float, ...]]:
    return {name: tuple(round(float(value) / MM, 1) for value in page[name])
            for name in ("/MediaBox", "/TrimBox", "/BleedBox")}


def test_imposition_order():
    assert imposition_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert imposition_order(10) == [(10, 1), (2, None), (None, 3), (4, 9), (8, 5), (6, 7)]
    assert imposition_order(10, keep_last=False) == [(None, 1), (2, None), (10, 3), (4, 9), (8, 5), (6, 7)]
    assert imposition_order(1) == [(None, 1), (None, None)]


def test_ten_a5_pages_make_three_sheets_in_saddle_stitch_order(ten_pages):
    booklet = impose(ten_pages)
    assert (booklet.sheets, booklet.sides, booklet.blanks_added) == (3, 6, 2)
    assert halves(booklet.pdf) == [("10", "1"), ("2", ""), ("", "3"), ("4", "9"), ("8", "5"), ("6", "7")]
    reader = pypdf.PdfReader(io.BytesIO(booklet.pdf))
    assert len(reader.pages) == 6
    trim = reader.pages[0].trimbox
    assert (round(float(trim.width) / MM), round(float(trim.height) / MM)) == (296, 210)  # two A5 pages: A4 landscape


def test_bleed_and_marks(ten_pages, tmp_path):
    booklet = impose(ten_pages)
    page = pypdf.PdfReader(io.BytesIO(booklet.pdf)).pages[0]
    boxes = boxes_mm(page)
    trim, bleed, media = boxes["/TrimBox"], boxes["/BleedBox"], boxes["/MediaBox"]
    assert [round(trim[i] - bleed[i], 1) for i in (0, 1)] == [3.0, 3.0]
    assert [round(bleed[i] - trim[i], 1) for i in (2, 3)] == [3.0, 3.0]
    assert [round(trim[i] - media[i]) for i in (0, 1)] == [11, 11]  # 3 mm bleed and an 8 mm slug
    operations = ContentStream(page["/Contents"], None).operations
    operators = [operator for _, operator in operations]
    assert b"rg" not in operators and b"RG" not in operators and b"cs" not in operators
    assert [operands for operands, operator in operations if operator == b"CS"] == [["/Registration"]]
    assert [[float(value) for value in operands] for operands, operator in operations if operator == b"SCN"] == [[1]]
    registration = page["/Resources"]["/ColorSpace"]["/Registration"]
    assert [str(item) for item in registration[:3]] == ["/Separation", "/All", "/DeviceCMYK"], "marks on every plate"
    segments = [[float(value) / MM for value in operands]
                for operands, operator in operations if operator in (b"m", b"l")]
    assert len(segments) == 2 * (8 + 2)  # a crop mark per trim edge at each outer corner, a fold mark top and bottom
    assert all(not (bleed[0] <= x <= bleed[2] and bleed[1] <= y <= bleed[3]) for x, y in segments)
    assert any(operator == b"d" and operands[0] for operands, operator in operations)  # dashed fold marks
    (tmp_path / "booklet.pdf").write_bytes(booklet.pdf)
    report = preflight(tmp_path / "booklet.pdf", "print")  # boxes, bleed, fonts and colour of every sheet side
    assert not [finding for finding in report.findings if finding.page is not None], report.lines()


def test_without_marks_or_bleed_the_sheet_is_the_two_up_trim(ten_pages):
    for pdf, marks in ((ten_pages, False), (numbered_pages(4, bleed=""), True)):
        page = pypdf.PdfReader(io.BytesIO(impose(pdf, marks=marks).pdf)).pages[0]
        boxes = boxes_mm(page)
        assert boxes["/MediaBox"] == boxes["/TrimBox"] == boxes["/BleedBox"]
        assert boxes["/MediaBox"][2:] == (296.0, 210.0)
        assert b"K" not in [operator for _, operator in ContentStream(page["/Contents"], None).operations]


def test_pages_are_clipped_at_the_spine(ten_pages):
    document = pypdfium2.PdfDocument(impose(ten_pages, marks=False).pdf)
    try:
        image = document[1].render(scale=0.5).to_pil().convert("L")  # back of sheet 1: page 2 left, blank right
    finally:
        document.close()
    width, height = image.size
    assert image.getpixel((width // 4, height // 2)) < 250  # page 2's tinted background
    assert image.getpixel((width // 2 + 3, height // 2)) == 255  # no bleed of page 2 across the fold


def test_creep_moves_inner_pages_toward_the_spine(ten_pages):
    plain, crept = impose(ten_pages).pdf, impose(ten_pages, creep_mm=2).pdf
    # Side 4 is the front of the innermost sheet (8 | 5), side 0 the front of the outermost (10 | 1).
    assert glyph_left(crept, 4, "8") - glyph_left(plain, 4, "8") == pytest.approx(2 * MM, abs=0.05)
    assert glyph_left(crept, 4, "5") - glyph_left(plain, 4, "5") == pytest.approx(-2 * MM, abs=0.05)
    assert glyph_left(crept, 2, "3") - glyph_left(plain, 2, "3") == pytest.approx(-1 * MM, abs=0.05)
    assert glyph_left(crept, 0, "1") == pytest.approx(glyph_left(plain, 0, "1"), abs=0.05)


def test_shared_resources_are_written_once():
    """An image on every page (about 100 kB) stays one image in the booklet."""
    import weasyprint
    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((300, 300), 60).convert("L").save(buffer, "PNG")
    source = f"data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}"
    pages = "".join(f"<p><img src='{source}'></p>" for _ in range(6))
    pdf = weasyprint.HTML(string=f"<style>@page {{ size: A5; bleed: 3mm }} p {{ break-after: page }}</style>{pages}")\
        .write_pdf()
    assert len(pdf) > 80_000
    assert len(impose(pdf).pdf) < len(pdf) + 20_000


def test_pages_of_different_sizes_are_refused():
    writer = pypdf.PdfWriter()
    writer.add_blank_page(420, 595)
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ValueError, match="differ in trim size"):
        impose(buffer.getvalue())
