"""Preflight on real PDFs: hand-made bad ones, and WeasyPrint output for print and for the web."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from coopbrochure.cli import main
from coopbrochure.preflight import Finding, Report, preflight
from coopbrochure.prepress import BUNDLED_CMYK_PROFILE

A5 = "0 0 419.53 595.28"
PIXEL_PNG = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD"
             "hgGAWjR9awAAAABJRU5ErkJggg==")
FAKE_CMYK_ICC = b"\0" * 12 + b"prtr" + b"CMYK" + b"Lab " + b"\0" * 12 + b"acsp" + b"\0" * 88


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF file made of `objects` (numbered from 1; object 1 is the catalog), with a correct xref table."""
    out, offsets = bytearray(b"%PDF-1.6\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def rgb_jpeg(width: int = 200, height: int = 100) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bad_print_pdf(tmp_path_factory) -> Path:
    """Three pages without page boxes or output intent; a 200×100 px RGB JPEG and Helvetica, not embedded.

    Page 1 draws the image at 200×100 pt (72 ppi) and sets an RGB colour; page 2 draws it through a form
    nested in a scaled form, at 36 ppi and at 144 ppi; page 3 paints it in a tiling pattern at 288 ppi and
    draws a CMYK gradient whose colours have three values.
    """
    image = stream(b"/Type /XObject /Subtype /Image /Width 200 /Height 100 /ColorSpace /DeviceRGB "
                   b"/BitsPerComponent 8 /Filter /DCTDecode", rgb_jpeg())
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [" + A5.encode() + b"] /Contents %d 0 R "
            b"/Resources << /Font << /F1 4 0 R >> /XObject << /Im3 5 0 R /Fm2 7 0 R >> "
            b"/Pattern << /P1 8 0 R >> /Shading << /Sh1 9 0 R >> >> >>")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 10 0 R 13 0 R] /Count 3 >>",
        page % 11,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        image,
        stream(b"/Type /XObject /Subtype /Form /BBox [0 0 200 100] /Resources << /XObject << /Im3 5 0 R >> >>",
               b"q 200 0 0 100 0 0 cm /Im3 Do Q"),
        stream(b"/Type /XObject /Subtype /Form /BBox [0 0 200 100] /Matrix [2 0 0 2 0 0] "
               b"/Resources << /XObject << /Fm1 6 0 R >> >>", b"/Fm1 Do"),
        stream(b"/PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 200 100] /XStep 200 /YStep 100 "
               b"/Matrix [0.25 0 0 0.25 0 0] /Resources << /XObject << /Im3 5 0 R >> >>",
               b"q 200 0 0 100 0 0 cm /Im3 Do Q"),
        b"<< /ShadingType 2 /ColorSpace /DeviceCMYK /Coords [0 0 100 0] "
        b"/Function << /FunctionType 2 /Domain [0 1] /C0 [1 0 0] /C1 [0 1 0] /N 1 >> >>",
        page % 12,
        stream(b"", b"1 0 0 rg BT /F1 24 Tf 40 500 Td (Hello) Tj ET q 200 0 0 100 50 50 cm /Im3 Do Q"),
        stream(b"", b"q 0.5 0 0 0.5 0 0 cm /Fm2 Do Q q 0 0 0 1 k 1 0 0 1 0 300 cm /Fm2 Do Q"
                    b" q 0.25 0 0 0.25 0 0 cm /Fm2 Do Q"),
        page % 14,
        stream(b"", b"/Pattern cs /P1 scn 0 0 100 100 re f q /Sh1 sh Q"),
    ]
    path = tmp_path_factory.mktemp("bad") / "bad.pdf"
    path.write_bytes(raw_pdf(objects))
    return path


def weasyprint_pdf(body: str, css: str = "", **options) -> bytes:
    import weasyprint

    html = f"<html lang='en'><head><title>Dossier</title><style>{css}</style></head><body>{body}</body></html>"
    return weasyprint.HTML(string=html).write_pdf(**options)


CMYK_CSS = "@page { size: A5; bleed: 3mm } body { color: device-cmyk(0 0 0 1) } h1 { background: device-cmyk(0 1 0 0) }"


def with_output_intent(pdf: bytes, icc: bytes, components: int = 4) -> bytes:
    """`pdf` with a PDF/X output intent whose profile is `icc`."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    profile = StreamObject()
    profile.set_data(icc)
    profile[NameObject("/N")] = NumberObject(components)
    intent = DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"), NameObject("/S"): NameObject("/GTS_PDFX"),
        NameObject("/OutputConditionIdentifier"): TextStringObject("test"),
        NameObject("/DestOutputProfile"): writer._add_object(profile)})
    writer._root_object[NameObject("/OutputIntents")] = ArrayObject([intent])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def cmyk_profile() -> Path:
    """A real CMYK ICC profile: the one the package ships."""
    return BUNDLED_CMYK_PROFILE


def messages(report: Report, page: int | None) -> str:
    return "\n".join(finding.message for finding in report.findings if finding.page == page)


def test_bad_print_pdf_names_page_and_problem(bad_print_pdf):
    report = preflight(bad_print_pdf, "print")
    assert not report.ok()
    first = messages(report, 1)
    assert "font 'Helvetica' is not embedded" in first
    assert "image 'Im3' (200×100 px, placed at 71×35 mm) is 72 ppi at its placed size (300 needed" in first
    assert "RGB colour (1 colour setting, 1 image)" in first
    assert "no TrimBox and no BleedBox" in first and "(also on pages 2–3)" in first
    document = messages(report, None)
    assert "no PDF/X output intent" in document and "no PDF/X identification" in document
    severities = {finding.message.split(" is ")[0]: finding.severity for finding in report.findings}
    assert severities["font 'Helvetica'"] == "error"


def test_images_in_nested_forms_and_patterns_are_measured_at_placed_size(bad_print_pdf):
    report = preflight(bad_print_pdf, "print")
    second = [finding for finding in report.findings if finding.page == 2 and finding.message.startswith("image")]
    assert len(second) == 1 and " is 36 ppi " in second[0].message  # lowest of 36, 72 and 144 ppi
    assert second[0].severity == "error"
    third = [finding for finding in report.findings if finding.page == 3]
    ppi = next(finding for finding in third if finding.message.startswith("image"))
    assert " is 288 ppi " in ppi.message and ppi.severity == "warning"
    assert any("RGB colour (1 gradient, 1 image)" in finding.message for finding in third)


def test_the_command_exits_1_naming_page_and_problem(bad_print_pdf, tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(bad_print_pdf.read_bytes())
    result = CliRunner().invoke(main, ["preflight", str(path)])
    assert result.exit_code == 1
    assert "bad.pdf: print, 3 pages" in result.stdout
    assert "bad.pdf: page 1: error: font 'Helvetica' is not embedded" in result.stderr
    assert "bad.pdf: page 1: error: image 'Im3' (200×100 px, placed at 71×35 mm) is 72 ppi" in result.stderr


def test_thresholds_are_parameters(bad_print_pdf):
    report = preflight(bad_print_pdf, "print", min_ppi=30, low_ppi=20)
    assert not [finding for finding in report.findings if finding.message.startswith("image")]


def test_web_profile_checks_fonts_but_not_colour_or_resolution(bad_print_pdf):
    report = preflight(bad_print_pdf, "web")
    text = "\n".join(report.lines())
    assert "Helvetica" in text and "ppi" not in text and "RGB" not in text and "PDF/X" not in text
    assert "not marked as tagged" in text and "no document language" in text and "no document title" in text


def test_report_lines_and_summary(bad_print_pdf):
    report = preflight(bad_print_pdf, "print")
    assert report.lines()[0].startswith("bad.pdf: page 1: error: ")
    assert "bad.pdf: error: no PDF/X output intent" in "\n".join(report.lines())
    assert report.summary() == (f"bad.pdf: print, 3 pages, {round(report.size_bytes / 1000)} kB, "
                                f"{len(report.errors)} errors, 1 warning")
    assert Report(Path("x.pdf"), "web", 1, 3_100_000, [Finding(None, "warning", "w")]).summary() \
        == "x.pdf: web, 1 page, 3.1 MB, 0 errors, 1 warning"


def test_cmyk_pdf_with_crafted_output_intent_is_ok(tmp_path):
    path = tmp_path / "cmyk.pdf"
    pdf = weasyprint_pdf("<h1>1</h1><p>Text</p>", CMYK_CSS, pdf_variant="pdf/x-4")
    path.write_bytes(with_output_intent(pdf, FAKE_CMYK_ICC))
    report = preflight(path, "print")
    assert report.ok(strict=True), report.lines()
    assert "PDF/X-4, 0 errors, 0 warnings" in report.summary()
    path.write_bytes(with_output_intent(pdf, FAKE_CMYK_ICC.replace(b"CMYK", b"RGB "), components=3))
    assert "has no CMYK ICC profile" in messages(preflight(path, "print"), None)


def test_weasyprint_cmyk_print_pdf_is_ok(tmp_path):
    profile = cmyk_profile()
    css = (f"@color-profile device-cmyk {{ src: url({profile.as_uri()}); components: cyan, magenta, yellow, black }}"
           + CMYK_CSS)
    path = tmp_path / "print.pdf"
    path.write_bytes(weasyprint_pdf("<h1>1</h1><p>Text</p>", css, pdf_variant="pdf/x-4", output_intent="device-cmyk"))
    report = preflight(path, "print")
    assert report.ok(strict=True), report.lines()


def test_missing_bleed_and_rgb_in_weasyprint_output(tmp_path):
    path = tmp_path / "rgb.pdf"
    path.write_bytes(weasyprint_pdf("<h1 style='color: rgb(200, 0, 0)'>1</h1>", "@page { size: A5 }"))
    report = preflight(path, "print")
    text = messages(report, 1)
    assert "no bleed at the left, bottom, right, top" in text and "RGB colour (" in text
    path.write_bytes(weasyprint_pdf("<h1>1</h1>", "@page { size: A5; bleed: 2mm }"))
    assert "bleed is only 2.0 mm" in messages(preflight(path, "print"), 1)


def test_tagged_pdf_passes_web_checks(tmp_path):
    path = tmp_path / "web.pdf"
    body = f"<h1>Andes</h1><p>Text</p><img alt='A map of the Andes' src='{PIXEL_PNG}'>"
    path.write_bytes(weasyprint_pdf(body, pdf_variant="pdf/ua-1"))
    report = preflight(path, "web")
    assert report.ok(strict=True), report.lines()
    assert report.summary().startswith("web.pdf: web, 1 page, ") and "PDF/UA-1" in report.summary()


def test_untagged_pdf_and_images_without_alt_fail_web_checks(tmp_path):
    path = tmp_path / "plain.pdf"
    path.write_bytes(weasyprint_pdf("<p>No headings</p>"))
    text = messages(preflight(path, "web"), None)
    assert "not marked as tagged" in text and "no structure tree" in text and "no bookmarks" in text
    path.write_bytes(weasyprint_pdf(f"<h1>A</h1><img src='{PIXEL_PNG}'><img src='{PIXEL_PNG}'>",
                                    pdf_variant="pdf/ua-1"))
    report = preflight(path, "web")
    assert [finding.message for finding in report.errors] == [
        "2 figures without alternative text: give every image an alt text"]


def test_booklet_needs_a_multiple_of_four_pages(tmp_path):
    path = tmp_path / "pages.pdf"
    path.write_bytes(weasyprint_pdf("<p>1</p>" * 3, "p { break-after: page }"))
    report = preflight(path, "web", booklet=True)
    assert any("3 pages is not a multiple of four" in finding.message and "add 1 page" in finding.message
               for finding in report.errors)
    path.write_bytes(weasyprint_pdf("<p>1</p>" * 4, "p { break-after: page }"))
    assert not [finding for finding in preflight(path, "web", booklet=True).errors if "four" in finding.message]


def test_file_size_target(tmp_path):
    path = tmp_path / "size.pdf"
    path.write_bytes(weasyprint_pdf("<p>Text</p>"))
    size = path.stat().st_size
    over = [finding.message for finding in preflight(path, "web", max_bytes=size - 1).errors]
    assert any(message.startswith(f"the file is {size:,} bytes, over the {size - 1:,} bytes target")
               for message in over)
    assert not [finding for finding in preflight(path, "web", max_bytes=size).errors if "target" in finding.message]


@pytest.mark.parametrize("content", [b"not a pdf at all", b"%PDF-1.7\n1 0 obj garbage", None])
def test_unreadable_or_missing_file_is_one_document_error(tmp_path, content):
    path = tmp_path / "broken.pdf"
    if content is not None:
        path.write_bytes(content)
    report = preflight(path, "print")
    assert report.pages == 0 and len(report.findings) == 1
    assert report.findings[0].page is None and report.findings[0].severity == "error"
    assert report.findings[0].message.startswith("cannot be read as a PDF")
    assert not report.ok()


def test_unknown_profile_is_a_programming_error(bad_print_pdf):
    with pytest.raises(ValueError, match="unknown preflight profile"):
        preflight(bad_print_pdf, "screen")


def _one_page(content: bytes, resources: bytes = b"", extra: list[bytes] = ()) -> bytes:
    """A PDF/X-4 page with bleed and a CMYK output intent, drawing `content`."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OutputIntents [<< /Type /OutputIntent /S /GTS_PDFX "
        b"/OutputConditionIdentifier (FOGRA39) /DestOutputProfile 5 0 R >>] >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [-9 -9 428.53 604.28] /BleedBox [-9 -9 428.53 604.28] "
        b"/TrimBox [0 0 419.53 595.28] /Contents 4 0 R /Resources << " + resources + b" >> >>",
        stream(b"", content),
        stream(b"/N 4", BUNDLED_CMYK_PROFILE.read_bytes()),
        *extra,
        b"<< /GTS_PDFXVersion (PDF/X-4) >>"]
    return raw_pdf(objects).replace(b"/Root 1 0 R", b"/Root 1 0 R /Info %d 0 R" % len(objects))


def test_strings_with_nested_parentheses_are_not_read_as_operators(tmp_path):
    path = tmp_path / "nested.pdf"
    path.write_bytes(_one_page(b"BT 0 0 0 1 k (a (b (c) d) rg e) Tj (f \\) 1 0 0 rg) Tj ET"))
    assert "RGB" not in messages(preflight(path, "print"), 1)
    path.write_bytes(_one_page(b"BT 1 0 0 rg (a (b (c) d) e) Tj ET"))
    assert "RGB colour (1 colour setting)" in messages(preflight(path, "print"), 1), "a real rg still counts"


def test_total_ink_over_the_limit_is_an_error(tmp_path):
    path = tmp_path / "ink.pdf"
    path.write_bytes(_one_page(b"0.8 0.7 0.7 0.95 k 0 0 100 100 re f"))  # 315 %: a plain ICC four-ink black
    report = preflight(path, "print")
    assert "a colour needs 315 % ink, over the 300 % limit" in messages(report, 1)
    assert preflight(path, "print", ink_limit=320).ok()
    assert CliRunner().invoke(main, ["preflight", str(path)]).exit_code == 1
    assert CliRunner().invoke(main, ["preflight", str(path), "--ink-limit", "320"]).exit_code == 0, "the shop's limit"
    path.write_bytes(_one_page(b"0.6 0.5 0.5 0.7 k 0 0 100 100 re f"))
    assert preflight(path, "print").ok()


def test_ink_of_cmyk_images_and_gradients_is_measured(tmp_path):
    buffer = io.BytesIO()
    Image.new("CMYK", (64, 64), (250, 250, 250, 250)).save(buffer, "JPEG", quality=95)  # 392 %
    image = stream(b"/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceCMYK "  # as WeasyPrint
                   b"/BitsPerComponent 8 /Decode [1 0 1 0 1 0 1 0] /Filter /DCTDecode", buffer.getvalue())
    path = tmp_path / "image.pdf"
    path.write_bytes(_one_page(b"q 100 0 0 100 0 0 cm /Im1 Do Q", b"/XObject << /Im1 6 0 R >>", [image]))
    assert "image 'Im1' needs 39" in messages(preflight(path, "print"), 1)
    shading = (b"<< /ShadingType 2 /ColorSpace /DeviceCMYK /Coords [0 0 100 0] /Function << /FunctionType 2 "
               b"/Domain [0 1] /C0 [0 0 0 0] /C1 [1 1 1 0.5] /N 1 >> >>")
    path.write_bytes(_one_page(b"/Sh1 sh", b"/Shading << /Sh1 6 0 R >>", [shading]))
    assert "a gradient needs 350 % ink" in messages(preflight(path, "print"), 1)


def test_small_text_in_a_four_ink_dark_is_reported(tmp_path):
    path = tmp_path / "text.pdf"
    font = b"/Font << /F1 << /Type /Font /Subtype /Type3 >> >>"  # Type3: embedded by definition
    path.write_bytes(_one_page(b"BT /F1 8 Tf 0.58 0.36 0.21 0.89 k (body) Tj ET", font))
    assert "1 run of small text (8–8 pt) in a dark colour of four inks" in messages(preflight(path, "print"), 1)
    for content in (b"BT /F1 8 Tf 0 0 0 1 k (body) Tj ET",  # black ink only
                    b"BT /F1 8 Tf 0.78 0.25 0.03 0.6 k (kicker) Tj ET",  # a brand colour
                    b"BT /F1 24 Tf 0.58 0.36 0.21 0.89 k (heading) Tj ET",  # large type
                    b"BT /F1 8 Tf 3 0 0 3 0 0 Tm 0.58 0.36 0.21 0.89 k (scaled up) Tj ET"):
        path.write_bytes(_one_page(content, font))
        assert preflight(path, "print").ok(strict=True), content


def test_transparency_is_an_error_in_a_pdfx_1a_file(tmp_path):
    path = tmp_path / "x1a.pdf"
    data = _one_page(b"/G1 gs 0 0 0 1 k 0 0 100 100 re f", b"/ExtGState << /G1 << /ca 0.5 >> >>")
    path.write_bytes(data.replace(b"(PDF/X-4)", b"(PDF/X-1a:2003)"))
    assert "transparency in a PDF/X-1a:2003 file" in messages(preflight(path, "print"), None)
    path.write_bytes(data)
    assert "transparency" not in messages(preflight(path, "print"), None), "PDF/X-4 allows it"


@pytest.mark.parametrize("profile", ["print", "web"])
def test_a_jpeg_not_the_size_its_dictionary_says_is_an_error(tmp_path, profile):
    jpeg = rgb_jpeg(100, 50)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [" + A5.encode() + b"] /Contents 4 0 R "
               b"/Resources << /XObject << /Im1 5 0 R /Im2 6 0 R >> >> >>",
               stream(b"", b"q 200 0 0 100 0 0 cm /Im1 Do Q q 100 0 0 50 0 200 cm /Im2 Do Q"),
               stream(b"/Type /XObject /Subtype /Image /Width 200 /Height 100 /ColorSpace /DeviceRGB "
                      b"/BitsPerComponent 8 /Filter /DCTDecode", jpeg),
               stream(b"/Type /XObject /Subtype /Image /Width 100 /Height 50 /ColorSpace /DeviceRGB "
                      b"/BitsPerComponent 8 /Filter /DCTDecode", jpeg)]
    path = tmp_path / "mismatched.pdf"
    path.write_bytes(raw_pdf(objects))
    mismatched = [finding.message for finding in preflight(path, profile).errors if "JPEG" in finding.message]
    assert mismatched == ["1 JPEG image(s) whose data (100×50 px) is not the size their dictionary says: viewers "
                          "and print shops draw them differently, some short of their frame; build again, and "
                          "report it if it stays"]
