"""Language-dependent text: template labels, and dates, numbers and amounts formatted with Babel."""

from __future__ import annotations

import datetime

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_currency, format_decimal, format_percent

LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}

LABELS: dict[str, dict[str, str]] = {
    "nl": {
        "overview": "Overzicht", "in_this_issue": "In dit nummer", "dossier": "Dossier", "editorial": "Editoriaal",
        "colophon": "Colofon", "editorial_team": "Redactie", "responsible_publisher": "Verantwoordelijke uitgever",
        "legal_deposit": "Wettelijk depot", "issue": "Nr", "countries": "Landen", "contacts": "Waar vindt u ons?", "further_reading": "Meer weten?",
        "key_facts": "Kerngegevens", "countries_at_a_glance": "De landen in één oogopslag", "capital": "Hoofdstad", "income_category": "Inkomenscategorie",
        "cooperation_since": "Samenwerking sinds", "governmental_end": "Einde gouvernementele samenwerking",
        "focus": "Sectoren", "donor_rank": "Plaats van België onder de donoren",
        "non_governmental": "Niet-gouvernementele samenwerking", "timeline": "Tijdlijn",
        "programmes": "Programma’s", "programme": "Programma", "partner": "Partner", "regions": "Regio’s",
        "budget": "Budget", "period": "Periode", "status": "Stand", "planned": "gepland", "running": "lopend",
        "closed": "afgerond", "actors": "Partners en actoren", "key_figures": "Kerncijfers", "source": "Bron",
        "text_by": "Tekst", "page": "p.", "phone": "Tel.", "email": "E-mail", "web": "Web",
        "not_known": "—", "programme_start": "Start", "agreement": "Akkoord",
    },
    "fr": {
        "overview": "Sommaire", "in_this_issue": "Dans ce numéro", "dossier": "Dossier", "editorial": "Éditorial",
        "colophon": "Colophon", "editorial_team": "Rédaction", "responsible_publisher": "Éditeur responsable",
        "legal_deposit": "Dépôt légal", "issue": "N°", "countries": "Pays", "contacts": "Où nous trouver ?", "further_reading": "En savoir plus",
        "key_facts": "Données clés", "countries_at_a_glance": "Les pays en un coup d’œil", "capital": "Capitale", "income_category": "Catégorie de revenu",
        "cooperation_since": "Coopération depuis", "governmental_end": "Fin de la coopération gouvernementale",
        "focus": "Secteurs", "donor_rank": "Rang de la Belgique parmi les donateurs",
        "non_governmental": "Coopération non gouvernementale", "timeline": "Chronologie",
        "programmes": "Programmes", "programme": "Programme", "partner": "Partenaire", "regions": "Régions",
        "budget": "Budget", "period": "Période", "status": "État", "planned": "prévu", "running": "en cours",
        "closed": "clôturé", "actors": "Partenaires et acteurs", "key_figures": "Chiffres clés", "source": "Source",
        "text_by": "Texte", "page": "p.", "phone": "Tél.", "email": "Courriel", "web": "Web",
        "not_known": "—", "programme_start": "Début", "agreement": "Accord",
    },
    "en": {
        "overview": "Contents", "in_this_issue": "In this issue", "dossier": "Dossier", "editorial": "Editorial",
        "colophon": "Colophon", "editorial_team": "Editorial team", "responsible_publisher": "Responsible publisher",
        "legal_deposit": "Legal deposit", "issue": "No.", "countries": "Countries", "contacts": "Where to find us", "further_reading": "Further reading",
        "key_facts": "Key facts", "countries_at_a_glance": "The countries at a glance", "capital": "Capital", "income_category": "Income category",
        "cooperation_since": "Cooperation since", "governmental_end": "End of governmental cooperation",
        "focus": "Sectors", "donor_rank": "Belgium’s rank among donors",
        "non_governmental": "Non-governmental cooperation", "timeline": "Timeline",
        "programmes": "Programmes", "programme": "Programme", "partner": "Partner", "regions": "Regions",
        "budget": "Budget", "period": "Period", "status": "Status", "planned": "planned", "running": "running",
        "closed": "closed", "actors": "Partners and actors", "key_figures": "Key figures", "source": "Source",
        "text_by": "Text", "page": "p.", "phone": "Tel.", "email": "Email", "web": "Web",
        "not_known": "—", "programme_start": "Start", "agreement": "Agreement",
    },
}

# Where the euro sign goes around a spelled-out amount such as "17 miljoen".
_EURO_WORDS = {"nl": "€ {}", "fr": "{} d’euros", "en": "€{}"}
_EURO_PATTERNS = {"nl": "¤ #,##0", "fr": "#,##0 ¤", "en": "¤#,##0"}


class Formatter:
    """Formats values for one language; templates receive it as `fmt`."""

    def __init__(self, lang: str):
        self.lang = lang
        self.locale = Locale.parse(LOCALES[lang])

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
            return _EURO_WORDS[self.lang].format(words)
        return format_currency(value, "EUR", format=_EURO_PATTERNS[self.lang], locale=self.locale,
                               currency_digits=False)

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
        if start and end:
            return f"{start}–{end}"
        return str(start or end or "")


def labels(lang: str) -> dict[str, str]:
    return LABELS[lang]
