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

    try:
        checked = check_project(project_dir, strict=strict)
    except DataError as error:
        raise DataError(error.problems, "the project is not valid") from error
    for warning in checked.warnings:
        click.echo(str(warning), err=True)
    dataset = checked.dataset
    counts = [(len(dataset.articles), "article"), (len(dataset.countries), "country"),
              (len(checked.project.settings.editions), "edition")]
    if checked.warnings:
        counts.append((len(checked.warnings), "warning"))
    click.echo("valid: " + ", ".join(_count(number, noun) for number, noun in counts))


@main.command()
@PROJECT_DIR
@click.option("--lang", "languages", multiple=True, help="Build only this language (repeatable).")
@click.option("--format", "formats", multiple=True, help="Build only this page format, a4 or a5 (repeatable).")
@click.option("--edition", "editions", multiple=True, help="Build only this edition, e.g. fr-a5 (repeatable).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Editions built at once (default: one per CPU).")
@click.option("--force", is_flag=True, help="Rebuild editions whose inputs have not changed.")
@click.option("--html", "write_html", is_flag=True, help="Also write the intermediate HTML next to each PDF.")
@STRICT
def build(project_dir: Path, languages, formats, editions, jobs, force, write_html: bool, strict: bool) -> None:
    """Validate a project, then build its editions (every language in every format) into the output folder.

    Editions whose inputs have not changed since their last build are left as they are.

    \b
    Examples:
      coopbrochure build
      coopbrochure build path/to/project --lang fr --format a5
      coopbrochure build --edition nl-a4 --html --strict
      coopbrochure build --force --jobs 1
    """
    from .pipeline import build as build_project

    progress = _Progress()
    result = build_project(project_dir, languages=languages, formats=formats, editions=editions, jobs=jobs,
                           force=force, write_html=write_html, strict=strict, progress=progress)
    progress.clear()
    for warning in result.warnings:
        click.echo(str(warning), err=True)
    for edition in result.editions:
        for warning in edition.warnings:
            click.echo(f"{edition.path.name}: warning: {warning}", err=True)
    for edition in result.editions:
        if edition.seconds is None:
            click.echo(f"{_shown(edition.path)}  up to date")
            continue
        notes = f"  ({_count(len(edition.notes_pages), 'notes page')} before the back cover)" if edition.notes_pages else ""
        click.echo(f"{_shown(edition.path)}  {edition.pages} pages  {edition.seconds:.1f} s{notes}")
    for lang, count in sorted(result.fallbacks.items()):
        click.echo(f"{lang}: {_count(count, 'text')} taken from the fallback language (see the warnings)")


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
