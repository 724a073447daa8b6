"""The infographics of an edition: maps, timelines and charts from the data, in its language, colours and format."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

from babel.lists import format_list
from markupsafe import Markup

from . import charts, maps
from .i18n import LOCALES, Formatter, labels
from .markup import inline
from .model import Country

# The theme's values (styles/main.css), for themes that do not declare the --chart-* and --map-* properties.
DEFAULT_PALETTE = {
    "chart-ink": "#1d2730", "chart-muted": "#5b6b75", "chart-rule": "#c9d3d8", "chart-paper": "white",
    "chart-series-1": "#0b4f6c", "chart-series-2": "#c8553d", "chart-series-3": "#f2a541",
    "chart-series-4": "#3c7a5a", "chart-font": '"Source Sans Pro", "Coop Spaces", sans-serif',
    "map-sea": "#e3eef1", "map-land": "#efe8dc", "map-focus": "#c8553d", "map-border": "white",
    "map-ink": "#1d2730", "map-accent": "#0b4f6c",
}
EVENT_ORDER = {"agreement": 0, "programme": 1, "end": 2}
COMPACT_MAP = 0.82  # the compact locator map's height, as a share of the map's: for the denser layout variants
TALLER_MAPS = (1.15, 1.3, 1.45)  # taller drawings of it, for a map column that ends short of the one beside it


@dataclass(frozen=True)
class Layout:
    """Sizes in mm of the boxes the styles give the graphics: keep in step with main.css and a5.css."""

    map: tuple[float, float]     # the locator map of a country chapter (.country-graphics, first column)
    side: float                  # the column beside it, for the timeline and the portfolio chart
    full: float                  # the text width: that column when there is no map
    region: tuple[float, float]  # the region map beside the dossier opener's artwork (.dossier-art)


LAYOUTS = {"a4": Layout(map=(78, 96), side=89, full=174, region=(76, 78)),
           "a5": Layout(map=(50, 62), side=66, full=121, region=(58, 48)),
           "factsheet": Layout(map=(72, 88), side=100, full=180, region=(72, 72))}  # styles/factsheet.css


@dataclass(frozen=True)
class Graphic:
    """An inline SVG, and in web editions its data as an HTML table for readers who cannot see it."""

    svg: Markup
    table: Markup | None = None
    compact: Markup | None = None  # a smaller drawing of the same, for the denser layout variants (fitting.py)
    taller: tuple[tuple[float, Markup], ...] = ()  # taller drawings and their heights in mm, for a short column
    wide: Graphic | None = None  # the same across the text width, for the densest layout variant
    narrow: Graphic | None = None  # the same at the map's width, to set under the map (fitting: data-portfolio)


class Graphics:
    """Draws the graphics of one edition: its language, the theme's palette, its page format and profile."""

    def __init__(self, fmt: Formatter, layout: str | Layout, palette: dict[str, str]):
        """`layout` is a page format of LAYOUTS ("a4", "a5") or a Layout of a document's own."""
        self.fmt, self.t = fmt, labels(fmt.lang)
        self.layout = LAYOUTS[layout] if isinstance(layout, str) else layout
        paints = {**DEFAULT_PALETTE, **palette}
        self.chart = {key[6:]: value for key, value in paints.items() if key.startswith("chart-")}
        self.map = {key[4:]: value for key, value in paints.items() if key.startswith("map-")}
        self.font = self.chart.pop("font")

    def plain(self, text: str | None) -> str:
        """Data text as SVG text: the typography of the HTML (quotes, no-break spaces), without tags."""
        return html.unescape(re.sub(r"<[^>]+>", "", inline(text, self.fmt.lang))).replace("\u2060", "")

    def names(self, country: Country | None = None) -> dict[str, str]:
        """Country names on maps in this language; the chapter's own name for its country."""
        names = {code: self.fmt.country_name(code) for code in maps.countries()}
        return {**names, country.iso: country.name} if country and country.name else names

    def locator(self, country: Country) -> Graphic | None:
        """The country among its neighbours, its capital and programme places marked; None without map data."""
        if country.iso not in maps.countries():
            return None
        places = []
        if location := country.capital_location:
            places.append(maps.Place(self.plain(location.name or country.capital), location.lat, location.lon,
                                     "capital"))
        places += [maps.Place(self.plain(place.name), place.lat, place.lon)
                   for programme in country.programmes for place in programme.places]
        name = self.plain(country.name)
        desc = self.t["locator_desc"].format(country=name)
        if places:
            desc += " " + self.t["map_marked"].format(places=self._list([place.name for place in places]))
        width, height = self.layout.map

        def draw(height_mm: float, ident: str = "") -> Markup:
            return Markup(maps.locator_map(
                country.iso, places=places, names=self.names(country), palette=self.map,
                title=_alt(self.t["locator_title"].format(country=name), desc), desc=desc, width_mm=width,
                height_mm=height_mm, fonts=self.font, ident=ident))

        ident = f"map-{country.iso.lower()}"
        compact = draw(round(height * COMPACT_MAP, 1), f"{ident}-compact")
        taller = tuple((round(height * share, 1), draw(round(height * share, 1), f"{ident}-taller-{step}"))
                       for step, share in enumerate(TALLER_MAPS, start=1))
        return Graphic(draw(height), compact=compact, taller=taller)

    def region(self, countries: list[Country]) -> Graphic | None:
        """The chapters' countries highlighted on their continent (one panel per group of neighbouring countries
        when they lie far apart); None when none of them has map data."""
        mapped = [country for country in countries if country.iso in maps.countries()]
        if not mapped:
            return None
        listed = self._list([self.plain(country.name) for country in mapped])
        names = {**self.names(), **{country.iso: country.name for country in mapped if country.name}}
        width, height = self.layout.region
        desc = self.t["region_desc"].format(countries=listed)
        continent = maps.continent([country.iso for country in mapped])
        title = (self.t["region_title"].format(countries=listed, region=self.fmt.country_name(continent))
                 if continent else self.t["region_title_world"].format(countries=listed))
        return Graphic(Markup(maps.region_map(
            [country.iso for country in mapped], names=names, palette=self.map,
            title=_alt(title, desc), desc=desc, width_mm=width, height_mm=height, fonts=self.font)))

    def timeline(self, country: Country) -> Graphic | None:
        """Agreements, programme periods and the end of governmental cooperation; None when there are none.

        Its compact drawing, for the denser layout variants, leaves out the programmes' periods (the programme
        table gives them) when other milestones remain."""
        events = [charts.Milestone(event.year, event.end_year, self.plain(event.text), event.kind)
                  for event in milestones(country, self.t)]
        if not events:
            return None
        milestones_only = [event for event in events if event.kind != "programme"]
        compact = (self._timeline(country, milestones_only, "-compact")
                   if milestones_only and len(milestones_only) < len(events) else None)
        return Graphic(self._timeline(country, events), compact=compact)

    def _timeline(self, country: Country, events: list[charts.Milestone], suffix: str = "") -> Markup:
        last = max(event.end_year or event.year for event in events)
        title = self.t["timeline_title"].format(country=self.plain(country.name), first=events[0].year, last=last)
        desc = "; ".join(f"{self.fmt.period(event.year, event.end_year) if event.end_year else event.year}: "
                         f"{event.text}" for event in events) + "."
        return Markup(charts.timeline(
            events, fmt=self.fmt, palette=self.chart, title=_alt(title, desc), desc=desc,
            ident=f"timeline-{country.iso.lower()}{suffix}", width_mm=self._side(country), fonts=self.font))

    def portfolio(self, country: Country) -> Graphic | None:
        """Belgium's portfolio by channel as a stacked bar; None without portfolio data."""
        if not (portfolio := country.portfolio):
            return None
        parts = [charts.Bar(self.t[f"channel_{item.channel}"], item.amount, key=item.channel)
                 for item in portfolio.channels]
        total = portfolio.total if portfolio.total is not None else sum(part.value for part in parts)
        formatted = charts.portfolio_rows(parts, total, self.fmt, self.t["unallocated"])
        title = self.t["portfolio_title"].format(country=self.plain(country.name), year=portfolio.year)
        desc = self.t["portfolio_desc"].format(total=self.fmt.eur(total), parts="; ".join(
            f"{name} {amount} ({share})" for name, amount, share in formatted))
        rows = [(name, f"{amount} ({share})") for name, amount, share in formatted]

        def draw(width_mm: float, ident: str) -> Graphic:
            svg = charts.portfolio_chart(parts, total=total, fmt=self.fmt, palette=self.chart, title=_alt(title, desc),
                                         desc=desc, ident=ident, width_mm=width_mm, fonts=self.font,
                                         unallocated=self.t["unallocated"])
            return Graphic(Markup(svg), self._table([*rows, (self.t["total"], self.fmt.eur(total))], title, ident))

        ident = f"portfolio-{country.iso.lower()}"
        side = self._side(country)
        chart = draw(side, ident)
        if side < self.layout.full:  # beside the map; under it when the timeline is long; the densest
            #                          layout sets it under map and timeline
            chart = replace(chart, wide=draw(self.layout.full, f"{ident}-wide"),
                            narrow=draw(self.layout.map[0], f"{ident}-narrow"))
        return chart

    def _side(self, country: Country) -> float:
        """The width beside the locator map, or the whole text width for a country without one."""
        return self.layout.side if country.iso in maps.countries() else self.layout.full

    def _table(self, rows: list[tuple[str, str]], caption: str, ident: str) -> Markup:
        return Markup(charts.data_table(rows, caption, ident))

    def _list(self, items: list[str]) -> str:
        return format_list(items, locale=LOCALES[self.fmt.lang])


def _alt(title: str, desc: str) -> str:
    """The SVG title, which tagged PDFs use as the figure's alternative text: the title, then what it shows."""
    return f"{title}. {desc}"


@dataclass(frozen=True)
class Event:
    year: int
    end_year: int | None
    text: str
    kind: str  # "agreement", "programme" or "end"


def milestones(country: Country, t: dict[str, str]) -> list[Event]:
    """Agreements, programmes with their period, and the end of governmental cooperation, in year order."""
    events = [Event(item.year, None, item.kind, "agreement") for item in country.agreements]
    events += [Event(item.start, item.end if item.end and item.end != item.start else None,
                     f"{item.acronym} – {item.name}" if item.acronym else item.name, "programme")
               for item in country.programmes if item.start]
    if country.governmental_end:
        events.append(Event(country.governmental_end, None, t["governmental_end"], "end"))
    return sorted(events, key=lambda event: (event.year, EVENT_ORDER[event.kind]))
