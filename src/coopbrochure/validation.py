"""Turn pydantic validation errors into located, plain-language problems."""

from __future__ import annotations

import copy
import difflib
from typing import Any, TypeVar

import pydantic

from .errors import Problem
from .yamlio import KeyPath, Located, format_key_path

Model = TypeVar("Model", bound=pydantic.BaseModel)

_EXPECTED = {
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "string_type": "expected text",
    "bool_parsing": "expected true or false",
    "bool_type": "expected true or false",
    "date_parsing": "expected a date written as YYYY-MM-DD",
    "date_type": "expected a date written as YYYY-MM-DD",
    "date_from_datetime_inexact": "expected a date without a time",
    "list_type": "expected a list (lines starting with '- ')",
    "dict_type": "expected a group of 'key: value' lines",
    "model_type": "expected a group of 'key: value' lines",
    "model_attributes_type": "expected a group of 'key: value' lines",
}


def validate(model: type[Model], located: Located, prefix: KeyPath = ()) -> tuple[Model | None, list[Problem]]:
    """Validate located data against a model; every problem is reported with its file:line:col.

    Unknown keys are warnings (the value is validated without them); anything else is an error.
    """
    data, warnings = located.data, []
    for _ in range(8):  # each pass strips the unknown keys pydantic reported; nesting rarely needs two
        try:
            return model.model_validate(data), warnings
        except pydantic.ValidationError as error:
            items = error.errors()
        unknown = [item for item in items if item["type"] == "extra_forbidden"]
        problems = _without_explained_missing([_problem(model, located, item, prefix) for item in items])
        if not unknown or len(unknown) < len(items):
            return None, sorted(set(warnings) | set(problems))
        warnings += problems
        data = _without_paths(data, [_clean_path(item["loc"], data) for item in unknown])
    return None, warnings


def _without_paths(data: Any, paths: list[KeyPath]) -> Any:
    """A copy of `data` without the keys at `paths`."""
    data = copy.deepcopy(data)
    for path in paths:
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        parent.pop(path[-1], None)
    return data


def _problem(model: type[pydantic.BaseModel], located: Located, item: dict[str, Any], prefix: KeyPath) -> Problem:
    path = _clean_path(item["loc"], located.data)
    kind = item["type"]
    if kind == "extra_forbidden":
        return Problem(located.locate_key(path), format_key_path((*prefix, *path)),
                       "unknown key, ignored" + _suggestion(model, path), warning=True)
    if kind == "missing":
        message = "required field is missing; add it"
    elif kind in _EXPECTED:
        message = f"{_EXPECTED[kind]}, got {_show(item.get('input'))}"
    elif kind == "value_error":
        message = str(item["ctx"]["error"]) if "ctx" in item else item["msg"]
    else:
        message = f"{item['msg'][0].lower()}{item['msg'][1:]}, got {_show(item.get('input'))}"
    return Problem(located.locate(path), format_key_path((*prefix, *path)), message)


def _without_explained_missing(problems: list[Problem]) -> list[Problem]:
    """Merge "X is missing" into the unknown key beside it that says "did you mean 'X'?": one error, not two."""
    def suggested_key(problem: Problem) -> str | None:
        if "did you mean '" not in problem.message:
            return None
        parent = problem.key.rpartition(".")[0]
        name = problem.message.split("did you mean '")[1].rstrip("'?")
        return f"{parent}.{name}" if parent else name

    missing = {problem.key for problem in problems if problem.message.startswith("required field is missing")}
    merged = []
    for problem in problems:
        if problem.key in missing and any(suggested_key(other) == problem.key for other in problems):
            continue
        if suggested_key(problem) in missing:
            problem = Problem(problem.location, problem.key, problem.message.replace(
                "unknown key, ignored", "unknown key") + " (it is required)")
        merged.append(problem)
    return merged


def _clean_path(loc: tuple[Any, ...], data: Any) -> KeyPath:
    """The key path the user wrote: pydantic also puts union members ("str", "dict[str,str]") in `loc`."""
    path: list[str | int] = []
    for part in loc:
        if isinstance(data, dict) and part in data or isinstance(part, int) and isinstance(data, list):
            path.append(part)
            data = data[part] if isinstance(data, dict) or part < len(data) else None
        elif not (isinstance(part, str) and ("[" in part or part in {"int", "str", "float", "list", "dict", "bool"})):
            path.append(part)  # a missing or unknown key: reported at its parent
            data = None
    return tuple(path)


def _show(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a group of values" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _suggestion(model: type[pydantic.BaseModel], path: KeyPath) -> str:
    fields = _fields_at(model, path[:-1])
    close = difflib.get_close_matches(str(path[-1]), fields, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return f"; known keys here: {', '.join(sorted(fields))}" if fields else ""


def _fields_at(model: type[pydantic.BaseModel], path: KeyPath) -> list[str]:
    """Field names of the (sub)model that `path` leads to, following lists and nested models."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _inner_model(field.annotation)
    return list(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None
