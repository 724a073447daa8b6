"""Preflight: check a finished PDF for print (PDF/X, CMYK, ink, bleed, fonts, image resolution) or for the web (tags)."""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from .pdfops import operations
from .prepress import icc_colour_space

PROFILES = ("print", "web")
MM = 72 / 25.4
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
MAX_DEPTH = 12  # forms and patterns nested deeper are not followed (a guard against cycles)
INK_LIMIT = 300  # percent: total ink of FOGRA39 coated (the project's print.ink_limit when it builds)
INK_TOLERANCE = 2  # percent above the limit that rounding and JPEG ringing may add
SMALL_TEXT_PT = 9  # type smaller than this, in a four-colour dark, blurs when plates are out of register
MINOR_INK = 0.05  # an ink under 5 % is not a plate worth reporting
COLOUR_OPERATORS = {b"k", b"K", b"g", b"G", b"sc", b"scn", b"SC", b"SCN", b"cs", b"CS"}
DARK_BLACK = 0.4  # small text with this much black and all three colour inks is a rich black or a four-ink grey
DEVICE_MODELS = {"/DeviceRGB": "rgb", "/RGB": "rgb", "/CalRGB": "rgb", "/DeviceCMYK": "cmyk", "/CMYK": "cmyk",
                 "/DeviceGray": "gray", "/G": "gray", "/CalGray": "gray", "/Pattern": None}


@dataclass(frozen=True)
class Finding:
    """One problem: on a page (1-based) or, with `page` None, in the document as a whole."""

    page: int | None
    severity: str  # "error" or "warning"
    message: str  # plain language: what is wrong, then what to do


@dataclass(frozen=True)
class Report:
    """What preflight found in one PDF, checked against one profile ("print" or "web")."""

    path: Path
    profile: str
    pages: int
    size_bytes: int
    findings: list[Finding]
    standard: str | None = None  # the PDF/X version (print) or PDF/UA part (web) the file claims

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "warning"]

    def ok(self, strict: bool = False) -> bool:
        """No errors; with `strict`, no warnings either."""
        return not self.errors and not (strict and self.warnings)

    def summary(self) -> str:
        parts = [self.profile, _plural(self.pages, "page"), _size(self.size_bytes), self.standard,
                 _plural(len(self.errors), "error"), _plural(len(self.warnings), "warning")]
        return f"{self.path.name}: " + ", ".join(part for part in parts if part)

    def lines(self) -> list[str]:
        return [f"{self.path.name}: " + (f"page {finding.page}: " if finding.page else "")
                + f"{finding.severity}: {finding.message}" for finding in self.findings]


def preflight(source: Path | bytes, profile: str, *, name: str | None = None, booklet: bool = False,
              max_bytes: int | None = None, min_ppi: float = 300, low_ppi: float = 150,
              ink_limit: float = INK_LIMIT) -> Report:
    """Check a PDF (a file, or its bytes called `name`); an unreadable one gives a report with one error, never
    an exception.

    Forms, nested forms and tiling patterns are followed with the transformation in force, so an image's
    resolution is measured at its placed size. The same words on several pages are reported once, on the
    first of those pages. `booklet` means the file (in reading order, before imposition) will be
    saddle-stitched, so its page count must be a multiple of four. Print colours are checked against
    `ink_limit` (total ink, percent), small text for more than one ink, PDF/X-1a files for transparency.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown preflight profile {profile!r}: use one of {', '.join(PROFILES)}")
    in_memory = isinstance(source, bytes)
    path, size = Path(name or "document.pdf") if in_memory else Path(source), 0
    try:
        data = source if in_memory else path.read_bytes()
        size = len(data)
        if b"%PDF-" not in data[:1024]:
            raise ValueError("it does not start like a PDF")
        reader = PdfReader(io.BytesIO(data))
        findings, standard = _check_document(reader, profile, min_ppi, low_ppi, ink_limit)
    except Exception as error:  # a missing, damaged or foreign file is a finding, not a crash
        reason = (error.strerror if isinstance(error, OSError) else None) or str(error) or type(error).__name__
        message = f"cannot be read as a PDF ({reason}): check the path, or build or export the file again"
        return Report(path, profile, 0, size, [Finding(None, "error", message)])
    pages = len(reader.pages)
    if booklet and pages % 4:
        findings.append(Finding(None, "error", f"{_plural(pages, 'page')} is not a multiple of four, which a "
                                "saddle-stitched booklet needs: add "
                                f"{_plural(-pages % 4, 'page')} or impose with blanks added"))
    if max_bytes is not None and size > max_bytes:
        actual, target = _size(size), _size(max_bytes)
        if actual == target:
            actual, target = f"{size:,} bytes", f"{max_bytes:,} bytes"
        findings.append(Finding(None, "error", f"the file is {actual}, over the {target} target: lower the image "
                                "resolution or JPEG quality, or use fewer fonts"))
    return Report(path, profile, pages, size, findings, standard)


def _check_document(reader: PdfReader, profile: str, min_ppi: float, low_ppi: float, ink_limit: float = INK_LIMIT):
    catalog, info = reader.trailer["/Root"], reader.metadata or {}
    metadata = _get(catalog, "/Metadata")
    xmp = metadata.get_data().decode("utf-8", "replace") if hasattr(metadata, "get_data") else ""
    findings: list[Finding] = []
    parsed: dict = {}
    seen_resources: set = set()
    for number, page in enumerate(reader.pages, start=1):
        if profile == "web":  # no colour or resolution checks: the fonts the page's resources hold suffice
            findings += [_unembedded(number, name)
                         for name in sorted(_resource_fonts(_get(page, "/Resources"), seen_resources))]
            continue
        scan = _PageScan(reader, parsed)
        try:
            scan.content(operations(_stream_data(page.get("/Contents"))), _get(page, "/Resources"), IDENTITY,
                         IDENTITY, 0)
        except Exception as error:
            findings.append(Finding(number, "warning", f"content could not be read ({error}): page partly checked"))
        findings += [_unembedded(number, name) for name in sorted(scan.unembedded_fonts)]
        if profile == "print":
            findings += _image_findings(number, scan, min_ppi, low_ppi) + _rgb_findings(number, scan)
            findings += _ink_findings(number, scan, ink_limit)
            findings += _box_findings(number, page)
    findings = _merge_repeats(findings) + _jpeg_size_findings(reader)
    if profile == "web":
        part = _match(r"pdfuaid:part(?:>|\s*=\s*[\"'])\s*(\d)", xmp)
        return findings + _web_findings(catalog, info, xmp), f"PDF/UA-{part}" if part else None
    standard = _match(r"pdfxid:GTS_PDFXVersion(?:>|\s*=\s*[\"'])\s*([^<\"']+)", xmp) or _get(info, "/GTS_PDFXVersion")
    findings += _output_intent_findings(catalog)
    if standard and str(standard).startswith("PDF/X-1") and _transparency(reader):
        findings.append(Finding(None, "error", f"transparency in a {standard} file, which forbids it: flatten it or "
                                "deliver PDF/X-4"))
    if not standard:
        findings.append(Finding(None, "error", "no PDF/X identification: render with pdf_variant='pdf/x-4'"))
    return findings, str(standard) if standard else None


@dataclass
class _PageScan:
    """Walks a page's content, its forms and tiling patterns, with the transformation matrix in force."""

    reader: PdfReader
    parsed: dict  # parsed content of forms and patterns by object number, shared between pages
    unembedded_fonts: set = field(default_factory=set)
    images: dict = field(default_factory=dict)  # image -> (ppi, name, pixels, placed mm); the lowest ppi is kept
    rgb: Counter = field(default_factory=Counter)  # RGB uses by kind
    rgb_images: set = field(default_factory=set)
    ink: tuple = (0.0, "")  # the highest total ink (percent) and where it is
    small_text: Counter = field(default_factory=Counter)  # small text runs in more than one ink, by size
    image_ink: dict = field(default_factory=dict)  # image key -> its total ink (percent)

    def content(self, operations, resources, ctm, base, depth):
        """Walk content operators; `base` is the matrix patterns are defined in (the stream's own space)."""
        resources, stack = _resolve(resources) or DictionaryObject(), []
        fill, space, text_matrix, font_size = None, None, IDENTITY, 0.0
        for operands, operator in getattr(operations, "operations", operations or []):
            if operator in COLOUR_OPERATORS:  # what colour (and so how much ink) is painted, and text is set in
                space = _model(operands[0], resources) if operator in (b"cs", b"CS") and operands else space
                inks = _inks(operator, operands, space)
                if inks is not None:
                    self.ink_used(inks, "a colour")
                if operator in (b"k", b"g", b"sc", b"scn", b"cs"):
                    fill = inks
            if operator == b"q":
                stack.append((ctm, fill, space))
            elif operator == b"Q" and stack:
                ctm, fill, space = stack.pop()
            elif operator == b"BT":
                text_matrix = IDENTITY
            elif operator == b"Tm" and len(operands) == 6:
                text_matrix = tuple(float(value) for value in operands)
            elif operator in (b"Tj", b"TJ", b"'", b'"') and fill is not None:
                size = font_size * math.sqrt(abs(_determinant(_multiply(text_matrix, ctm))))
                if 0 < size < SMALL_TEXT_PT and _rich_dark(fill):
                    self.small_text[round(size, 1)] += 1
            elif operator == b"cm" and len(operands) == 6:
                ctm = _multiply(tuple(float(value) for value in operands), ctm)
            elif operator == b"Do" and operands:
                xobject = _get(resources, "/XObject", operands[0])
                if _get(xobject, "/Subtype") == "/Image":
                    self.image(str(operands[0]).lstrip("/"), _key(xobject), xobject, ctm, resources)
                elif _get(xobject, "/Subtype") == "/Form":
                    self.form(xobject, resources, ctm, depth)
            elif operator == b"INLINE IMAGE":
                self.image("inline image", None, operands.get("settings", {}), ctm, resources)
            elif operator in (b"rg", b"RG") or (operator in (b"cs", b"CS") and operands
                                                 and _model(operands[0], resources) == "rgb"):
                self.rgb["colour setting"] += 1
            elif operator in (b"scn", b"SCN") and operands and isinstance(operands[-1], NameObject):
                pattern = _get(resources, "/Pattern", operands[-1])
                if _get(pattern, "/PatternType") == 1:
                    self.form(pattern, resources, base, depth)
                else:
                    self.shading(_get(pattern, "/Shading"), resources)
            elif operator == b"sh" and operands:
                self.shading(_get(resources, "/Shading", operands[0]), resources)
            elif operator == b"Tf" and operands:
                font_size = float(operands[-1]) if isinstance(operands[-1], float) else font_size
                font = _get(resources, "/Font", operands[0])
                if font is not None and not _is_embedded(font):
                    self.unembedded_fonts.add(str(font.get("/BaseFont", operands[0])).lstrip("/"))

    def form(self, stream, resources, ctm, depth):
        """Walk a form's or tiling pattern's content, drawn with `ctm` (and its own /Matrix)."""
        if depth < MAX_DEPTH:
            inner = _multiply(_matrix(stream), ctm)
            self.content(self.operations(stream), _get(stream, "/Resources") or resources, inner, inner, depth + 1)

    def shading(self, shading, resources):
        """RGB gradients, and CMYK gradients given three values per colour (a WeasyPrint defect)."""
        model = _model(_get(shading, "/ColorSpace"), resources)
        if model == "rgb" or (model == "cmyk" and 3 in _function_outputs(_get(shading, "/Function"))):
            self.rgb["gradient"] += 1
        elif model == "cmyk":
            for inks in _function_colours(_get(shading, "/Function")):
                self.ink_used(inks, "a gradient")

    def ink_used(self, inks, where: str) -> None:
        total = round(sum(inks) * 100, 1)
        if total > self.ink[0]:
            self.ink = (total, where)

    def image(self, name, key, image, ctm, resources):
        if True in (_get(image, "/ImageMask"), _get(image, "/IM")):  # a stencil mask has no colour or resolution
            return
        model = _model(_get(image, "/ColorSpace") or _get(image, "/CS"), resources)
        if model == "rgb":
            self.rgb_images.add(key or id(image))
        elif model == "cmyk" and key is not None and hasattr(image, "decode_as_image"):
            if key not in self.image_ink:
                self.image_ink[key] = _image_ink(image)
            if self.image_ink[key] is not None:
                self.ink_used((self.image_ink[key] / 100,), f"image '{name}'")
        width, height = math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3])
        pixels = (int(image.get("/Width", image.get("/W", 0))), int(image.get("/Height", image.get("/H", 0))))
        if width < 0.01 or height < 0.01 or not all(pixels):
            return
        ppi, key = min(pixels[0] / (width / 72), pixels[1] / (height / 72)), key or (name, len(self.images))
        if key not in self.images or ppi < self.images[key][0]:
            self.images[key] = (ppi, name, pixels, (width / MM, height / MM))

    def operations(self, stream):
        key = _key(stream) or id(stream)
        if key not in self.parsed:
            self.parsed[key] = operations(_stream_data(stream))
        return self.parsed[key]


def _stream_data(contents) -> bytes:
    """The decoded bytes of a content stream, or of an array of them (a page's /Contents may be either)."""
    contents = contents.get_object() if contents is not None else None
    if isinstance(contents, ArrayObject):
        return b"\n".join(_stream_data(part) for part in contents)
    return contents.get_data() if hasattr(contents, "get_data") else b""


def _image_findings(page: int, scan: _PageScan, min_ppi: float, low_ppi: float) -> list[Finding]:
    return [Finding(page, "error" if ppi < low_ppi else "warning",
                    f"image '{name}' ({pixels[0]}×{pixels[1]} px, placed at {width:.0f}×{height:.0f} mm) is {ppi:.0f} "
                    f"ppi at its placed size ({min_ppi:.0f} needed for print): use a larger image or place it smaller")
            for ppi, name, pixels, (width, height) in sorted(scan.images.values(), key=lambda entry: entry[0])
            if ppi < min_ppi]


def _rgb_findings(page: int, scan: _PageScan) -> list[Finding]:
    uses = scan.rgb + Counter({"image": len(scan.rgb_images)})
    detail = ", ".join(_plural(count, kind) for kind, count in sorted(uses.items()))
    return [Finding(page, "error", f"RGB colour ({detail}): print needs CMYK; use device-cmyk() colours, solid "
                                   "colours instead of gradients, and CMYK images")] if uses else []


def _ink_findings(page: int, scan: _PageScan, ink_limit: float) -> list[Finding]:
    findings = []
    total, where = scan.ink
    if total > ink_limit + INK_TOLERANCE:
        findings.append(Finding(page, "error", f"{where} needs {total:.0f} % ink, over the {ink_limit:g} % limit of "
                                "the print condition: build with coopbrochure (its colour policy limits ink) or "
                                "convert with the print shop's profile"))
    if scan.small_text:
        sizes = sorted(scan.small_text)
        findings.append(Finding(page, "warning", f"{_plural(sum(scan.small_text.values()), 'run')} of small text "
                                f"({sizes[0]:g}–{sizes[-1]:g} pt) in a dark colour of four inks (a rich black or "
                                "grey), which blurs when the plates are slightly out of register: set small type in "
                                "black ink only (coopbrochure's colour policy does so for near-neutral colours)"))
    return findings


def _rich_dark(inks) -> bool:
    """A dark colour built from all four inks: what text black and greys become through a plain ICC conversion."""
    return len(inks) == 4 and inks[3] >= DARK_BLACK and all(value > MINOR_INK for value in inks[:3])


def _inks(operator: bytes, operands: list, space: str | None):
    """The CMYK inks (0–1) a colour operator sets, or None for other colour models and patterns."""
    values = [value for value in operands if isinstance(value, float)]
    if operator in (b"g", b"G") and len(values) == 1:
        return (0.0, 0.0, 0.0, 1 - values[0])
    if operator in (b"k", b"K") or (operator in (b"sc", b"scn", b"SC", b"SCN") and space == "cmyk"):
        return tuple(values) if len(values) == 4 and len(values) == len(operands) else None
    if operator in (b"sc", b"scn", b"SC", b"SCN") and space == "gray" and len(values) == 1:
        return (0.0, 0.0, 0.0, values[0])
    return None


def _function_colours(function) -> list[tuple]:
    """The CMYK colours at the ends of a shading's (sub-)functions."""
    function = _resolve(function)
    if isinstance(function, ArrayObject):
        return []
    if not isinstance(function, DictionaryObject):
        return []
    colours = [tuple(float(value) for value in _get(function, key)) for key in ("/C0", "/C1")
               if _get(function, key) is not None and len(_get(function, key)) == 4]
    for part in _get(function, "/Functions") or []:
        colours += _function_colours(part)
    return colours


def _image_ink(image) -> float | None:
    """The total ink of a CMYK image where it is heaviest (99.9th percentile, so JPEG ringing does not count)."""
    import numpy

    try:
        picture = image.decode_as_image()
    except Exception:  # an image pypdf cannot decode is checked by the print shop's RIP, not here
        return None
    if picture is None or picture.mode != "CMYK":
        return None
    picture.draft("CMYK", (picture.width // 4 or 1, picture.height // 4 or 1))
    if max(picture.size) > 800:
        picture = picture.reduce(max(1, max(picture.size) // 800))
    totals = numpy.asarray(picture, dtype=numpy.float32).sum(axis=2) / 255 * 100
    return float(numpy.percentile(totals, 99.9))


def _transparency(reader: PdfReader) -> bool:
    """Whether any page, form or pattern uses transparency: alpha, soft masks, blend modes, transparency groups."""
    def children(node):
        if isinstance(node, dict):
            return [value for key, value in node.items() if key not in ("/Parent", "/P", "/StructParents")]
        return node if isinstance(node, list) else []

    for node in _objects([page.get_object() for page in reader.pages], children):
        if isinstance(node, dict):
            alpha = [node.get(key) for key in ("/CA", "/ca") if node.get(key) is not None]
            if (any(float(value) < 1 for value in alpha) or node.get("/SMask") not in (None, "/None")
                    or node.get("/BM") not in (None, "/Normal", "/Compatible")
                    or _get(node, "/Group", "/S") == "/Transparency"):
                return True
    return False


def _jpeg_size_findings(reader: PdfReader) -> list[Finding]:
    """A JPEG whose pixels are not the size its image dictionary says: each reader draws it its own way."""
    seen: set = set()
    images = {key: image for page in reader.pages for key, image in _resource_images(page.get("/Resources"), seen)}
    mismatched = []
    for image in images.values():
        if image.get("/Filter") != "/DCTDecode":
            continue
        try:
            with Image.open(io.BytesIO(image.get_data())) as jpeg:
                pixels = jpeg.size
        except (OSError, ValueError):
            pixels = None
        if pixels != (int(image.get("/Width", 0)), int(image.get("/Height", 0))):
            mismatched.append(f"{pixels[0]}×{pixels[1]} px" if pixels else "unreadable")
    return [Finding(None, "error", f"{len(mismatched)} JPEG image(s) whose data ({', '.join(mismatched[:3])}) is not "
                                   "the size their dictionary says: viewers and print shops draw them differently, "
                                   "some short of their frame; build again, and report it if it stays")] \
        if mismatched else []


def _resource_images(resources, seen: set):
    """The images among a page's resources and those of its forms and patterns, as (object number, image)."""
    for found in _resource_dicts(resources, seen):
        for item in (_get(found, "/XObject") or {}).values():
            if _get(image := _resolve(item), "/Subtype") == "/Image":
                yield getattr(item, "idnum", id(image)), image


def _resource_dicts(resources, seen: set):
    """A page's resource dictionary, then those of its forms and tiling patterns, each not in `seen` once."""
    resources = _resolve(resources)
    if not isinstance(resources, DictionaryObject) or id(resources) in seen:
        return
    seen.add(id(resources))
    yield resources
    for group in ("/XObject", "/Pattern"):
        for item in (_get(resources, group) or {}).values():
            if _get(item := _resolve(item), "/Subtype") != "/Image":
                yield from _resource_dicts(_get(item, "/Resources"), seen)


def _objects(roots: list, children):
    """Every object reachable from `roots` through `children(object)`, each indirect object once, resolved."""
    seen: set = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        yield node
        stack.extend(children(node))


def _determinant(m) -> float:
    return m[0] * m[3] - m[1] * m[2]


def _box_findings(page: int, page_object) -> list[Finding]:
    missing = [box[1:] for box in ("/TrimBox", "/BleedBox") if box not in page_object]
    if missing:
        return [Finding(page, "error", f"no {' and no '.join(missing)}: set a bleed in @page (e.g. `bleed: 3mm`) "
                        "so that the print shop knows where to trim")]
    trim, media, bleed = (_box(page_object, name) for name in ("/TrimBox", "/MediaBox", "/BleedBox"))
    sides = {"left": trim[0] - max(media[0], bleed[0]), "bottom": trim[1] - max(media[1], bleed[1]),
             "right": min(media[2], bleed[2]) - trim[2], "top": min(media[3], bleed[3]) - trim[3]}
    none = [side for side, extent in sides.items() if extent / MM < 0.05]
    if none:
        return [Finding(page, "error", f"no bleed at the {', '.join(none)}: colour and images that reach the edge "
                        "need 3 mm beyond the trim; set `bleed: 3mm` in @page")]
    thinnest = min(sides, key=sides.get)
    return [Finding(page, "warning", f"bleed is only {sides[thinnest] / MM:.1f} mm at the {thinnest} (3 mm needed): "
                    "set `bleed: 3mm` in @page")] if sides[thinnest] / MM < 2.95 else []


def _output_intent_findings(catalog) -> list[Finding]:
    intents = [_resolve(intent) for intent in _get(catalog, "/OutputIntents") or []]
    pdfx = [intent for intent in intents if isinstance(intent, DictionaryObject) and intent.get("/S") == "/GTS_PDFX"]
    if not pdfx:
        return [Finding(None, "error", "no PDF/X output intent: render with pdf_variant='pdf/x-4' and the print "
                        "shop's CMYK profile as output intent")]
    profile = _get(pdfx[0], "/DestOutputProfile")
    data = profile.get_data() if hasattr(profile, "get_data") else b""
    if profile is None or profile.get("/N") != 4 or icc_colour_space(data) != "CMYK":
        return [Finding(None, "error", "the PDF/X output intent has no CMYK ICC profile: use the print shop's "
                        "CMYK profile (e.g. FOGRA39) as output intent")]
    return []


def _web_findings(catalog, info, xmp: str) -> list[Finding]:
    root = _get(catalog, "/StructTreeRoot")
    title = str(_get(info, "/Title") or "").strip() or _match(r"<dc:title>.*?<rdf:li[^>]*>\s*([^<]+?)\s*</", xmp)
    missing_alt = _figures_without_alt(root) if root is not None else 0
    errors = [
        (_get(catalog, "/MarkInfo", "/Marked") != True,  # noqa: E712 (a pypdf BooleanObject)
         "not marked as tagged (/MarkInfo): render with pdf_variant='pdf/ua-1'"),
        (root is None, "no structure tree (tags) for screen readers: render with pdf_variant='pdf/ua-1'"),
        (not str(_get(catalog, "/Lang") or "").strip(), "no document language: set lang on the <html> element"),
        (not title, "no document title: set <title> in the HTML head"),
        (missing_alt, f"{_plural(missing_alt, 'figure')} without alternative text: give every image an alt text")]
    findings = [Finding(None, "error", message) for failed, message in errors if failed]
    if _get(catalog, "/Outlines", "/First") is None:
        findings.append(Finding(None, "warning", "no bookmarks: use headings (h1–h6) so that readers can navigate"))
    return findings


def _figures_without_alt(root) -> int:
    role_map = _get(root, "/RoleMap") or {}

    def children(node):
        if isinstance(node, ArrayObject):
            return node
        return [node.get("/K")] if isinstance(node, DictionaryObject) and node.get("/Type") not in ("/MCR", "/OBJR") \
            else []

    missing = 0
    for node in _objects([root.get("/K")], children):
        if isinstance(node, DictionaryObject) and node.get("/Type") not in ("/MCR", "/OBJR"):
            role = node.get("/S")
            missing += role_map.get(role, role) == "/Figure" and not str(_get(node, "/Alt") or "").strip()
    return missing


def _merge_repeats(findings: list[Finding]) -> list[Finding]:
    """Findings with the same words on several pages become one, on the first page, naming the others."""
    pages: dict[tuple[str, str], list[int]] = {}
    for finding in findings:
        pages.setdefault((finding.severity, finding.message), []).append(finding.page)
    merged = []
    for finding in findings:
        others = pages[finding.severity, finding.message]
        if finding.page is None or len(others) == 1:
            merged.append(finding)
        elif others[0] == finding.page:
            merged.append(Finding(finding.page, finding.severity, f"{finding.message} (also on {_ranges(others[1:])})"))
    return merged


def _ranges(numbers: list[int]) -> str:
    runs = [[number for _, number in run] for _, run in groupby(enumerate(numbers), lambda pair: pair[1] - pair[0])]
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(
        f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


def _unembedded(page: int, name: str) -> Finding:
    return Finding(page, "error", f"font '{name}' is not embedded: use a font file (@font-face), not a system or "
                                  "standard font")


def _resource_fonts(resources, seen: set) -> set[str]:
    """Names of the fonts that are not embedded among the resources of a page and of its forms (each walked once)."""
    return {str(_resolve(font).get("/BaseFont", key)).lstrip("/")
            for found in _resource_dicts(resources, seen)
            for key, font in (_get(found, "/Font") or {}).items() if not _is_embedded(_resolve(font))}


def _is_embedded(font) -> bool:
    descendants = _get(font, "/DescendantFonts")
    descriptor = _get(_resolve(descendants[0]) if descendants else font, "/FontDescriptor") or {}
    return font.get("/Subtype") == "/Type3" or any(key in descriptor for key in FONT_FILES)


def _model(space, resources, depth: int = 0) -> str | None:
    """"rgb", "cmyk", "gray" or None (other or unknown) for a colour space; Indexed and Pattern give their base's."""
    space = _resolve(space)
    if isinstance(space, NameObject):
        if space in DEVICE_MODELS or depth > 4:
            return DEVICE_MODELS.get(space)
        return _model(_get(resources, "/ColorSpace", space), resources, depth + 1)
    if not isinstance(space, ArrayObject) or not space or depth > 4:
        return None
    if space[0] == "/ICCBased":
        return {1: "gray", 3: "rgb", 4: "cmyk"}.get(_get(_resolve(space[1]), "/N"))
    if space[0] in ("/Indexed", "/I", "/Pattern") and len(space) > 1:
        return _model(space[1], resources, depth + 1)
    return DEVICE_MODELS.get(space[0])


def _function_outputs(function) -> list[int]:
    """How many values a shading's functions (and their sub-functions) give."""
    function = _resolve(function)
    if isinstance(function, ArrayObject):
        return [count for item in function for count in _function_outputs(item)]
    if not isinstance(function, DictionaryObject):
        return []
    counts = [len(_get(function, key)) for key in ("/C0", "/C1") if _get(function, key) is not None]
    counts += [len(_get(function, "/Range")) // 2] if _get(function, "/Range") is not None else []
    return counts + _function_outputs(_get(function, "/Functions"))


def _multiply(m, n):
    """The product m × n of two PDF matrices [a b c d e f]: m applied first."""
    return (m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3], m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3], m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5])


def _matrix(obj):
    matrix = _get(obj, "/Matrix")
    return tuple(float(value) for value in matrix) if matrix and len(matrix) == 6 else IDENTITY


def _box(page, name):
    left, bottom, right, top = (float(value) for value in _get(page, name))
    return min(left, right), min(bottom, top), max(left, right), max(bottom, top)


def _match(pattern: str, text: str) -> str | None:
    found = re.search(pattern, text, re.DOTALL)
    return found.group(1).strip() if found else None


def _get(obj, *keys):
    """The value at a path of keys, indirect objects resolved on the way; None where the path ends."""
    for key in keys:
        obj = _resolve(obj.get(key)) if isinstance(obj, dict) else None
    return obj


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _key(obj):
    reference = getattr(obj, "indirect_reference", None)
    return (reference.idnum, reference.generation) if reference is not None else None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e5 else f"{size / 1e3:.0f} kB"
