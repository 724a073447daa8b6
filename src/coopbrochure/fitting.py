"""Fitting: each section laid out again, denser or looser, until its pages look designed (what the page check measures)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import pagecheck
from .render import MAX_LAYOUTS

MAX_MOVES = 2  # paragraphs a figure, box or quote is set later at most, to fill the hole it left
MAX_NUDGE = 3  # the theme's last nudge of a text block's line breaking: [data-nudge="3"]
MAX_GROW = 3  # the theme's tallest drawing of a map whose column ends short: [data-grow="3"]
PORTFOLIO_PLACES = ("under", "across")  # the theme's places for a portfolio beside a map: [data-portfolio="…"]
DENSER = (1, 2, 3, -2)  # the theme's denser variants, [data-fit="1"] to "3", then its loosest as a last resort
LOOSER_FIRST = (-1, -2, 2, 3)  # its looser ones first ([data-fit="-1"], "-2"), for a last page that is part full
LOOSEN_FROM = 0.2  # a last page filled this much is filled further (looser variant) rather than pulled back


@dataclass
class Fitter:
    """Reviews each layout of one edition, and asks for another layout of what the page check finds wrong.

    The theme says what the variants of a section are (`[data-fit="1"]` … `"3"` denser: smaller artwork,
    tighter spacing, then slightly smaller text; `"-1"`, `"-2"` looser), and what a nudged text block
    (`[data-nudge="N"]`), one whose long words may break (`[data-wrap]`), a scrim behind text over a picture
    (`data-scrim`), a short section joining the page before (`data-flow`), a map drawn taller to fill its
    column (`data-grow="N"`) and a section's portfolio set under its map or across the page below its map and
    timeline (`data-portfolio="under"`, `"across"`) look like. What is measured decides; nothing is guessed
    from the length of a text.
    """

    html: str  # the edition's HTML, its text blocks named for nudging (see name_blocks)
    factsheet: bool = False
    levels: dict[str, int] = field(default_factory=dict)  # section id -> its variant
    inspection: pagecheck.Inspection | None = None
    nudges: dict[str, int] = field(default_factory=dict)  # text block (data-p) -> its nudge (data-nudge)
    wrapped: set[str] = field(default_factory=set)  # text blocks whose long words may break (data-wrap)
    moved: dict[str, int] = field(default_factory=dict)  # figure, box or quote (data-p) -> paragraphs set later
    # in each variant of a section (section, variant): its maps' taller drawings (data-p -> data-grow) and where
    # its portfolio goes (data-portfolio), as that variant's layout measured them
    grown: dict[tuple[str, int], dict[str, int]] = field(default_factory=dict)
    portfolios: dict[tuple[str, int], str] = field(default_factory=dict)
    figures: set[tuple[str, int]] = field(default_factory=set)  # ... and whether its key figures go beside the map
    # a portfolio or key figures moved in a section variant, on trial: its findings before, and what moved (the
    # portfolio, the figures); the move is undone (and no other tried there) when the variant's next layout finds more
    trials: dict[tuple[str, int], tuple[int, bool, bool]] = field(default_factory=dict)
    refused: set[tuple[str, int]] = field(default_factory=set)
    scrims: set[str] = field(default_factory=set)  # sections whose text over pictures has a scrim (data-scrim)
    joined: set[str] = field(default_factory=set)  # short sections set on the page before theirs (data-flow)
    layouts: int = 0
    tried: dict[str, dict[int, int]] = field(default_factory=dict)  # section -> variant -> its findings
    final: bool = False
    write_options: dict = field(default_factory=dict)  # the profile's PDF options: pages measured as they print
    finish: Callable[[bytes], bytes] | None = None  # and its finishing (print: CMYK shadings)
    orders: dict[str, tuple[int, ...]] = field(default_factory=dict)  # section -> the variants it tries, in order
    remembered: dict[str, dict] = field(default_factory=dict)  # the last build's fits, by section_digests
    style: str = ""  # what the stylesheets say (fit_style): a remembered fit holds only under the same styles

    def __post_init__(self) -> None:
        self.html = name_blocks(self.html)
        self.sections = _sections(self.html, self.style)
        for section, (digest, first) in self.sections.items():
            if (fit := self.remembered.get(digest)) is not None:
                self._recall(section, first, fit)
        self.first = self._apply()

    def memory(self) -> dict[str, dict]:
        """How each section was fitted, by the digest of its HTML, for the next build to start from: a section
        whose text and styles did not change is laid out once instead of being fitted again."""
        fits = {}
        for section, (digest, first) in self.sections.items():
            blocks = range(first, first + self._blocks(section))

            def mine(marks: dict) -> dict[int, int]:
                return {int(block) - first: value for block, value in marks.items() if int(block) in blocks}

            fit = {"level": self.levels.get(section, 0), "scrim": section in self.scrims,
                   "joined": section in self.joined, "portfolio": self.portfolios.get(self._at(section), ""),
                   "figures": self._at(section) in self.figures,
                   "nudges": mine(self.nudges),
                   "wrapped": sorted(mine(dict.fromkeys(self.wrapped, 1))), "moved": mine(self.moved),
                   "grown": mine(self.grown.get(self._at(section), {})),
                   "tried": self.tried.get(section, {}) if len(self.tried.get(section, {})) > 1 else {}}
            if any(fit.values()):
                fits[digest] = fit
        return fits

    def _blocks(self, section: str) -> int:
        later = [first for digest, first in self.sections.values() if first > self.sections[section][1]]
        return (min(later) if later else 1 << 30) - self.sections[section][1]

    def _recall(self, section: str, first: int, fit: dict) -> None:
        """Start the section from its remembered fit; the cache file is read as untrusted, so anything that is
        not a fit the theme knows is ignored."""
        if not isinstance(fit, dict):
            return
        blocks = self._blocks(section)

        def recalled(entries, most: int) -> dict[str, int]:
            entries = entries if isinstance(entries, dict) else {}
            return {str(first + int(block)): n for block, n in entries.items()
                    if str(block).isdigit() and int(block) < blocks and type(n) is int and 0 < n <= most}

        if type(fit.get("level")) is int and fit["level"] in (*DENSER, *LOOSER_FIRST):
            self.levels[section] = fit["level"]
        if fit.get("scrim") is True:
            self.scrims.add(section)
        if fit.get("joined") is True:
            self.joined.add(section)
        if fit.get("portfolio") in PORTFOLIO_PLACES:
            self.portfolios[self._at(section)] = fit["portfolio"]
        if fit.get("figures") is True:
            self.figures.add(self._at(section))
        self.nudges.update(recalled(fit.get("nudges"), MAX_NUDGE))
        wrapped = fit.get("wrapped") if isinstance(fit.get("wrapped"), list) else []
        self.wrapped.update(recalled({str(block): 1 for block in wrapped}, 1))
        self.moved.update(recalled(fit.get("moved"), MAX_MOVES))
        if grown := recalled(fit.get("grown"), MAX_GROW):
            self.grown[self._at(section)] = grown
        tried = fit.get("tried") if isinstance(fit.get("tried"), dict) else {}
        known = {str(level): level for level in {0, *DENSER, *LOOSER_FIRST}}  # the variants it tried, and found
        self.tried[section] = {known[level]: count for level, count in tried.items()
                               if level in known and type(count) is int and count >= 0}

    def review(self, document) -> str | None:
        """Inspect a laid-out document: the HTML to lay out next, or None to write this one.

        Sections start on pages of their own, so each is fitted on its own: the variants tried are kept
        with their findings, and the last layout takes, for each section, the variant that did best.
        """
        self.layouts += 1
        self.inspection = inspection = pagecheck.inspect(document, factsheet=self.factsheet)
        inspection.findings += measure_text_over_art(document, inspection.over_art, self.write_options, self.finish)
        counts: dict[str, int] = {}
        # a fact sheet over or under two pages weighs more than the rest; a hole that the next layout mends by
        # drawing the map as tall as the column beside it counts for nothing
        for finding in inspection.findings:
            if finding.grows:
                continue
            counts[finding.section] = counts.get(finding.section, 0) + (10 if finding.kind == "page-count" else 1)
        undone = set()  # sections whose move on trial made them worse: laid out again as before, same variant
        for section in inspection.section_pages:
            count = counts.get(section, 0)
            before, portfolio, figures = self.trials.pop(self._at(section), (count, False, False))
            if count > before:
                if portfolio:
                    self.portfolios.pop(self._at(section), None)
                if figures:
                    self.figures.discard(self._at(section))
                self.refused.add(self._at(section))
                count = before
                undone.add(section)
            self.tried.setdefault(section, {})[self.levels.get(section, 0)] = count
        if self.final:
            return None
        redrawn = bool(self._measured_graphics(inspection) or undone)  # the graphics of a section change
        if self.layouts < MAX_LAYOUTS - 1 and (revised := self._revised(inspection, redrawn, undone)) is not None:
            return revised
        best = {section: min(tried, key=lambda level: (tried[level], abs(level)))
                for section, tried in self.tried.items()}
        best = {section: level for section, level in best.items() if level}
        if best == {section: level for section, level in self.levels.items() if level} and not redrawn:
            return None
        self.levels, self.final = best, True
        return self._apply()

    def _measured_graphics(self, inspection: pagecheck.Inspection) -> dict[tuple[str, str], int]:
        """Each map beside a column that ends lower drawn as tall as that column (its section's variant keeps
        it), unless the portfolio moves first: the maps changed, (section, data-p) -> drawing."""
        moving = {finding.section for finding in inspection.findings if finding.kind == "hole" and finding.portfolio}
        grow = {(section, block): step for block, (section, step) in inspection.map_steps.items()
                if 0 <= step <= MAX_GROW and step != self.grown.get(self._at(section), {}).get(block, 0)
                and section not in moving}
        for (section, block), step in grow.items():
            self.grown.setdefault(self._at(section), {})[block] = step
        return grow

    def _apply(self) -> str:
        grown = {block: step for at, steps in self.grown.items() if at == self._at(at[0])
                 for block, step in steps.items()}
        portfolios = {section: place for (section, level), place in self.portfolios.items()
                      if (section, level) == self._at(section)}
        figures = {section for section, level in self.figures if (section, level) == self._at(section)}
        return apply_levels(self.html, self.levels, self.nudges, self.scrims, self.joined, self.wrapped, self.moved,
                            grown, portfolios, figures)

    def _at(self, section: str) -> tuple[str, int]:
        """The section in its present variant: what its taller maps and its portfolio's place were measured in."""
        return section, self.levels.get(section, 0)

    def _revised(self, inspection: pagecheck.Inspection, redrawn: bool, undone: set[str]) -> str | None:
        # text over a picture that is too busy or too light under it gets a dark scrim, and is measured again
        scrim = {finding.section for finding in inspection.findings
                 if finding.kind == "contrast" and finding.over_art and finding.section} - self.scrims
        # a timeline and portfolio beside the map that are longer than the map, and than a taller map, set the
        # portfolio under the map or across the page below them
        place = {self._at(finding.section): finding.portfolio for finding in inspection.findings
                 if finding.kind == "hole" and finding.portfolio
                 and self._at(finding.section) not in {*self.portfolios, *self.refused}}
        # key figures above a map whose column beside is short go beside it
        beside = {self._at(section) for section in inspection.figures_beside} - self.figures - self.refused
        # a section whose portfolio or key figures move is measured so before it tries another variant
        targets = {section: level for section, level in self._next_levels(inspection).items()
                   if section in inspection.fittable and self._at(section) not in {*place, *beside}
                   and section not in undone}
        # WeasyPrint's line breaking may strand a word on a line of its own: nudge that text block (no automatic
        # hyphenation, then word spaces a little tighter or looser) until its lines break well
        nudge = {finding.paragraph for finding in inspection.findings if finding.kind == "stranded-line"
                 and finding.paragraph and self.nudges.get(finding.paragraph, 0) < MAX_NUDGE}
        # a word too long for its column or cell (a long name in a narrow card) may break, hyphenated
        wrap = {finding.paragraph for finding in inspection.findings
                if finding.kind == "overflow" and finding.paragraph} - self.wrapped
        self.wrapped |= wrap
        # a figure, box or quote that did not fit where its marker is, leaving a hole, goes after the next paragraph
        move = {finding.paragraph for finding in inspection.findings if finding.kind == "hole" and finding.paragraph
                and self.moved.get(finding.paragraph, 0) < MAX_MOVES}
        for element in move:
            self.moved[element] = self.moved.get(element, 0) + 1
        # a short section that may follow on the page before (the contacts, the countries at a glance) does
        join = {finding.section for finding in inspection.findings if finding.kind == "page-fill"
                and finding.section in inspection.joinable
                and len(inspection.section_pages.get(finding.section, [])) == 1} - self.joined
        self.joined |= join
        if not (targets or nudge or scrim or join or wrap or move or redrawn or place or beside):
            return None
        self.portfolios.update(place)
        self.figures |= beside
        for at in {*place, *beside}:
            self.trials[at] = (self.tried.get(at[0], {}).get(at[1], 0), at in place, at in beside)
        self.levels.update(targets)
        for paragraph in nudge:
            self.nudges[paragraph] = self.nudges.get(paragraph, 0) + 1
        self.scrims |= scrim
        return self._apply()

    def _next_levels(self, inspection: pagecheck.Inspection) -> dict[str, int]:
        """The variant to try next for each section that does not fit, in the order its first finding says.

        A section that leaves a hole, runs over its pages or spills a few lines onto a last page of its own
        goes denser (1, 2, 3); one that spills a good part of a page first goes looser (-1, -2), so that its
        last page fills, then denser.
        """
        found: dict[str, int] = {}
        for finding in inspection.findings:
            spill = inspection.spill(finding)
            if not finding.section or finding.section in found or not (
                    spill or finding.kind in ("page-count", "hole")):
                continue
            short = finding.kind == "page-count" and finding.page < 2  # a fact sheet on one page: spread it
            looser = short or (spill and finding.fill >= LOOSEN_FROM)
            order = self.orders.setdefault(finding.section, LOOSER_FIRST if looser else DENSER)
            untried = [level for level in order if level not in self.tried.get(finding.section, {})]
            if untried:
                found[finding.section] = untried[0]
        return found


def measure_text_over_art(document, texts: list[pagecheck.TextOverArt], write_options: dict | None = None,
                          finish: Callable[[bytes], bytes] | None = None) -> list[pagecheck.Finding]:
    """Contrast of text over pictures, on the pages that have any, written alone as a small PDF (with the
    profile's options and finishing, as they will print) and drawn."""
    if not texts:
        return []
    numbers = sorted({text.page for text in texts})
    pdf = document.copy([document.pages[number - 1] for number in numbers]).write_pdf(**(write_options or {}))
    pdf = finish(pdf) if finish else pdf
    renumbered = {number: index for index, number in enumerate(numbers, start=1)}
    original = {index: number for number, index in renumbered.items()}
    found = pagecheck.measure_over_art(pdf, [replace(text, page=renumbered[text.page]) for text in texts])
    return [replace(finding, page=original[finding.page]) for finding in found]


_TEXT_BLOCK = re.compile(r"<(p|h[1-6]|li|dt|dd|td|th|figcaption|blockquote|caption|figure|aside)\b([^>]*)>")


_SECTION = re.compile(r'<\w+\b[^>]*\bdata-section="([^"]+)"')
_BLOCK_NAME = re.compile(r' data-p="(\d+)"')


def _sections(html: str, style: str) -> dict[str, tuple[str, int]]:
    """Each section's digest (its HTML without the block numbers, which shift when a section before it
    changes, and the styles) and the number of its first text block."""
    starts = list(_SECTION.finditer(html))
    found = {}
    for start, end in zip(starts, [*starts[1:], None]):
        text = html[start.start():end.start() if end else len(html)]
        first = _BLOCK_NAME.search(text)
        digest = hashlib.sha256((style + "\0" + _BLOCK_NAME.sub("", text)).encode("utf-8")).hexdigest()[:32]
        found[start.group(1)] = (digest, int(first.group(1)) if first else 0)
    return found


def fit_style(stylesheets: list) -> str:
    """A digest of the stylesheets a layout uses (files, or CSS text), and of the versions that lay it out."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"{version('coopbrochure')} {version('weasyprint')}".encode())
    for sheet in stylesheets:
        text = sheet[0] if isinstance(sheet, tuple) else sheet
        digest.update((Path(text).read_text(encoding="utf-8") if isinstance(text, Path) else text).encode() + b"\0")
    return digest.hexdigest()


def name_blocks(html: str) -> str:
    """Give every text block (paragraph, heading, list item, cell, caption) a `data-p` name, in document
    order, so that fitting can nudge the one that strands a word, wherever it comes from."""
    numbers = iter(range(1, 1 << 30))
    return _TEXT_BLOCK.sub(lambda match: f'<{match.group(1)}{match.group(2)} data-p="{next(numbers)}">', html)


def apply_levels(html: str, levels: dict[str, int], nudges: dict[str, int] | None = None,
                 scrims: set[str] = frozenset(), joined: set[str] = frozenset(), wrapped: set[str] = frozenset(),
                 moved: dict[str, int] | None = None, grown: dict[str, int] | None = None,
                 portfolios: dict[str, str] | None = None, figures: set[str] = frozenset()) -> str:
    """Mark each section with its variant (`data-fit="N"` beside its `data-section`), its scrim
    (`data-scrim`), its joining the page before (`data-flow`), its portfolio's place (`data-portfolio`) or its key
    figures beside the map (`data-figures`), each text block with its nudge
    (`data-nudge="N"` beside its `data-p`) or its long words allowed to break (`data-wrap`, its glued words
    unglued), each grown map with its taller drawing (`data-grow="N"` before its `data-p`), and set each moved
    figure, box or quote that many paragraphs later."""
    portfolios = portfolios or {}
    for section in {*levels, *scrims, *joined, *portfolios, *figures}:
        marker = f'data-section="{section}"'
        level = f' data-fit="{levels[section]}"' if section in levels else ""
        html = re.sub(re.escape(marker) + r'(?: data-fit="-?\d")?(?: data-scrim)?(?: data-flow)?'
                      r'(?: data-portfolio="\w+")?(?: data-figures="\w+")?',
                      marker + level + (" data-scrim" if section in scrims else "")
                      + (" data-flow" if section in joined else "")
                      + (f' data-portfolio="{portfolios[section]}"' if section in portfolios else "")
                      + (' data-figures="beside"' if section in figures else ""),
                      html, count=1)
    nudges = nudges or {}
    for block in {*nudges, *wrapped}:
        marker = f'data-p="{block}"'
        marks = (f' data-nudge="{nudges[block]}"' if block in nudges else "") + (" data-wrap" if block in wrapped else "")
        html = re.sub(re.escape(marker) + r'(?: data-nudge="\d")?(?: data-wrap)?>', f"{marker}{marks}>", html, count=1)
        if block in wrapped:
            html = unglued(html, block)
    for block, step in (grown or {}).items():
        grow = f' data-grow="{step}"' if step else ""
        html = re.sub(rf'(?: data-grow="\d")? (data-p="{re.escape(block)}")', rf'{grow} \1', html, count=1)
    for element, paragraphs in (moved or {}).items():
        html = _move_after_paragraphs(html, element, paragraphs)
    return html


_WORD_GLUE = re.compile(r"(?<=\w)\u00a0(?=\w)")


def unglued(html: str, block: str) -> str:
    """The text block named `block` with the no-break spaces between its words made ordinary spaces: a line of
    it ran out of its column, and a run of glued words can break nowhere else (punctuation keeps its glue)."""
    found = re.search(rf'<(\w+)\b[^>]*\bdata-p="{re.escape(block)}"[^>]*>(.*?)</\1>', html, re.S)
    if found is None:
        return html
    return html[:found.start(2)] + _WORD_GLUE.sub(" ", found.group(2)) + html[found.end(2):]


_PARAGRAPH_AFTER = re.compile(r"\s*<p\b[^>]*>.*?</p>", re.S)


def _move_after_paragraphs(html: str, element: str, paragraphs: int) -> str:
    """The figure, box or quote named `element` set after the paragraphs that follow it (at most `paragraphs`;
    never past a heading or the end of its text)."""
    found = re.search(rf'<(figure|aside|blockquote)\b[^>]*\bdata-p="{re.escape(element)}"[^>]*>.*?</\1>', html, re.S)
    if found is None:
        return html
    end = found.end()
    for _ in range(paragraphs):
        following = _PARAGRAPH_AFTER.match(html, end)
        if following is None:
            break
        end = following.end()
    return html[:found.start()] + html[found.end():end].lstrip() + "\n" + found.group(0) + html[end:]
