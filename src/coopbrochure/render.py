"""WeasyPrint: lay out HTML with the theme's CSS, fetch only allowed files, write the PDF atomically."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import RenderError


@dataclass(frozen=True)
class Rendered:
    """A laid-out PDF held in memory, with what WeasyPrint had to say about it."""

    pdf: bytes
    pages: int
    warnings: list[str]
    notes_pages: list[int]  # pages left empty so that a section starts on its side (set as ruled notes pages)
    layouts: int = 1  # how many times WeasyPrint laid it out (fitting asks for more)


# What a layout may read from the project and the theme: images, fonts, stylesheets, colour profiles.
FETCHABLE_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ttf", ".otf", ".woff", ".woff2", ".css",
                      ".icc", ".icm"}

Prepare = Callable[[Path], "tuple[bytes, str] | None"]  # a file's content as a profile needs it, and its type


def sandboxed_fetcher(allowed_roots: list[Path], allowed_hosts: list[str] = (), prepare: Prepare | None = None,
                      max_pixels: int = 60_000_000):
    """A URL fetcher for `data:` URLs, files inside `allowed_roots` and http(s) from `allowed_hosts`; nothing else.

    `prepare` may replace a file's content (an image converted for print, for instance). A `data:` image is
    checked as an image file is (no SVG entities, at most `max_pixels`).
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = [root.resolve() for root in allowed_roots]

    class PreparedResponse(URLFetcherResponse):
        """Prepared content under its file's URL: no path, so WeasyPrint cannot read the original file instead."""

        path = None

    class SandboxedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            allowed = (
                parsed.scheme == "data"
                or (parsed.scheme in ("http", "https") and parsed.hostname in allowed_hosts)
                or (parsed.scheme == "file"
                    and any(Path(unquote(parsed.path)).resolve().is_relative_to(root) for root in roots)))
            if not allowed:
                raise ValueError(f"refused {url}: only files inside the project and the theme may be used")
            if parsed.scheme == "file" and Path(unquote(parsed.path)).suffix.lower() not in FETCHABLE_SUFFIXES:
                # images, fonts, stylesheets and colour profiles: never a project's own files as attachments
                raise ValueError(f"refused {url}: only images, fonts, stylesheets and colour profiles may be used")
            if parsed.scheme == "data" and url[5:].lstrip().lower().startswith("image/"):
                from .files import check_reference

                refused = check_reference(url, Path("."), Path("."), [], max_pixels)  # as a data: image in the data
                if refused:
                    raise ValueError(f"refused a data: image: {refused}")
            prepared = prepare(Path(unquote(parsed.path))) if prepare and parsed.scheme == "file" else None
            if prepared is not None:
                body, media_type = prepared
                return PreparedResponse(url, body, {"Content-Type": media_type})
            return super().fetch(url, headers)

    protocols = ("file", "data", "http", "https") if allowed_hosts else ("file", "data")
    return SandboxedFetcher(allowed_protocols=protocols, allow_redirects=False)


MAX_LAYOUTS = 6  # the first layout, four variants tried, and the best of each section
Stylesheet = Path | str | tuple[str, Path]  # a file, CSS text, or CSS text read from (and relative to) a file


Review = Callable[[object], "str | None"]  # a laid-out document -> the HTML to lay out instead, or None


def render_pdf(html: str, base_dir: Path, stylesheets: list[Stylesheet], allowed_roots: list[Path],
               allowed_hosts: list[str], font_families: set[str], images: dict | None = None, *,
               prepare: Prepare | None = None, pdf_options: dict | None = None,
               review: Review | None = None) -> Rendered:
    """Lay out `html` with WeasyPrint; the PDF stays in memory until it is complete.

    `stylesheets` are files, or CSS text that the edition adds or converted; `images` is WeasyPrint's
    image cache: pass the same dict to reuse decoded images across editions of one profile.
    `pdf_options` go to WeasyPrint's `write_pdf` (PDF variant, image resolution...). `review` reads each
    laid-out document before it is written and may ask for another layout of revised HTML (a denser
    variant of a section that does not fit), at most MAX_LAYOUTS in all.
    """
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    _images_keep_their_data()
    fonts = FontConfiguration()
    colour_profiles: dict = {}  # filled by @color-profile rules, for the output intent
    fetcher = sandboxed_fetcher(allowed_roots, allowed_hosts, prepare)
    shared = {"url_fetcher": fetcher, "font_config": fonts, "color_profiles": colour_profiles}

    def css(sheet: Stylesheet):
        if isinstance(sheet, tuple):
            text, origin = sheet
            return weasyprint.CSS(string=text, base_url=origin.as_uri(), **shared)
        if isinstance(sheet, str):
            return weasyprint.CSS(string=sheet, **shared)
        return weasyprint.CSS(filename=str(sheet), **shared)

    pdf_options = dict(pdf_options or {})
    finisher = pdf_options.pop("finisher", None)
    with _captured_warnings() as warnings:
        try:  # images read the options (resolution, quality) when they are loaded, during layout
            parsed = [css(sheet) for sheet in stylesheets]
            first = None  # the first layout is kept: when no variant does better, it is the one written
            layouts = 0
            for _ in range(MAX_LAYOUTS):
                if first and html == first[0]:
                    document = first[1]
                else:
                    layouts += 1
                    document = weasyprint.HTML(string=html, base_url=base_dir.as_uri() + "/",
                                               url_fetcher=fetcher).render(
                        stylesheets=parsed, font_config=fonts, color_profiles=colour_profiles, cache=images,
                        **pdf_options)
                first = first or (html, document)
                revised = review(document) if review else None
                if revised is None:
                    break
                html = revised
            pdf = document.write_pdf(finisher=finisher, **pdf_options)
        except Exception as error:  # WeasyPrint's own failures must not reach the user as a traceback
            raise RenderError(f"WeasyPrint could not lay out this edition ({type(error).__name__}: {error}); "
                              "run with --debug for the traceback and report it") from error
    warnings = list(dict.fromkeys(warnings))
    warnings += [f"some text is set in {family}, a font the stylesheets do not bundle: the bundled fonts lack "
                 "some of its characters" for family in sorted(_unbundled_families(document, font_families))]
    return Rendered(pdf, len(document.pages), warnings, _blank_pages(document), layouts)


def _images_keep_their_data() -> None:
    """Mend WeasyPrint 70's `dpi` option for images drawn in several PDFs (the layouts fitting measures, the
    editions of one build): it stored the copy it downsampled for one PDF as the image's own data, and the next
    PDF that drew the image at full size wrote that copy under the original's size, which poppler and
    Ghostscript draw short of its frame. Each downsampled copy is now kept apart, and the image keeps its data."""
    from weasyprint.images import RasterImage

    whole = RasterImage.get_x_object
    if getattr(whole, "keeps_data", False):
        return

    def get_x_object(image, interpolate, dpi_ratio):
        if dpi_ratio == 1:
            return whole(image, interpolate, dpi_ratio)
        import io

        from PIL import Image

        source, width, height = image.image_data, image.width, image.height
        with Image.open(io.BytesIO(source.data)) as copy:
            kind = copy.format
            copy.thumbnail((max(1, round(width * dpi_ratio)), max(1, round(height * dpi_ratio))))
            buffer = io.BytesIO()
            copy.save(buffer, format=kind, optimize=image.optimize)
            image.width, image.height = copy.size
        image.image_data = image.cache_image_data(buffer.getvalue(), slot=f"downsampled-{image.width}x{image.height}")
        try:
            return whole(image, interpolate, 1)
        finally:
            image.image_data, image.width, image.height = source, width, height

    get_x_object.keeps_data = True
    RasterImage.get_x_object = get_x_object


def _blank_pages(document) -> list[int]:
    return [number for number, page in enumerate(document.pages, start=1)
            if getattr(getattr(getattr(page, "_page_box", None), "page_type", None), "blank", False)]


def _unbundled_families(document, font_families: set[str]) -> set[str]:
    used = {str(getattr(font, "family", "")) for font in getattr(document, "fonts", {}).values()}
    return {family for family in used if family and not any(family.startswith(known) for known in font_families)}


def write_atomically(target: Path, data: bytes) -> None:
    """Put `data` at `target` in one step: readers see the old file or the new one, never a part.

    The bytes go to a new temporary file beside the target, created exclusively and never through a
    symbolic link (O_EXCL | O_NOFOLLOW, a random name), then renamed over the target; a target that is a
    link or not a regular file is refused, so a planted link cannot redirect the write. A temporary file
    left by a killed process is removed by the next build.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.parent.is_symlink() or target.is_symlink() or target.exists() and not target.is_file():
        raise RenderError(f"{target}: is a symbolic link or not a regular file; coopbrochure writes only real "
                          "files: remove it and build again")
    _remove_stale_temporaries(target)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    temporary = None
    try:
        for _ in range(8):
            candidate = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
            try:
                descriptor = os.open(candidate, flags, 0o644)
            except FileExistsError:
                continue
            temporary = candidate
            break
        else:
            raise RenderError(f"{target}: could not create a temporary file beside it; remove the .tmp files there")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as error:
        raise RenderError(f"{target}: could not write the file: {error.strerror or error}") from error
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def _remove_stale_temporaries(target: Path) -> None:
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        pid = stale.name[len(target.name) + 2:].split(".")[0]
        if pid.isdigit() and not _running(int(pid)):
            stale.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    """Collect WeasyPrint's log messages (ignored CSS, missing images...) instead of letting them print."""
    messages: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler = Collector(logging.WARNING)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
