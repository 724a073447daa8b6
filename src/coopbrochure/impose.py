"""Saddle-stitch imposition: a finished PDF's pages two-up on sheets, in folding order, with crop and fold marks."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

MM = 72 / 25.4
SLUG = 8 * MM  # room outside the bleed for crop and fold marks
MARK_GAP = 1 * MM  # marks start this far outside the bleed, so that a cut never shows them
MARK_WIDTH = 0.25  # pt
REGISTRATION = "/Registration CS 1 SCN"  # marks print on every plate: the All separation, not a 400 % build


@dataclass(frozen=True)
class Booklet:
    """An imposed booklet: its PDF and how it is made up."""

    pdf: bytes
    sheets: int  # physical sheets, each printed on two sides
    sides: int  # = sheets * 2 = pages in the booklet PDF
    blanks_added: int  # blank pages inserted to reach a multiple of four


def impose(pdf: bytes, *, creep_mm: float = 0.0, marks: bool = True, keep_last: bool = True) -> Booklet:
    """Impose a finished PDF (pages of one trim size) as a saddle-stitched booklet, two pages side by side.

    Pages are padded with blanks to a multiple of four; with `keep_last` the blanks go before the last page,
    so the back cover stays last. Each sheet side's TrimBox is the two-up trim area (A5 pages give A4
    landscape). When `marks` is on and the source has bleed (MediaBox, and BleedBox if set, beyond the
    TrimBox), the sheet keeps the pages' outer bleed, adds a slug of 8 mm with crop marks (0.25 pt,
    registration CMYK) at the four outer trim corners and dashed fold marks at the spine, and sets a
    BleedBox; each page is clipped at the spine. Otherwise a sheet is exactly the two-up trim size, unmarked.

    `creep_mm` compensates creep (inner sheets of a thick booklet stick out at the fore-edge and lose more
    when trimmed): the innermost sheet's pages move `creep_mm` toward the spine, the others proportionally
    less, down to 0 for the outermost sheet (sheet k of n, counted from the outside, moves creep_mm·k/(n−1)).

    Pages are drawn as form XObjects, so their content stays vector and shared resources (fonts, images)
    are written once. The output intent, XMP metadata and document information are kept.
    """
    reader = PdfReader(io.BytesIO(pdf))
    if not reader.pages:
        raise ValueError("the PDF has no pages to impose")
    trims = [_box(page, "/TrimBox" if "/TrimBox" in page else "/MediaBox") for page in reader.pages]
    width, height = trims[0][2] - trims[0][0], trims[0][3] - trims[0][1]
    if any(abs(trim[2] - trim[0] - width) > 0.5 or abs(trim[3] - trim[1] - height) > 0.5 for trim in trims):
        raise ValueError("the pages differ in trim size: a booklet needs pages of one size")
    bleed = min(_bleed(page, trim) for page, trim in zip(reader.pages, trims)) if marks else 0.0
    margin = bleed + SLUG if bleed > 0.01 else 0.0
    bleed = bleed if margin else 0.0
    sides = imposition_order(len(reader.pages), keep_last)
    sheets = len(sides) // 2

    writer = PdfWriter()
    _keep_document_information(reader, writer)
    forms: dict[int, IndirectObject] = {}
    for index, pair in enumerate(sides):
        sheet = index // 2
        shift = creep_mm * MM * sheet / (sheets - 1) if sheets > 1 else 0.0
        side = writer.add_blank_page(2 * width + 2 * margin, height + 2 * margin)
        operations, xobjects = [], DictionaryObject()
        for position, number in zip(("left", "right"), pair):
            if number is None:
                continue
            if number not in forms:
                forms[number] = _page_form(writer, reader.pages[number - 1])
            name = f"/Page{number}"
            xobjects[NameObject(name)] = forms[number]
            operations.append(_placement(name, position, trims[number - 1], width, height, margin, bleed, shift))
        if margin:
            operations.append(_marks(width, height, margin, bleed))
        side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects, NameObject(
            "/ColorSpace"): DictionaryObject({NameObject("/Registration"): _registration(writer)})})
        side[NameObject("/Contents")] = writer._add_object(_stream("\n".join(operations).encode()))
        trim_box = (margin, margin, margin + 2 * width, margin + height)
        side[NameObject("/TrimBox")] = _rectangle(trim_box)
        side[NameObject("/BleedBox")] = _rectangle(_grow(trim_box, bleed))
    writer.compress_identical_objects()  # pypdf clones a stream once per array that refers to it (ICC profiles)
    output = io.BytesIO()
    writer.write(output)
    return Booklet(output.getvalue(), sheets, len(sides), len(sides) * 2 - len(reader.pages))


def imposition_order(pages: int, keep_last: bool = True) -> list[tuple[int | None, int | None]]:
    """(left, right) page numbers (1-based, None for a blank) of every sheet side: front, back, front, …

    For n pages (a multiple of four after padding), sheet i's front shows n − 2i and 2i + 1, its back
    2i + 2 and n − 2i − 1.
    """
    total = -(-pages // 4) * 4
    blanks = [None] * (total - pages)
    numbers = list(range(1, pages + 1))
    sequence = numbers[:-1] + blanks + numbers[-1:] if keep_last and pages > 1 else numbers + blanks
    sides: list[tuple[int | None, int | None]] = []
    for i in range(total // 4):
        sides.append((sequence[total - 2 * i - 1], sequence[2 * i]))
        sides.append((sequence[2 * i + 1], sequence[total - 2 * i - 2]))
    return sides


def _placement(name: str, position: str, trim, width: float, height: float, margin: float, bleed: float,
               shift: float) -> str:
    """Draw one page on its half of the sheet: trim corner in place, clipped at the spine and the bleed."""
    spine = margin + width
    if position == "left":
        left, clip = margin + shift, (margin - bleed, margin - bleed, spine, margin + height + bleed)
    else:
        left, clip = spine - shift, (spine, margin - bleed, spine + width + bleed, margin + height + bleed)
    x, y = left - trim[0], margin - trim[1]
    return (f"q {_n(clip[0])} {_n(clip[1])} {_n(clip[2] - clip[0])} {_n(clip[3] - clip[1])} re W n "
            f"1 0 0 1 {_n(x)} {_n(y)} cm {name} Do Q")


def _registration(writer: PdfWriter):
    """The registration colour space, [/Separation /All /DeviceCMYK tint transform], once per file."""
    from pypdf.generic import ArrayObject, FloatObject, NumberObject

    if getattr(writer, "_registration", None) is None:
        function = DictionaryObject({NameObject("/FunctionType"): NumberObject(2), NameObject("/N"): NumberObject(1),
                                     NameObject("/Domain"): ArrayObject([NumberObject(0), NumberObject(1)]),
                                     NameObject("/C0"): ArrayObject([FloatObject(0)] * 4),
                                     NameObject("/C1"): ArrayObject([FloatObject(1)] * 4)})
        writer._registration = writer._add_object(ArrayObject([
            NameObject("/Separation"), NameObject("/All"), NameObject("/DeviceCMYK"), function]))
    return writer._registration


def _marks(width: float, height: float, margin: float, bleed: float) -> str:
    """Crop marks at the four outer trim corners and dashed fold marks at the spine, in the slug."""
    near, far = bleed + MARK_GAP, margin - MARK_GAP
    lines = []
    for x, dx in ((margin, -1), (margin + 2 * width, 1)):
        for y, dy in ((margin, -1), (margin + height, 1)):
            lines.append((x + dx * near, y, x + dx * far, y))
            lines.append((x, y + dy * near, x, y + dy * far))
    spine = margin + width
    folds = [(spine, margin - near, spine, margin - far), (spine, margin + height + near, spine, margin + height + far)]

    def path(segments):
        return " ".join(f"{_n(x1)} {_n(y1)} m {_n(x2)} {_n(y2)} l" for x1, y1, x2, y2 in segments)

    return f"q {MARK_WIDTH} w {REGISTRATION} 0 J [] 0 d {path(lines)} S [3 2] 0 d {path(folds)} S Q"


def _page_form(writer: PdfWriter, page) -> IndirectObject:
    """The page as a form XObject in `writer`: its content as it is, its resources cloned (shared ones once)."""
    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else None
    if isinstance(contents, StreamObject):
        form = contents.clone(writer, force_duplicate=True)
    else:
        parts = [part.get_object().get_data() for part in contents or []]
        form = _stream(b"\n".join(parts))
    resources = page.get("/Resources")
    form.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): _rectangle(_box(page, "/MediaBox")),
        NameObject("/Resources"): resources.clone(writer) if resources is not None else DictionaryObject()})
    if "/Group" in page:
        form[NameObject("/Group")] = page["/Group"].clone(writer)
    reference = getattr(form, "indirect_reference", None)
    return reference if reference is not None and reference.pdf is writer else writer._add_object(form)


def _keep_document_information(reader: PdfReader, writer: PdfWriter) -> None:
    """Copy what a print shop checks: PDF version, output intent, XMP metadata, document information."""
    writer.pdf_header = reader.pdf_header
    catalog = reader.trailer["/Root"]
    for key in ("/OutputIntents", "/Metadata", "/Lang"):
        if key in catalog:
            writer._root_object[NameObject(key)] = catalog.raw_get(key).clone(writer)
    if "/Info" in reader.trailer:  # as it is: add_metadata() would turn /Trapped /False into a string
        writer._info = reader.trailer["/Info"].clone(writer)


def _bleed(page, trim) -> float:
    """How far the page reaches beyond its trim on its narrowest side: MediaBox, or BleedBox if smaller."""
    outer = _box(page, "/MediaBox")
    if "/BleedBox" in page:
        bleed_box = _box(page, "/BleedBox")
        outer = (max(outer[0], bleed_box[0]), max(outer[1], bleed_box[1]),
                 min(outer[2], bleed_box[2]), min(outer[3], bleed_box[3]))
    return max(0.0, min(trim[0] - outer[0], trim[1] - outer[1], outer[2] - trim[2], outer[3] - trim[3]))


def _box(page, name: str) -> tuple[float, float, float, float]:
    left, bottom, right, top = (float(value) for value in page[name])
    return min(left, right), min(bottom, top), max(left, right), max(bottom, top)


def _grow(box, by: float):
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def _rectangle(box) -> ArrayObject:
    return ArrayObject(FloatObject(round(value, 4)) for value in box)


def _stream(data: bytes) -> StreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream.flate_encode()


def _n(value: float) -> str:
    """A number for a content stream: short, never in exponent notation."""
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"
