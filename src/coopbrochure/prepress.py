"""Prepress: colours and images made ready for a profile, CMYK through an ICC profile for print, small for web."""

from __future__ import annotations

import functools
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .render import write_atomically

BUNDLED_CMYK_PROFILE = Path(__file__).resolve().parent / "profiles" / "coopbrochure-fogra39.icc"
RASTER_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp"}
MM_PER_INCH = 25.4

# Properties whose values may hold colours (custom properties too: the theme keeps its palette in them).
_COLOUR_PROPERTY = re.compile(r"^--|color|background|border|outline|shadow|column-rule|decoration|fill|stroke")
# Inside these functions colours stay sRGB: WeasyPrint 70 cannot draw CMYK gradients.
_KEEP_RGB_IN = {"linear-gradient", "radial-gradient", "repeating-linear-gradient", "repeating-radial-gradient", "url"}
_SVG_COLOUR = re.compile(
    r"""(?P<name>\b(?:fill|stroke|stop-color|flood-color|lighting-color|color))(?P<sep>\s*=\s*["']|\s*:\s*)"""
    r"""(?P<value>[^"';}<>]+)""")


@dataclass(frozen=True)
class Target:
    """What images and colours are prepared for: a profile and the largest size an image can be placed at."""

    profile: str  # "print" or "web"
    page_mm: tuple[float, float]  # the largest placement: the page with its bleed
    ppi: int  # resolution kept at that size
    icc: Path | None = None  # the CMYK output profile (print)
    quality: int = 90

    @property
    def max_pixels(self) -> tuple[int, int]:
        """(short side, long side) in pixels: the page at `ppi`, in either orientation."""
        short, long = sorted(self.page_mm)
        return round(short / MM_PER_INCH * self.ppi), round(long / MM_PER_INCH * self.ppi)

    @property
    def key(self) -> str:
        icc = _profile_digest(self.icc) if self.icc else "rgb"
        return f"{self.profile}-{self.max_pixels[0]}x{self.max_pixels[1]}-{icc}-q{self.quality}"


# ---- Colours -------------------------------------------------------------------------------------------

def icc_colour_space(data: bytes) -> str | None:
    """The colour space an ICC profile's header names ("CMYK", "RGB", "GRAY"...), or None if it is no profile."""
    if len(data) < 40 or data[36:40] != b"acsp":
        return None
    return data[16:20].decode("latin-1").strip()


@functools.cache
def _rgb_to_cmyk(icc: Path):
    from PIL import ImageCms

    return ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(icc)), "RGB", "CMYK",
                                   renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                   flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)


@functools.lru_cache(maxsize=4096)
def cmyk_components(rgb: tuple[int, int, int], icc: Path) -> tuple[float, float, float, float]:
    """The CMYK ink values (0–1) that the print condition of `icc` needs to reproduce an sRGB colour."""
    from PIL import Image, ImageCms

    if rgb == (0, 0, 0):
        return (0.0, 0.0, 0.0, 1.0)  # text black is printed with black ink only, never with four inks
    pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), _rgb_to_cmyk(icc)).getpixel((0, 0))
    return tuple(round(value / 255, 3) for value in pixel)


def _cmyk_css(colour, icc: Path) -> str | None:
    """`device-cmyk(c m y k)` for a parsed sRGB colour; None for colours that are not plain sRGB."""
    if colour is None or colour == "currentcolor" or getattr(colour, "space", None) != "srgb":
        return None
    red, green, blue = (round(max(0.0, min(1.0, channel)) * 255) for channel in colour.coordinates)
    alpha = colour.alpha
    if alpha == 0:
        return None  # transparent: nothing is printed
    inks = " ".join(f"{value:g}" for value in cmyk_components((red, green, blue), icc))
    return f"device-cmyk({inks}{'' if alpha == 1 else f' / {alpha:g}'})"


def cmyk_value(text: str, icc: Path) -> str:
    """A CSS value with every sRGB colour in it replaced by its CMYK equivalent (gradients excepted)."""
    import tinycss2

    return tinycss2.serialize(_convert_tokens(tinycss2.parse_component_value_list(text), icc))


def _convert_tokens(tokens: list, icc: Path) -> list:
    import tinycss2
    from tinycss2.color4 import parse_color

    converted = []
    for token in tokens:
        if token.type == "function" and token.lower_name in _KEEP_RGB_IN:
            converted.append(token)
            continue
        if token.type in ("hash", "ident", "function"):
            replacement = _cmyk_css(parse_color(token), icc)
            if replacement is not None:
                converted.extend(tinycss2.parse_component_value_list(replacement))
                continue
        if token.type == "function":
            token.arguments = _convert_tokens(token.arguments, icc)
        converted.append(token)
    return converted


def cmyk_stylesheet(css: str, icc: Path) -> str:
    """A stylesheet with the sRGB colours of its declarations given in CMYK for `icc`; selectors untouched."""
    import tinycss2

    return _convert_rules(tinycss2.parse_stylesheet(css), icc)


def _convert_rules(rules, icc: Path) -> str:
    import tinycss2

    parts = []
    for rule in rules:
        if rule.type == "qualified-rule":
            parts.append(f"{tinycss2.serialize(rule.prelude)}{{{_convert_block(rule.content, icc)}}}")
        elif rule.type == "at-rule" and rule.content is not None:
            nested_rules = rule.lower_at_keyword in ("media", "supports", "layer", "container")
            inner = (_convert_rules(tinycss2.parse_rule_list(rule.content), icc) if nested_rules
                     else _convert_block(rule.content, icc))
            parts.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
        else:
            parts.append(rule.serialize())
    return "".join(parts)


def _convert_block(content, icc: Path) -> str:
    """Declarations and nested rules (margin boxes of @page, for instance) of one block."""
    import tinycss2

    parts = []
    for item in tinycss2.parse_blocks_contents(content):
        if item.type == "declaration" and _COLOUR_PROPERTY.search(item.lower_name):
            important = " !important" if item.important else ""
            parts.append(f"{item.name}:{tinycss2.serialize(_convert_tokens(item.value, icc))}{important};")
        elif item.type in ("at-rule", "qualified-rule"):
            parts.append(_convert_rules([item], icc))
        else:
            parts.append(item.serialize() + (";" if item.type == "declaration" else ""))
    return "".join(parts)


def cmyk_svg(svg: str, icc: Path) -> str:
    """An SVG document with its sRGB paint (attributes, style attributes, style sheets) given in CMYK."""
    def replace(match: re.Match) -> str:
        value = match["value"]
        converted = cmyk_value(value.strip(), icc)
        return f"{match['name']}{match['sep']}{converted if converted != value.strip() else value}"

    return _SVG_COLOUR.sub(replace, svg)


# ---- Images --------------------------------------------------------------------------------------------

def prepare_image(path: Path, target: Target, cache_dir: Path) -> tuple[bytes, str] | None:
    """The image at `path` as the target needs it, with its media type; None when it can be used as it is.

    Prepared images are kept in `cache_dir` under the digest of the source and the target, so each is
    converted once, whatever the number of editions and builds that use it.
    """
    suffix = path.suffix.lower()
    vector = suffix == ".svg"
    if vector and (target.profile != "print" or target.icc is None) or not vector and suffix not in RASTER_SUFFIXES:
        return None
    source = path.read_bytes()
    cached_stem = cache_dir / f"{_digest(source)[:24]}-{target.key}"
    for suffix, media_type in ((".svg", "image/svg+xml"), (".jpg", "image/jpeg"), (".png", "image/png")):
        if cached_stem.with_suffix(suffix).is_file():
            return cached_stem.with_suffix(suffix).read_bytes(), media_type
    if vector:
        data, suffix, media_type = cmyk_svg(source.decode("utf-8"), target.icc).encode("utf-8"), ".svg", "image/svg+xml"
    else:
        data, suffix, media_type = _convert_raster(source, target)
    write_atomically(cached_stem.with_suffix(suffix), data)
    return data, media_type


def _convert_raster(source: bytes, target: Target) -> tuple[bytes, str, str]:
    from PIL import Image, ImageCms, ImageOps

    with Image.open(io.BytesIO(source)) as opened:
        opened.draft("RGB", _draft_size(opened.size, target))  # JPEG: decode at a reduced scale when it can
        image = ImageOps.exif_transpose(opened)
        embedded_profile = opened.info.get("icc_profile")
    image = _fit(image, target)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if target.profile == "print":
        if has_alpha:
            image = _flatten(image)
        if image.mode not in ("L", "CMYK"):
            source_profile = (ImageCms.ImageCmsProfile(io.BytesIO(embedded_profile)) if embedded_profile
                              else ImageCms.createProfile("sRGB"))
            image = ImageCms.profileToProfile(image.convert("RGB"), source_profile, str(target.icc),
                                              renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode="CMYK")
        return _save(image, "JPEG", quality=target.quality), ".jpg", "image/jpeg"
    if has_alpha:
        return _save(image, "PNG", optimize=True), ".png", "image/png"
    rgb = image.convert("L" if image.mode in ("L", "1") else "RGB")
    return _save(rgb, "JPEG", quality=target.quality, optimize=True), ".jpg", "image/jpeg"


def _draft_size(size: tuple[int, int], target: Target) -> tuple[int, int]:
    short, long = target.max_pixels
    return (long, short) if size[0] >= size[1] else (short, long)


def _fit(image, target: Target):
    from PIL import Image

    short, long = target.max_pixels
    width, height = image.size
    scale = min(1.0, short / min(width, height), long / max(width, height))
    if scale == 1.0:
        return image
    return image.resize((max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.LANCZOS)


def _flatten(image):
    from PIL import Image

    rgba = image.convert("RGBA")
    paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(paper, rgba).convert("RGB")


def _save(image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


@functools.lru_cache(maxsize=8)
def _profile_digest(icc: Path) -> str:
    return _digest(icc.read_bytes())[:12]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
