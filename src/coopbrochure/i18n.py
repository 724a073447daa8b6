"""Language-dependent text: template labels, and dates, numbers and amounts formatted with Babel."""

from __future__ import annotations

import datetime
import functools
from importlib import resources

import yaml
from babel import Locale
from babel.dates import format_date
from babel.numbers import (format_compact_currency, format_compact_decimal, format_currency, format_decimal,
                           format_percent)

LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}


@functools.cache
def labels(lang: str) -> dict[str, str]:
    """The label catalogue of one language (labels/<lang>.yaml)."""
    return yaml.safe_load(resources.files(__package__).joinpath(f"labels/{lang}.yaml").read_text(encoding="utf-8"))


# Where the euro sign goes around a spelled-out amount such as "17 miljoen".
# the amount and its magnitude never part ("20 millions"); a line may break before "d’euros"
_EURO_WORDS = {"nl": "€\u00a0{}", "fr": "{} d’euros", "en": "€{}"}
_EURO_PATTERNS = {"nl": "¤\u00a0#,##0", "fr": "#,##0\u00a0¤", "en": "¤#,##0"}


class Formatter:
    """Formats values for one language; templates receive it as `fmt`."""

    def __init__(self, lang: str):
        self.lang = lang
        self.locale = Locale.parse(LOCALES[lang])

    def country_name(self, iso: str) -> str:
        """The country's name in this language, from the Unicode CLDR."""
        return self.locale.territories.get(iso, iso)

    def language_name(self, lang: str) -> str:
        return self.locale.languages.get(lang, lang)

    def date(self, value: datetime.date) -> str:
        return format_date(value, "d MMMM y", locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def percent(self, value: float) -> str:
        return format_percent(value / 100, locale=self.locale)

    def eur(self, value: float) -> str:
        """Euro amount; millions are spelled out as a magazine would (€ 17 miljoen)."""
        if value >= 1_000_000 and value % 100_000 == 0:
            words = format_compact_decimal(value, format_type="long", fraction_digits=1, locale=self.locale)
            return _EURO_WORDS[self.lang].format(words.replace(" ", "\u00a0"))
        return format_currency(value, "EUR", format=_EURO_PATTERNS[self.lang], locale=self.locale,
                               currency_digits=False)

    def eur_short(self, value: float) -> str:
        """Euro amount for a table column: millions abbreviated as CLDR has it (€ 24,5 mln., 24,5 M €)."""
        if value >= 1_000_000 and value % 100_000 == 0:
            return format_compact_currency(value, "EUR", fraction_digits=1, locale=self.locale).replace(" ", "\u00a0")
        return self.eur(value)

    def rank(self, value: int) -> str:
        if self.lang == "nl":
            return f"{value}{'ste' if value in (1, 8) or value >= 20 else 'de'}"
        if self.lang == "fr":
            return f"{value}{'er' if value == 1 else 'e'}"
        suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
        return f"{value}{suffix}"

    def figure(self, value: float, unit: str) -> str:
        """A key figure in its unit: number, eur, percent, rank or year."""
        if unit == "eur":
            return self.eur(value)
        if unit == "percent":
            return self.percent(value)
        if unit == "rank":
            return self.rank(int(value))
        if unit == "year":
            return str(int(value))
        return self.number(value)

    def period(self, start: int | None, end: int | None) -> str:
        """"2007–2010", "tot 2019" or "vanaf 2007"; empty when neither year is known."""
        if start and end:
            return f"{start}\u2060–\u2060{end}"
        if end:
            return f"{labels(self.lang)['until']} {end}"
        return f"{labels(self.lang)['from']} {start}" if start else ""
