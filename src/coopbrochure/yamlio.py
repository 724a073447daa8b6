"""YAML loading that keeps, for every key path, the file, line and column it came from."""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, Problem, relative

KeyPath = tuple[str | int, ...]

MAX_DEPTH = 64  # nesting of lists and mappings; publication data needs fewer than ten
MAX_VALUES = 200_000  # values in one file, aliases expanded (a "billion laughs" stops here, in well under a second)
MAX_BYTES = 5_000_000  # a YAML file of a publication is a few kB


class _Refused(Exception):
    """Raised while building the data of a file that is nested too deep or expands to too much."""

    def __init__(self, mark, path: KeyPath, message: str):
        super().__init__(message)
        self.mark, self.path, self.message = mark, path, message


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses nesting deeper than MAX_DEPTH while composing (no RecursionError)."""

    depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _Refused(self.peek_event().start_mark, (), f"lists and mappings are nested more than "
                                                                 f"{MAX_DEPTH} levels deep here; flatten the data")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


@dataclass
class Located:
    """Data loaded from one file, with the position of every value in it."""

    data: Any
    file: str
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    line_offset: int = 0

    def locate(self, path: KeyPath) -> Location:
        """The position of the value at `path`, or of the deepest part of it that exists in the file."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.positions:
                line, column = self.positions[path[:end]]
                return Location(self.file, line + self.line_offset, column)
        return Location(self.file, 1 + self.line_offset, 1)

    def locate_key(self, path: KeyPath) -> Location:
        """The position of the key that ends `path` (where a misspelt key is written)."""
        if path in self.key_positions:
            line, column = self.key_positions[path]
            return Location(self.file, line + self.line_offset, column)
        return self.locate(path)


def format_key_path(path: KeyPath) -> str:
    """`('programmes', 1, 'budget')` -> `programmes[1].budget`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse(text: str, file: str, line_offset: int = 0) -> tuple[Located | None, list[Problem]]:
    """Parse YAML text with safe-load semantics; report syntax errors, bad tags and duplicate keys.

    A text parsed before is not parsed again (a rebuild, or serve, reads the same files many times): its
    result is copied, so that no caller can change what the next one gets."""
    return copy.deepcopy(_parsed(text, file, line_offset))


@lru_cache(maxsize=512)
def _parsed(text: str, file: str, line_offset: int) -> tuple[Located | None, list[Problem]]:
    if len(text) > MAX_BYTES:
        return None, [Problem(Location(file, 1 + line_offset, 1), "", f"{len(text):,} characters is more than the "
                                                                     f"{MAX_BYTES:,} a data file may hold; split it "
                                                                     "or remove what the publication does not use")]
    if text.startswith("\ufeff"):  # a byte order mark, as some Windows editors write it
        text = text[1:]
    try:
        loader = _BoundedLoader(text)
    except yaml.reader.ReaderError as error:
        return None, [_character_problem(error, text, file, line_offset)]
    problems: list[Problem] = []
    try:
        node = loader.get_single_node()
        if node is None:
            return Located({}, file, {(): (1, 1)}, line_offset), []
        located = Located(None, file, line_offset=line_offset)
        located.data = _construct(loader, node, (), located, problems, _Budget())
        return located, problems
    except _Refused as refused:
        line, column = (refused.mark.line + 1, refused.mark.column + 1) if refused.mark else (1, 1)
        return None, [Problem(Location(file, line + line_offset, column), format_key_path(refused.path),
                              refused.message)]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        where = Location(file, line + line_offset, column)
        return None, [Problem(where, "", f"YAML syntax error: {_plain_reason(error)}")]
    except yaml.reader.ReaderError as error:
        return None, [_character_problem(error, text, file, line_offset)]
    finally:
        loader.dispose()


def _character_problem(error: yaml.reader.ReaderError, text: str, file: str, line_offset: int) -> Problem:
    line = text.count("\n", 0, error.position) + 1
    column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
    return Problem(Location(file, line + line_offset, column), "",
                   f"the character U+{error.character:04X} is not allowed in YAML; remove it")


_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

# PyYAML's reasons, said the way an editor of the data would understand them.
_PLAIN_REASONS = {
    "mapping values are not allowed here":
        "a 'key: value' pair where none can start; check the indentation of this line and the one before",
    "could not find expected ':'": "a line without 'key: value'; add the colon or indent it under the key above",
    "found character '\\t' that cannot start any token": "a tab character; indent with spaces only",
    "found undefined alias": "an *alias without a matching &anchor",
    "expected <block end>, but found '-'": "a list item ('- ') at the wrong indentation",
    "found unexpected end of stream": "the file ends inside a quoted text; close the quote",
    "found unknown escape character": "an unknown backslash escape inside double quotes; use single quotes",
}


def _plain_reason(error: yaml.MarkedYAMLError) -> str:
    reason = error.problem or "invalid YAML"
    for known, plain in _PLAIN_REASONS.items():
        if reason.startswith(known):
            return plain
    if reason.startswith("could not determine a constructor for the tag"):
        tag = reason.split("tag ")[-1].strip("'").replace("tag:yaml.org,2002:", "!!")
        return f"{tag} is not an allowed YAML tag; remove it (only plain YAML is accepted)"
    return f"{reason}{f' ({error.context})' if error.context else ''}; check the indentation and quoting here"


def load(path: Path, root: Path) -> tuple[Located | None, list[Problem]]:
    """Read and parse one YAML file of a project."""
    from .files import Unreadable, read_inside

    name = relative(path, root)
    try:
        text = read_inside(path, root).decode("utf-8")
    except Unreadable as error:
        return None, [Problem(Location(name), "", str(error))]
    except UnicodeDecodeError as error:
        return None, [Problem(Location(name), "", f"not UTF-8 text ({error.reason}); save the file as UTF-8")]
    return parse(text, name)


@dataclass
class _Budget:
    """What building one file's data has used: values made so far, and the collections being built."""

    values: int = 0
    open: set[int] = field(default_factory=set)


def _construct(loader: yaml.SafeLoader, node: yaml.Node, path: KeyPath, located: Located, problems: list[Problem],
               budget: _Budget) -> Any:
    budget.values += 1
    if budget.values > MAX_VALUES:
        raise _Refused(node.start_mark, path, f"more than {MAX_VALUES:,} values in one file (*aliases count each "
                                              "time they are used); write the data out, or split the file")
    if len(path) > MAX_DEPTH:
        raise _Refused(node.start_mark, path, f"lists and mappings are nested more than {MAX_DEPTH} levels deep "
                                              "here; flatten the data")
    if id(node) in budget.open:
        raise _Refused(node.start_mark, path, "an *alias that contains its own &anchor (a list or mapping inside "
                                              "itself); write the value out")
    located.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _COLLECTION_TAGS:
        raise yaml.constructor.ConstructorError(None, None, f"could not determine a constructor for the tag {node.tag}",
                                                node.start_mark)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        budget.open.add(id(node))
        try:
            return _construct_collection(loader, node, path, located, problems, budget)
        finally:
            budget.open.discard(id(node))
    value = loader.construct_object(node, deep=True)
    if isinstance(value, float) and not math.isfinite(value):
        where = Location(located.file, node.start_mark.line + 1 + located.line_offset, node.start_mark.column + 1)
        problems.append(Problem(where, format_key_path(path), f"'{node.value}' is not a number a publication can "
                                                              "print; write the figure, or quote it to make it text"))
    return value


def _construct_collection(loader: yaml.SafeLoader, node: yaml.Node, path: KeyPath, located: Located,
                          problems: list[Problem], budget: _Budget) -> Any:
    if isinstance(node, yaml.MappingNode):
        try:
            loader.flatten_mapping(node)
        except RecursionError:  # a merge key (<<: *x) that merges its own mapping
            raise _Refused(node.start_mark, path, "a merge key (<<: *alias) that merges the mapping into itself; "
                                                  "write the values out") from None
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, (str, int, float, bool)):
                where = Location(located.file, key_node.start_mark.line + 1 + located.line_offset, key_node.start_mark.column + 1)
                problems.append(Problem(where, format_key_path(path), "a key must be plain text"))
                continue
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                where = Location(located.file, key_node.start_mark.line + 1 + located.line_offset, key_node.start_mark.column + 1)
                first_line = located.positions[(*path, key)][0] + located.line_offset
                problems.append(Problem(where, format_key_path((*path, key)),
                                        f"duplicate key (first given on line {first_line}); keep one of them"))
                continue
            located.key_positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _construct(loader, value_node, (*path, key), located, problems, budget)
        return result
    return [_construct(loader, item, (*path, index), located, problems, budget)
            for index, item in enumerate(node.value)]
