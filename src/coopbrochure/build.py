"""The pipeline: project file, data, context, HTML and PDF, for one edition and for all of them."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .config import Edition, Project, load_project
from .context import edition_context
from .loader import Dataset, load_dataset
from .render import write_pdf
from .templating import environment, render_template

STYLESHEET = "styles/main.css"


@dataclass(frozen=True)
class EditionResult:
    """What building one edition produced."""

    edition: Edition
    path: Path
    pages: int
    seconds: float
    warnings: list[str]


def build(project_dir: Path | str = ".", *, write_html: bool = False) -> list[EditionResult]:
    """Build every edition of the project in `project_dir`; usable as a library function."""
    project = load_project(Path(project_dir))
    dataset = load_dataset(project)
    return [build_edition(project, dataset, edition, write_html=write_html) for edition in project.settings.editions]


def edition_html(project: Project, dataset: Dataset, edition: Edition) -> str:
    """The HTML of one edition, before layout."""
    env = environment(project.root / "templates", project.theme_dir / "templates")
    return render_template(env, edition_context(dataset, edition))


def stylesheets(project: Project) -> list[Path]:
    """The theme's stylesheet, then the project's own (if any), so the project's rules win."""
    sheets = [project.theme_dir / STYLESHEET]
    own = project.root / STYLESHEET
    if own.is_file() and own.resolve() != sheets[0].resolve():
        sheets.append(own)
    return sheets


def build_edition(project: Project, dataset: Dataset, edition: Edition, *, write_html: bool = False) -> EditionResult:
    """Lay out one edition and write its PDF (and, for debugging, its HTML)."""
    started = time.perf_counter()
    html = edition_html(project, dataset, edition)
    target = project.output_path(edition)
    if write_html:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.with_suffix(".html").write_text(html, encoding="utf-8")
    rendered = write_pdf(html, dataset.data_dir, stylesheets(project), [project.root, project.theme_dir], target)
    return EditionResult(edition, target, rendered.pages, time.perf_counter() - started, rendered.warnings)
