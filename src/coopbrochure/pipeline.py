"""The pipeline: project file, data, context, HTML and PDF, for one edition and for the edition matrix."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from .cache import BuildCache, edition_inputs
from .check import check_project, font_families, stylesheets
from .config import Edition, Project, load_project
from .context import edition_context, factsheet_context
from .errors import Problem, RenderError
from .finish import cover_thumbnail
from .fitting import Fitter, fit_style
from .i18n import labels
from .loader import Dataset, country_codes
from .pagecheck import Finding, summarise
from .profiles import finished, palette, setup
from .render import render_pdf, write_atomically
from .templating import environment, render_template


@dataclass(frozen=True)
class EditionResult:
    """What building one edition produced; `seconds` is None when its PDF was already up to date."""

    edition: Edition
    path: Path
    pages: int | None = None
    seconds: float | None = None
    warnings: list[str] = field(default_factory=list)
    notes_pages: list[int] = field(default_factory=list)
    extra_files: list[Path] = field(default_factory=list)  # the booklet and the cover thumbnail, when made
    booklet_blanks: int = 0  # blank pages the booklet needed to reach a multiple of four
    reports: list = field(default_factory=list)  # preflight.Report of the PDF and of its booklet
    layout: list = field(default_factory=list)  # pagecheck.Finding: what the page-quality check found
    variants: dict[str, int] = field(default_factory=dict)  # section -> the variant it took to fit (data-fit)
    scrims: list[str] = field(default_factory=list)  # sections whose text over a picture got a scrim
    layouts: int = 0  # how many times WeasyPrint laid the edition out to fit it
    fit: dict = field(default_factory=dict)  # how its sections were fitted, for the next build (Fitter.memory)


@dataclass(frozen=True)
class BuildResult:
    """The warnings the data gave, what each edition produced, and the texts taken from the fallback language."""

    warnings: list[Problem]
    editions: list[EditionResult]
    fallbacks: Counter = field(default_factory=Counter)


Progress = Callable[[str, Edition, EditionResult | None], None]  # ("start" | "done", edition, result)


def build(project_dir: Path | str = ".", *, languages: tuple[str, ...] = (), formats: tuple[str, ...] = (),
          profiles: tuple[str, ...] = (), editions: tuple[str, ...] = (), jobs: int | None = None,
          force: bool = False, write_html: bool = False, booklet: bool = False, strict: bool = False,
          progress: Progress | None = None, trust_templates: bool = False) -> BuildResult:
    """Validate the project in `project_dir`, then build the selected editions that are not up to date.

    Editions are selected by language, format, profile and name (all when none is given) and built in
    `jobs` worker processes (default: one per CPU); `booklet` adds a booklet of each, whatever the
    project file says. Every PDF written is preflighted. Raises DataError when the data is invalid
    (nothing is built), RenderError when layout fails; with `strict`, any warning fails the build too.
    Templates run sandboxed unless `trust_templates`.
    """
    loaded = load_project(Path(project_dir))
    if trust_templates:
        loaded = (replace(loaded[0], trust_templates=True), loaded[1])
    project = loaded[0]
    selected = select(all_editions(project), languages, formats, editions, profiles)
    options = {"html": write_html, "strict": strict, "booklet": booklet}
    cache = BuildCache(project)
    inputs = {edition: edition_inputs(project, edition, {"html": write_html, "booklet": booklet,
                                                          **({"trusted": True} if trust_templates else {})})
              for edition in selected}
    stale = [edition for edition in selected if force or not cache.fresh(edition, inputs[edition], strict)]
    if not stale:
        return BuildResult([], [EditionResult(edition, project.output_path(edition)) for edition in selected])

    checked = check_project(project_dir, strict=strict, loaded=loaded)
    built = {result.edition: result for result in _build_all(checked.project, checked.dataset, stale, options,
                                                              jobs, progress, fits=cache.fits())}
    for edition, result in built.items():
        cache.record(edition, inputs[edition], len(result.warnings) + len(result.layout), checked.dataset.files,
                     result.fit)
    cache.save()
    results = [built.get(edition) or EditionResult(edition, project.output_path(edition)) for edition in selected]
    languages_built = {edition.lang for edition in stale}
    fallbacks = Counter({lang: count for lang, count in checked.dataset.fallbacks.items() if lang in languages_built})
    return BuildResult(checked.warnings, results, fallbacks)


def all_editions(project: Project) -> list[Edition]:
    """The dossier's editions, then each country's fact sheets, as the project file asks."""
    settings = project.settings
    return settings.editions + (settings.factsheets(country_codes(project)) if "factsheet" in settings.documents
                                else [])


def select(available: list[Edition], languages=(), formats=(), names=(), profiles=()) -> list[Edition]:
    """The editions matching every given filter; a value that matches no edition is a usage error.

    A name may stop at any dash: `fr-a5` selects fr-a5-print and fr-a5-web, `factsheet-pe` every fact
    sheet of Peru.
    """
    import click

    known = {edition.name for edition in available}
    for name in names:
        if not any(_named(edition, name) for edition in available):
            raise click.UsageError(f"no edition '{name}' in this project; choose from {', '.join(sorted(known))}")
    filters = [*((lang, "language") for lang in languages), *((fmt, "format") for fmt in formats),
               *((profile, "profile") for profile in profiles)]
    for value, kind in filters:
        if not any(value in (edition.lang, edition.format, edition.profile) for edition in available):
            raise click.UsageError(f"the project builds no {kind} '{value}'; editions: {', '.join(sorted(known))}")
    return [edition for edition in available
            if (not languages or edition.lang in languages) and (not formats or edition.format in formats)
            and (not profiles or edition.profile in profiles)
            and (not names or any(_named(edition, name) for name in names))]


def _named(edition: Edition, name: str) -> bool:
    """Whether `name` is the edition's, or the start of it up to a dash (fr-a5, factsheet, factsheet-pe)."""
    return edition.name == name or edition.name.startswith(name + "-")


def check_layout(project_dir: Path | str = ".", *, languages: tuple[str, ...] = (), formats: tuple[str, ...] = (),
                 profiles: tuple[str, ...] = (), editions: tuple[str, ...] = (), jobs: int | None = None,
                 progress: Progress | None = None) -> list[EditionResult]:
    """Lay out the selected editions and run the page-quality check on each, writing nothing.

    Each result's `layout` lists its findings (after the denser variants fitting tried); raises DataError
    when the data is invalid.
    """
    checked = check_project(project_dir)
    selected = select(all_editions(checked.project), languages, formats, editions, profiles)
    options = {"html": False, "strict": False, "booklet": False}
    return _build_all(checked.project, checked.dataset, selected, options, jobs, progress, write=False,
                      fits=BuildCache(checked.project).fits())


def _build_all(project: Project, dataset: Dataset, editions: list[Edition], options: dict, jobs: int | None,
               progress: Progress | None, write: bool = True,
               fits: dict[str, dict] | None = None) -> list[EditionResult]:
    """Lay out the editions (in worker processes when there are several) and write each PDF from here.

    Only this process writes PDFs, so killing it stops the build with every previous PDF intact. `fits`
    are the last build's fits of each edition (by name), to start from.
    """
    fits = fits or {}
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(editions)))
    notify = progress or (lambda *_: None)
    results = []

    def finish(edition: Edition, result: EditionResult, files: dict[Path, bytes]) -> None:
        for path, data in files.items() if write else ():
            write_atomically(path, data)
        results.append(result)
        notify("done", edition, result)

    if jobs == 1:
        images: dict = {}
        for edition in editions:
            notify("start", edition, None)
            finish(edition, *render_edition(project, dataset, edition, images=images,
                                            remembered=fits.get(edition.name), **options))
        return results
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(project, dataset)) as pool:
        futures = {}
        for edition in editions:
            futures[pool.submit(_render_in_worker, edition, {**options, "remembered": fits.get(edition.name)})] = edition
            notify("start", edition, None)
        for future in as_completed(futures):
            finish(futures[future], *future.result())
        return results


_WORKER: dict = {}


def _start_worker(project: Project, dataset: Dataset) -> None:
    """Each worker receives the validated data once, keeps its image cache, and dies with the build."""
    _die_with_parent()
    _WORKER.update(project=project, dataset=dataset, images={})


def _die_with_parent() -> None:
    try:  # Linux: a worker of a killed build stops at once instead of laying out for nothing
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _render_in_worker(edition: Edition, options: dict) -> tuple[EditionResult, dict[Path, bytes]]:
    return render_edition(_WORKER["project"], _WORKER["dataset"], edition, images=_WORKER["images"], **options)


def edition_html(project: Project, dataset: Dataset, edition: Edition) -> str:
    """The HTML of one edition, before layout."""
    env = environment(project.root / "templates", project.theme_dir / "templates", project.trust_templates)
    settings = project.settings
    options = {"fallback": settings.fallback, "languages": settings.languages, "allow_html": settings.allow_html,
               "palette": palette(project, edition, stylesheets(project, edition.format, edition.kind))}
    if edition.kind == "factsheet":
        return render_template(env, factsheet_context(dataset, edition, **options), project.root, "factsheet.html.j2")
    return render_template(env, edition_context(dataset, edition, **options), project.root)


def _preflight(project: Project, edition: Edition, path: Path, pdf: bytes):
    """Check a finished PDF as the print shop or the newsletter will, before it is written."""
    from .preflight import preflight

    if edition.profile == "print":
        return preflight(pdf, "print", name=path.name, min_ppi=project.settings.print.min_ppi,
                         ink_limit=project.settings.print.ink_limit)
    return preflight(pdf, "web", name=path.name, max_bytes=round(project.settings.web.max_size_mb * 1_000_000))


def _edition_css(edition: Edition) -> str:
    """What only CSS can say and only the edition knows: labels of page-level content, in its language."""
    notes = labels(edition.lang)["notes"].replace("\\", "\\\\").replace('"', '\\"')
    return f'@page :blank {{ @top-left {{ content: "{notes}" }} }}'


def render_edition(project: Project, dataset: Dataset, edition: Edition, *, html: bool = False,
                   strict: bool = False, booklet: bool = False,
                   images: dict | None = None, remembered: dict | None = None) -> tuple[EditionResult, dict[Path, bytes]]:
    """Lay out and finish one edition: what it produced, and the files to write (the PDF first).

    Writes the HTML too when asked, for debugging. `images` holds WeasyPrint's image caches, one per
    profile, shared by the editions of one build in one process. `remembered` is how the last build fitted
    the edition's sections (EditionResult.fit): unchanged sections start from it.
    """
    from .impose import impose

    started = time.perf_counter()
    document = edition_html(project, dataset, edition)
    target = project.output_path(edition)
    if html:
        write_atomically(target.with_suffix(".html"), document.encode("utf-8"))
    sheets = stylesheets(project, edition.format, edition.kind)
    profile = setup(project, edition, sheets)
    layout_sheets = [*profile.stylesheets, _edition_css(edition)]
    fitter = Fitter(document, factsheet=edition.kind == "factsheet", write_options=profile.pdf_options,
                    finish=profile.finish, remembered=remembered or {}, style=fit_style(layout_sheets))
    rendered = render_pdf(fitter.first, dataset.data_dir, layout_sheets,
                          [project.root, project.theme_dir, *profile.roots], project.settings.allowed_hosts,
                          font_families(sheets), None if images is None else images.setdefault(edition.profile, {}),
                          prepare=profile.prepare, pdf_options=profile.pdf_options, review=fitter.review)
    findings = layout_findings(fitter)
    failed = dataset.remote_failures(rendered.warnings)  # the README promises located errors for these
    if failed:
        raise RenderError("\n".join([*failed, f"{target.name} was not written."]))
    if strict and (rendered.warnings or findings):
        raise RenderError("\n".join([*(f"{target.name}: warning: {warning}" for warning in rendered.warnings),
                                     *(f"{target.name}: {finding}" for finding in findings),
                                     f"{target.name} was not written (--strict)."]))
    settings = project.settings.print if edition.profile == "print" else project.settings.web
    pdf, unmarked = finished(rendered.pdf, profile)  # print: colour, overprint, output intent; marks last
    files = {target: pdf}
    blanks = 0
    if booklet or settings.booklet:
        imposed = impose(unmarked, creep_mm=getattr(settings, "creep_mm", 0.0), marks=edition.profile == "print")
        files[target.with_name(f"{target.stem}-booklet.pdf")] = imposed.pdf
        blanks = imposed.blanks_added
    if edition.profile == "web" and settings.thumbnail_width:
        files[target.with_name(f"{target.stem}-cover.jpg")] = cover_thumbnail(pdf, settings.thumbnail_width)
    # A booklet of a web PDF is for an office printer: neither a print shop's PDF nor a newsletter's.
    checked = [path for path in files if path.suffix == ".pdf" and (path == target or edition.profile == "print")]
    reports = [_preflight(project, edition, path, files[path]) for path in checked]
    result = EditionResult(edition, target, rendered.pages, time.perf_counter() - started, rendered.warnings,
                           rendered.notes_pages, list(files)[1:], blanks, reports, findings, dict(fitter.levels),
                           sorted(fitter.scrims), rendered.layouts, fitter.memory())
    return result, files


def layout_findings(fitter: Fitter) -> list[Finding]:
    """The page-quality findings of the final layout (text over pictures measured on its own pages' PDF)."""
    inspection = fitter.inspection
    return [] if inspection is None else summarise(sorted(inspection.findings, key=lambda finding: finding.page))
