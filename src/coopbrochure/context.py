"""The template context of one edition, dossier or fact sheet: texts rendered in its language, graphics drawn."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from .config import PAGE_SIZES_MM, Edition
from .graphics import Graphic, Graphics
from .i18n import Formatter, labels
from .loader import Dataset, Text
from .localize import localize
from .markup import render, segments
from .model import Country, FrontMatter


@dataclass(frozen=True)
class RenderedBox:
    title: str
    html: Markup


@dataclass(frozen=True)
class RenderedText:
    """A Markdown text ready for a template: front matter plus body split at its figures, quotes and boxes."""

    id: str
    meta: FrontMatter
    parts: list[tuple[str, Any]]
    file: str = ""  # the Markdown file, relative to the project (named by the page-quality check)


@dataclass(frozen=True)
class CountryChapter:
    """A country chapter: the country in the edition's language, its intro, and its graphics (None when absent)."""

    id: str
    country: Country
    intro: Markup
    map: Graphic | None
    timeline: Graphic | None
    portfolio: Graphic | None
    file: str = ""  # the country's YAML file, relative to the project


def edition_context(dataset: Dataset, edition: Edition, *, fallback: str, languages: list[str],
                    allow_html: bool = False, palette: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything the dossier's templates may use for one edition; StrictUndefined catches anything else."""
    context = _common(dataset, edition, fallback, languages)
    lang, fmt = edition.lang, context["fmt"]
    text = functools.partial(_render_text, lang=lang, allow_html=allow_html)
    countries = [_named(localize(country, lang, fallback), fmt) for country in dataset.countries]
    graphics = Graphics(fmt, edition.format, palette or {})
    return context | {
        "palette": palette or {},
        "editorial": text(dataset.editorial[lang], ident="editorial"),
        "intro": text(dataset.intro[lang], ident="dossier"),
        "articles": [text(article[lang], ident=f"article-{article[lang].name}") for article in dataset.articles],
        "countries": [_chapter(country, lang, allow_html, graphics, _country_file(dataset, index))
                      for index, country in enumerate(countries)],
        "region_map": graphics.region(countries),
    }


def factsheet_context(dataset: Dataset, edition: Edition, *, fallback: str, languages: list[str],
                      allow_html: bool = False, palette: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything factsheet.html.j2 may use: the chapter of the edition's country, with the publication's."""
    context = _common(dataset, edition, fallback, languages)
    index, country = next((index, country) for index, country in enumerate(dataset.countries)
                          if country.iso.lower() == edition.country)
    country = _named(localize(country, edition.lang, fallback), context["fmt"])
    graphics = Graphics(context["fmt"], "factsheet", palette or {})
    chapter = _chapter(country, edition.lang, allow_html, graphics, _country_file(dataset, index))
    contacts = [contact for contact in context["pub"].contacts if _serves(contact, country)]
    return context | {"chapter": chapter, "contacts": contacts or context["pub"].contacts}


def _common(dataset: Dataset, edition: Edition, fallback: str, languages: list[str]) -> dict[str, Any]:
    """What every document's templates may use: the edition, its page, labels, formatter and publication."""
    lang = edition.lang
    width, height = PAGE_SIZES_MM[edition.format]
    fmt = Formatter(lang)
    return {
        "lang": lang,
        "edition": edition,
        "page": {"format": edition.format, "width_mm": width, "height_mm": height},
        "t": labels(lang),
        "fmt": fmt,
        "pub": localize(dataset.publication, lang, fallback),
        "other_languages": [fmt.language_name(other) for other in languages if other != lang],
        "publication_file": _relative(dataset, dataset.data_dir / "publication.yaml"),
    }


def _relative(dataset: Dataset, path) -> str:
    """A data file as the project names it (data/countries/peru.yaml), for the page-quality check's messages."""
    return str(path.relative_to(dataset.data_dir.parent))


def _country_file(dataset: Dataset, index: int) -> str:
    names = dataset.publication.countries
    return _relative(dataset, dataset.data_dir / "countries" / f"{names[index]}.yaml") if index < len(names) else ""


def _serves(contact, country: Country) -> bool:
    """Whether a contact is the office of this country: named for it, or in its capital (other offices are not)."""
    text = " ".join(str(part) for part in [contact.name, contact.organisation or "", *contact.address]).lower()
    return any(name and name.lower() in text for name in (country.name, country.capital))


def _named(country: Country, fmt: Formatter) -> Country:
    return country if country.name else country.model_copy(update={"name": fmt.country_name(country.iso)})


def _render_text(text: Text, *, lang: str, allow_html: bool, ident: str) -> RenderedText:
    meta = text.meta
    components = {
        "figure": {item.id: item for item in meta.figures},
        "quote": {item.id: item for item in meta.quotes},
        "box": {item.id: RenderedBox(item.title, render(item.body, lang, allow_html)) for item in meta.boxes},
    }
    parts = [(kind, value if kind == "html" else components[kind][value])
             for kind, value in segments(render(text.body, lang, allow_html))
             if kind != "figure" or components["figure"][value].place == "here"]
    return RenderedText(ident, meta, parts, text.file)


def _chapter(country: Country, lang: str, allow_html: bool, graphics: Graphics, file: str) -> CountryChapter:
    return CountryChapter(f"country-{country.iso.lower()}", country, render(country.intro, lang, allow_html),
                          graphics.locator(country), graphics.timeline(country), graphics.portfolio(country), file)
