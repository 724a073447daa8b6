"""Finishing a laid-out PDF: crop marks and CMYK gradients for print, a cover thumbnail for the newsletter."""

from __future__ import annotations

import io
from pathlib import Path

from .prepress import cmyk_components

POINTS_PER_MM = 72 / 25.4
MARK_GAP_MM = 1.0  # crop marks stop short of the trim, so a slightly off cut never shows them


def print_finisher(icc: Path):
    """A WeasyPrint finisher that adds crop marks to every page and expresses gradients in CMYK.

    It works on the PDF objects before they are written, so finishing costs no second parse. The marks
    are drawn last, over artwork running into the bleed, in registration colour (all four inks), so
    that the print shop sees them on every separation; they lie outside the trim and are cut off.
    """
    def finish(document, pdf) -> None:
        for page in [item for item in pdf.objects if isinstance(item, dict) and item.get("Type") == "/Page"]:
            _add_crop_marks(pdf, page)
        for item in pdf.objects:
            if isinstance(item, dict) and "ShadingType" in item and _is_cmyk(item.get("ColorSpace")):
                _cmyk_function(item.get("Function"), icc)

    return finish


def _add_crop_marks(pdf, page) -> None:
    import pydyf

    media = [float(value) for value in page["MediaBox"]]
    trim = [float(value) for value in page.get("TrimBox", media)]
    left, bottom, right, top = min(trim[0], trim[2]), min(trim[1], trim[3]), max(trim[0], trim[2]), max(trim[1], trim[3])
    outer = {"left": min(media[0], media[2]), "bottom": min(media[1], media[3]),
             "right": max(media[0], media[2]), "top": max(media[1], media[3])}
    gap = MARK_GAP_MM * POINTS_PER_MM
    lines = []
    for x, edge_x, step_x in ((left, outer["left"], -gap), (right, outer["right"], gap)):
        for y, edge_y, step_y in ((bottom, outer["bottom"], -gap), (top, outer["top"], gap)):
            if abs(edge_y - y) > gap:  # vertical mark, in line with the trim's side
                lines.append(f"{x:.3f} {y + step_y:.3f} m {x:.3f} {edge_y:.3f} l")
            if abs(edge_x - x) > gap:  # horizontal mark
                lines.append(f"{x + step_x:.3f} {y:.3f} m {edge_x:.3f} {y:.3f} l")
    if not lines:
        return  # no bleed: no room for marks
    opening, marks = pydyf.Stream([b"q"]), pydyf.Stream([
        b"Q q 1 1 1 1 K 0.25 w 0 J [] 0 d", *(line.encode("ascii") for line in lines), b"S Q"])
    pdf.add_object(opening)
    pdf.add_object(marks)
    page["Contents"] = pydyf.Array([opening.reference, page["Contents"], marks.reference])


def _is_cmyk(colour_space) -> bool:
    """In a print PDF the only four-component space is the output intent's: DeviceCMYK or its ICC profile."""
    return colour_space == "/DeviceCMYK" or (isinstance(colour_space, list) and colour_space[:1] == ["/ICCBased"])


def _cmyk_function(function, icc: Path) -> None:
    """WeasyPrint 70 writes SVG gradient stops in sRGB even in a CMYK colour space; give them their inks."""
    import pydyf

    if not isinstance(function, dict):
        return
    for part in function.get("Functions", []):
        _cmyk_function(part, icc)
    for key in ("C0", "C1"):
        values = function.get(key)
        if values is not None and len(values) == 3:
            rgb = tuple(round(float(value) * 255) for value in values)
            function[key] = pydyf.Array(cmyk_components(rgb, icc))


def cover_thumbnail(pdf: bytes, width: int) -> bytes:
    """The first page as a JPEG `width` pixels wide, for the body of a newsletter."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        image = page.render(scale=width / page.get_width()).to_pil().convert("RGB")
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()
