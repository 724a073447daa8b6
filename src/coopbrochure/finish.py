"""Finishing a laid-out print PDF: CMYK shadings, overprint, hairlines, output intent, marks; the cover thumbnail.

Print (`finish_print`, then `add_marks`): sRGB gradients become CMYK shadings through the colour policy;
100 % black text overprints; strokes thinner than MIN_STROKE_PT after scaling are widened; one-tile
patterns get a step that every viewer tiles alike; link annotations go (PDF/X allows none in the bleed
box); the output intent carries the registered condition and the profile as shipped; transparency
groups blend in CMYK. Marks come last, in a slug outside the bleed, so a booklet imposes unmarked pages.
Web PDFs are finished by `access`.
"""

from __future__ import annotations

import io
import math

from .colour import BUNDLED_CMYK_PROFILE, PrintCondition

POINTS_PER_MM = 72 / 25.4
MIN_STROKE_PT = 0.25
SLUG_MM = 8.0  # room outside the bleed for the marks
MARK_LENGTH_MM = 5.0
MARK_WIDTH_PT = 0.25
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
STROKES = {"S", "s", "B", "B*", "b", "b*"}
FILLS = {"f", "F", "f*", "B", "B*", "b", "b*"}
TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
# The registered characterisation of the bundled profile (ICC characterization data registry).
FOGRA39 = {"/OutputConditionIdentifier": "FOGRA39", "/RegistryName": "http://www.color.org",
           "/OutputCondition": "Offset printing, coated paper, ISO 12647-2:2004 (FOGRA39)",
           "/Info": "Coated FOGRA39 (ISO 12647-2:2004)"}


def finish_print(data: bytes, condition: PrintCondition) -> bytes:
    """The print fixes of the module docstring, marks excepted."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        _output_intent(pdf, condition)
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                if "/ShadingType" in obj and _srgb_shading(obj):
                    _cmyk_shading(pdf, obj, condition)
                group = obj.get("/Group")
                if isinstance(group, pikepdf.Dictionary) and _rgb_space(group.get("/CS")):
                    group.CS = pikepdf.Name.DeviceCMYK
        walker = _Walker(pdf, condition)
        for page in pdf.pages:
            if "/Annots" in page.obj:
                kept = [annotation for annotation in page.obj.Annots if annotation.get("/Subtype") != "/Link"]
                if kept:
                    page.obj.Annots = pikepdf.Array(kept)
                else:
                    del page.obj.Annots
            page.contents_coalesce()
            if "/Contents" in page.obj:
                walker.walk(page.obj.Contents, page.obj.get("/Resources"), 1.0)
        walker.rewrite()
        if "/StructTreeRoot" in pdf.Root:  # the links are gone: so must their structure entries be
            _drop_link_structure(pdf.Root.StructTreeRoot)
        out = io.BytesIO()
        pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


def add_marks(data: bytes, slug_mm: float = SLUG_MM) -> bytes:
    """Every page grown by a slug around its bleed box, with crop marks in it from the bleed edge outwards.

    The marks are 0.25 pt lines in the registration colour (Separation /All), so they print on every plate.
    """
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        registration = pdf.make_indirect(pikepdf.Array([
            pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK,
            pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)]))
        slug, length = slug_mm * POINTS_PER_MM, MARK_LENGTH_MM * POINTS_PER_MM
        for page in pdf.pages:
            trim = _box(page.obj.get("/TrimBox", page.obj.MediaBox))
            bleed = _box(page.obj.get("/BleedBox", page.obj.MediaBox))
            page.obj.BleedBox = pikepdf.Array(bleed)
            page.obj.MediaBox = pikepdf.Array([bleed[0] - slug, bleed[1] - slug, bleed[2] + slug, bleed[3] + slug])
            if "/CropBox" in page.obj:
                del page.obj.CropBox
            lines = []
            for x in (trim[0], trim[2]):
                lines += [(x, bleed[1], x, bleed[1] - length), (x, bleed[3], x, bleed[3] + length)]
            for y in (trim[1], trim[3]):
                lines += [(bleed[0], y, bleed[0] - length, y), (bleed[2], y, bleed[2] + length, y)]
            _child(_child(page.obj, "/Resources"), "/ColorSpace")["/CBreg"] = registration
            drawing = "".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l " for a, b, c, d in lines)
            page.contents_add(pikepdf.Stream(pdf, b"q"), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, (
                f"Q q /CBreg CS 1 SCN {MARK_WIDTH_PT} w 0 J [] 0 d {drawing}S Q").encode("ascii")))
        out = io.BytesIO()
        pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()


# ---- Output intent -------------------------------------------------------------------------------------

def _output_intent(pdf, condition: PrintCondition) -> None:
    """The registered condition for the bundled profile; "Custom" and the profile's own name for another."""
    import pikepdf

    shipped = condition.icc.read_bytes()
    for intent in pdf.Root.get("/OutputIntents", []):
        if intent.get("/S") != "/GTS_PDFX":
            continue
        profile = pikepdf.Stream(pdf, shipped)
        profile.N = 4
        intent.DestOutputProfile = pdf.make_indirect(profile)
        if condition.icc.resolve() == BUNDLED_CMYK_PROFILE.resolve():
            for key, value in FOGRA39.items():
                intent[key] = pikepdf.String(value)
        else:
            name = _profile_description(shipped) or condition.icc.stem
            intent.OutputConditionIdentifier = pikepdf.String("Custom")
            intent.Info = intent.OutputCondition = pikepdf.String(name)
            if "/RegistryName" in intent:
                del intent.RegistryName


def _profile_description(icc: bytes) -> str | None:
    from PIL import ImageCms

    try:
        return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).strip() or None
    except (OSError, ImageCms.PyCMSError):
        return None


# ---- Shadings ------------------------------------------------------------------------------------------

def _rgb_space(space) -> bool:
    import pikepdf

    if space == pikepdf.Name.DeviceRGB:
        return True
    return (isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == pikepdf.Name.ICCBased
            and int(space[1].get("/N", 0)) == 3)


def _cmyk_shading(pdf, shading, condition: PrintCondition, pieces: int = 4) -> None:
    """An sRGB axial or radial shading in CMYK: each exponential segment split in `pieces`, each end converted."""
    import pikepdf

    function = shading.get("/Function")
    if not isinstance(function, pikepdf.Dictionary) or not _convertible(function):
        return
    shading.Function = _cmyk_function(function, condition, pieces)
    shading.ColorSpace = pikepdf.Name.DeviceCMYK
    if "/Background" in shading:
        rgb = [float(value) for value in shading.Background]
        shading.Background = pikepdf.Array(condition.inks(tuple(round(value * 255) for value in rgb)))


def _srgb_shading(shading) -> bool:
    """An sRGB shading: in an RGB space, or (WeasyPrint 70) three sRGB values per stop in the CMYK space."""
    import pikepdf

    function = shading.get("/Function")
    while isinstance(function, pikepdf.Dictionary) and int(function.get("/FunctionType", -1)) == 3:
        function = function.Functions[0] if len(function.Functions) else None
    three = isinstance(function, pikepdf.Dictionary) and len(function.get("/C0", [0, 0, 0])) == 3
    return _rgb_space(shading.get("/ColorSpace")) or three


def _convertible(function) -> bool:
    kind = int(function.get("/FunctionType", -1))
    if kind == 3:
        return all(_convertible(part) for part in function.Functions)
    return kind == 2


def _cmyk_function(function, condition: PrintCondition, pieces: int):
    import pikepdf

    if int(function.FunctionType) == 3:
        converted = pikepdf.Dictionary(function)
        converted.Functions = pikepdf.Array([_cmyk_function(part, condition, pieces) for part in function.Functions])
        return converted
    start = [float(value) for value in function.get("/C0", [0, 0, 0])]
    end = [float(value) for value in function.get("/C1", [1, 1, 1])]
    exponent = float(function.get("/N", 1))

    def inks(t: float):
        rgb = tuple(round(max(0.0, min(1.0, a + t ** exponent * (b - a))) * 255) for a, b in zip(start, end))
        return condition.inks(rgb)

    domain = [float(value) for value in function.get("/Domain", [0, 1])]
    if start == end:
        return pikepdf.Dictionary(FunctionType=2, Domain=domain, C0=list(inks(0)), C1=list(inks(0)), N=1)
    steps = [index / pieces for index in range(pieces + 1)]
    parts = [pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=list(inks(a)), C1=list(inks(b)), N=1)
             for a, b in zip(steps, steps[1:])]
    low, high = domain
    bounds = [low + (high - low) * step for step in steps[1:-1]]
    return pikepdf.Dictionary(FunctionType=3, Domain=domain, Functions=parts, Bounds=bounds,
                              Encode=[0, 1] * pieces)


# ---- Content: overprint, hairlines, one-tile patterns ------------------------------------------------------

class _Walker:
    """Walks page, form and pattern content with the scale in force; rewrites each stream once."""

    def __init__(self, pdf, condition: PrintCondition | None = None):
        self.pdf, self.condition = pdf, condition
        self.scales: dict = {}  # stream objgen -> smallest scale it is drawn at
        self.streams: dict = {}  # objgen -> (stream, resources)
        self.pattern_uses: dict = {}  # pattern objgen -> True while every use fits one tile

    def walk(self, stream, resources, scale: float, depth: int = 0) -> None:
        import pikepdf

        key = stream.objgen
        if depth > 12 or (key in self.scales and self.scales[key] <= scale):
            return
        self.scales[key] = scale
        self.streams[key] = (stream, resources)
        resources = stream.get("/Resources", resources)
        ctm, stack, fill_pattern, rect = IDENTITY, [], None, None
        for instruction in _instructions(stream):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                continue
            operator, operands = str(instruction.operator), instruction.operands
            if operator == "q":
                stack.append((ctm, fill_pattern))
            elif operator == "Q" and stack:
                ctm, fill_pattern = stack.pop()
            elif operator == "cm" and len(operands) == 6:
                ctm = _multiply(tuple(float(value) for value in operands), ctm)
            elif operator == "re" and len(operands) == 4:
                rect = [float(value) for value in operands]
            elif operator in ("m", "c", "v", "y", "l", "h"):
                rect = None
            elif operator == "scn" and operands and isinstance(operands[-1], pikepdf.Name):
                pattern = _lookup(resources, "/Pattern", operands[-1])
                fill_pattern = pattern
                if pattern is not None and int(pattern.get("/PatternType", 0)) == 1:
                    self.walk(pattern, resources, scale * _scale(_matrix(pattern)), depth + 1)
            elif operator in ("cs", "sc", "k", "g", "rg"):
                fill_pattern = None
            elif operator in FILLS and fill_pattern is not None:
                self._pattern_use(fill_pattern, rect, ctm)
            elif operator == "Do" and operands:
                xobject = _lookup(resources, "/XObject", operands[0])
                if xobject is not None and xobject.get("/Subtype") == "/Form":
                    inner = _multiply(_matrix(xobject), ctm)
                    self.walk(xobject, resources, scale * _scale(inner), depth + 1)
            if operator in FILLS or operator == "n":
                rect = None

    def _pattern_use(self, pattern, rect, ctm) -> None:
        if int(pattern.get("/PatternType", 0)) != 1:
            return
        key = pattern.objgen
        if rect is None:
            self.pattern_uses[key] = False
            return
        inverse = _invert(_matrix(pattern))
        x, y, width, height = rect
        corners = [_apply(_apply((px, py), ctm), inverse) for px in (x, x + width) for py in (y, y + height)]
        left, bottom, right, top = (float(value) for value in pattern.BBox)
        fits = all(left - 0.5 <= px <= right + 0.5 and bottom - 0.5 <= py <= top + 0.5 for px, py in corners)
        self.pattern_uses[key] = self.pattern_uses.get(key, True) and fits

    def rewrite(self) -> None:
        """Each stream once, at the smallest scale it is drawn at; one-tile patterns get a wider step."""
        for key, (stream, resources) in self.streams.items():
            _rewrite(self.pdf, stream, stream.get("/Resources", resources), self.scales[key], self.condition)
        for key, one_tile in self.pattern_uses.items():
            if one_tile:
                pattern = self.pdf.get_object(key)
                left, bottom, right, top = (float(value) for value in pattern.BBox)
                # Poppler mis-tiles a pattern whose step equals its box; one tile needs no neighbour.
                pattern.XStep, pattern.YStep = 2 * (right - left) + 1, 2 * (top - bottom) + 1


def _rewrite(pdf, stream, resources, scale: float, condition: PrintCondition | None = None) -> None:
    """Overprint for 100 % K text, strokes widened to MIN_STROKE_PT at `scale`, and what RGB colour setting
    WeasyPrint writes where no stylesheet gave a colour (an SVG path's default black fill) in CMYK."""
    import pikepdf

    ctm, width, fill, overprint, stack, changed = IDENTITY, 1.0, None, False, [], False
    out = []
    names = {}

    def state(on: bool):
        nonlocal changed
        changed = True
        if on not in names:
            names[on] = _overprint_state(pdf, stream, resources, on)
        return pikepdf.ContentStreamInstruction([names[on]], pikepdf.Operator("gs"))

    for instruction in _instructions(stream):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            out.append(instruction)
            continue
        operator, operands = str(instruction.operator), list(instruction.operands)
        if operator in ("rg", "RG") and condition is not None and len(operands) == 3:
            rgb = tuple(round(max(0.0, min(1.0, float(value))) * 255) for value in operands)
            operator, operands = operator.replace("rg", "k").replace("RG", "K"), list(condition.inks(rgb))
            instruction = pikepdf.ContentStreamInstruction(operands, pikepdf.Operator(operator))
            changed = True
        if operator == "q":
            stack.append((ctm, width, fill, overprint))
        elif operator == "Q" and stack:
            ctm, width, fill, overprint = stack.pop()
        elif operator == "cm" and len(operands) == 6:
            ctm = _multiply(tuple(float(value) for value in operands), ctm)
        elif operator == "w" and operands:
            width = float(operands[0])
        elif operator in ("k", "g", "rg", "sc", "scn", "cs"):
            if overprint:
                out.append(state(False))
                overprint = False
            fill = _fill_inks(operator, operands, fill)
        elif operator == "ET" and overprint:
            out.append(instruction)
            out.append(state(False))
            overprint = False
            continue
        elif operator in TEXT_SHOWING and fill == (0, 0, 0, 1) and not overprint:
            out.append(state(True))
            overprint = True
        elif operator in STROKES:
            effective = width * scale * _scale(ctm)
            if effective < MIN_STROKE_PT - 1e-6:
                wider = MIN_STROKE_PT / max(scale * _scale(ctm), 1e-9)
                out.append(pikepdf.ContentStreamInstruction([round(wider, 4)], pikepdf.Operator("w")))
                out.append(instruction)
                out.append(pikepdf.ContentStreamInstruction([round(width, 4)], pikepdf.Operator("w")))
                changed = True
                continue
        out.append(instruction)
    if changed:
        stream.write(pikepdf.unparse_content_stream(out))


def _fill_inks(operator: str, operands: list, current):
    values = [float(value) for value in operands if not hasattr(value, "_type_name") and _number(value)]
    if operator == "k" and len(values) == 4:
        return tuple(values)
    if operator == "g" and len(values) == 1:
        return (0, 0, 0, 1 - values[0])
    if operator in ("sc", "scn") and len(values) == 4 and len(values) == len(operands):
        return tuple(values)
    return None


def _number(value) -> bool:
    try:
        float(value)
        return True
    except (TypeError, ValueError):
        return False


def _overprint_state(pdf, stream, resources, on: bool):
    import pikepdf

    holder = stream.get("/Resources") if "/Resources" in stream else resources
    if holder is None:
        holder = stream.Resources = pikepdf.Dictionary()
    states = _child(holder, "/ExtGState")
    name = pikepdf.Name("/CBop1" if on else "/CBop0")
    states[name] = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, OP=on, op=on, OPM=1)
    return name


def _drop_link_structure(root) -> None:
    """Link structure elements whose annotation was removed keep only their text (no dangling OBJR)."""
    import pikepdf

    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.objgen in seen and node.objgen != (0, 0):
            continue
        seen.add(node.objgen)
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            kept = [kid for kid in kids if not (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR")]
            if len(kept) != len(kids):
                node.K = pikepdf.Array(kept)
            stack.extend(kept)
        elif isinstance(kids, pikepdf.Dictionary):
            if kids.get("/Type") == "/OBJR":
                del node.K
            else:
                stack.append(kids)


# ---- Helpers -------------------------------------------------------------------------------------------

def _instructions(stream):
    import pikepdf

    try:
        return pikepdf.parse_content_stream(stream)
    except pikepdf.PdfError:
        return []


def _child(dictionary, key: str):
    """The dictionary at `key`, made empty when there is none."""
    import pikepdf

    if key not in dictionary:
        dictionary[key] = pikepdf.Dictionary()
    return dictionary[key]


def _lookup(resources, category: str, name):
    try:
        return resources[category][name]
    except (KeyError, TypeError, AttributeError):
        return None


def _box(box) -> list[float]:
    left, bottom, right, top = (float(value) for value in box)
    return [min(left, right), min(bottom, top), max(left, right), max(bottom, top)]


def _matrix(obj):
    matrix = obj.get("/Matrix")
    return tuple(float(value) for value in matrix) if matrix is not None and len(matrix) == 6 else IDENTITY


def _multiply(m, n):
    """The product m × n of two PDF matrices [a b c d e f]: m applied first."""
    return (m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3], m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3], m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5])


def _invert(m):
    det = m[0] * m[3] - m[1] * m[2] or 1e-12
    a, b, c, d = m[3] / det, -m[1] / det, -m[2] / det, m[0] / det
    return (a, b, c, d, -(m[4] * a + m[5] * c), -(m[4] * b + m[5] * d))


def _apply(point, m):
    x, y = point
    return (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])


def _scale(m) -> float:
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


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
