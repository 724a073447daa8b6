"""Fast reading of PDF content streams: the operators and operands preflight looks at, nothing more."""

from __future__ import annotations

import re

from pypdf.generic import NameObject

_TOKEN = re.compile(rb"""
    (?P<space>[\s\x00]+|%[^\r\n]*)
  | (?P<string>\((?:\\.|[^\\()]|\((?:\\.|[^\\()])*\))*\))
  | (?P<dict><<|>>)
  | (?P<hex><[0-9A-Fa-f\s]*>)
  | (?P<array>[\[\]{}])
  | (?P<name>/[^\s/\[\]()<>{}%]*)
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+))
  | (?P<operator>[A-Za-z'"*][A-Za-z0-9'"*]*)
""", re.VERBOSE | re.DOTALL)
_INLINE_IMAGE_END = re.compile(rb"\sEI(?=[\s\x00]|$)")
_INLINE_ABBREVIATIONS = {"/W": "/Width", "/H": "/Height", "/CS": "/ColorSpace", "/IM": "/ImageMask"}


def operations(data: bytes) -> list[tuple[list, bytes]]:
    """(operands, operator) pairs of a content stream; names are NameObjects, numbers floats.

    Inline images come as ({"settings": {...}}, b"INLINE IMAGE"), as in pypdf. Strings, arrays and
    dictionaries are skipped: no operator preflight reads takes them. Many times faster than pypdf's
    ContentStream, which builds every object of every text operator.
    """
    found: list[tuple[list, bytes]] = []
    operands: list = []
    position, end = 0, len(data)
    while position < end:
        match = _TOKEN.match(data, position)
        if match is None:  # a byte no token starts with: skip it, as viewers do
            position += 1
            continue
        position = match.end()
        kind = match.lastgroup
        if kind == "number":
            operands.append(float(match.group()))
        elif kind == "name":
            operands.append(NameObject(match.group().decode("latin-1")))
        elif kind == "operator":
            operator = match.group()
            if operator == b"BI":
                settings, position = _inline_image(data, position)
                found.append(({"settings": settings}, b"INLINE IMAGE"))
            else:
                found.append((operands, operator))
            operands = []
    return found


def _inline_image(data: bytes, position: int) -> tuple[dict, int]:
    """The settings of an inline image (BI ... ID data EI) and the position after it."""
    start = data.find(b"ID", position)
    if start < 0:
        return {}, len(data)
    tokens = [match.group() for match in _TOKEN.finditer(data[position:start]) if match.lastgroup != "space"]
    settings = {}
    for key, value in zip(tokens[::2], tokens[1::2]):
        name = _INLINE_ABBREVIATIONS.get(key.decode("latin-1"), key.decode("latin-1"))
        text = value.decode("latin-1")
        settings[name] = NameObject(text) if text.startswith("/") else (
            text == "true" if text in ("true", "false") else float(text) if text[:1].isdigit() else text)
    finish = _INLINE_IMAGE_END.search(data, start + 3)
    return settings, finish.end() if finish else len(data)
