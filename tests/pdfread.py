"""What a reader sees in a PDF: page sizes, page text, fonts, pixels."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pypdfium2

PT_PER_MM = 72 / 25.4


def page_texts(path: Path) -> list[str]:
    document = pypdfium2.PdfDocument(path)
    try:
        return [document[index].get_textpage().get_text_range() for index in range(len(document))]
    finally:
        document.close()


def text_boxes_mm(path: Path, index: int, text: str) -> list[tuple[float, float]]:
    """Where `text` is printed on a page: the left and top of each occurrence's first character, in mm from the
    page's top left."""
    document = pypdfium2.PdfDocument(path)
    try:
        page = document[index]
        height, textpage = page.get_height(), page.get_textpage()
        searcher, found = textpage.search(text), []
        while (hit := searcher.get_next()) is not None:
            left, _, _, top = textpage.get_charbox(hit[0])
            found.append((left / PT_PER_MM, (height - top) / PT_PER_MM))
        return found
    finally:
        document.close()


def line_right_mm(path: Path, index: int, text: str) -> float:
    """Where the line that prints `text` ends: the right edge of the last character printed after it on its line
    (the characters that follow in the page's text at the same height), in mm from the page's left."""
    document = pypdfium2.PdfDocument(path)
    try:
        textpage = document[index].get_textpage()
        hit = textpage.search(text).get_next()
        assert hit is not None, f"{text!r} is not on page {index + 1}"
        _, bottom, right, top = textpage.get_charbox(hit[0])
        for char in range(hit[0], textpage.count_chars()):
            left, low, edge, high = textpage.get_charbox(char)
            if high - low > 0 and not bottom < (low + high) / 2 < top:
                break
            right = max(right, edge)
        return right / PT_PER_MM
    finally:
        document.close()


def page_sizes_mm(path: Path) -> list[tuple[float, float]]:
    """The size of each page as the reader holds it: the trim box (the media box when there is no bleed)."""
    reader = pypdf.PdfReader(path)
    return [(round(float(page.trimbox.width) / PT_PER_MM), round(float(page.trimbox.height) / PT_PER_MM))
            for page in reader.pages]


def fonts(path: Path) -> dict[str, bool]:
    """Every font used on any page: base name without subset prefix -> whether its file is embedded."""
    found: dict[str, bool] = {}
    reader = pypdf.PdfReader(path)
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        for font in (resources.get_object().get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
            found[name] = found.get(name, True) and embedded
    return found


def ink_ratio(path: Path, index: int) -> float:
    """Share of the page's pixels that are not white, at low resolution."""
    document = pypdfium2.PdfDocument(path)
    try:
        image = document[index].render(scale=0.25).to_pil().convert("L")
    finally:
        document.close()
    histogram = image.histogram()
    return 1 - sum(histogram[245:]) / (image.width * image.height)


def named_destination_pages(path: Path) -> dict[str, int]:
    """Anchors (HTML ids) -> 1-based page number, from the PDF's named destinations."""
    reader = pypdf.PdfReader(path)
    return {name: reader.get_destination_page_number(destination) + 1
            for name, destination in reader.named_destinations.items()}
