"""The print-shop and newsletter PDFs of the sample: boxes, colour, tags, size, booklet and thumbnail."""

from __future__ import annotations

import re
import shutil

import pikepdf
import pypdf
import pypdfium2
import pytest
from click.testing import CliRunner
from pdfread import PT_PER_MM, fonts, page_texts

from coopbrochure import build
from coopbrochure.cli import main
from coopbrochure.colour import BUNDLED_CMYK_PROFILE


@pytest.fixture(scope="module")
def print_pdf(sample_project):
    return sample_project / "output" / "andes-2013-nl-a4-print.pdf"


@pytest.fixture(scope="module")
def web_pdf(sample_project):
    return sample_project / "output" / "andes-2013-nl-a4-web.pdf"


def _objects(reader: pypdf.PdfReader):
    """Every object reachable from the pages (resources, forms, patterns, shadings, images)."""
    seen: set[int] = set()
    stack = [page.get("/Resources") for page in reader.pages]
    while stack:
        node = stack.pop()
        if isinstance(node, pypdf.generic.IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
        node = node.get_object() if node is not None else None
        if isinstance(node, dict):
            yield node
            stack.extend(value for key, value in node.items() if key not in ("/Parent", "/P"))
        elif isinstance(node, list):
            stack.extend(node)


def test_print_pdf_has_bleed_around_the_trim_box_and_a_slug_around_the_bleed(print_pdf):
    bleed = 3 * PT_PER_MM
    for page in pypdf.PdfReader(print_pdf).pages:
        media, trim, bleed_box = page.mediabox, page.trimbox, page.bleedbox
        assert round(float(trim.width) / PT_PER_MM) == 210 and round(float(trim.height) / PT_PER_MM) == 297
        for outer, inner, sign in ((bleed_box.left, trim.left, -1), (bleed_box.bottom, trim.bottom, -1),
                                   (bleed_box.right, trim.right, 1), (bleed_box.top, trim.top, 1)):
            assert float(outer) == pytest.approx(float(inner) + sign * bleed, abs=0.01)
        for outer, inner, sign in ((media.left, bleed_box.left, -1), (media.bottom, bleed_box.bottom, -1),
                                   (media.right, bleed_box.right, 1), (media.top, bleed_box.top, 1)):
            assert sign * (float(outer) - float(inner)) >= 5 * PT_PER_MM, "a slug for the marks outside the bleed"


def test_print_pdf_is_pdfx_with_an_embedded_cmyk_profile(print_pdf):
    reader = pypdf.PdfReader(print_pdf)
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert [intent["/S"] for intent in intents] == ["/GTS_PDFX"]
    profile = intents[0]["/DestOutputProfile"].get_object()
    data = profile.get_data()
    assert profile["/N"] == 4 and data[36:40] == b"acsp" and data[16:20] == b"CMYK"
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"PDF/X-4" in metadata


def test_print_pdf_holds_no_rgb(print_pdf):
    reader = pypdf.PdfReader(print_pdf)
    for node in _objects(reader):
        if node.get("/Subtype") == "/Image":
            assert node.get("/ColorSpace") != "/DeviceRGB"
        if "/ShadingType" in node:
            parts, stack = [], [node["/Function"].get_object()]
            while stack:  # stitching functions may nest
                function = stack.pop()
                stack.extend(part.get_object() for part in function.get("/Functions", []))
                parts += [function] if "/C0" in function else []
            assert node["/ColorSpace"] == "/DeviceGray" or all(len(part["/C0"]) == 4 for part in parts)
    for page in reader.pages:
        assert not re.search(rb"\s(rg|RG)\s", page.get_contents().get_data())
    assert all(fonts(print_pdf).values())


def test_crop_marks_lie_outside_the_bleed_from_its_edge(print_pdf):
    document = pypdfium2.PdfDocument(print_pdf)
    try:
        page = document[1]  # a white inside page: the marks are the only ink in its corners
        scale = 4
        image = page.render(scale=scale).to_pil().convert("L")
    finally:
        document.close()
    slug = round((image.width - (210 + 6) * PT_PER_MM * scale) / 2)
    bleed = round(3 * PT_PER_MM * scale)
    trim_x = slug + bleed
    mark = image.crop((trim_x - 2, 0, trim_x + 3, slug - 1))  # the vertical mark above the top-left trim corner
    assert mark.getextrema()[0] < 200, "a crop mark (a hairline, anti-aliased) is drawn in the slug"
    assert image.crop((slug + 2, slug + 2, slug + bleed - 2, slug + bleed - 2)).getextrema()[0] > 245, \
        "no mark in the bleed, where artwork runs"
    with pikepdf.open(print_pdf) as pdf:
        spaces = [space for space in pdf.pages[1].Resources.ColorSpace.values() if space[0] == "/Separation"]
        assert [str(space[1]) for space in spaces] == ["/All"], "marks in the registration colour"


def test_print_pdf_has_no_marks_when_the_project_says_so(minimal):
    project_file = minimal / "coopbrochure.yaml"
    text = project_file.read_text(encoding="utf-8").replace("profiles: [web]", "profiles: [print]")
    project_file.write_text(text + "print:\n  crop_marks: false\n", encoding="utf-8")
    [result] = build(minimal).editions
    page = pypdf.PdfReader(result.path).pages[0]
    assert page.mediabox == page.bleedbox
    assert not any(space[0] == "/Separation" for space in (page["/Resources"].get("/ColorSpace") or {}).values())


def test_print_pdf_is_what_a_pdfx_workflow_expects(print_pdf):
    with pikepdf.open(print_pdf) as pdf:
        [intent] = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert str(intent.RegistryName) == "http://www.color.org"
        assert intent.DestOutputProfile.read_bytes() == BUNDLED_CMYK_PROFILE.read_bytes(), "the profile as shipped"
        assert not [annotation for page in pdf.pages for annotation in page.get("/Annots", [])
                    if annotation.get("/Subtype") == "/Link"], "no links in a PDF/X file"
        overprinted = 0
        for page in pdf.pages:
            states = page.Resources.get("/ExtGState", {})
            on = {name for name, state in states.items() if state.get("/OP") is True and state.get("/op") is True}
            overprint, fill = False, None
            for instruction in pikepdf.parse_content_stream(page):
                operator, operands = str(instruction.operator), list(instruction.operands)
                if operator == "gs":
                    overprint = str(operands[0]) in on
                elif operator in ("scn", "k") and len(operands) == 4:
                    fill = tuple(float(value) for value in operands)
                elif operator in ("TJ", "Tj") and fill == (0, 0, 0, 1):
                    assert overprint, "100 % black text overprints"
                    overprinted += 1
        assert overprinted > 100, "body text is solid black"


def test_print_strokes_are_at_least_a_quarter_point(print_pdf):
    from coopbrochure.finish import _scale, _Walker  # the walk that widened them measures them

    with pikepdf.open(print_pdf) as pdf:
        walker = _Walker(pdf)
        for page in pdf.pages:
            page.contents_coalesce()
            walker.walk(page.Contents, page.Resources, 1.0)
        thinnest = []
        for key, (stream, _) in walker.streams.items():
            ctm, width, stack = (1, 0, 0, 1, 0, 0), 1.0, []
            for instruction in pikepdf.parse_content_stream(stream):
                operator, operands = str(instruction.operator), list(instruction.operands)
                if operator == "q":
                    stack.append((ctm, width))
                elif operator == "Q" and stack:
                    ctm, width = stack.pop()
                elif operator == "cm":
                    from coopbrochure.finish import _multiply
                    ctm = _multiply(tuple(float(value) for value in operands), ctm)
                elif operator == "w":
                    width = float(operands[0])
                elif operator in ("S", "s", "B", "b", "B*", "b*"):
                    thinnest.append(width * _scale(ctm) * walker.scales[key])
        assert thinnest and min(thinnest) >= 0.25 - 1e-3


def test_web_pdf_is_tagged_and_described(web_pdf):
    reader = pypdf.PdfReader(web_pdf)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "nl"
    assert reader.metadata.title == "Dimensie 3 – Ruim vijftig jaar in de Andes"
    assert "/StructTreeRoot" in root
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Overzicht" in titles and "Peru" in titles
    figures = []
    stack = [root["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure":
                figures.append(node.get("/Alt"))
            if "/K" in node:
                stack.append(node["/K"])
    assert len(figures) >= 10 and all(figures)
    assert web_pdf.stat().st_size < 2_000_000


def test_overview_links_go_to_their_pages(web_pdf):
    reader = pypdf.PdfReader(web_pdf)
    targets = [annotation.get_object().get("/Dest") or annotation.get_object().get("/A", {}).get("/D")
               for annotation in reader.pages[1].get("/Annots", [])]
    assert len([target for target in targets if target]) >= 6


def test_web_thumbnail_shows_the_cover(sample_project):
    from PIL import Image

    with Image.open(sample_project / "output" / "andes-2013-nl-a4-web-cover.jpg") as thumbnail:
        assert thumbnail.width == 600 and thumbnail.height == round(600 * 297 / 210)
        colours = thumbnail.convert("RGB").resize((20, 20)).getcolors(maxcolors=400)
        assert len(colours) > 50  # artwork, not a blank page


def test_every_sample_output_passes_preflight(sample_project):
    pdfs = sorted((sample_project / "output").glob("*.pdf"))
    result = CliRunner().invoke(main, ["preflight", *map(str, pdfs)])  # the profile is read from each name
    assert result.exit_code == 0, result.output
    assert result.stdout.count("0 errors, 0 warnings") == len(pdfs) == 30


def test_booklet_pages_are_in_saddle_stitch_order(sample_project, tmp_path):
    project = tmp_path / "booklet"
    shutil.copytree(sample_project, project)
    result = CliRunner().invoke(main, ["build", str(project), "--edition", "en-a5-print", "--booklet"])
    assert result.exit_code == 0, result.output
    pages = len(pypdf.PdfReader(project / "output/andes-2013-en-a5-print.pdf").pages)
    booklet = project / "output/andes-2013-en-a5-print-booklet.pdf"
    assert "andes-2013-en-a5-print-booklet.pdf" in result.output
    reader = pypdf.PdfReader(booklet)
    total = -(-pages // 4) * 4
    assert len(reader.pages) == total // 2
    trim = reader.pages[0].trimbox
    assert (round(float(trim.width) / PT_PER_MM), round(float(trim.height) / PT_PER_MM)) == (296, 210)
    expected = []
    for sheet in range(total // 4):
        expected += [(total - 2 * sheet, 2 * sheet + 1), (2 * sheet + 2, total - 2 * sheet - 1)]
    printed = _folios(booklet)
    for side, (left, right) in enumerate(expected):
        for half, number in (("left", left), ("right", right)):
            shown = printed[side][half]
            if shown is not None:  # covers and blank pages carry no folio
                assert shown == number, f"side {side + 1}, {half} half shows page {shown}, not {number}"
    assert sum(shown is not None for side in printed for shown in side.values()) >= total - 6


def _folios(booklet) -> list[dict[str, int | None]]:
    """The page number printed at the foot of each half of each sheet side (None where there is none)."""
    document = pypdfium2.PdfDocument(booklet)
    found = []
    try:
        for page in document:
            text = page.get_textpage()
            left, bottom, right, top = page.get_cropbox()
            trim_left, trim_bottom, trim_right, _ = page.get_trimbox()
            middle = (trim_left + trim_right) / 2
            foot = trim_bottom + 20 * PT_PER_MM
            halves = {}
            for half, (x0, x1) in (("left", (trim_left, middle)), ("right", (middle, trim_right))):
                words = text.get_text_bounded(left=x0, bottom=trim_bottom, right=x1, top=foot).split()
                numbers = [int(word) for word in words if word.isdigit() and int(word) < 100]
                halves[half] = numbers[-1] if numbers else None
            found.append(halves)
    finally:
        document.close()
    return found


def test_only_the_selected_profile_is_built(minimal):
    (minimal / "coopbrochure.yaml").write_text("slug: minimal\nprofiles: [print, web]\n", encoding="utf-8")
    result = build(minimal, profiles=("print",))
    assert [edition.path.name for edition in result.editions] == ["minimal-nl-a4-print.pdf"]
    assert not (minimal / "output/minimal-nl-a4-web.pdf").exists()
    assert "Een kleine publicatie" in " ".join(page_texts(minimal / "output/minimal-nl-a4-print.pdf"))
