"""Print colour: every conversion from sRGB to the print condition's CMYK, under one stated policy.

The policy (README, "Print colour"):

- Rendering intent: relative colorimetric with black-point compensation, for every kind of content
  (flat colours in CSS and SVG, the stops of gradients, photographs), so that one brand colour prints
  the same in a flat area, in a gradient and in a photo.
- Near-neutral flat colours (text, rules, greys) print in black ink only: a colour whose CIELAB chroma is
  at most NEUTRAL_CHROMA_DARK (dark colours, where text lives) or NEUTRAL_CHROMA_LIGHT (light tints) is
  given the K value whose printed lightness matches its own (solid from SOLID_BLACK). Small type in four inks blurs when the
  plates are slightly out of register, and a grey in four inks shifts colour on press.
- No area exceeds the total-ink limit (the sum C+M+Y+K, in percent; 300 for FOGRA39 coated unless the
  project sets `print.ink_limit`): over it, cyan, magenta and yellow are reduced and black is kept.
- Gradients stay sRGB through layout (WeasyPrint 70 cannot write CMYK gradient stops) and their
  shadings are converted after layout by `finish`, with the same function as flat colours.
"""

from __future__ import annotations

import functools
import io
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

BUNDLED_CMYK_PROFILE = Path(__file__).resolve().parent / "profiles" / "coopbrochure-fogra39.icc"
DEFAULT_INK_LIMIT = 300  # percent: FOGRA39 (ISO 12647-2 coated, sheet-fed offset)
NEUTRAL_CHROMA_DARK = 10.0  # C*ab up to which a colour darker than NEUTRAL_LIGHTNESS is printed K-only
NEUTRAL_CHROMA_LIGHT = 3.0  # ... and a lighter one (a tinted background keeps its tint)
NEUTRAL_LIGHTNESS = 50.0
SOLID_BLACK = 0.95  # a K-only colour at least this dark prints solid (and so overprints): no screen on text edges
INTENT = "relative colorimetric with black-point compensation"
POLICY_VERSION = 2  # part of the prepared-image cache key: change it when the policy changes

# SVG presentation attributes and properties that hold a paint colour. `stop-color` is not among them:
# gradient stops stay sRGB and their shadings are converted after layout (see the module docstring).
SVG_PAINT = ("fill", "stroke", "flood-color", "lighting-color", "color")
CSS_GRADIENTS = {"linear-gradient", "radial-gradient", "repeating-linear-gradient", "repeating-radial-gradient",
                 "conic-gradient", "repeating-conic-gradient", "url"}


@dataclass(frozen=True)
class PrintCondition:
    """The print shop's condition: its CMYK output profile and its total-ink limit, in percent."""

    icc: Path = BUNDLED_CMYK_PROFILE
    ink_limit: float = DEFAULT_INK_LIMIT

    def inks(self, rgb: tuple[int, int, int]) -> tuple[float, float, float, float]:
        """The CMYK inks (0–1) for an sRGB flat colour, under the policy."""
        return _inks(tuple(int(value) for value in rgb), self.icc, float(self.ink_limit))

    def css_colour_profile(self) -> str:
        """The @color-profile rule that makes WeasyPrint write the output intent with this profile."""
        return (f"@color-profile device-cmyk {{ src: url({self.icc.as_uri()}); "
                "components: cyan, magenta, yellow, black }\n")


# ---- One colour ----------------------------------------------------------------------------------------

@functools.cache
def _transforms(icc: Path):
    from PIL import ImageCms

    # Read into memory: a profile opened from a file keeps its descriptor and reads tags lazily, and forked
    # build workers share that descriptor's offset, so their reads interleave ("Could not get profile").
    cmyk = ImageCms.ImageCmsProfile(io.BytesIO(icc.read_bytes()))
    srgb, lab = ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB")
    flags = ImageCms.Flags.BLACKPOINTCOMPENSATION
    to_cmyk = ImageCms.buildTransform(srgb, cmyk, "RGB", "CMYK",
                                      renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC, flags=flags)
    to_lab = ImageCms.buildTransform(srgb, lab, "RGB", "LAB")
    black_to_lab = ImageCms.buildTransform(cmyk, lab, "CMYK", "LAB",
                                           renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC, flags=flags)
    return to_cmyk, to_lab, black_to_lab


def srgb_to_lab(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    """CIELAB (D50, as ICC profiles use it) of an sRGB colour."""
    from PIL import Image, ImageCms

    lightness, a, b = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), _transforms(BUNDLED_CMYK_PROFILE)[1]
                                              ).getpixel((0, 0))
    return lightness * 100 / 255, a - 128, b - 128  # Pillow keeps a* and b* offset by 128


@functools.cache
def _black_ramp(icc: Path) -> tuple[list[float], list[int]]:
    """Printed L* of K-only tints 0…255 (increasing lightness order: K 255 first)."""
    from PIL import Image, ImageCms

    ramp = Image.new("CMYK", (256, 1))
    ramp.putdata([(0, 0, 0, 255 - k) for k in range(256)])
    lab = ImageCms.applyTransform(ramp, _transforms(icc)[2])
    return [lab.getpixel((k, 0))[0] * 100 / 255 for k in range(256)], [255 - k for k in range(256)]


def is_near_neutral(lab: tuple[float, float, float]) -> bool:
    lightness, a, b = lab
    chroma = (a * a + b * b) ** 0.5
    return chroma <= (NEUTRAL_CHROMA_DARK if lightness < NEUTRAL_LIGHTNESS else NEUTRAL_CHROMA_LIGHT)


@functools.lru_cache(maxsize=8192)
def _inks(rgb: tuple[int, int, int], icc: Path, ink_limit: float) -> tuple[float, float, float, float]:
    from PIL import Image, ImageCms

    lab = srgb_to_lab(rgb)
    if is_near_neutral(lab):
        lightness, black = _black_ramp(icc)
        black = black[min(bisect_left(lightness, lab[0]), 255)] / 255
        return (0.0, 0.0, 0.0, 1.0 if black >= SOLID_BLACK else round(black, 3))
    pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), _transforms(icc)[0]).getpixel((0, 0))
    return limit_ink(tuple(value / 255 for value in pixel), ink_limit)


def limit_ink(inks: tuple[float, ...], ink_limit: float) -> tuple[float, float, float, float]:
    """Inks with C, M and Y reduced in proportion where their sum with K exceeds the limit (percent)."""
    cyan, magenta, yellow, black = inks
    allowed, colour = ink_limit / 100 - black, cyan + magenta + yellow
    if colour > allowed and colour > 0:
        factor = max(0.0, allowed) / colour
        cyan, magenta, yellow = cyan * factor, magenta * factor, yellow * factor
    return tuple(round(value, 3) for value in (cyan, magenta, yellow, black))


# ---- CSS -----------------------------------------------------------------------------------------------

def css_value(text: str, condition: PrintCondition) -> str:
    """A CSS value with every sRGB colour in it given as `device-cmyk()` (gradients and url() excepted)."""
    import tinycss2

    return tinycss2.serialize(_convert_tokens(tinycss2.parse_component_value_list(text), condition))


def _cmyk_css(colour, condition: PrintCondition) -> str | None:
    if colour is None or colour == "currentcolor" or getattr(colour, "space", None) != "srgb":
        return None
    red, green, blue = (round(max(0.0, min(1.0, channel)) * 255) for channel in colour.coordinates)
    if colour.alpha == 0:
        return None  # transparent: nothing is printed
    inks = " ".join(f"{value:g}" for value in condition.inks((red, green, blue)))
    return f"device-cmyk({inks}{'' if colour.alpha == 1 else f' / {colour.alpha:g}'})"


def _convert_tokens(tokens: list, condition: PrintCondition) -> list:
    import tinycss2
    from tinycss2.color4 import parse_color

    converted = []
    for token in tokens:
        if token.type == "function" and token.lower_name in CSS_GRADIENTS:
            converted.append(token)
            continue
        if token.type in ("hash", "ident", "function"):
            replacement = _cmyk_css(parse_color(token), condition)
            if replacement is not None:
                converted.extend(tinycss2.parse_component_value_list(replacement))
                continue
        if token.type == "function":
            token.arguments = _convert_tokens(token.arguments, condition)
        converted.append(token)
    return converted


def stylesheet(css: str, condition: PrintCondition, properties=None) -> str:
    """A stylesheet with the sRGB colours of its declarations in CMYK; selectors untouched.

    `properties` decides which declarations hold colours (default: any that may, custom properties too).
    """
    import tinycss2

    return _convert_rules(tinycss2.parse_stylesheet(css), condition, properties or _may_hold_colour)


def _may_hold_colour(name: str) -> bool:
    return name.startswith("--") or any(part in name for part in (
        "color", "background", "border", "outline", "shadow", "column-rule", "decoration", "fill", "stroke"))


def _convert_rules(rules, condition, properties) -> str:
    import tinycss2

    parts = []
    for rule in rules:
        if rule.type == "qualified-rule":
            parts.append(f"{tinycss2.serialize(rule.prelude)}{{{_convert_block(rule.content, condition, properties)}}}")
        elif rule.type == "at-rule" and rule.content is not None:
            nested = rule.lower_at_keyword in ("media", "supports", "layer", "container")
            inner = (_convert_rules(tinycss2.parse_rule_list(rule.content), condition, properties) if nested
                     else _convert_block(rule.content, condition, properties))
            parts.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
        else:
            parts.append(rule.serialize())
    return "".join(parts)


def _convert_block(content, condition, properties) -> str:
    """Declarations and nested rules (margin boxes of @page, for instance) of one block."""
    import tinycss2

    parts = []
    for item in tinycss2.parse_blocks_contents(content):
        if item.type == "declaration" and properties(item.lower_name):
            important = " !important" if item.important else ""
            parts.append(f"{item.name}:{tinycss2.serialize(_convert_tokens(item.value, condition))}{important};")
        elif item.type in ("at-rule", "qualified-rule"):
            parts.append(_convert_rules([item], condition, properties))
        else:
            parts.append(item.serialize() + (";" if item.type == "declaration" else ""))
    return "".join(parts)


# ---- SVG -----------------------------------------------------------------------------------------------

SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def svg(document: bytes, condition: PrintCondition) -> bytes:
    """An SVG document with its sRGB paint in CMYK: presentation attributes, style attributes, <style> sheets.

    The document is parsed (defusedxml), never rewritten as text: words in <text> that look like CSS stay.
    Gradient stops stay sRGB (see the module docstring).
    """
    import xml.etree.ElementTree as ElementTree

    from defusedxml.ElementTree import fromstring

    root = fromstring(document)
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        for name in SVG_PAINT:
            if name in element.attrib:
                element.set(name, css_value(element.get(name), condition))
        if "style" in element.attrib:
            element.set("style", _style_attribute(element.get("style"), condition))
        if tag == "style" and element.text:
            element.text = stylesheet(element.text, condition, _svg_paint_property)
    for prefix, uri in _namespaces(document).items():
        ElementTree.register_namespace(prefix, uri)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def _svg_paint_property(name: str) -> bool:
    return name in SVG_PAINT or name.startswith("--")


def _style_attribute(text: str, condition: PrintCondition) -> str:
    import tinycss2

    parts = []
    for item in tinycss2.parse_blocks_contents(text, skip_whitespace=True, skip_comments=True):
        if item.type != "declaration":
            continue
        value = (_convert_tokens(item.value, condition) if _svg_paint_property(item.lower_name) else item.value)
        parts.append(f"{item.name}:{tinycss2.serialize(value).strip()}{' !important' if item.important else ''}")
    return ";".join(parts)


def _namespaces(document: bytes) -> dict[str, str]:
    """Prefixes the document declares, so that the rewritten one keeps them (svg as the default namespace)."""
    from defusedxml.ElementTree import iterparse

    found = {"": SVG_NAMESPACE, "xlink": "http://www.w3.org/1999/xlink"}
    for _, (prefix, uri) in iterparse(io.BytesIO(document), events=("start-ns",)):
        if prefix and not prefix.startswith("ns"):
            found[prefix] = uri
    return found


# ---- Images --------------------------------------------------------------------------------------------

def image(picture, embedded_profile: bytes | None, condition: PrintCondition):
    """A CMYK image for an RGB (or grey) one, through its own profile (sRGB when it has none), ink limited."""
    import numpy
    from PIL import Image, ImageCms

    source = (ImageCms.ImageCmsProfile(io.BytesIO(embedded_profile)) if embedded_profile
              else ImageCms.createProfile("sRGB"))
    cmyk = ImageCms.profileToProfile(picture.convert("RGB"), source, str(condition.icc),
                                     renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC, outputMode="CMYK",
                                     flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
    inks = numpy.asarray(cmyk, dtype=numpy.float32)
    limit = condition.ink_limit / 100 * 255
    total = inks.sum(axis=2)
    if (total <= limit + 0.5).all():
        return cmyk
    colour = inks[..., :3].sum(axis=2)
    factor = numpy.where(total > limit, numpy.clip((limit - inks[..., 3]) / numpy.maximum(colour, 1e-6), 0, 1), 1)
    inks[..., :3] *= factor[..., None]
    return Image.fromarray(numpy.floor(inks).astype(numpy.uint8), "CMYK")
