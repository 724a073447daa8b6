"""Prepress: images (and SVG files) made ready for a profile: CMYK through the colour policy for print, small for web."""

from __future__ import annotations

import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from . import colour
from .colour import BUNDLED_CMYK_PROFILE, PrintCondition
from .render import write_atomically

__all__ = ["BUNDLED_CMYK_PROFILE", "Target", "icc_colour_space", "prepare_image"]
RASTER_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp"}
MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Target:
    """What images and colours are prepared for: a profile and the largest size an image can be placed at."""

    profile: str  # "print" or "web"
    page_mm: tuple[float, float]  # the largest placement: the page with its bleed
    ppi: int  # resolution kept at that size
    condition: PrintCondition | None = None  # the print condition: CMYK profile and ink limit (print)
    quality: int = 90

    @property
    def max_pixels(self) -> tuple[int, int]:
        """(short side, long side) in pixels: the page at `ppi`, in either orientation."""
        short, long = sorted(self.page_mm)
        return round(short / MM_PER_INCH * self.ppi), round(long / MM_PER_INCH * self.ppi)

    @property
    def key(self) -> str:
        icc = (f"{_profile_digest(self.condition.icc)}-{self.condition.ink_limit:g}-{colour.POLICY_VERSION}"
               if self.condition else "rgb")
        return f"{self.profile}-{self.max_pixels[0]}x{self.max_pixels[1]}-{icc}-q{self.quality}"


# ---- Colours -------------------------------------------------------------------------------------------

def icc_colour_space(data: bytes) -> str | None:
    """The colour space an ICC profile's header names ("CMYK", "RGB", "GRAY"...), or None if it is no profile."""
    if len(data) < 40 or data[36:40] != b"acsp":
        return None
    return data[16:20].decode("latin-1").strip()


# ---- Images --------------------------------------------------------------------------------------------

def prepare_image(path: Path, target: Target, cache_dir: Path) -> tuple[bytes, str] | None:
    """The image at `path` as the target needs it, with its media type; None when it can be used as it is.

    Prepared images are kept in `cache_dir` under the digest of the source and the target, so each is
    converted once, whatever the number of editions and builds that use it.
    """
    suffix = path.suffix.lower()
    vector = suffix == ".svg"
    if vector and (target.profile != "print" or target.condition is None) or not vector and suffix not in RASTER_SUFFIXES:
        return None
    source = path.read_bytes()
    cached_stem = cache_dir / f"{_digest(source)[:24]}-{target.key}"
    for suffix, media_type in ((".svg", "image/svg+xml"), (".jpg", "image/jpeg"), (".png", "image/png")):
        if cached_stem.with_suffix(suffix).is_file():
            return cached_stem.with_suffix(suffix).read_bytes(), media_type
    if vector:
        data, suffix, media_type = colour.svg(source, target.condition), ".svg", "image/svg+xml"
    else:
        data, suffix, media_type = _convert_raster(source, target)
    write_atomically(cached_stem.with_suffix(suffix), data)
    return data, media_type


def _convert_raster(source: bytes, target: Target) -> tuple[bytes, str, str]:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(source)) as opened:
        opened.draft("RGB", _draft_size(opened.size, target))  # JPEG: decode at a reduced scale when it can
        image = ImageOps.exif_transpose(opened)
        embedded_profile = opened.info.get("icc_profile")
    image = _fit(image, target)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if target.profile == "print":
        if has_alpha:
            image = _flatten(image)
        if image.mode != "CMYK":
            image = colour.image(image, embedded_profile, target.condition)
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
