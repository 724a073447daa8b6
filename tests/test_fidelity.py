"""Colour fidelity: every print page, rendered as a RIP would (Ghostscript, output intent, trim box), looks like
its web twin in CIELAB; poppler and pdfium draw the print cover without missing areas."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy
import pypdf
import pypdfium2
import pytest
from PIL import Image, ImageCms

DPI = 36  # enough for colour; keeps the 150 print pages within a minute
CELL_MM = 4  # pages are compared in cells of this size: the colour of an area, not the shape of glyphs
MEAN_DELTA_E = 3.0
P95_DELTA_E = 10.0



def _need(tool: str, package: str) -> None:
    """Skip without `tool`, except in CI, where `./dev test` must have installed it."""
    if shutil.which(tool) is None:
        message = f"{tool} is missing: `./dev test` installs Debian's {package}"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)


def ghostscript_pages(pdf: Path, folder: Path, *, dpi: int = DPI) -> list[Image.Image]:
    """Every page (its media box) as Ghostscript renders it for proofing: through the output intent's profile."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=png16m", f"-r{dpi}",
                    "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", "-dUsePDFX3Profile",
                    f"-sOutputFile={folder}/page-%03d.png", str(pdf)], check=True, timeout=300)
    pages = []
    for path in sorted(folder.glob("page-*.png")):
        with Image.open(path) as image:
            pages.append(image.convert("RGB"))
    return pages


def cut(image: Image.Image, page, box: str, dpi: int = DPI) -> Image.Image:
    """The part of a media-box render inside one of the page's boxes (as gs -dUseTrimBox would render it)."""
    media = [float(value) for value in page.mediabox]
    left, bottom, right, top = (float(value) for value in page[box])
    scale = dpi / 72
    return image.crop((round((left - media[0]) * scale), round((media[3] - top) * scale),
                       round((right - media[0]) * scale), round((media[3] - bottom) * scale)))


def pdfium_pages(pdf: Path, dpi: int = DPI, first_only: bool = False) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        count = 1 if first_only else len(document)
        return [document[index].render(scale=dpi / 72, may_draw_forms=False).to_pil().convert("RGB")
                for index in range(count)]
    finally:
        document.close()


def lab(image: Image.Image) -> numpy.ndarray:
    """CIELAB (D50) of an sRGB image, as float L*, a*, b*."""
    transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), "RGB", "LAB")
    raw = numpy.asarray(ImageCms.applyTransform(image, transform))  # a* and b* are signed bytes in the buffer
    return numpy.stack([raw[..., 0].astype(numpy.float64) * 100 / 255, raw[..., 1].view(numpy.int8).astype(numpy.float64),
                        raw[..., 2].view(numpy.int8).astype(numpy.float64)], axis=-1)


def delta_e_2000(first: numpy.ndarray, second: numpy.ndarray) -> numpy.ndarray:
    """CIEDE2000 colour difference of two arrays of CIELAB colours (Sharma, Wu and Dalal 2005)."""
    l1, a1, b1 = numpy.moveaxis(first, -1, 0)
    l2, a2, b2 = numpy.moveaxis(second, -1, 0)
    c_mean = (numpy.hypot(a1, b1) + numpy.hypot(a2, b2)) / 2
    g = 0.5 * (1 - numpy.sqrt(c_mean ** 7 / (c_mean ** 7 + 25.0 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = numpy.hypot(a1p, b1), numpy.hypot(a2p, b2)
    h1p, h2p = numpy.degrees(numpy.arctan2(b1, a1p)) % 360, numpy.degrees(numpy.arctan2(b2, a2p)) % 360
    dl, dc = l2 - l1, c2p - c1p
    dh = h2p - h1p
    dh = numpy.where(dh > 180, dh - 360, numpy.where(dh < -180, dh + 360, dh))
    dh = numpy.where(c1p * c2p == 0, 0, dh)
    dh_big = 2 * numpy.sqrt(c1p * c2p) * numpy.sin(numpy.radians(dh / 2))
    l_mean, cp_mean = (l1 + l2) / 2, (c1p + c2p) / 2
    h_sum = h1p + h2p
    h_mean = numpy.where(numpy.abs(h1p - h2p) > 180, numpy.where(h_sum < 360, h_sum + 360, h_sum - 360), h_sum) / 2
    h_mean = numpy.where(c1p * c2p == 0, h_sum, h_mean)
    t = (1 - 0.17 * numpy.cos(numpy.radians(h_mean - 30)) + 0.24 * numpy.cos(numpy.radians(2 * h_mean))
         + 0.32 * numpy.cos(numpy.radians(3 * h_mean + 6)) - 0.20 * numpy.cos(numpy.radians(4 * h_mean - 63)))
    sl = 1 + 0.015 * (l_mean - 50) ** 2 / numpy.sqrt(20 + (l_mean - 50) ** 2)
    sc, sh = 1 + 0.045 * cp_mean, 1 + 0.015 * cp_mean * t
    rt = (-2 * numpy.sqrt(cp_mean ** 7 / (cp_mean ** 7 + 25.0 ** 7))
          * numpy.sin(numpy.radians(60 * numpy.exp(-(((h_mean - 275) / 25) ** 2)))))
    return numpy.sqrt((dl / sl) ** 2 + (dc / sc) ** 2 + (dh_big / sh) ** 2 + rt * (dc / sc) * (dh_big / sh))


def page_differences(printed: Image.Image, web: Image.Image) -> numpy.ndarray:
    """ΔE2000 of two renders of one page, compared in cells of CELL_MM (glyph rendering differs per renderer)."""
    cells = (max(1, round(web.width / DPI * 25.4 / CELL_MM)), max(1, round(web.height / DPI * 25.4 / CELL_MM)))
    first = printed.resize(web.size, Image.Resampling.BOX).resize(cells, Image.Resampling.BOX)
    return delta_e_2000(lab(first), lab(web.resize(cells, Image.Resampling.BOX)))


def fidelity(print_pdf: Path, web_pdf: Path, folder: Path) -> list[str]:
    """Pages whose print render is further from the web render than the bounds allow, as readable lines.

    Each print page is compared with the web page that holds the same text. The web edition adds data
    tables under the charts, so fitting may lay a section out in another variant and the two editions
    may even differ in page count; a print page with no twin of the same text is not comparable and
    skipped: a third of the pages at most, never a cover.

    Artwork that runs into the bleed is laid out over the bleed box in print and over the page on the
    web, so each page is compared cut at its trim box and, rescaled, at its bleed box, and each cell
    counts at its closer alignment (a cover has text placed on the trim and artwork on the bleed):
    geometry is not colour.
    """
    web, rendered = pdfium_pages(web_pdf), ghostscript_pages(print_pdf, folder)
    boxes = pypdf.PdfReader(print_pdf).pages
    twins, skipped, failures = twin_pages(print_pdf, web_pdf), [], []
    for number, (image, page) in enumerate(zip(rendered, boxes), start=1):
        twin = twins[number - 1]
        if twin is None:
            skipped.append(number)  # laid out differently: not comparable
            continue
        trimmed, bled = cut(image, page, "/TrimBox"), cut(image, page, "/BleedBox")
        assert abs(trimmed.width - web[twin].width) <= 1 and abs(trimmed.height - web[twin].height) <= 1, "same size"
        difference = numpy.minimum(page_differences(trimmed, web[twin]), page_differences(bled, web[twin]))
        mean, p95 = float(difference.mean()), float(numpy.percentile(difference, 95))
        if mean > MEAN_DELTA_E or p95 > P95_DELTA_E:
            failures.append(f"{print_pdf.name} page {number}: mean ΔE2000 {mean:.1f}, 95th percentile {p95:.1f}")
    if len(skipped) > len(rendered) // 3 or 1 in skipped or len(rendered) in skipped:
        failures.append(f"{print_pdf.name}: pages {skipped} are laid out unlike the web edition's: too many to "
                        "compare, or a cover")
    return failures


def twin_pages(first: Path, second: Path) -> list[int | None]:
    """For each page of the first PDF, the index of the second's page with the same text (the same layout, to
    compare colours on), looked for near the same place; None where there is none."""
    from difflib import SequenceMatcher

    texts = []
    for path in (first, second):
        document = pypdfium2.PdfDocument(path)
        try:
            texts.append(["".join(document[index].get_textpage().get_text_range().split())
                          for index in range(len(document))])
        finally:
            document.close()
    ours, theirs = texts
    twins: list[int | None] = []
    for index, one in enumerate(ours):
        near = range(max(0, index - 3), min(len(theirs), index + 4))
        same = [other for other in near if abs(len(one) - len(theirs[other])) < 40
                and SequenceMatcher(None, one, theirs[other], autojunk=False).quick_ratio() > 0.97]
        twins.append(min(same, key=lambda other: abs(other - index)) if same else None)
    return twins


def missing_areas(reference: Image.Image, other: Image.Image) -> float:
    """The share of the page (in cells of CELL_MM) that `other` leaves white where the reference has colour."""
    width, height = min(reference.width, other.width), min(reference.height, other.height)
    cells = (max(1, round(width / DPI * 25.4 / CELL_MM)), max(1, round(height / DPI * 25.4 / CELL_MM)))
    first, second = (lab(image.crop((0, 0, width, height)).resize(cells, Image.Resampling.BOX))
                     for image in (reference, other))
    return float(((second[..., 0] > 95) & (first[..., 0] < 85)).mean())


def print_pairs(output: Path) -> list[tuple[Path, Path]]:
    return [(path, path.with_name(path.name.replace("-print.pdf", "-web.pdf")))
            for path in sorted(output.glob("*-print.pdf"))]


def test_every_print_page_looks_like_its_web_twin(sample_project, tmp_path):
    _need("gs", "ghostscript")
    pairs = print_pairs(sample_project / "output")
    assert len(pairs) == 15  # six dossiers and nine fact sheets
    failures = [line for index, (printed, web) in enumerate(pairs)
                for line in fidelity(printed, web, tmp_path / str(index))]
    assert not failures, "\n".join(failures)


def test_poppler_and_pdfium_draw_every_print_page_whole(sample_project, tmp_path):
    _need("gs", "ghostscript")
    _need("pdftoppm", "poppler-utils")
    output = sample_project / "output"
    for name in ("andes-2013-nl-a4-print.pdf", "andes-2013-fr-a5-print.pdf", "andes-2013-factsheet-pe-en-a4-print.pdf"):
        folder = tmp_path / name
        reference = ghostscript_pages(output / name, folder)
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(output / name), str(folder / "poppler")], check=True,
                       timeout=120)
        poppler = []
        for path in sorted(folder.glob("poppler*.png")):
            with Image.open(path) as image:
                poppler.append(image.convert("RGB"))
        pdfium = pdfium_pages(output / name)
        assert len(reference) == len(poppler) == len(pdfium)
        for number, pages in enumerate(zip(reference, poppler, pdfium), start=1):
            for renderer, page in zip(("poppler", "pdfium"), pages[1:]):
                assert missing_areas(pages[0], page) < 0.005, f"{name} page {number}: {renderer} leaves areas out"
