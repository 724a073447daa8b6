"""Files a project refers to: inside the project, remote only from allowed hosts, images that are what they claim."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from .errors import relative

IMAGE_SUFFIXES = {".svg": "SVG", ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def check_reference(reference: str, base: Path, root: Path, allowed_hosts: list[str], max_pixels: int) -> str | None:
    """What is wrong with an image reference, or None: a message that says what to do."""
    if _URL.match(reference) and not re.match(r"^[a-zA-Z]:[\\/]", reference):
        return _check_url(reference, allowed_hosts)
    path = (base / reference).resolve()
    if not path.is_relative_to(root.resolve()):
        return f"'{reference}' is outside the project; keep files inside the project folder"
    if not path.is_file():
        return f"file not found: {relative(path, root)}; add it or correct the path"
    return check_image(path, max_pixels)


def _check_url(reference: str, allowed_hosts: list[str]) -> str | None:
    url = urlparse(reference)
    if url.scheme == "data":
        return None
    if url.scheme in ("http", "https"):
        if url.hostname in allowed_hosts:
            return None
        return (f"remote file '{reference}' refused; save it in the project, or add '{url.hostname}' "
                "to allowed_hosts in coopbrochure.yaml")
    return f"'{reference}': {url.scheme}: addresses are not allowed; give a path inside the project"


def check_image(path: Path, max_pixels: int) -> str | None:
    """Whether an image file is complete, of the kind its name says, and not too large to decode."""
    claimed = IMAGE_SUFFIXES.get(path.suffix.lower())
    if claimed is None:
        return f"'{path.name}' is not an image type coopbrochure uses ({', '.join(sorted(IMAGE_SUFFIXES))})"
    if claimed == "SVG":
        return _check_svg(path)
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            found, (width, height) = image.format, image.size
            if width * height > max_pixels:
                return (f"'{path.name}' is {width} x {height} pixels, above the limit of {max_pixels:,} "
                        "(max_image_pixels); scale it down")
            image.verify()
    except UnidentifiedImageError:
        return f"'{path.name}' is not a readable image; export it again as {claimed}"
    except Image.DecompressionBombError:
        return f"'{path.name}' is far too large to decode safely; scale it down"
    except (OSError, SyntaxError, ValueError) as error:
        return f"'{path.name}' is damaged ({error}); export it again"
    if found != claimed and {found, claimed} != {"JPEG", "MPO"}:
        return f"'{path.name}' is a {found} file named as {claimed}; rename it to the right extension"
    return None


def _check_svg(path: Path) -> str | None:
    import defusedxml.ElementTree as ElementTree
    from defusedxml import DefusedXmlException

    try:
        root = ElementTree.parse(path, forbid_dtd=True).getroot()
    except DefusedXmlException:
        return f"'{path.name}' declares a DTD or entities, which are refused in SVG; export it again without them"
    except ElementTree.ParseError as error:
        return f"'{path.name}' is not well-formed SVG ({error}); export it again"
    if root.tag not in ("{http://www.w3.org/2000/svg}svg", "svg"):
        return f"'{path.name}' is named .svg but is not an SVG image"
    return None
