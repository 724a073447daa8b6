"""Charts and timelines as inline SVG built from data, with every colour and font explicit for WeasyPrint."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .i18n import Formatter, labels

MM_PER_PT = 0.3528
LABEL_SIZE = 7.5 * MM_PER_PT    # body labels, in mm (the viewBox unit)
SHARE_SIZE = 8.5 * MM_PER_PT    # the large shares above the portfolio bar
LINE = 1.3                      # line height in em
BAR_HEIGHT = 3.6                # one bar of a bar chart, in mm
STACK_HEIGHT = 6.0              # the portfolio bar, in mm
ROW_GAP = 3.0                   # between the rows of a bar chart, in mm
EM_PER_CHAR = {400: 0.5, 700: 0.55}  # estimated advance per character, in em
SERIES = ("series-1", "series-2", "series-3", "series-4")
KIND_COLOURS = {"agreement": "series-1", "programme": "series-3", "end": "series-2"}
_TOTAL = {"nl": "Totaal", "fr": "Total", "en": "Total"}


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""  # optional, e.g. a period
    key: str = ""   # stable id part, e.g. "governmental"; the index when empty


@dataclass(frozen=True)
class Milestone:
    year: int
    end_year: int | None  # a programme period from year to end_year; None for a single event
    text: str
    kind: str             # "agreement", "programme" or "end"


def text_width(text: str, size: float, weight: int = 400) -> float:
    """Estimated width of a line of text: about half an em per character."""
    return len(text) * size * EM_PER_CHAR.get(weight, 0.5)


def wrap(text: str, width: float, size: float, weight: int = 400) -> list[str]:
    """Greedy word wrap to an estimated width, at ordinary spaces only (no-break spaces hold);
    words too long for a line are cut, so nothing runs off."""
    room = max(1, int(width / (size * EM_PER_CHAR.get(weight, 0.5))))
    lines: list[str] = []
    for word in re.split(r"[ \t\n]+", text.strip()):
        while len(word) > room:
            lines.append(word[:room - 1] + "-")
            word = word[room - 1:]
        if lines and len(lines[-1]) + 1 + len(word) <= room:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def bar_chart(bars: list[Bar], *, fmt: Formatter, unit: str, palette: dict[str, str], title: str, desc: str,
              ident: str, width_mm: float = 80, fonts: str = "Source Sans Pro") -> str:
    """Horizontal bars, each with its label (and note) above it and its formatted value at its end."""
    _check(ident, [bar.value for bar in bars])
    values = [fmt.figure(bar.value, unit) for bar in bars]
    longest = max((text_width(value, LABEL_SIZE, 700) for value in values), default=0)
    room = max(width_mm - longest - 1.5, 1.0)
    largest = max((bar.value for bar in bars), default=0) or 1
    draw = _Draw(palette, fonts)
    parts, y = [], 0.0
    for index, (bar, value) in enumerate(zip(bars, values)):
        lines = wrap(bar.label, width_mm, LABEL_SIZE)
        inline = bar.note and text_width(f"{lines[-1]} {bar.note}", LABEL_SIZE) <= width_mm
        baseline = y + 0.9 * LABEL_SIZE
        parts.append(draw.lines(0, baseline, lines, LABEL_SIZE, "ink", ident=f"{ident}-label-{index}",
                                run=(" " + bar.note, "muted", 400) if inline else None))
        if bar.note and not inline:
            notes = wrap(bar.note, width_mm, LABEL_SIZE)
            parts.append(draw.lines(0, baseline + len(lines) * LINE * LABEL_SIZE, notes, LABEL_SIZE, "muted",
                                    ident=f"{ident}-note-{index}"))
            lines += notes
        top = baseline + (len(lines) - 1) * LINE * LABEL_SIZE + 0.35 * LABEL_SIZE + 0.6
        length = bar.value / largest * room
        parts.append(draw.rect(0, top, length, BAR_HEIGHT, "series-1", ident=f"{ident}-bar-{index}"))
        parts.append(draw.lines(length + 1.2, top + BAR_HEIGHT / 2 + 0.35 * LABEL_SIZE, [value], LABEL_SIZE, "ink",
                                700, ident=f"{ident}-value-{index}"))
        y = top + BAR_HEIGHT + ROW_GAP
    return _svg("chart", ident, title, desc, width_mm, max(y - ROW_GAP, 1.0), parts)


def portfolio_chart(parts: list[Bar], *, total: float | None, fmt: Formatter, palette: dict[str, str], title: str,
                    desc: str, ident: str, width_mm: float = 80, fonts: str = "Source Sans Pro",
                    unallocated: str = "") -> str:
    """A 100 % stacked bar of the portfolio by channel, the total on top: share above, name and amount below
    each segment, or a legend under the bar when a segment is too narrow for its labels. Money of the total in
    no channel is a grey rest, named `unallocated`."""
    values = [part.value for part in parts]
    _check(ident, values)
    total = sum(values) if total is None else total
    formatted = portfolio_rows(parts, total, fmt, unallocated)
    named_rest = len(formatted) > len(parts)  # the last row is the money in no part
    keys = [_slug(part.key) or str(index) for index, part in enumerate(parts)] + ["rest"] * named_rest
    rows = [(f"{ident}-{{}}-{key}", name, amount, share) for key, (name, amount, share) in zip(keys, formatted)]
    colours = [SERIES[index % 4] for index in range(len(parts))] + ["rule"] * named_rest
    lefts = [sum(values[:index]) / total * width_mm for index in range(len(values) + 1)] + [width_mm]
    widths = [right - left for left, right in zip(lefts, lefts[1:])][:len(rows)]
    inside = all(max(text_width(name, LABEL_SIZE), text_width(amount, LABEL_SIZE),
                     text_width(share, SHARE_SIZE, 700)) + 1.5 <= width
                 for (_, name, amount, share), width in zip(rows, widths))
    draw = _Draw(palette, fonts)
    word = labels(fmt.lang).get("total", _TOTAL.get(fmt.lang, "Total"))
    out = [draw.lines(0, 0.9 * LABEL_SIZE, [word], LABEL_SIZE, "muted", ident=f"{ident}-total",
                      run=(" " + fmt.eur(total), "ink", 700))]
    top = 0.9 * LABEL_SIZE + 2.0 + (SHARE_SIZE + 1.0 if inside else 0)
    if lefts[len(parts)] < width_mm - 0.01:  # money not allocated to any part: grey
        out.append(draw.rect(lefts[len(parts)], top, width_mm - lefts[len(parts)], STACK_HEIGHT, "rule",
                             ident=f"{ident}-rest"))
    for index, (ids, *_) in enumerate(rows[:len(parts)]):
        out.append(draw.rect(lefts[index], top, widths[index], STACK_HEIGHT, colours[index],
                             ident=ids.format("segment")))
    out += [draw.line(left, top, left, top + STACK_HEIGHT, "paper", 0.5) for left in lefts[1:len(rows)]]
    body, height = (_segment_labels(draw, rows, lefts, top) if inside
                    else _legend(draw, rows, colours, top, width_mm))
    return _svg("chart", ident, title, desc, width_mm, height, out + body)


def portfolio_rows(parts: list[Bar], total: float | None, fmt: Formatter,
                   unallocated: str = "") -> list[tuple[str, str, str]]:
    """(name, amount, share) of each part, formatted as the portfolio chart prints them; then, named
    `unallocated` when given, the money of the total in no part."""
    values = [part.value for part in parts]
    total = sum(values) if total is None else total
    if total <= 0 or sum(values) > total * (1 + 1e-9):
        raise ValueError(f"portfolio: the parts ({sum(values)}) do not fit in the total ({total})")
    rest = total - sum(values)
    shares = _shares(values + [rest], total)
    rows = [(part.label, fmt.eur(part.value), fmt.percent(share)) for part, share in zip(parts, shares)]
    if unallocated and shares[-1] > 0:
        rows.append((unallocated, fmt.eur(rest), fmt.percent(shares[-1])))
    return rows


def _segment_labels(draw, rows, lefts, top) -> tuple[list[str], float]:
    """Share above each segment, name and amount below it, all starting at the segment's left edge."""
    out, below = [], top + STACK_HEIGHT + 1.2 + 0.9 * LABEL_SIZE
    for index, (ids, name, amount, share) in enumerate(rows):
        x = lefts[index] + (0.8 if index else 0)
        out.append(draw.lines(x, top - 1.4, [share], SHARE_SIZE, "ink", 700, ident=ids.format("share")))
        out.append(draw.lines(x, below, [name], LABEL_SIZE, "ink", ident=ids.format("name")))
        out.append(draw.lines(x, below + LINE * LABEL_SIZE, [amount], LABEL_SIZE, "muted",
                              ident=ids.format("amount")))
    return out, below + (LINE + 0.35) * LABEL_SIZE


def _legend(draw, rows, colours, top, width_mm) -> tuple[list[str], float]:
    """A legend under the bar: swatch and name left, amount and share right-aligned in two columns."""
    share_column = max(text_width(share, LABEL_SIZE, 700) for *_, share in rows) + 2.0
    amount_column = max(text_width(amount, LABEL_SIZE) for _, _, amount, _ in rows) + 2.0
    out, y = [], top + STACK_HEIGHT + 2.0 + 0.9 * LABEL_SIZE
    for index, (ids, name, amount, share) in enumerate(rows):
        names = wrap(name, width_mm - 4.0 - share_column - amount_column, LABEL_SIZE)
        out.append(draw.rect(0, y - 0.75 * LABEL_SIZE, 2.6, 2.6, colours[index], ident=ids.format("swatch")))
        out.append(draw.lines(4.0, y, names, LABEL_SIZE, "ink", ident=ids.format("name")))
        out.append(draw.lines(width_mm - share_column, y, [amount], LABEL_SIZE, "muted", anchor="end",
                              ident=ids.format("amount")))
        out.append(draw.lines(width_mm, y, [share], LABEL_SIZE, "ink", 700, anchor="end", ident=ids.format("share")))
        y += (len(names) * LINE + 0.5) * LABEL_SIZE
    return out, y - (LINE + 0.5 - 0.35) * LABEL_SIZE


def timeline(events: list[Milestone], *, fmt: Formatter, palette: dict[str, str], title: str, desc: str, ident: str,
             width_mm: float = 80, fonts: str = "Source Sans Pro") -> str:
    """A vertical timeline: years left of an axis, a dot per event or a bar per period, the wrapped text right."""
    _check(ident, [])
    events = sorted(events, key=lambda event: (event.year, event.end_year or event.year))
    years = [[fmt.figure(event.year, "year") + ("\u2013" if event.end_year else "")]
             + ([fmt.figure(event.end_year, "year")] if event.end_year else []) for event in events]
    axis = max((text_width(line, LABEL_SIZE, 700) for lines in years for line in lines), default=0) + 2.6
    text_x = axis + 3.2
    line, draw = LINE * LABEL_SIZE, _Draw(palette, fonts)
    marks, words, y = [], [], 0.9 * LABEL_SIZE + 0.6
    centres = []
    for index, (event, year_lines) in enumerate(zip(events, years)):
        lines = wrap(event.text, width_mm - text_x - 0.5, LABEL_SIZE)
        colour = KIND_COLOURS.get(event.kind, "series-4")
        centre = y - 0.33 * LABEL_SIZE
        span = (len(year_lines) - 1) * line
        if event.end_year:
            marks.append(draw.rect(axis - 1.1, centre - 1.1, 2.2, 2.2 + span, colour, ident=f"{ident}-period-{index}",
                                   rx=1.1))
        else:
            marks.append(draw.circle(axis, centre, 1.1, colour, ident=f"{ident}-event-{index}"))
        words.append(draw.lines(axis - 2.0, y, year_lines, LABEL_SIZE, "ink", 700, anchor="end",
                                ident=f"{ident}-year-{index}"))
        words.append(draw.lines(text_x, y, lines, LABEL_SIZE, "ink", ident=f"{ident}-text-{index}"))
        centres.append(centre + span)
        y += max(len(lines), len(year_lines)) * line + 2.0
    height = y - 2.0 - line + 0.35 * LABEL_SIZE + 0.6 if events else 1.0
    rail = [draw.line(axis, centres[0], axis, centres[-1], "rule", 0.4)] if len(centres) > 1 else []
    return _svg("timeline", ident, title, desc, width_mm, height, rail + marks + words)


def data_table(rows: list[tuple[str, str]], caption: str, ident: str) -> str:
    """The chart's data as an accessible HTML table: a row header and a value per row."""
    _check(ident, [])
    body = "".join(f'<tr><th scope="row">{_esc(label)}</th><td>{_esc(value)}</td></tr>' for label, value in rows)
    return (f'<table class="chart-data" id="{ident}-data"><caption>{_esc(caption)}</caption>'
            f'<tbody>{body}</tbody></table>')


def table_rows(bars: list[Bar], *, fmt: Formatter, unit: str) -> list[tuple[str, str]]:
    """Rows for data_table from the bars of a chart, values formatted as in the chart."""
    return [(f"{bar.label} ({bar.note})" if bar.note else bar.label, fmt.figure(bar.value, unit)) for bar in bars]


class _Draw:
    """SVG elements with explicit paint and fonts: WeasyPrint applies no document CSS inside inline SVG."""

    def __init__(self, palette: dict[str, str], fonts: str):
        self.palette, self.fonts = palette, fonts

    def paint(self, key: str) -> str:
        return _esc(self.palette[key])

    def rect(self, x, y, width, height, colour, *, ident, rx=0.0) -> str:
        rounded = f' rx="{_n(rx)}"' if rx else ""
        return (f'<rect id="{ident}" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}"{rounded}'
                f' fill="{self.paint(colour)}" stroke="none"/>')

    def circle(self, x, y, radius, colour, *, ident) -> str:
        return (f'<circle id="{ident}" cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" fill="{self.paint(colour)}"'
                ' stroke="none"/>')

    def line(self, x1, y1, x2, y2, colour, width) -> str:
        return (f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" fill="none"'
                f' stroke="{self.paint(colour)}" stroke-width="{_n(width)}"/>')

    def lines(self, x, y, lines, size, colour, weight=400, *, ident, anchor="start", run=None) -> str:
        """One <text> with a <tspan> per line; `run` (text, colour, weight) continues the last line."""
        spans = [f'<tspan x="{_n(x)}" y="{_n(y + index * LINE * size)}">{_esc(text)}</tspan>'
                 for index, text in enumerate(lines)]
        if run:
            text, paint, bold = run
            spans.append(f'<tspan fill="{self.paint(paint)}" font-weight="{bold}">{_esc(text)}</tspan>')
        return (f'<text id="{ident}" font-family="{_esc(self.fonts)}" font-size="{_n(size)}" font-weight="{weight}"'
                f' fill="{self.paint(colour)}" text-anchor="{anchor}">{"".join(spans)}</text>')


def _svg(kind: str, ident: str, title: str, desc: str, width: float, height: float, body: list[str]) -> str:
    return (f'<svg class="{kind}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}"'
            f' width="{_n(width)}mm" height="{_n(height)}mm" role="img"'
            f' aria-labelledby="{ident}-title {ident}-desc">'
            f'<title id="{ident}-title">{_esc(title)}</title><desc id="{ident}-desc">{_esc(desc)}</desc>'
            f'{"".join(body)}</svg>')


def _shares(values: list[float], total: float) -> list[int]:
    """Whole percentages that add up to 100 (largest remainder), so the labels never sum to 99 or 101."""
    exact = [value / total * 100 for value in values]
    shares = [int(share) for share in exact]
    by_remainder = sorted(range(len(exact)), key=lambda index: shares[index] - exact[index])
    for index in by_remainder[:round(100 - sum(shares))]:
        shares[index] += 1
    return shares


def _check(ident: str, values: list[float]) -> None:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", ident):
        raise ValueError(f"chart id {ident!r}: use letters, digits, '-' and '_', starting with a letter")
    if any(value < 0 for value in values):
        raise ValueError(f"chart {ident}: values must not be negative")


def _slug(key: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def _n(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"
