"""The one exception tree of coopbrochure: every error a user can meet."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click


@dataclass(frozen=True, order=True)
class Location:
    """A place in a project file: path relative to the project, 1-based line and column."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.column or 1}"


@dataclass(frozen=True, order=True)
class Problem:
    """One located problem: where, which key path, and what to do about it."""

    location: Location
    key: str
    message: str

    def __str__(self) -> str:
        key = f" {self.key}:" if self.key else ""
        return f"{self.location}:{key} {self.message}"


class CoopbrochureError(click.ClickException):
    """Base of every error coopbrochure reports; exit code 1 (data or build error)."""

    exit_code = 1

    def show(self, file=None) -> None:  # noqa: D102 - click's hook, plain message without "Error:"
        click.echo(self.format_message(), err=True)


class DataError(CoopbrochureError):
    """Raised when project or publication data is invalid; carries every problem of the run, sorted."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        count = len(self.problems)
        summary = f"{count} problem{'s' if count != 1 else ''} found; nothing was built."
        super().__init__("\n".join([*map(str, self.problems), summary]))


class TemplateError(CoopbrochureError):
    """Raised when a Jinja template fails: names the template, its line and the cause."""


class RenderError(CoopbrochureError):
    """Raised when WeasyPrint cannot lay out or write a PDF."""


class UsageError(click.UsageError):
    """Raised for a wrong command line; exit code 2."""


def relative(path: Path, root: Path) -> str:
    """Path as the user knows it: relative to the project root where possible."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
