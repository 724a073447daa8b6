"""The template context of a country fact sheet: one country's chapter, with the publication's contacts."""

from __future__ import annotations

from typing import Any

from .config import PAGE_SIZES_MM, Edition
from .context import _chapter, _named
from .graphics import Graphics
from .i18n import Formatter, labels
from .loader import Dataset
from .localize import localize


def factsheet_context(dataset: Dataset, edition: Edition, *, fallback: str, languages: list[str],
                      allow_html: bool = False, palette: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything factsheet.html.j2 may use: the country's chapter, publication, labels and formatter."""
    lang = edition.lang
    fmt = Formatter(lang)
    country = next(country for country in dataset.countries if country.iso.lower() == edition.country)
    country = _named(localize(country, lang, fallback), fmt)
    width, height = PAGE_SIZES_MM[edition.format]
    graphics = Graphics(fmt, "factsheet", palette or {}, web=edition.profile == "web")
    return {
        "lang": lang,
        "edition": edition,
        "page": {"format": edition.format, "width_mm": width, "height_mm": height},
        "t": labels(lang),
        "fmt": fmt,
        "pub": localize(dataset.publication, lang, fallback),
        "other_languages": [fmt.language_name(other) for other in languages if other != lang],
        "chapter": _chapter(country, lang, allow_html, graphics),
    }
