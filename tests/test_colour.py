"""The print colour policy: K-only neutrals, the ink limit, one intent, SVG rewritten by parsing, CMYK shadings."""

from __future__ import annotations

import concurrent.futures
import io
import multiprocessing

import pikepdf
import pytest
from PIL import Image

from coopbrochure import colour
from coopbrochure.colour import PrintCondition
from coopbrochure.finish import finish_print

FOGRA39 = PrintCondition()


@pytest.mark.parametrize("rgb", [(0, 0, 0), (1, 1, 1), (0x1D, 0x27, 0x30), (0x33, 0x33, 0x33), (0x5B, 0x6B, 0x75),
                                 (0x80, 0x80, 0x80), (0xF0, 0xF0, 0xF0)])
def test_text_and_near_neutral_colours_print_in_black_ink_only(rgb):
    cyan, magenta, yellow, black = FOGRA39.inks(rgb)
    assert (cyan, magenta, yellow) == (0, 0, 0) and 0 < black <= 1


def test_body_text_and_near_blacks_are_solid_black():
    assert FOGRA39.inks((0x1D, 0x27, 0x30)) == (0, 0, 0, 1.0)  # the theme's body text: overprints
    assert FOGRA39.inks((1, 1, 1)) == (0, 0, 0, 1.0)  # not a 319 % four-ink black
    light, dark = FOGRA39.inks((0xC0, 0xC0, 0xC0))[3], FOGRA39.inks((0x60, 0x60, 0x60))[3]
    assert 0 < light < dark < 1, "greys keep their lightness as a black tint"


def test_chromatic_colours_keep_their_inks_and_tints_their_tint():
    teal = FOGRA39.inks((0x0B, 0x4F, 0x6C))
    assert teal[0] > 0.5 and teal[3] > 0
    assert sum(FOGRA39.inks((0xE3, 0xEE, 0xF1))[:3]) > 0, "a light blue-grey panel keeps its tint"


@pytest.mark.parametrize("rgb", [(0x10, 0x20, 0x60), (0x30, 0x05, 0x10), (0x05, 0x30, 0x10), (0x20, 0x10, 0x00)])
def test_no_colour_exceeds_the_ink_limit(rgb):
    assert sum(FOGRA39.inks(rgb)) <= 3.0 + 1e-9
    assert sum(PrintCondition(ink_limit=240).inks(rgb)) <= 2.4 + 1e-9


def test_images_are_ink_limited_with_the_same_intent_as_flat_colours():
    import numpy

    picture = Image.new("RGB", (4, 1))
    picture.putdata([(0, 0, 0), (1, 1, 1), (0x0B, 0x4F, 0x6C), (255, 255, 255)])  # black: 320 % through the ICC
    inks = numpy.asarray(colour.image(picture, None, FOGRA39), dtype=float) / 255
    assert 2.9 < inks.sum(axis=2).max() <= 3.0 + 0.01
    flat = numpy.array(FOGRA39.inks((0x0B, 0x4F, 0x6C)))
    assert numpy.abs(inks[0, 2] - flat).max() < 0.02, "a brand colour prints alike in a photo and a flat area"


def test_css_colours_become_cmyk_but_selectors_and_gradients_stay():
    css = "#cover, .a { color: #c8553d; background: linear-gradient(red, blue); border: 1pt solid rgba(0,0,0,.5) }"
    converted = colour.stylesheet(css, FOGRA39)
    assert converted.startswith("#cover, .a")
    assert "color:device-cmyk(" in converted.replace(" ", "") and "linear-gradient(red, blue)" in converted
    assert "device-cmyk(0 0 0 1 / 0.5)" in converted
    assert colour.css_value("#000", FOGRA39) == "device-cmyk(0 0 0 1)"


def test_svg_is_rewritten_by_parsing_so_text_stays_as_written():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
           b'<style>.sea { fill: #0b4f6c } text { font-size: 3px }</style>'
           b'<linearGradient id="g"><stop offset="0" stop-color="#0b4f6c"/></linearGradient>'
           b'<rect fill="url(#g)" stroke="none" style="stroke: #c8553d; opacity: .5"/>'
           b'<text fill="#1d2730">water color: blue; fill: red</text><use xlink:href="#g"/></svg>')
    converted = colour.svg(svg, FOGRA39).decode()
    assert ">water color: blue; fill: red</text>" in converted, "words in <text> are not CSS"
    assert 'fill="device-cmyk(0 0 0 1)"' in converted and 'stroke="none"' in converted
    assert "stroke:device-cmyk(" in converted and "opacity:.5" in converted
    assert ".sea{fill:device-cmyk(" in converted.replace(" ", "")
    assert 'stop-color="#0b4f6c"' in converted, "gradient stops stay sRGB: shadings are converted after layout"
    assert 'xlink:href="#g"' in converted and "<svg xmlns=" in converted


def _gradient_pdf() -> bytes:
    """What WeasyPrint 70 writes for an SVG gradient in a CMYK document: sRGB stops in the CMYK space."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(100, 100))
    function = pikepdf.Dictionary(FunctionType=3, Domain=[0, 1], Bounds=[0.5], Encode=[0, 1, 0, 1], Functions=[
        pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0.043, 0.31, 0.424], C1=[0.216, 0.47, 0.553], N=1),
        pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0.216, 0.47, 0.553], C1=[1, 1, 1], N=1)])
    shading = pdf.make_indirect(pikepdf.Dictionary(ShadingType=2, ColorSpace=pikepdf.Name.DeviceCMYK,
                                                   Coords=[0, 0, 100, 0], Function=function, Extend=[True, True]))
    page.Resources = pikepdf.Dictionary(Shading=pikepdf.Dictionary(Sh0=shading))
    page.Contents = pdf.make_stream(b"/Sh0 sh")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_gradient_stops_are_converted_after_layout_through_the_policy():
    with pikepdf.open(io.BytesIO(finish_print(_gradient_pdf(), FOGRA39))) as pdf:
        shading = pdf.pages[0].Resources.Shading.Sh0
        assert shading.ColorSpace == pikepdf.Name.DeviceCMYK
        parts = [part for segment in shading.Function.Functions for part in segment.Functions]
        assert all(len(part.C0) == len(part.C1) == 4 for part in parts)
        first = [float(value) for value in parts[0].C0]
        assert first == pytest.approx(FOGRA39.inks((11, 79, 108)), abs=0.002), "the dark teal of the cover sky"
        assert [float(value) for value in parts[-1].C1] == [0, 0, 0, 0], "white is no ink"


def test_rgb_left_by_layout_is_converted_through_the_policy():
    """An SVG path without a fill is painted black by default: WeasyPrint writes that as RGB."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(100, 100))
    page.Contents = pdf.make_stream(b"0 0 0 rg 0.043 0.31 0.424 RG 0 0 10 10 re B")
    out = io.BytesIO()
    pdf.save(out)
    with pikepdf.open(io.BytesIO(finish_print(out.getvalue(), FOGRA39))) as finished:
        operations = {str(item.operator): [float(value) for value in item.operands]
                      for item in pikepdf.parse_content_stream(finished.pages[0])}
    assert "rg" not in operations and "RG" not in operations
    assert operations["k"] == [0, 0, 0, 1]
    assert operations["K"] == pytest.approx(FOGRA39.inks((11, 79, 108)), abs=0.002)


def test_output_intent_names_the_registered_condition_or_the_shops_profile(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(100, 100))
    profile = pdf.make_stream(b"unshared copy")
    pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX, OutputConditionIdentifier="Coopbrochure FOGRA39",
        DestOutputProfile=profile)])
    out = io.BytesIO()
    pdf.save(out)
    shipped = colour.BUNDLED_CMYK_PROFILE.read_bytes()
    with pikepdf.open(io.BytesIO(finish_print(out.getvalue(), FOGRA39))) as finished:
        [intent] = finished.Root.OutputIntents
        assert (str(intent.OutputConditionIdentifier), str(intent.RegistryName)) == ("FOGRA39", "http://www.color.org")
        assert intent.DestOutputProfile.read_bytes() == shipped and intent.DestOutputProfile.N == 4
    shop = tmp_path / "shop.icc"
    shop.write_bytes(shipped)
    with pikepdf.open(io.BytesIO(finish_print(out.getvalue(), PrintCondition(shop, 320)))) as finished:
        [intent] = finished.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "Custom" and "/RegistryName" not in intent
        assert str(intent.Info) and intent.DestOutputProfile.read_bytes() == shipped


def test_build_workers_forked_after_a_conversion_convert_side_by_side():
    """Editions render in forked workers: the profile they inherit must not share a file offset."""
    colour._transforms.cache_clear()
    colour._inks.cache_clear()
    colour.PrintCondition().inks((10, 120, 200))  # the parent converts first, as `build` does
    with concurrent.futures.ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("fork")) as pool:
        converted = list(pool.map(_convert_many, range(4)))
    assert converted == [2000] * 4


def _convert_many(seed: int) -> int:
    colour._inks.cache_clear()  # every call goes to LittleCMS
    return sum(1 for n in range(2000) if colour.PrintCondition().inks(((seed * 37 + n) % 256, n % 200, 90)))
