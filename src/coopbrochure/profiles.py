"""What a profile adds to an edition's layout: stylesheets, prepared images, PDF options and finishing."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from .config import PAGE_SIZES_MM, Edition, Project
from .finish import print_finisher
from .prepress import (
    BUNDLED_CMYK_PROFILE,
    Target,
    cmyk_stylesheet,
    cmyk_value,
    prepare_image,
)
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


def icc_profile(project: Project) -> Path:
    """The CMYK output profile of print PDFs: the print shop's, when the project names one, else the bundled one."""
    named = project.settings.print.icc_profile
    return (project.root / named).resolve() if named else BUNDLED_CMYK_PROFILE


def image_cache(project: Project) -> Path:
    return project.output_dir / IMAGE_CACHE


def setup(project: Project, edition: Edition, sheets: list[Path]) -> Setup:
    """Stylesheets, image preparation and PDF options for `edition` in its profile."""
    width, height = PAGE_SIZES_MM[edition.format]
    if edition.profile == "print":
        settings = project.settings.print
        icc = icc_profile(project)
        bleed = settings.bleed_mm
        target = Target("print", (width + 2 * bleed, height + 2 * bleed), PRINT_PPI, icc, quality=92)
        prepared = [(cmyk_stylesheet(sheet.read_text(encoding="utf-8"), icc), sheet) for sheet in sheets]
        colour = (f"@color-profile device-cmyk {{ src: url({icc.as_uri()}); "
                  "components: cyan, magenta, yellow, black }\n"
                  f"@page {{ bleed: {bleed:g}mm }}\n:root {{ --bleed: {bleed:g}mm }}")
        return Setup([*prepared, colour], _preparer(target, image_cache(project)),
                     {"pdf_variant": f"pdf/{settings.pdfx}", "finisher": print_finisher(icc), "dpi": PRINT_MAX_PPI,
                      "jpeg_quality": 92}, [icc.parent])
    settings = project.settings.web
    target = Target("web", (width, height), settings.image_ppi, quality=settings.jpeg_quality)
    options = {"pdf_variant": "pdf/ua-1", "dpi": settings.image_ppi, "jpeg_quality": settings.jpeg_quality,
               "optimize_images": True}
    return Setup(list(sheets), _preparer(target, image_cache(project)), options)


def _preparer(target: Target, cache_dir: Path) -> Prepare:
    return functools.partial(prepare_image, target=target, cache_dir=cache_dir)


def palette(project: Project, edition: Edition, sheets: list[Path]) -> dict[str, str]:
    """The theme's `--chart-*` and `--map-*` custom properties, resolved, as keys like "chart-ink".

    Charts and maps are inline SVG, which HTML stylesheets do not reach: they take their colours and
    font from here. Later stylesheets win, as in CSS; print editions get the colours in CMYK.
    """
    import tinycss2

    declared: dict[str, str] = {}
    for sheet in sheets:
        for rule in tinycss2.parse_stylesheet(sheet.read_text(encoding="utf-8"), skip_comments=True,
                                              skip_whitespace=True):
            if rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip() in (":root", "html"):
                for item in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True):
                    if item.type == "declaration" and item.name.startswith("--"):
                        declared[item.name[2:]] = tinycss2.serialize(item.value).strip()
    resolved = {name: _resolve(value, declared) for name, value in declared.items()
                if name.startswith(("chart-", "map-"))}
    if edition.profile == "print":
        icc = icc_profile(project)
        resolved = {name: value if name.endswith("font") else cmyk_value(value, icc) for name, value in resolved.items()}
    return resolved


def _resolve(value: str, declared: dict[str, str], depth: int = 0) -> str:
    """Replace `var(--name)` by its declared value (a few levels deep; a cycle stops there)."""
    import re

    if depth > 8:
        return value
    return re.sub(r"var\(\s*--([\w-]+)\s*\)", lambda match: _resolve(declared.get(match[1], ""), declared, depth + 1),
                  value)
