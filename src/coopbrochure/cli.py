"""The `coopbrochure` command line: each command parses its options and calls one library function."""

from __future__ import annotations

import sys
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
        except CoopbrochureError:
            if ctx.obj and ctx.obj.get("debug"):
                import traceback

                traceback.print_exc()
            raise


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


@main.command()
@PROJECT_DIR
@click.option("--html", "write_html", is_flag=True, help="Also write the intermediate HTML next to each PDF.")
def build(project_dir: Path, write_html: bool) -> None:
    """Build every edition of a project into its output folder.

    \b
    Examples:
      coopbrochure build
      coopbrochure build path/to/project --html
    """
    from .build import build as build_project

    for result in build_project(project_dir, write_html=write_html):
        for warning in result.warnings:
            click.echo(f"warning: {result.path.name}: {warning}", err=True)
        click.echo(f"{_shown(result.path)}  {result.pages} pages  {result.seconds:.1f} s")


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
