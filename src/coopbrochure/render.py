"""WeasyPrint: lay out HTML with the theme's CSS, fetch only allowed files, write the PDF atomically."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import RenderError


@dataclass(frozen=True)
class Rendered:
    pages: int
    warnings: list[str]


def sandboxed_fetcher(allowed_roots: list[Path]):
    """A URL fetcher that serves `data:` URLs and files inside `allowed_roots`, and nothing else."""
    from weasyprint.urls import URLFetcher

    roots = [root.resolve() for root in allowed_roots]

    class SandboxedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            allowed = parsed.scheme == "data" or (
                parsed.scheme == "file"
                and any(Path(unquote(parsed.path)).resolve().is_relative_to(root) for root in roots))
            if not allowed:
                raise ValueError(f"refused {url}: only files inside the project and the theme may be used")
            return super().fetch(url, headers)

    return SandboxedFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


def write_pdf(html: str, base_dir: Path, stylesheets: list[Path], allowed_roots: list[Path], target: Path) -> Rendered:
    """Render `html` to `target`; the previous file stays untouched unless the new one is complete."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    fetcher = sandboxed_fetcher(allowed_roots)
    with _captured_warnings() as warnings:
        try:
            document = weasyprint.HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher).render(
                stylesheets=[weasyprint.CSS(filename=str(sheet), url_fetcher=fetcher, font_config=fonts)
                             for sheet in stylesheets],
                font_config=fonts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with _atomic(target) as temporary:
                document.write_pdf(temporary)
        except OSError as error:
            raise RenderError(f"{target}: could not write the PDF: {error.strerror or error}") from error
        except Exception as error:  # WeasyPrint's own failures must not reach the user as a traceback
            raise RenderError(f"{target.name}: WeasyPrint could not lay out this edition ({type(error).__name__}: "
                              f"{error}); run with --debug for the traceback and report it") from error
    warnings += [f"page {number} is blank: it was added so that the next section starts on its side; "
                 "add or cut content before it" for number in _blank_pages(document)]
    return Rendered(len(document.pages), warnings)


def _blank_pages(document) -> list[int]:
    return [number for number, page in enumerate(document.pages, start=1)
            if getattr(getattr(getattr(page, "_page_box", None), "page_type", None), "blank", False)]


@contextmanager
def _atomic(target: Path) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


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
