"""The `coopbrochure` command line: each command parses its options and calls one library function."""

from __future__ import annotations

import sys
import traceback
from importlib.metadata import version
from pathlib import Path

import click

from .errors import CoopbrochureError

PROJECT_DIR = click.argument("project_dir", default=".", type=click.Path(file_okay=False, path_type=Path))


class Group(click.Group):
    """Reports coopbrochure's errors as plain messages; `--debug` shows the traceback instead."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            if ctx.obj and ctx.obj.get("debug"):
                traceback.print_exc()
            raise
        except Exception as error:  # a bug of ours: say so plainly, the traceback is for --debug
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise CoopbrochureError(f"internal error ({type(error).__name__}: {error}); this is a bug in "
                                    "coopbrochure: run again with --debug and report the traceback") from error


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version("coopbrochure"), prog_name="coopbrochure")
@click.option("--debug", is_flag=True, help="Show the Python traceback of an error.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Print-grade PDF dossiers about development cooperation, from YAML and Markdown.

    \b
    Example:
      coopbrochure build            build every edition of the project here
    """
    ctx.obj = {"debug": debug}


STRICT = click.option("--strict", is_flag=True, help="Treat every warning (ours and WeasyPrint's) as an error.")


@main.command()
@PROJECT_DIR
@STRICT
def validate(project_dir: Path, strict: bool) -> None:
    """Check a project without rendering: data, texts, images, templates and stylesheets.

    Prints every problem of the project at once, sorted by file and line; exit 1 if there is an error
    (or, with --strict, a warning).

    \b
    Examples:
      coopbrochure validate
      coopbrochure validate path/to/project --strict
    """
    from .check import check_project
    from .errors import DataError
    from .pipeline import all_editions

    try:
        checked = check_project(project_dir, strict=strict)
    except DataError as error:
        raise DataError(error.problems, "the project is not valid") from error
    for warning in checked.warnings:
        click.echo(str(warning), err=True)
    dataset = checked.dataset
    counts = [(len(dataset.articles), "article"), (len(dataset.countries), "country"),
              (len(all_editions(checked.project)), "edition")]
    if checked.warnings:
        counts.append((len(checked.warnings), "warning"))
    click.echo("valid: " + ", ".join(_count(number, noun) for number, noun in counts))


@main.command()
@PROJECT_DIR
@click.option("--lang", "languages", multiple=True, help="Build only this language (repeatable).")
@click.option("--format", "formats", multiple=True, help="Build only this page format, a4 or a5 (repeatable).")
@click.option("--profile", "profiles", multiple=True, type=click.Choice(["print", "web"]),
              help="Build only this profile: print (print shop) or web (newsletter) (repeatable).")
@click.option("--edition", "editions", multiple=True,
              help="Build only this edition, e.g. fr-a5-web, or fr-a5 for both profiles (repeatable).")
@click.option("--booklet", is_flag=True, help="Also write a saddle-stitch booklet of each PDF (…-booklet.pdf).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Editions built at once (default: one per CPU).")
@click.option("--force", is_flag=True, help="Rebuild editions whose inputs have not changed.")
@click.option("--html", "write_html", is_flag=True, help="Also write the intermediate HTML next to each PDF.")
@STRICT
@click.option("--trust-templates", is_flag=True,
              help="Run the project's and the theme's templates as trusted code, outside Jinja's sandbox.")
def build(project_dir: Path, languages, formats, profiles, editions, booklet: bool, jobs, force, write_html: bool,
          strict: bool, trust_templates: bool) -> None:
    """Validate a project, then build its editions (every language in every format and profile) into the
    output folder, and preflight every PDF written.

    Editions whose inputs have not changed since their last build are left as they are. Exit 1 when
    preflight finds an error (with --strict, a warning) in a PDF.

    \b
    Examples:
      coopbrochure build
      coopbrochure build path/to/project --lang fr --format a5 --profile web
      coopbrochure build --edition nl-a4-print --booklet --strict
      coopbrochure build --force --jobs 1 --html
    """
    from .pipeline import build as build_project

    progress = _Progress()
    result = build_project(project_dir, languages=languages, formats=formats, profiles=profiles, editions=editions,
                           booklet=booklet, jobs=jobs, force=force, write_html=write_html, strict=strict,
                           trust_templates=trust_templates,
                           progress=progress)
    progress.clear()
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    for edition in result.editions:
        for warning in edition.warnings:
            click.echo(f"{edition.path.name}: warning: {warning}", err=True)
    failed = 0
    for edition in result.editions:
        if edition.seconds is None:
            click.echo(f"{_shown(edition.path)}  up to date")
            continue
        notes = f"  ({_count(len(edition.notes_pages), 'notes page')} before the back cover)" if edition.notes_pages else ""
        click.echo(f"{_shown(edition.path)}  {edition.pages} pages  {edition.seconds:.1f} s{notes}")
        for extra in edition.extra_files:
            blanks = (f"  ({_count(edition.booklet_blanks, 'blank page')} added to make whole sheets)"
                      if extra.stem.endswith("-booklet") and edition.booklet_blanks else "")
            click.echo(f"{_shown(extra)}{blanks}")
        for report in edition.reports:
            click.echo(f"  preflight: {report.summary()}")
            for line in report.lines():
                click.echo(f"  {line}", err=True)
        click.echo(f"  layout: {_layout_summary(edition)}")
        for finding in edition.layout:
            click.echo(f"  {finding}", err=True)
            failed += not report.ok(strict)
    for lang, count in sorted(result.fallbacks.items()):
        click.echo(f"{lang}: {_count(count, 'text')} taken from the fallback language (see the warnings)")
    if failed:
        raise CoopbrochureError(f"preflight found problems in {_count(failed, 'PDF')} (listed above); the files "
                                "were written so that you can inspect them")


@main.command()
@click.argument("pdf_files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--profile", type=click.Choice(["print", "web"]), default=None,
              help="What the PDF is for (default: guessed from its name, …-print.pdf or …-web.pdf; else print).")
@click.option("--booklet", is_flag=True, help="The PDF will be imposed as a booklet: its pages must come in fours.")
@click.option("--max-size", "max_size_mb", type=click.FloatRange(min=0, min_open=True),
              help="Largest acceptable file size, in MB (default for web: 2).")
@click.option("--ink-limit", type=click.FloatRange(min=100, max=400), default=None,
              help="Total-ink limit of the print condition, in percent (default: 300, FOGRA39).")
@STRICT
def preflight(pdf_files: tuple[Path, ...], profile: str | None, booklet: bool, max_size_mb: float | None,
              ink_limit: float | None, strict: bool) -> None:
    """Check finished PDFs for the print shop or the newsletter, page by page.

    Print: fonts embedded, images at 300 ppi at their placed size, no RGB colour, total ink within the
    limit, no small text in a four-ink dark, a CMYK output intent, trim and bleed boxes. Web: fonts embedded, tags, language, title, bookmarks, alternative text, size.
    Exit 1 on an error (with --strict, on a warning too).

    \b
    Examples:
      coopbrochure preflight output/andes-2013-nl-a4-print.pdf
      coopbrochure preflight any.pdf --profile web --max-size 1.5
      coopbrochure preflight shop.pdf --ink-limit 320
    """
    from .config import WebProfile
    from .preflight import preflight as check_pdf

    failed = 0
    for path in pdf_files:
        chosen = profile or ("web" if path.stem.endswith("-web") else "print")
        target_mb = max_size_mb or (WebProfile().max_size_mb if chosen == "web" else None)
        max_bytes = round(target_mb * 1_000_000) if target_mb else None
        limits = {"ink_limit": ink_limit} if ink_limit else {}
        report = check_pdf(path, chosen, booklet=booklet, max_bytes=max_bytes, **limits)
        click.echo(report.summary())
        for line in report.lines():
            click.echo(line, err=True)
        failed += not report.ok(strict)
    if failed:
        raise CoopbrochureError(f"{_count(failed, 'PDF')} did not pass preflight")


class _Progress:
    """One status line that names the editions being built, on a terminal; nothing when output is a file."""

    def __init__(self) -> None:
        self.running: list[str] = []
        self.done = 0
        self.tty = sys.stdout.isatty()

    def __call__(self, event: str, edition, result) -> None:
        if event == "start":
            self.running.append(edition.name)
        else:
            self.running.remove(edition.name)
            self.done += 1
        if self.tty:
            line = f"building {', '.join(self.running)} … ({self.done} done)" if self.running else ""
            click.echo(f"\r\033[K{line}", nl=False)

    def clear(self) -> None:
        if self.tty:
            click.echo("\r\033[K", nl=False)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["dossier", "factsheet"]), default="dossier", show_default=True,
              help="A dossier (magazine) or a two-page country fact sheet.")
@click.option("--lang", type=click.Choice(["nl", "fr", "en"]), default="nl", show_default=True,
              help="Language of the project and its example texts.")
def new(folder: Path, kind: str, lang: str) -> None:
    """Create a small project in FOLDER that builds at once: project file, example data, README for editors.

    FOLDER must be new or empty: nothing is ever overwritten.

    \b
    Examples:
      coopbrochure new my-dossier
      coopbrochure new fiche-pays --kind factsheet --lang fr
    """
    from .scaffold import new_project

    written = new_project(folder, kind, lang)
    click.echo(f"created {_shown(folder)} ({_count(len(written), 'file')}); next:")
    click.echo(f"  cd {_shown(folder)} && coopbrochure build")


@main.command()
@click.argument("kind", type=click.Choice(["project", "publication", "country", "text"]), required=False)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write every schema as <kind>.schema.json into this folder instead of printing one.")
def schema(kind: str | None, out_dir: Path | None) -> None:
    """Print the JSON Schema of a kind of data file, for editors that validate YAML as you type.

    KIND is project (coopbrochure.yaml), publication (publication.yaml), country (countries/*.yaml)
    or text (the front matter of Markdown files).

    \b
    Examples:
      coopbrochure schema country
      coopbrochure schema --out schemas
    """
    from .schema import schema_json, write_schemas

    if out_dir is not None:
        for path in write_schemas(out_dir):
            click.echo(_shown(path))
    elif kind is None:
        raise click.UsageError("name a KIND (project, publication, country, text) or give --out")
    else:
        click.echo(schema_json(kind))


@main.command()
@PROJECT_DIR
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to serve on, on 127.0.0.1 (this computer only); 0 picks a free one.")
@click.option("--edition", help="The edition to preview, e.g. fr-a5-web; fr-a5 or factsheet-pe picks the first "
                                "web PDF of those (default: the project's first web edition).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
def serve(project_dir: Path, port: int, edition: str | None, open_browser: bool) -> None:
    """Preview one edition in the browser, rebuilt each time you save a change.

    Watches the project file, the data folder (YAML, texts, images) and the templates and styles of the
    project and of its theme. The page at http://127.0.0.1:PORT/ shows every page of the PDF, links to
    the PDF and reloads itself after each rebuild. When a rebuild fails it shows where the error is, and
    keeps showing the last good pages. Only this computer can open it. Stop with Ctrl-C.

    \b
    Examples:
      coopbrochure serve
      coopbrochure serve path/to/project --edition fr-a5-web --open
      coopbrochure serve --edition factsheet-pe
      coopbrochure serve --port 0        any free port; the address is printed
    """
    from .serve import serve as serve_project

    serve_project(project_dir, edition, port, open_browser=open_browser, log=click.echo)


def _count(number: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number} {noun if number == 1 else plural}"


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


@main.command("check-layout")
@PROJECT_DIR
@click.option("--lang", "languages", multiple=True, help="Check only this language (repeatable).")
@click.option("--format", "formats", multiple=True, help="Check only this page format (repeatable).")
@click.option("--profile", "profiles", multiple=True, type=click.Choice(["print", "web"]),
              help="Check only this profile (repeatable).")
@click.option("--edition", "editions", multiple=True, help="Check only this edition, e.g. fr-a5-web (repeatable).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Editions laid out at once (default: one per CPU).")
def check_layout(project_dir: Path, languages, formats, profiles, editions, jobs) -> None:
    """Lay out the editions and report what a reader would see wrong, page by page; write no PDF.

    The page-quality check also runs on every build. It finds near-empty pages, words stranded on a
    line, holes in columns, text or images in the margins, type under 6 pt (graphics included), text
    with too little contrast (over images: measured on the rendered page) and fact sheets that are not
    two pages. Each finding names the file, the page, the element and what to do. Exit 1 when there is one.

    \b
    Examples:
      coopbrochure check-layout
      coopbrochure check-layout --edition fr-a5-web
    """
    from .pipeline import check_layout as check

    progress = _Progress()
    results = check(project_dir, languages=languages, formats=formats, profiles=profiles, editions=editions,
                    jobs=jobs, progress=progress)
    progress.clear()
    found = 0
    for edition in sorted(results, key=lambda result: result.edition.name):
        click.echo(f"{edition.path.stem}: {edition.pages} pages, {_layout_summary(edition)}")
        for finding in edition.layout:
            click.echo(f"  {finding}")
        found += len(edition.layout)
    if found:
        raise click.exceptions.Exit(1)


def _layout_summary(edition) -> str:
    """The page-quality check of one edition in a line: its findings and the denser variants it took."""
    fitted = ", ".join([*(f"{section} (variant {level})" for section, level in sorted(edition.variants.items())),
                        *(f"{section} (scrim)" for section in edition.scrims)])
    return _count(len(edition.layout), "finding") + (f"; fitted {fitted}" if fitted else "")
