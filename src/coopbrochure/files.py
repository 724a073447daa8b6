"""Files a project refers to: inside the project, remote only from allowed hosts, images that are what they claim."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from urllib.parse import urlparse

from .errors import relative

IMAGE_SUFFIXES = {".svg": "SVG", ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".gif": "GIF", ".webp": "WEBP"}
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def check_reference(reference: str, base: Path, root: Path, allowed_hosts: list[str], max_pixels: int) -> str | None:
    """What is wrong with an image reference, or None: a message that says what to do."""
    if _URL.match(reference) and not re.match(r"^[a-zA-Z]:[\\/]", reference):
        if reference[:5].lower() == "data:":
            return _check_data_url(reference, max_pixels)
        return _check_url(reference, allowed_hosts)
    if "\0" in reference:
        return outside(base / reference, root)  # which says why, as resolving cannot
    path = (base / reference).resolve()
    if not path.is_relative_to(root.resolve()):
        return f"'{reference}' is outside the project; keep files inside the project folder"
    refused = outside(base / reference, root)
    if refused:
        return refused
    if not path.is_file():
        return f"file not found: {relative(path, root)}; add it or correct the path"
    return check_image(path, max_pixels)


def _check_url(reference: str, allowed_hosts: list[str]) -> str | None:
    url = urlparse(reference)
    if url.scheme in ("http", "https"):
        if url.hostname in allowed_hosts:
            return None
        return (f"remote file '{reference}' refused; save it in the project, or add '{url.hostname}' "
                "to allowed_hosts in coopbrochure.yaml")
    return f"'{reference}': {url.scheme}: addresses are not allowed; give a path inside the project"


MAX_DATA_URL_BYTES = 5_000_000


def _check_data_url(reference: str, max_pixels: int) -> str | None:
    """A `data:` image is checked like a file: its kind, its size, and (SVG) no entities."""
    import base64
    import binascii
    import io
    from urllib.parse import unquote_to_bytes

    header, comma, payload = reference[5:].partition(",")
    media_type = header.split(";")[0].strip().lower()
    kinds = {"image/svg+xml": ".svg", "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
             "image/webp": ".webp"}
    shown = reference[:40] + ("…" if len(reference) > 40 else "")
    if not comma or media_type not in kinds:
        return f"'{shown}': a data: address must hold an image ({', '.join(sorted(kinds))}); save it as a file"
    if len(payload) > MAX_DATA_URL_BYTES:
        return f"'{shown}' is more than {MAX_DATA_URL_BYTES:,} characters; save the image as a file"
    try:
        data = base64.b64decode(payload, validate=True) if header.lower().endswith(";base64") else \
            unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return f"'{shown}' is not valid base64; save the image as a file"
    return check_image(Path("data-url" + kinds[media_type]), max_pixels, io.BytesIO(data))


def check_image(path: Path, max_pixels: int, content=None) -> str | None:
    """Whether an image file is complete, of the kind its name says, and not too large to decode.

    `content` (a binary file object) is checked instead of the file at `path` when given.
    """
    claimed = IMAGE_SUFFIXES.get(path.suffix.lower())
    if claimed is None:
        return f"'{path.name}' is not an image type coopbrochure uses ({', '.join(sorted(IMAGE_SUFFIXES))})"
    if claimed == "SVG":
        return _check_svg(path, content)
    from PIL import Image, UnidentifiedImageError

    source = content if content is not None else path
    try:
        with Image.open(source) as image:
            found, (width, height) = image.format, image.size
            if width * height > max_pixels:
                return (f"'{path.name}' is {width} x {height} pixels, above the limit of {max_pixels:,} "
                        "(max_image_pixels); scale it down")
            image.verify()
        if content is not None:
            content.seek(0)
        with Image.open(source) as image:
            _load_whole(image)  # decodes every pixel: a truncated JPEG fails here, not as grey in the PDF
    except UnidentifiedImageError:
        return f"'{path.name}' is not a readable image; export it again as {claimed}"
    except Image.DecompressionBombError:
        return f"'{path.name}' is far too large to decode safely; scale it down"
    except (OSError, SyntaxError, ValueError) as error:
        return f"'{path.name}' is damaged ({error}); export it again"
    if found != claimed and {found, claimed} != {"JPEG", "MPO"}:
        return f"'{path.name}' is a {found} file named as {claimed}; rename it to the right extension"
    return None


_XML_ENCODING = re.compile(rb"""\A(?:\xef\xbb\xbf)?<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]{1,40})["']""")


def _check_svg(path: Path, content=None) -> str | None:
    import defusedxml.ElementTree as ElementTree
    from defusedxml import DefusedXmlException

    if content is None:
        with path.open("rb") as handle:
            head = handle.read(300)
    else:
        head = content.read(300)
        content.seek(0)
    declared = _XML_ENCODING.match(head)
    if declared and declared.group(1).decode().lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii", "ascii"):
        return (f"'{path.name}' is saved as {declared.group(1).decode()}; export it again as UTF-8 (not every "
                "PDF the build makes can read other encodings)")
    try:
        root = ElementTree.parse(content if content is not None else path, forbid_dtd=True).getroot()
    except DefusedXmlException:
        return f"'{path.name}' declares a DTD or entities, which are refused in SVG; export it again without them"
    except ElementTree.ParseError as error:
        return f"'{path.name}' is not well-formed SVG ({error}); export it again"
    if root.tag not in ("{http://www.w3.org/2000/svg}svg", "svg"):
        return f"'{path.name}' is named .svg but is not an SVG image"
    for element in root.iter():
        for attribute, value in element.attrib.items():
            target = value.strip()
            if attribute.rpartition("}")[2] == "href" and target and not target.startswith(("#", "data:")):
                return (f"'{path.name}' refers to another file ({target[:60]}), which is not drawn in every PDF; "
                        "embed it in the SVG or place it as an image of its own")
    return None


class Unreadable(Exception):
    """Raised by `read_inside` with a message that says what to do."""


def outside(path: Path, root: Path) -> str | None:
    """Why `path` may not be read or written as a file of the project at `root`, or None.

    A path outside the project, or one that passes through a symbolic link below the project folder, is
    refused: a project that arrives from elsewhere could otherwise point the build at any file.
    """
    if "\0" in str(path):
        return f"'{_shortened(path)}' holds a NUL character, which no file name can; correct the path"
    absolute = Path(os.path.normpath(path if path.is_absolute() else Path.cwd() / path))
    for root in dict.fromkeys((Path(os.path.normpath(root.absolute())), root.resolve())):
        if absolute.is_relative_to(root):
            parts = absolute.relative_to(root).parts
            break
    else:
        return f"'{path}' is outside the project; keep files inside the project folder"
    current = root
    for part in parts:
        current = current / part
        try:
            link = current.is_symlink()
        except OSError as error:  # a name longer than the file system allows, say
            return f"'{_shortened(path)}' cannot be a file name here ({os.strerror(error.errno)}); correct the path"
        if link:
            return (f"{current.relative_to(root).as_posix()} is a symbolic link; coopbrochure reads and writes "
                    "only real files inside the project: copy the file in instead")
    return None


def _shortened(path: Path) -> str:
    text = str(path).replace("\0", "\\0")
    return text if len(text) <= 60 else text[:30] + "…" + text[-20:]


def read_inside(path: Path, root: Path) -> bytes:
    """The bytes of a project file, refusing links and files outside the project (`Unreadable`)."""
    refused = outside(path, root)
    if refused:
        raise Unreadable(refused)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise Unreadable("file not found; create it or correct the reference to it") from None
    except PermissionError:
        raise Unreadable("coopbrochure may not read this file (permission denied); make it readable or "
                         "move it out of the project") from None
    except OSError as error:
        raise Unreadable(f"cannot be read ({error.strerror}); make it a readable file") from None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise Unreadable("is not a regular file; give the path of a file")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read()
    except OSError as error:
        raise Unreadable(f"cannot be read ({error.strerror}); make it a readable file") from None
    finally:
        os.close(descriptor)


def _load_whole(image) -> None:
    """Decode every pixel, refusing a truncated file even where WeasyPrint (imported in this process) told
    Pillow to accept truncated images (ImageFile.LOAD_TRUNCATED_IMAGES)."""
    from PIL import ImageFile

    accepting, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        image.load()
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = accepting
