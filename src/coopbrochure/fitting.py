"""Copyfitting: a section whose last page would be nearly empty is laid out again in a denser variant."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from . import pagecheck

MAX_LEVEL = 3  # the theme's densest variant: [data-fit="3"]
MAX_NUDGE = 3  # the theme's last nudge of a paragraph's line breaking: .nudge-3


@dataclass
class Fitter:
    """Reviews each layout of one edition, and asks for the next denser variant of what does not fit.

    The theme says what a denser variant is (`[data-fit="1"]` … `[data-fit="3"]` on a section): smaller
    artwork, tighter spacing, then a slightly smaller text. What is measured decides; nothing is guessed
    from the length of a text.
    """

    html: str
    factsheet: bool = False
    levels: dict[str, int] = field(default_factory=dict)  # section id -> its variant
    inspection: pagecheck.Inspection | None = None
    nudges: dict[str, int] = field(default_factory=dict)  # paragraph (data-p) -> its nudge (.nudge-N)
    scrims: set[str] = field(default_factory=set)  # sections whose text over pictures has a scrim (data-scrim)
    layouts: int = 0

    def review(self, document) -> str | None:
        """Inspect a laid-out document; the HTML with denser variants where needed, or None to keep it."""
        self.layouts += 1
        self.inspection = inspection = pagecheck.inspect(document, factsheet=self.factsheet)
        inspection.findings += measure_text_over_art(document, inspection.over_art)
        # text over a picture that is too busy or too light under it gets a dark scrim, and is measured again
        scrim = {finding.section for finding in inspection.findings
                 if finding.kind == "contrast" and finding.over_art and finding.section} - self.scrims
        denser = {section for section in self._overlong(inspection)
                  if section in inspection.fittable and self.levels.get(section, 0) < MAX_LEVEL}
        # WeasyPrint's line breaking may strand a word on a line of its own: nudge that paragraph (no automatic
        # hyphenation, then a tracking 1 % tighter or looser) until its lines break well
        nudge = {finding.paragraph for finding in inspection.findings if finding.kind == "stranded-line"
                 and finding.paragraph and self.nudges.get(finding.paragraph, 0) < MAX_NUDGE}
        if not denser and not nudge and not scrim:
            return None
        for section in denser:
            self.levels[section] = self.levels.get(section, 0) + 1
        for paragraph in nudge:
            self.nudges[paragraph] = self.nudges.get(paragraph, 0) + 1
        self.scrims |= scrim
        return apply_levels(self.html, self.levels, self.nudges, self.scrims)

    @staticmethod
    def _overlong(inspection: pagecheck.Inspection) -> set[str]:
        """Sections that spill a few lines onto a last page of their own, leave a hole, or run over two pages."""
        found = set()
        for finding in inspection.findings:
            pages = inspection.section_pages.get(finding.section, [])
            spill = finding.kind == "page-fill" and len(pages) > 1 and finding.page == pages[-1]
            if finding.section and (spill or finding.kind in ("page-count", "hole")):
                found.add(finding.section)
        return found


def measure_text_over_art(document, texts: list[pagecheck.TextOverArt]) -> list[pagecheck.Finding]:
    """Contrast of text over pictures, on the pages that have any, written alone as a small PDF and drawn."""
    if not texts:
        return []
    numbers = sorted({text.page for text in texts})
    pdf = document.copy([document.pages[number - 1] for number in numbers]).write_pdf()
    renumbered = {number: index for index, number in enumerate(numbers, start=1)}
    original = {index: number for number, index in renumbered.items()}
    found = pagecheck.measure_over_art(pdf, [replace(text, page=renumbered[text.page]) for text in texts])
    return [replace(finding, page=original[finding.page]) for finding in found]


def apply_levels(html: str, levels: dict[str, int], nudges: dict[str, int] | None = None,
                 scrims: set[str] = frozenset()) -> str:
    """Mark each section with its variant (`data-fit="N"` beside its `data-section`) or its scrim
    (`data-scrim`), and each nudged paragraph with its nudge (`class="nudge-N"`)."""
    for section in {*levels, *scrims}:
        marker = f'data-section="{section}"'
        level = f' data-fit="{levels[section]}"' if section in levels else ""
        html = re.sub(re.escape(marker) + r'(?: data-fit="\d")?(?: data-scrim)?',
                      marker + level + (" data-scrim" if section in scrims else ""), html, count=1)
    for paragraph, nudge in (nudges or {}).items():
        marker = f'data-p="{paragraph}"'
        html = re.sub(re.escape(marker) + r'(?: class="nudge-\d")?>', f'{marker} class="nudge-{nudge}">', html)
    return html
