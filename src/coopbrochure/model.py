"""The data model of a publication: what every YAML file and front matter may hold."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from .config import LANGUAGES, Strict
from .maps import outside

Year = int


def _localized(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value:
        unknown = [key for key in value if key not in LANGUAGES]
        if unknown:
            raise ValueError(f"unknown language '{unknown[0]}' in translations; use {', '.join(LANGUAGES)}")
        wrong = [key for key, text in value.items() if not isinstance(text, str)]
        if wrong:
            raise ValueError(f"the '{wrong[0]}' translation must be text, got {value[wrong[0]]!r}")
        return dict(value)
    raise ValueError(f"expected text, or translations written as {': …, '.join(LANGUAGES)}: …, got {value!r}"[:160])


# Language text: one string for every language, or translations such as {nl: …, fr: …, en: …}.
Localized = Annotated[
    str | dict[str, str],
    BeforeValidator(_localized),
    WithJsonSchema({"anyOf": [{"type": "string"}, {
        "type": "object", "additionalProperties": False, "minProperties": 1,
        "properties": {lang: {"type": "string"} for lang in LANGUAGES}}]},
        mode="validation"),
]


def _year(value: int | None) -> int | None:
    if value is not None and not 1800 <= value <= 2200:
        raise ValueError(f"expected a year such as 2013, got {value}")
    return value


class Person(Strict):
    role: Localized = Field(description="Role in the editorial team, e.g. 'Hoofdredactie'.")
    name: Localized


class Publisher(Strict):
    """The responsible publisher (v.u. / éditeur responsable) that Belgian law requires on printed matter."""

    name: Localized
    address: list[Localized] = Field(min_length=1, description="Address lines.")


class Colophon(Strict):
    editorial_team: list[Person] = Field(min_length=1)
    responsible_publisher: Publisher
    legal_deposit: str | None = Field(None, pattern=r"^D/\d{4}/\d{4}/\d+$", description="KBR number D/YYYY/NNNN/N.")
    printing: Localized | None = Field(None, description="Printer and paper, e.g. 'Gedrukt op 100% gerecycleerd papier'.")
    reproduction: Localized = Field(description="Reproduction notice, e.g. allowed with mention of the source.")
    disclaimer: Localized | None = None
    note: Localized | None = Field(None, description="Any further line, e.g. that this is a sample publication.")


class Contact(Strict):
    name: Localized
    organisation: Localized | None = None
    address: list[Localized] = Field(default_factory=list)
    phone: str | None = None
    email: str | None = None
    web: str | None = None


class Reading(Strict):
    """A source or further reading, listed on the contacts page."""

    title: Localized
    publisher: Localized | None = None
    url: str | None = Field(None, description="Printed as text, e.g. enabel.be/content/enabel-peru.")


class Issue(Strict):
    number: int = Field(ge=1)
    year: Year
    period: Localized = Field(description="Period covered, e.g. 'januari-februari 2013'.")
    frequency: Localized | None = Field(None, description="e.g. 'tweemaandelijks'.")
    date: datetime.date
    postal: Localized | None = Field(None, description="Postal line, e.g. 'P308613 • Afgiftekantoor Brussel X'.")

    _check_year = field_validator("year")(_year)


class Cover(Strict):
    image: str = Field(description="Cover artwork, relative to the data folder.")
    image_alt: Localized | None = Field(None, description="What the image shows, for readers who cannot see it (required for web PDFs).")
    kicker: Localized | None = Field(None, description="Small line above the title, e.g. 'Dossier'.")
    teasers: list[Localized] = Field(default_factory=list, description="Short lines announcing what is inside.")


class Dossier(Strict):
    title: Localized
    intro: str = Field(description="Markdown file introducing the dossier and its region.")
    image: str | None = Field(None, description="Opener artwork, relative to the data folder.")
    image_alt: Localized | None = Field(None, description="What the image shows, for readers who cannot see it (required for web PDFs).")
    articles: list[str] = Field(min_length=1, description="Article names: data/articles/<name>.md, in order.")


class BackCover(Strict):
    image: str | None = None
    image_alt: Localized | None = Field(None, description="What the image shows, for readers who cannot see it (required for web PDFs).")
    text: Localized | None = Field(None, description="Markdown shown on the back cover.")


class Publication(Strict):
    """`publication.yaml`: the publication as a whole."""

    series: Localized = Field(description="Name of the magazine or series, e.g. 'Dimensie 3'.")
    tagline: Localized | None = Field(None, description="Line under the series name.")
    title: Localized
    subtitle: Localized | None = None
    issue: Issue
    cover: Cover | None = Field(None, description="The dossier's cover (required to build the dossier).")
    editorial: str | None = Field(None, description="Markdown file with the editorial (required to build the dossier).")
    dossier: Dossier | None = Field(None, description="The dossier's title, introduction and articles (required to "
                                                      "build the dossier).")
    countries: list[str] = Field(min_length=1, description="Country names: data/countries/<name>.yaml, in order.")
    colophon: Colophon
    contacts: list[Contact] = Field(default_factory=list)
    further_reading: list[Reading] = Field(default_factory=list)
    back_cover: BackCover = Field(default_factory=BackCover)


class Agreement(Strict):
    year: Year
    kind: Localized = Field(description="What was agreed or decided.")

    _check_year = field_validator("year")(_year)


class Location(Strict):
    """A point on the map, in decimal degrees: south and west are negative."""

    lat: float = Field(ge=-90, le=90, description="Latitude, e.g. -12.05 for Lima.")
    lon: float = Field(ge=-180, le=180, description="Longitude, e.g. -77.04 for Lima.")


class CapitalLocation(Location):
    name: Localized | None = Field(None, description="Label on the map when it differs from `capital`, e.g. 'La Paz'.")


class Place(Location):
    """A programme region or town marked on the country's locator map."""

    name: Localized = Field(description="Label on the map, e.g. 'Cusco'.")


class Programme(Strict):
    acronym: Localized | None = None
    name: Localized
    partner: Localized | None = None
    regions: list[Localized] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list, description="Regions or towns of the programme to mark on the "
                                                                  "locator map, with their coordinates.")
    budget: float | None = Field(None, ge=0, description="Budget in euro.")
    start: Year | None = None
    end: Year | None = None
    status: Literal["planned", "running", "closed"] | None = None

    _check_years = field_validator("start", "end")(_year)

    @model_validator(mode="after")
    def _period_in_order(self) -> Programme:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self


class Actor(Strict):
    name: Localized
    kind: Localized | None = Field(None, description="e.g. 'Belgische ngo', 'vakbond', 'universiteit'.")


class KeyFigure(Strict):
    value: float
    unit: Literal["number", "eur", "percent", "rank", "year"] = "number"
    label: Localized
    source: Localized = Field(description="Where the figure comes from, with its date.")


Channel = Literal["governmental", "non_governmental", "multilateral", "humanitarian"]


class ChannelAmount(Strict):
    channel: Channel = Field(description="governmental, non_governmental, multilateral or humanitarian.")
    amount: float = Field(ge=0, description="Amount in euro.")


class Portfolio(Strict):
    """Belgium's portfolio in one year, split by channel: drawn as a stacked bar in the country chapter."""

    year: Year
    channels: list[ChannelAmount] = Field(min_length=1)
    total: float | None = Field(None, gt=0, description="Total in euro; defaults to the sum of the channels. "
                                                        "A larger total leaves the rest unallocated.")
    source: Localized = Field(description="Where the figures come from.")

    _check_year = field_validator("year")(_year)

    @field_validator("channels")
    @classmethod
    def _channels_once(cls, channels: list[ChannelAmount]) -> list[ChannelAmount]:
        seen = [item.channel for item in channels]
        if twice := sorted({channel for channel in seen if seen.count(channel) > 1}):
            raise ValueError(f"channel '{twice[0]}' is listed more than once")
        if not sum(item.amount for item in channels):
            raise ValueError("the channels add up to nothing; give at least one amount above 0")
        return channels

    @model_validator(mode="after")
    def _parts_fit(self) -> Portfolio:
        parts = sum(item.amount for item in self.channels)
        if self.total is not None and parts > self.total * (1 + 1e-9):
            raise ValueError(f"the channels add up to {parts:,.0f}, more than the total {self.total:,.0f}")
        return self


class DonorRank(Strict):
    rank: int = Field(ge=1)
    note: Localized | None = Field(None, description="e.g. 'na de VS, Japan, Duitsland en Canada'.")


class Country(Strict):
    """`countries/<name>.yaml`: one country chapter."""

    name: Localized | None = Field(None, description="Defaults to the country's name in the edition's language (CLDR).")
    iso: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code, e.g. PE.")
    capital: Localized
    image: str | None = Field(None, description="Chapter opener artwork, relative to the data folder.")
    image_alt: Localized | None = Field(None, description="What the image shows, for readers who cannot see it (required for web PDFs).")
    intro: Localized = Field(description="Markdown text opening the chapter.")
    income_category: Localized
    cooperation_since: Year
    governmental_end: Year | None = Field(None, description="Year the governmental programme ends.")
    focus: list[Localized] = Field(default_factory=list, description="Sectors of the governmental programme.")
    donor_rank: DonorRank | None = None
    non_governmental: Localized = Field(description="Status of non-governmental cooperation.")
    agreements: list[Agreement] = Field(default_factory=list)
    programmes: list[Programme] = Field(default_factory=list)
    actors: list[Actor] = Field(default_factory=list)
    key_figures: list[KeyFigure] = Field(default_factory=list)
    capital_location: CapitalLocation | None = Field(None, description="Where the capital is: marked on the "
                                                                       "locator map.")
    portfolio: Portfolio | None = Field(None, description="Belgium's portfolio by channel: a chart in the chapter.")

    _check_years = field_validator("cooperation_since", "governmental_end")(_year)

    @field_validator("capital_location")
    @classmethod
    def _capital_in_country(cls, value: CapitalLocation | None, info: ValidationInfo) -> CapitalLocation | None:
        if value is not None and (problem := outside(info.data.get("iso", ""), value.lat, value.lon)):
            raise ValueError(problem)
        return value

    @field_validator("programmes")
    @classmethod
    def _places_in_country(cls, programmes: list[Programme], info: ValidationInfo) -> list[Programme]:
        errors = [InitErrorDetails(type=PydanticCustomError("value_error", "{error}", {"error": problem}),
                                   loc=(index, "places", number), input=place.model_dump())
                  for index, programme in enumerate(programmes) for number, place in enumerate(programme.places)
                  if (problem := outside(info.data.get("iso", ""), place.lat, place.lon))]
        if errors:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return programmes


class Figure(Strict):
    id: str = Field(pattern=r"^[\w-]+$")
    image: str
    caption: str
    credit: str | None = None
    alt: str | None = Field(None, description="What the image shows, for readers who cannot see it (required for "
                                              "web PDFs).")
    size: Literal["column", "wide", "small"] = Field(
        "column", description="column: the width of a text column; wide: across both columns; small: a column "
                              "wide but at most 38 mm high, cropped (a figure that must fit a short gap).")
    place: Literal["here", "top", "bottom"] = Field(
        "here", description="here: where its [[figure:id]] marker stands; top: under the article's title; "
                            "bottom: after its text (no marker needed).")


class Quote(Strict):
    id: str = Field(pattern=r"^[\w-]+$")
    text: str
    by: str | None = None


class Box(Strict):
    id: str = Field(pattern=r"^[\w-]+$")
    title: str
    body: str = Field(description="Markdown.")


class FrontMatter(Strict):
    """The YAML block at the top of a Markdown text (article, editorial, dossier intro)."""

    title: str
    kicker: str | None = None
    lead: str | None = None
    author: str | None = None
    role: str | None = None
    figures: list[Figure] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    boxes: list[Box] = Field(default_factory=list)
