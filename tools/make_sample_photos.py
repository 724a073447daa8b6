"""Regenerate the raster photographs of the Great Lakes sample from public-domain photos shipped by scikit-image.

Usage (scikit-image is in the optional `tools` dependencies: pip install -e '.[tools]'):

    python tools/make_sample_photos.py [--out samples/great-lakes/data/images]

Every source image ships inside the scikit-image wheel (skimage/data/*.png, *.jpg): nothing is downloaded.
Each output is a crop of its source, never enlarged: the pixel sizes written here are the real ones, and
samples/great-lakes/data/images/LICENCE.md lists them with the source, photographer and licence. Greyscale
textures are toned with a duotone (shadow colour to highlight colour); colour photos get a mild grade
(contrast, saturation, warmth, optional vignette). JPEG quality 84, progressive, no metadata.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image
from skimage import data

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "samples" / "great-lakes" / "data" / "images"
QUALITY = 84


def to_float(image: np.ndarray) -> np.ndarray:
    """uint8 grey or RGB(A) to float RGB in 0..1."""
    array = image.astype(np.float32) / 255.0
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    return array[..., :3]


def crop(image: np.ndarray, left: int, top: int, width: int, height: int) -> np.ndarray:
    rows, cols = image.shape[:2]
    if left < 0 or top < 0 or left + width > cols or top + height > rows:
        raise ValueError(f"crop {left},{top} {width}x{height} outside the {cols}x{rows} source")
    return image[top:top + height, left:left + width]


def grade(rgb: np.ndarray, *, contrast: float = 1.0, saturation: float = 1.0, warmth: float = 0.0,
          gamma: float = 1.0, vignette: float = 0.0) -> np.ndarray:
    """A mild colour grade: contrast around mid-grey, saturation, warm/cool shift, gamma, darkened corners."""
    out = np.clip((rgb - 0.5) * contrast + 0.5, 0, 1) ** gamma
    grey = out @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
    out = grey[..., None] + (out - grey[..., None]) * saturation
    out = out + np.array([warmth, warmth * 0.25, -warmth], dtype=np.float32)
    if vignette:
        rows, cols = out.shape[:2]
        y, x = np.ogrid[-1:1:rows * 1j, -1:1:cols * 1j]
        out = out * (1 - vignette * np.clip((x ** 2 + y ** 2) / 2, 0, 1))[..., None]
    return np.clip(out, 0, 1)


def duotone(rgb: np.ndarray, shadow: str, highlight: str, contrast: float = 1.0) -> np.ndarray:
    """Map the luminance of an image onto a ramp from `shadow` to `highlight` (hex colours)."""
    grey = rgb @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)
    grey = np.clip((grey - grey.mean()) * contrast + 0.5, 0, 1)[..., None]
    low, high = (np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)], dtype=np.float32)
                 for colour in (shadow, highlight))
    return low + (high - low) * grey


@dataclass(frozen=True)
class Photo:
    name: str                      # output file name
    source: str                    # skimage.data function
    box: tuple[int, int, int, int]  # crop: left, top, width, height in source pixels
    finish: Callable[[np.ndarray], np.ndarray]
    use: str                       # where the sample uses it


PHOTOS = [
    # The largest source in the wheel (1411 x 1411): a landscape crop for the full-page cover, not enlarged.
    Photo("cover.jpg", "retina", (0, 176, 1411, 1058),
          lambda im: grade(im, contrast=1.08, saturation=0.92, warmth=0.03, gamma=1.05),
          "dossier cover (full page, object-fit: cover)"),
    Photo("dossier.jpg", "coffee", (0, 90, 600, 258),
          lambda im: grade(im, contrast=1.06, saturation=1.05, warmth=0.02, vignette=0.25),
          "dossier opener"),
    Photo("coffee-cup.jpg", "coffee", (0, 0, 600, 400),
          lambda im: grade(im, contrast=1.04, saturation=1.0, warmth=0.015),
          "figure in the coffee article (landscape)"),
    # A portrait (3:4) crop of a square source: the portrait figure of the education article.
    Photo("portrait-collins.jpg", "astronaut", (72, 0, 384, 512),
          lambda im: grade(im, contrast=1.03, saturation=0.95),
          "portrait figure in the education article"),
    Photo("laboratory.jpg", "immunohistochemistry", (0, 64, 512, 384),
          lambda im: grade(im, contrast=1.05, saturation=1.05),
          "figure in the health article"),
    Photo("country-cd.jpg", "grass", (0, 96, 512, 256),
          lambda im: duotone(im, "#14301c", "#c9dc8a", contrast=1.2),
          "DR Congo chapter opener"),
    Photo("country-rw.jpg", "camera", (0, 64, 512, 320),
          lambda im: duotone(im, "#2a2018", "#f1e2c6", contrast=1.0),
          "Rwanda chapter opener"),
    Photo("country-bi.jpg", "brick", (0, 128, 512, 256),
          lambda im: duotone(im, "#4a1e10", "#e8a77e", contrast=1.3),
          "Burundi chapter opener"),
    Photo("country-ug.jpg", "gravel", (0, 128, 512, 256),
          lambda im: duotone(im, "#3b2a14", "#e9cf94", contrast=1.2),
          "Uganda chapter opener"),
    Photo("back-cover.jpg", "hubble_deep_field", (0, 0, 1000, 872),
          lambda im: grade(im, contrast=1.05, saturation=1.0),
          "back cover (full page, object-fit: cover)"),
]


def make(photo: Photo, out: Path) -> tuple[Path, tuple[int, int]]:
    source = getattr(data, photo.source)()
    rgb = photo.finish(to_float(crop(source, *photo.box)))
    image = Image.fromarray((rgb * 255 + 0.5).astype(np.uint8), "RGB")
    target = out / photo.name
    image.save(target, "JPEG", quality=QUALITY, optimize=True, progressive=True, subsampling="4:2:0")
    return target, image.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder to write to (default: {OUT.relative_to(ROOT)})")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for photo in PHOTOS:
        target, (width, height) = make(photo, args.out)
        size = target.stat().st_size
        total += size
        print(f"{target.name:24} {width:5} x {height:<5} {size / 1024:7.0f} KiB  "
              f"skimage.data.{photo.source}  {photo.use}")
    print(f"{'total':24} {'':13} {total / 1024:7.0f} KiB")


if __name__ == "__main__":
    main()
