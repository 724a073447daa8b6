"""What a profile adds to an edition's layout: stylesheets, prepared images, PDF options and finishing."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import colour
from .access import finish_web
from .colour import BUNDLED_CMYK_PROFILE, PrintCondition
from .config import PAGE_SIZES_MM, Edition, Project
from .finish import add_marks, finish_print
from .prepress import Target, prepare_image
from .render import Prepare, Stylesheet

IMAGE_CACHE = ".coopbrochure-images"  # prepared images, in the output folder
PRINT_PPI = 350  # images are prepared at this resolution for the largest placement, a page with its bleed,
PRINT_MAX_PPI = 450  # then WeasyPrint downsamples those placed smaller to this, at their placed size


@dataclass(frozen=True)
class Setup:
    """How one edition is laid out in its profile."""

    stylesheets: list[Stylesheet]
    prepare: Prepare | None
    pdf_options: dict = field(default_factory=dict)
    roots: list[Path] = field(default_factory=list)  # folders the profile's own files live in
    finish: Callable[[bytes], bytes] | None = None  # the laid-out PDF made ready (print: unmarked, as imposed)
    mark: Callable[[bytes], bytes] | None = None  # then, for the PDF itself: crop marks in a slug


def finished(pdf: bytes, setup: Setup) -> tuple[bytes, bytes]:
    """The finished PDF of an edition, and the same without marks (what a booklet imposes)."""
    unmarked = setup.finish(pdf) if setup.finish else pdf
    return (setup.mark(unmarked) if setup.mark else unmarked), unmarked


def icc_profile(project: Project) -> Path:
    """The CMYK output profile of print PDFs: the print shop's, when the project names one, else the bundled one."""
    named = project.settings.print.icc_profile
    return (project.root / named).resolve() if named else BUNDLED_CMYK_PROFILE


def print_condition(project: Project) -> PrintCondition:
    """The print shop's profile and total-ink limit, as the project file gives them."""
    return PrintCondition(icc_profile(project), project.settings.print.ink_limit)


def image_cache(project: Project) -> Path:
    return project.output_dir / IMAGE_CACHE


def setup(project: Project, edition: Edition, sheets: list[Path]) -> Setup:
    """Stylesheets, image preparation and PDF options for `edition` in its profile."""
    width, height = PAGE_SIZES_MM[edition.format]
    if edition.profile == "print":
        settings = project.settings.print
        condition = print_condition(project)
        bleed = settings.bleed_mm
        target = Target("print", (width + 2 * bleed, height + 2 * bleed), PRINT_PPI, condition, quality=92)
        prepared = [(colour.stylesheet(sheet.read_text(encoding="utf-8"), condition), sheet) for sheet in sheets]
        page = (condition.css_colour_profile() + f"@page {{ bleed: {bleed:g}mm }}\n"
                f":root {{ --bleed: {bleed:g}mm; --art-bleed: {bleed:g}mm }}")
        return Setup([*prepared, page], _preparer(target, image_cache(project)),
                     {"pdf_variant": f"pdf/{settings.pdfx}", "dpi": PRINT_MAX_PPI, "jpeg_quality": 92},
                     [condition.icc.parent], functools.partial(finish_print, condition=condition),
                     add_marks if settings.crop_marks else None)
    settings = project.settings.web
    target = Target("web", (width, height), settings.image_ppi, quality=settings.jpeg_quality)
    options = {"pdf_variant": "pdf/ua-1", "dpi": settings.image_ppi, "jpeg_quality": settings.jpeg_quality,
               "optimize_images": True}
    # cover art cropped as in print: laid out over the page and the print bleed (see main.css .cover-art)
    art = f":root {{ --art-bleed: {project.settings.print.bleed_mm:g}mm }}"
    return Setup([*sheets, art], _preparer(target, image_cache(project)), options, finish=finish_web)


def _preparer(target: Target, cache_dir: Path) -> Prepare:
    return functools.partial(prepare_image, target=target, cache_dir=cache_dir)


def palette(project: Project, edition: Edition, sheets: list[Path]) -> dict[str, str]:
    """The theme's `--chart-*` and `--map-*` custom properties, resolved, as keys like "chart-ink".

    Charts and maps are inline SVG, which HTML stylesheets do not reach: they take their colours and
    font from here. Later stylesheets win, as in CSS; print editions get the colours in CMYK.
    """
    declared: dict[str, str] = {}
    for sheet in sheets:
        declared.update(_root_properties(sheet.read_text(encoding="utf-8")))
    resolved = {name: _resolve(value, declared) for name, value in declared.items()
                if name.startswith(("chart-", "map-"))}
    if edition.profile == "print":
        condition = print_condition(project)
        resolved = {name: value if name.endswith("font") else colour.css_value(value, condition)
                    for name, value in resolved.items()}
    return resolved


@functools.lru_cache(maxsize=64)
def _root_properties(css: str) -> dict[str, str]:
    """The custom properties a stylesheet declares on :root or html, by name without "--" (parsed once per text:
    every edition of a build, and every check of `serve`, reads the same theme)."""
    import tinycss2

    declared: dict[str, str] = {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() in (":root", "html"):
            for item in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True):
                if item.type == "declaration" and item.name.startswith("--"):
                    declared[item.name[2:]] = tinycss2.serialize(item.value).strip()
    return declared


def _resolve(value: str, declared: dict[str, str], depth: int = 0) -> str:
    """Replace `var(--name)` by its declared value (a few levels deep; a cycle stops there)."""
    import re

    if depth > 8:
        return value
    return re.sub(r"var\(\s*--([\w-]+)\s*\)", lambda match: _resolve(declared.get(match[1], ""), declared, depth + 1),
                  value)
