"""The Jinja environment: project templates before the theme's, StrictUndefined, autoescape."""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .errors import TemplateError, relative
from .markup import inline, render

ENTRY_TEMPLATE = "publication.html.j2"


def environment(project_templates: Path, theme_templates: Path, trusted: bool = False) -> jinja2.Environment:
    """Templates are looked up in the project first, then the theme; `!theme/NAME` always means the theme's.

    An environment is kept for the process while the project's templates are the same files (names and
    times): its templates are compiled once, and again only when one changes (Jinja checks each file's time
    on use); a template added to or removed from the project gives a new environment.

    Templates are untrusted by default: they run in Jinja's immutable sandbox, with no access to Python
    internals (`__globals__`, `__class__`...) and no changing of the data; `trusted` (the command line's
    --trust-templates) runs them as the plain Python code they can be.
    """
    listing = (tuple(sorted((path.name, path.stat().st_mtime_ns) for path in project_templates.iterdir()))
               if project_templates.is_dir() else None)
    return _environment(project_templates, theme_templates, trusted, listing)


@functools.lru_cache(maxsize=8)
def _environment(project_templates: Path, theme_templates: Path, trusted: bool, listing) -> jinja2.Environment:
    theme = _ConfinedLoader(theme_templates)
    search = [_ConfinedLoader(project_templates), theme] if project_templates.is_dir() else [theme]
    loader = jinja2.ChoiceLoader([jinja2.PrefixLoader({"!theme": theme}, delimiter="/"), *search])
    kind = jinja2.Environment if trusted else ImmutableSandboxedEnvironment
    env = kind(loader=loader, undefined=jinja2.StrictUndefined, autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env


class _ConfinedLoader(jinja2.FileSystemLoader):
    """Templates from one folder, never through a symbolic link or from outside it."""

    def __init__(self, folder: Path):
        super().__init__(folder)
        self.folder = folder

    def get_source(self, environment: jinja2.Environment, template: str):
        from .files import outside

        refused = outside(self.folder / template, self.folder)
        if refused and (self.folder / template).exists():
            raise TemplateError(f"{self.folder.name}/{template}: {refused}")
        return super().get_source(environment, template)


def render_template(env: jinja2.Environment, context: dict[str, Any], root: Path | None = None,
                    entry: str = ENTRY_TEMPLATE) -> str:
    """Render the entry template; any template failure becomes a TemplateError naming file and line.

    File names in messages are relative to `root` (the project) where they are inside it.
    """
    env.filters["inline"] = lambda text: inline(text, context["lang"])
    env.filters["quoted"] = lambda text: inline(text, context["lang"], nested=True)  # inside the theme's quotes
    env.filters["markdown"] = lambda text: render(text, context["lang"])
    try:
        return env.get_template(entry).render(context)
    except jinja2.TemplateSyntaxError as error:
        name = _shown(error.filename, root) if error.filename else error.name
        raise TemplateError(f"{name}:{error.lineno}: template syntax error: {error.message}") from error
    except jinja2.TemplateNotFound as error:
        raise TemplateError(f"template not found: {error.name}; add it to templates/ or fix the include") from error
    except SecurityError as error:
        raise TemplateError(f"{_template_position(root)}: refused: {str(error).rstrip('.')}; templates run sandboxed, without "
                            "access to Python internals: if you trust this project's templates as code, build "
                            "with --trust-templates") from error
    except jinja2.UndefinedError as error:
        raise TemplateError(f"{_template_position(root)}: {_plain_undefined(error.message or '')}; check the field "
                            "name in the template and in the data") from error


def _plain_undefined(message: str) -> str:
    """Jinja's "'x.y.Country object' has no attribute 'naam'" as "Country has no field 'naam'"."""
    match = re.match(r"'(?:[\w.]+\.)?(\w+) object' has no attribute '(.+)'", message)
    if match:
        return f"{match.group(1)} has no field '{match.group(2)}'"
    return message


def _template_position(root: Path | None) -> str:
    """File and line of the innermost template frame of the exception being handled."""
    position = "template"
    traceback = sys.exc_info()[2]
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            position = f"{_shown(filename, root)}:{traceback.tb_lineno}"
        traceback = traceback.tb_next
    return position


def _shown(filename: str, root: Path | None) -> str:
    return relative(Path(filename), root) if root else filename
