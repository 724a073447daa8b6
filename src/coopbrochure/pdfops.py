"""Reading PDF content streams for preflight: qpdf's parser (through pikepdf), operands as pypdf-like values."""

from __future__ import annotations

import functools

from pypdf.generic import NameObject

_INLINE_ABBREVIATIONS = {"/W": "/Width", "/H": "/Height", "/CS": "/ColorSpace", "/IM": "/ImageMask",
                         "/BPC": "/BitsPerComponent"}


@functools.cache
def _scratch():
    import pikepdf

    return pikepdf.Pdf.new()  # the owner of the throwaway streams parsed here


def operations(data: bytes) -> list[tuple[list, bytes]]:
    """(operands, operator) pairs of a content stream.

    Names are NameObjects, numbers floats, strings bytes, arrays lists; inline images come as
    ({"settings": {...}}, b"INLINE IMAGE"), as in pypdf. Strings with nested or escaped parentheses,
    comments and binary inline image data are read as PDF readers read them, so a string that holds
    an operator's name never reads as that operator.
    """
    import pikepdf

    try:
        instructions = pikepdf.parse_content_stream(pikepdf.Stream(_scratch(), data))
    except pikepdf.PdfError:
        return []
    found: list[tuple[list, bytes]] = []
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            found.append(({"settings": _inline_settings(instruction.iimage)}, b"INLINE IMAGE"))
        else:
            found.append(([_value(operand) for operand in instruction.operands],
                          str(instruction.operator).encode("latin-1")))
    return found


def _value(operand):
    import pikepdf

    if isinstance(operand, pikepdf.Name):
        return NameObject(str(operand))
    if isinstance(operand, pikepdf.String):
        return bytes(operand)
    if isinstance(operand, pikepdf.Array):
        return [_value(item) for item in operand]
    if isinstance(operand, pikepdf.Dictionary):
        return {str(key): _value(value) for key, value in operand.items()}
    if isinstance(operand, bool):
        return operand
    try:
        return float(operand)
    except (TypeError, ValueError):
        return operand


def _inline_settings(image) -> dict:
    settings = {}
    for key, value in image.obj.items():
        settings[_INLINE_ABBREVIATIONS.get(str(key), str(key))] = _value(value)
    return settings
