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
    """One located problem: where, which key path, and what to do about it; a warning does not stop a build."""

    location: Location
    key: str
    message: str
    warning: bool = False

    def __str__(self) -> str:
        key = f" {self.key}:" if self.key else ""
        return f"{self.location}:{key} {'warning: ' if self.warning else ''}{self.message}"


def summary(problems: list[Problem]) -> str:
    """'2 errors and 1 warning' and the like."""
    errors = sum(not problem.warning for problem in problems)
    warnings = len(problems) - errors
    parts = [f"{count} {word}{'s' if count != 1 else ''}"
             for count, word in ((errors, "error"), (warnings, "warning")) if count]
    return " and ".join(parts) or "no problems"


class CoopbrochureError(click.ClickException):
    """Base of every error coopbrochure reports; exit code 1 (data or build error)."""

    exit_code = 1

    def show(self, file=None) -> None:  # noqa: D102 - click's hook, plain message without "Error:"
        click.echo(self.format_message(), err=True)


class DataError(CoopbrochureError):
    """Raised when project or publication data is invalid (or, with --strict, has warnings).

    Carries every problem of the run, errors and warnings, sorted by file and line.
    """

    def __init__(self, problems: list[Problem], consequence: str = "nothing was built"):
        self.problems = sorted(problems)
        super().__init__("\n".join([*map(str, self.problems), f"{summary(self.problems)}; {consequence}."]))


class TemplateError(CoopbrochureError):
    """Raised when a Jinja template fails: names the template, its line and the cause."""


class RenderError(CoopbrochureError):
    """Raised when WeasyPrint cannot lay out or write a PDF."""


def relative(path: Path, root: Path) -> str:
    """Path as the user knows it: relative to the project root where possible."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
