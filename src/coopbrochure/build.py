"""The pipeline: project file, data, context, HTML and PDF, for one edition and for all of them."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .check import check_project, font_families, stylesheets
from .config import Edition, Project
from .context import edition_context
from .errors import Problem, RenderError
from .loader import Dataset
from .render import render_pdf, write_atomically
from .templating import environment, render_template


@dataclass(frozen=True)
class EditionResult:
    """What building one edition produced."""

    edition: Edition
    path: Path
    pages: int
    seconds: float
    warnings: list[str]


@dataclass(frozen=True)
class BuildResult:
    """The warnings the data gave, and every edition built."""

    warnings: list[Problem]
    editions: list[EditionResult]


def build(project_dir: Path | str = ".", *, write_html: bool = False, strict: bool = False) -> BuildResult:
    """Validate the project in `project_dir`, then build every edition; usable as a library function.

    Raises DataError when the data is invalid (nothing is built), RenderError when layout fails;
    with `strict`, any warning (ours or WeasyPrint's) fails the build too.
    """
    checked = check_project(project_dir, strict=strict)
    editions = [build_edition(checked.project, checked.dataset, edition, write_html=write_html, strict=strict)
                for edition in checked.project.settings.editions]
    return BuildResult(checked.warnings, editions)


def edition_html(project: Project, dataset: Dataset, edition: Edition) -> str:
    """The HTML of one edition, before layout."""
    env = environment(project.root / "templates", project.theme_dir / "templates")
    context = edition_context(dataset, edition, allow_html=project.settings.allow_html)
    return render_template(env, context, project.root)


def build_edition(project: Project, dataset: Dataset, edition: Edition, *,
                  write_html: bool = False, strict: bool = False) -> EditionResult:
    """Lay out one edition and write its PDF (and, for debugging, its HTML)."""
    started = time.perf_counter()
    html = edition_html(project, dataset, edition)
    target = project.output_path(edition)
    if write_html:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.with_suffix(".html").write_text(html, encoding="utf-8")
    sheets = stylesheets(project)
    rendered = render_pdf(html, dataset.data_dir, sheets, [project.root, project.theme_dir],
                          project.settings.allowed_hosts, font_families(sheets))
    if strict and rendered.warnings:
        raise RenderError("\n".join([*(f"{target.name}: warning: {warning}" for warning in rendered.warnings),
                                     f"{target.name} was not written (--strict)."]))
    write_atomically(target, rendered.pdf)
    return EditionResult(edition, target, rendered.pages, time.perf_counter() - started, rendered.warnings)
