"""Validate a whole project without rendering: project file, data, texts, files, templates and stylesheets."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .config import Project, load_project
from .errors import DataError, Location, Problem, relative
from .loader import Dataset, load_dataset
from .templating import environment


@dataclass(frozen=True)
class Checked:
    """A project that passed validation, its data, and the warnings found on the way."""

    project: Project
    dataset: Dataset
    warnings: list[Problem]


def check_project(project_dir: Path | str, *, strict: bool = False,
                  loaded: tuple[Project, list[Problem]] | None = None) -> Checked:
    """Validate everything a build reads; raise DataError listing every problem (warnings too with `strict`).

    `loaded` is the result of `load_project` when the caller has read the project file already.
    """
    project, problems = loaded or load_project(Path(project_dir))
    problems = list(problems)
    dataset, found = load_dataset(project)
    problems += found + check_templates(project) + check_stylesheets(project)
    if dataset is None or any(not problem.warning for problem in problems) or (strict and problems):
        raise DataError(problems)
    return Checked(project, dataset, sorted(problems))


def stylesheets(project: Project, page_format: str | None = None, kind: str | None = None) -> list[Path]:
    """The theme's stylesheets, then the project's own, so the project's rules win.

    Each folder may hold main.css (every edition), <format>.css (e.g. a5.css, only that format's
    editions) and factsheet.css (fact sheets only); without `page_format` and `kind`, every sheet is
    listed (for checking them all).
    """
    settings = project.settings
    formats = [page_format] if page_format else sorted({*settings.formats, *(["a4"] if "factsheet" in settings.documents
                                                                           else [])})
    kinds = [kind] if kind else settings.documents
    names = ["main.css", *(f"{name}.css" for name in formats), *(["factsheet.css"] if "factsheet" in kinds else [])]
    sheets: list[Path] = []
    for folder in (project.theme_dir / "styles", project.root / "styles"):
        for name in names:
            sheet = folder / name
            if sheet.is_file() and sheet.resolve() not in {known.resolve() for known in sheets}:
                sheets.append(sheet)
    return sheets


def check_templates(project: Project) -> list[Problem]:
    """Every template of the project and the theme parses; none is a link to a file elsewhere."""
    from .files import outside

    env = environment(project.root / "templates", project.theme_dir / "templates")
    problems = []
    folders = {project.theme_dir / "templates", project.root / "templates"}
    for template in sorted(path for folder in folders if folder.is_dir() for path in folder.rglob("*.j2")):
        refused = outside(template, template.parent)
        if refused:
            shown = template.relative_to(project.root).as_posix() if template.is_relative_to(project.root) else \
                str(template)
            problems.append(Problem(Location(shown), "", refused))
            continue
        error = _syntax_error(env, template.read_text(encoding="utf-8"), template.name, str(template))
        if error:
            line, message = error
            problems.append(Problem(Location(relative(template, project.root), line, 1), "",
                                    f"template syntax error: {message}"))
    return problems


@functools.lru_cache(maxsize=256)
def _syntax_error(env: jinja2.Environment, source: str, name: str, filename: str) -> tuple[int, str] | None:
    """The line and message of a template's syntax error, or None (parsed once per text)."""
    try:
        env.parse(source, name, filename)
    except jinja2.TemplateSyntaxError as error:
        return error.lineno or 1, error.message
    return None


def check_stylesheets(project: Project) -> list[Problem]:
    """Every file a stylesheet names (fonts, images) exists inside the project or the theme."""
    from .files import outside

    roots = [project.root.resolve(), project.theme_dir.resolve()]
    problems = []
    for sheet in stylesheets(project):
        name = relative(sheet, project.root)
        refused = outside(sheet, project.root if sheet.parent == project.root / "styles" else project.theme_dir)
        if refused:
            shown = sheet.relative_to(project.root).as_posix() if sheet.is_relative_to(project.root) else name
            problems.append(Problem(Location(shown), "", refused))
            continue
        for url, line, column in _urls(sheet.read_text(encoding="utf-8")):
            if url.startswith("data:"):
                continue
            where = Location(name, line, column)
            target = (sheet.parent / url).resolve()
            if ":" in url.split("/")[0] or not any(target.is_relative_to(root) for root in roots):
                problems.append(Problem(where, "", f"url({url}) is outside the project and the theme; "
                                                   "use a file inside them"))
            elif not target.is_file():
                problems.append(Problem(where, "", f"url({url}): file not found; add it or correct the path"))
    return problems


def font_families(sheets: list[Path]) -> set[str]:
    """The families the stylesheets bring with @font-face: text in any other font is a fallback."""
    return set().union(*(_font_faces(sheet.read_text(encoding="utf-8")) for sheet in sheets))


# A stylesheet is parsed once per text: every edition of a build, and every check of `serve`, reads the same.

@functools.lru_cache(maxsize=64)
def _urls(css: str) -> tuple[tuple[str, int, int], ...]:
    """Each url() of a stylesheet, with its line and column."""
    import tinycss2

    return tuple((token.value, token.source_line, token.source_column)
                 for token in _url_tokens(tinycss2.parse_stylesheet(css)))


@functools.lru_cache(maxsize=64)
def _font_faces(css: str) -> frozenset[str]:
    import tinycss2

    families = set()
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "font-face" and rule.content:
            for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                              skip_whitespace=True):
                if declaration.type == "declaration" and declaration.lower_name == "font-family":
                    families.add(tinycss2.serialize(declaration.value).strip().strip("'\""))
    return frozenset(families)


def _url_tokens(nodes):
    for node in nodes:
        if node.type == "url":
            yield node
        elif node.type == "function" and node.name == "url" and node.arguments:
            argument = next((item for item in node.arguments if item.type == "string"), None)
            if argument is not None:
                argument.source_line, argument.source_column = node.source_line, node.source_column
                yield argument
        for attribute in ("prelude", "content", "arguments"):
            children = getattr(node, attribute, None)
            if children:
                yield from _url_tokens(children)
