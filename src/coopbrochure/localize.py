"""Translations in the data: pick one language (with the project's fallback), and find what is missing."""

from __future__ import annotations

from typing import Any, TypeVar

import pydantic

from .config import LANGUAGES
from .errors import Problem
from .yamlio import KeyPath, Located, format_key_path

Model = TypeVar("Model", bound=pydantic.BaseModel)


def is_translations(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(key in LANGUAGES for key in value)


def localize(model: Model, lang: str, fallback: str) -> Model:
    """A copy of `model` in which every set of translations is replaced by the text for `lang`."""
    return type(model).model_validate(_pick(model.model_dump(), lang, fallback))


def _pick(value: Any, lang: str, fallback: str) -> Any:
    if is_translations(value):
        return value.get(lang) or value.get(fallback) or next(iter(value.values()))
    if isinstance(value, dict):
        return {key: _pick(item, lang, fallback) for key, item in value.items()}
    if isinstance(value, list):
        return [_pick(item, lang, fallback) for item in value]
    return value


def missing_translations(model: pydantic.BaseModel, located: Located, languages: list[str],
                         fallback: str) -> list[tuple[str, Problem]]:
    """A located warning, with its language, for every set of translations that lacks one of `languages`."""
    problems = []
    for path, translations in _translations(model.model_dump(exclude_defaults=True)):
        for lang in languages:
            if lang not in translations:
                used = fallback if fallback in translations else next(iter(translations))
                problems.append((lang, Problem(located.locate(path), format_key_path(path),
                                               f"no '{lang}' translation; the '{used}' text is used", warning=True)))
    return problems


def _translations(value: Any, path: KeyPath = ()):
    if is_translations(value):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _translations(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _translations(item, (*path, index))
