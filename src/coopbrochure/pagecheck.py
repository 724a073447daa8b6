"""The layout's own preflight: what a reader would see wrong on the laid-out pages, found in WeasyPrint's boxes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

PT_PER_PX = 0.75          # CSS px to points
MM_PER_PX = 25.4 / 96
MIN_FILL = 1 / 3          # a page whose text area is filled less than this is near-empty
MIN_LINE = 1 / 3          # a line shorter than this share of its measure, not the last of its paragraph, is stranded
MAX_STRETCH = 1.5         # ... and so is a justified line whose spaces justifying widened by more than this (em)
MAX_HOLE = 1 / 5          # a column or page ending this share of its height early, while its flow goes on
MIN_COLUMN_HOLE = 1 / 8   # ... and, for a column, this share of the page's height (less is one item's unevenness)
NARROWER_GROWS = 1.3      # how much taller a block may come out at the narrower width of the column it moves to
MIN_TYPE_PT = 6.0
MIN_CONTRAST, MIN_CONTRAST_LARGE = 4.5, 3.0
TOLERANCE_PX = 1.5        # rounding of WeasyPrint's positions; 0.4 mm
UNCHECKED_PAGES = ("cover", "back")  # full-bleed artwork by design; the ruled notes page is blank


@dataclass(frozen=True)
class Finding:
    """One problem on one page, where it is and what the author can do about it."""

    kind: str        # page-fill, stranded-line, hole, overflow, type-size, contrast, page-count
    page: int        # 1-based
    element: str     # the heading or first words of what is wrong
    source: str      # the project file the element comes from ("" when it comes from the theme)
    message: str     # what is wrong and what to do
    section: str = ""  # id of the page's section (what a denser layout variant applies to)
    paragraph: str = ""  # data-p of the text block with a stranded or overflowing line (what fitting nudges), or
    #                      of the figure, box or quote that did not fit before a hole (what fitting moves on)
    over_art: bool = False  # a contrast measured over a picture (what a scrim can mend)
    fill: float = 0.0  # for a near-empty page: how much of it is filled
    grows: str = ""  # a short column's hole that its map drawn taller mends (its data-p; Inspection.map_steps)
    portfolio: str = ""  # ... or that moving the column beside's portfolio mends better: "under" the map or
    #                      "across" the page below both (data-moves names where it may go)

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}page {self.page}: {self.kind}: “{self.element}”: {self.message}"


@dataclass
class TextOverArt:
    """Text painted over an image: its contrast can only be measured on the rendered page."""

    page: int
    rect: tuple[float, float, float, float]  # x, y, width, height in CSS px from the page's top left
    colour: tuple[float, float, float]
    large: bool
    element: str
    source: str
    section: str


@dataclass
class Inspection:
    """The findings of the box tree, and the text whose contrast the rendered page must tell."""

    findings: list[Finding] = field(default_factory=list)
    over_art: list[TextOverArt] = field(default_factory=list)
    section_pages: dict[str, list[int]] = field(default_factory=dict)  # section id -> its pages
    fittable: set[str] = field(default_factory=set)  # sections that have denser variants (data-fits)
    joinable: set[str] = field(default_factory=set)  # sections that may follow on the page before (data-joins)
    # map (data-p) -> its section, and which of its taller drawings (data-taller; 0: none) ends its column level
    # with the column beside it (data-balance)
    map_steps: dict[str, tuple[str, int]] = field(default_factory=dict)
    # sections whose key figures (data-moves="beside") balance the columns better set beside the map
    figures_beside: set[str] = field(default_factory=set)

    def spill(self, finding: Finding) -> bool:
        """Whether a near-empty page is the last of a section of several pages: lines spilt over onto it."""
        pages = self.section_pages.get(finding.section, [])
        return finding.kind == "page-fill" and len(pages) > 1 and finding.page == pages[-1]


def inspect(document, *, factsheet: bool = False) -> Inspection:
    """Every finding that WeasyPrint's laid-out boxes show, page by page (PDF not needed)."""
    result = Inspection()
    pages = [_PageWalk(number, page._page_box) for number, page in enumerate(document.pages, start=1)]
    for walk in pages:
        for section in walk.sections:
            result.section_pages.setdefault(section, []).append(walk.number)
        result.fittable |= walk.fittable
        result.joinable |= walk.joinable
    for index, walk in enumerate(pages):
        following = pages[index + 1] if index + 1 < len(pages) else None
        result.findings += [_advised(finding, walk, result) for finding in walk.findings(following)]
        result.map_steps.update(walk.map_steps)
        result.figures_beside |= walk.figures_beside
        result.over_art += walk.over_art
    if factsheet and len(pages) != 2:
        first = pages[0]
        extra = len(pages) - 2
        result.findings.append(Finding(
            "page-count", len(pages), first.title or "fact sheet", first.first_source,
            f"the fact sheet has {len(pages)} pages instead of two; even in its densest layout it is "
            + (f"about {_lines_over(pages[-1])} lines too long: shorten the intro, the programme names or the "
               "actors" if extra > 0 else "too short"),
            first.first_section))
    return result


def _advised(finding: Finding, walk: _PageWalk, inspection: Inspection) -> Finding:
    """A near-empty page's advice: a section's last few lines spilt over (cut them), or a short section (add)."""
    if finding.kind != "page-fill":
        return finding
    if inspection.spill(finding):
        advice = (f"; about {_lines_over(walk)} lines spill over from the page before, in the densest and the "
                  "loosest layout alike: cut that much from the text, or add a figure or a box to fill this page")
    else:
        advice = "; the section is short for a page of its own: add text, a figure or a box, or merge it with another"
    return replace(finding, message=finding.message + advice)


def _lines_over(walk: _PageWalk) -> int:
    return max(1, round(walk.filled_px / 13.4 / (4 / 3)))


class _PageWalk:
    """One page's boxes, read once: the text lines, columns, images and where its content ends."""

    def __init__(self, number: int, page_box):
        from weasyprint.formatting_structure import boxes

        self.boxes = boxes
        self.number = number
        self.page_type = page_box.page_type
        self.left, self.top = page_box.content_box_x(), page_box.content_box_y()
        self.width, self.height = page_box.width, page_box.height
        self.foot = self.top + self.height
        self.bottom = self.top  # where the flowed content ends
        self.sections: list[str] = []
        self.fittable: set[str] = set()
        self.joinable: set[str] = set()
        self.title = ""
        self.first_words = ""  # of the page's first paragraph: its name where no heading is on the page
        self.first_source = ""
        self.first_section = ""
        self.problems: list[Finding] = []
        self.over_art: list[TextOverArt] = []
        self.art: list[tuple[float, float, float, float]] = []  # images painted on this page, in paint order
        self.multicols: list[tuple[object, list]] = []
        self.rows: list[tuple[object, _Where]] = []  # side-by-side columns that should end together (data-balance)
        self.map_steps: dict[str, tuple[str, int]] = {}
        self.figures_beside: set[str] = set()
        self.beside: dict[str, object] = {}  # section -> its block that may be set beside the map (data-moves)
        self.elements: set[int] = set()  # ids of the elements with a box on this page
        self.checked = self.page_type.name not in UNCHECKED_PAGES and not self.page_type.blank
        self.first_boxes = _first_boxes(page_box)
        self.opener = _movable_opener(page_box)
        for child in page_box.children:
            if isinstance(child, boxes.FootnoteAreaBox):
                if child.children:
                    self.foot = min(self.foot, child.position_y)
                self._walk(child, _Where("", ""), footnote=True)
            elif not isinstance(child, boxes.MarginBox):
                self._walk(child, _Where("", ""))

    @property
    def filled_px(self) -> float:
        return self.bottom - self.top

    # ---- the walk --------------------------------------------------------

    def _walk(self, box, where: _Where, footnote: bool = False) -> None:
        boxes = self.boxes
        box = getattr(box, "_box", box)  # an absolutely positioned box sits in a placeholder
        element = box.element
        if element is not None and not isinstance(box, (boxes.TextBox, boxes.LineBox)):
            where = where.entering(element)
            if (painted := _rgb(box.style["background_color"])) is not None:
                where = where.painted(painted)
            if box.style["transform"]:  # painted elsewhere than its box says: measure against its own colours
                where = replace(where, transformed=True)
            self.elements.add(id(element))
            if element.get("data-fits") is not None:
                self.fittable.add(where.section)
            if element.get("data-joins") is not None:
                self.joinable.add(where.section)
            if element.get("data-balance") is not None and not footnote:
                self.rows.append((box, where))
            if "beside" in (element.get("data-moves") or "").split() and not footnote:
                self.beside.setdefault(where.section, box)
            if where.section and where.section not in self.sections:
                self.sections.append(where.section)
                if not self.first_section:
                    self.first_section, self.first_source = where.section, where.source
            if not self.title and box.element_tag in ("h1", "h2") and not footnote:
                self.title = _words(box)
            if not self.first_words and not footnote and box.element_tag in ("p", "li", "td", "h3", "figcaption"):
                self.first_words = _words(box)
        if isinstance(box, boxes.ReplacedBox):
            self._replaced(box, where)
        elif isinstance(box, boxes.LineBox):
            return self._line_parent_done(box, where, footnote)
        if not footnote and box.style["position"] in ("static", "relative") and _paints(box) and \
                not isinstance(box, boxes.PageBox):
            self._reach(box)
        if isinstance(box, boxes.ParentBox):
            children = box.children
            if children and all(getattr(child, "is_column", False) for child in children
                                if isinstance(child, boxes.BlockBox)) and any(c.is_column for c in children):
                self.multicols.append((box, [child for child in children if child.is_column], where.source))
            for child in children:
                self._walk(child, where, footnote)
            if isinstance(box, boxes.BlockContainerBox) and any(isinstance(c, boxes.LineBox) for c in children):
                self._lines(box, [c for c in children if isinstance(c, boxes.LineBox)], where, footnote)

    def _line_parent_done(self, line, where: _Where, footnote: bool) -> None:
        for leaf in _leaves(line, self.boxes):
            if isinstance(leaf, self.boxes.TextBox):
                self._text(leaf, where, footnote)
            elif isinstance(leaf, self.boxes.ReplacedBox):
                self._replaced(leaf, where)
            elif leaf.element is not None:
                self._walk(leaf, where, footnote)
        if not footnote and line.children:
            self.bottom = max(self.bottom, line.position_y + line.height)

    def _reach(self, box) -> None:
        bottom = box.position_y + box.margin_height() - (box.margin_bottom or 0)
        if box.height and bottom <= self.foot + TOLERANCE_PX:
            self.bottom = max(self.bottom, bottom)

    # ---- what each box is checked for ---------------------------------------

    def _text(self, text, where: _Where, footnote: bool) -> None:
        if not text.text.strip():
            return
        size_pt = text.style["font_size"] * PT_PER_PX
        if size_pt < MIN_TYPE_PT - 0.05 and self.page_type.name:
            self._add("type-size", where, _text_words(text.text),
                      f"text set at {size_pt:.1f} pt, under the {MIN_TYPE_PT:g} pt a reader needs; "
                      "give it a larger font-size in the project's CSS")
        x, y, width, height = text.position_x, text.position_y, text.width or 0, text.height or 0
        if self.checked and (x + width > self.left + self.width + TOLERANCE_PX or x < self.left - TOLERANCE_PX):
            self._add("overflow", where, _text_words(text.text),
                      f"text runs {_mm(max(x + width - self.left - self.width, self.left - x))} into the page "
                      "margin; shorten the word or let it break (a long number or name in a narrow column)")
        if footnote:
            return
        colour = _rgb(text.style["color"]) if re.search(r"\w", text.text) else None  # not a bullet or a rule
        large = size_pt >= 18 or (size_pt >= 14 and text.style["font_weight"] >= 700)
        if colour is not None and not where.transformed and any(_overlaps((x, y, width, height), art)
                                                                for art in self.art):
            self.over_art.append(TextOverArt(self.number, (x, y, width, height), colour, large,
                                             _text_words(text.text), where.source, where.section))
        elif colour is not None and where.background is not None:
            ratio = contrast(colour, where.background)
            need = MIN_CONTRAST_LARGE if large else MIN_CONTRAST
            if ratio < need:
                self._add("contrast", where, _text_words(text.text),
                          f"contrast {ratio:.1f}:1 against its background (at least {need:g}:1 needed); "
                          "darken the text or lighten the background in the project's CSS")

    def _replaced(self, box, where: _Where) -> None:
        if box.style["position"] in ("absolute", "fixed") or box.style["opacity"] >= 0.5:
            self.art.append((box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height()))
        if box.style["position"] == "static":
            self.bottom = max(self.bottom, box.position_y + (box.height or 0))
        if self.checked and box.style["position"] == "static" and (
                box.border_box_x() + box.border_width() > self.left + self.width + TOLERANCE_PX
                or box.border_box_x() < self.left - TOLERANCE_PX):
            self._add("overflow", where, "image",
                      "an image runs into the page margin; give it a smaller size")
        if box.element is not None and str(box.element.tag).endswith("svg"):
            smallest = _svg_smallest_type(box.element, box.width)
            if smallest is not None and smallest < MIN_TYPE_PT - 0.05:
                self._add("type-size", where, _svg_title(box.element) or "graphic",
                          f"a graphic's text is printed at {smallest:.1f} pt, under {MIN_TYPE_PT:g} pt; "
                          "the graphic is drawn too large for its place: give it more room")

    def _lines(self, block, lines: list, where: _Where, footnote: bool) -> None:
        if footnote or not self.checked:
            return
        measure = block.width
        justified = block.style["text_align_all"] == "justify"
        extents = [_extent(line, self.boxes) for line in lines]
        for line, used in zip(lines, extents):
            if used > measure + TOLERANCE_PX and line.position_x + used <= self.left + self.width + TOLERANCE_PX:
                self._add("overflow", where, _words(block),
                          f"a line runs {_mm(used - measure)} out of its column or cell, over what stands beside "
                          "it; a long word or number cannot break there: allow a break or shorten it",
                          _block_name(block))
                break
        if len(lines) < 2:
            return
        for index, line in enumerate(lines[:-1]):
            added, stretch = _justification(line, self.boxes) if justified else (0.0, 0.0)
            used = extents[index] - added
            if (used >= measure * MIN_LINE and stretch <= MAX_STRETCH) or measure < 20 / MM_PER_PX \
                    or _forced_break(line):
                continue
            following = _first_word_width(lines[index + 1], self.boxes)
            if justified or used + following + 4 < measure:
                words = _text_words("".join(text.text for text in _leaves(line, self.boxes)
                                             if isinstance(text, self.boxes.TextBox)))
                fill = (f"{used / measure:.0%} of the measure" if used < measure * MIN_LINE
                        else f"its spaces widened by {stretch:.1f} em to fill the measure")
                self.problems.append(Finding(
                    "stranded-line", self.number, _words(block),  where.source,
                    f"a line holds only “{words}” ({fill}) and the text goes on on the next line; a no-break space "
                    "or a long unbreakable word keeps the words apart: allow a break between them", where.section,
                    _block_name(block)))

    def _add(self, kind: str, where: _Where, element: str, message: str, paragraph: str = "") -> None:
        self.problems.append(Finding(kind, self.number, element, where.source, message, where.section, paragraph))

    # ---- page-level findings ------------------------------------------------

    def findings(self, following: _PageWalk | None) -> list[Finding]:
        found = list(self.problems)
        if not self.checked:
            return found
        where = _Where(self.first_source, self.first_section, self.title)
        fill = self.filled_px / self.height
        continues = following is not None and following.checked and self._flow_continues(following)
        if fill < MIN_FILL:
            found.append(Finding(
                "page-fill", self.number, self.title or self.first_words or "page", self.first_source,
                f"the page is {fill:.0%} filled", self.first_section, fill=fill))
        elif continues and self.foot - self.bottom > self.height * MAX_HOLE:
            found.append(Finding(
                "hole", self.number, self.title or self.first_words or "page", self.first_source,
                f"the page ends {_mm(self.foot - self.bottom)} above its foot while the text goes on on the next "
                "page: what follows (a figure, a table, a box) does not fit; give it size: small or place it "
                "elsewhere", self.first_section, following.opener))
        for multicol, columns, source in self.multicols:
            found += self._column_holes(multicol, columns, source, following)
        for row, row_where in self.rows:
            found += self._row_holes(row, row_where)
        return found

    def _row_holes(self, row, where: _Where) -> list[Finding]:
        """A column of a row (the map beside the timeline) that ends well above the column after it: the reader's
        eye goes on beside a hole."""
        columns = [child for child in getattr(row, "children", ()) if isinstance(child, self.boxes.BlockBox)]
        found = []
        for column, beside in zip(columns, columns[1:]):
            end, other = (box.position_y + box.margin_height() for box in (column, beside))
            short = other - end  # below 0: the column is the longer one
            threshold = max((max(end, other) - row.content_box_y()) * MAX_HOLE, self.height * MIN_COLUMN_HOLE)
            map_named, taller_by = _map_step(column, short, self.boxes)
            tallest_by = _map_step(column, float("inf"), self.boxes)[1]  # what the tallest drawing adds
            if map_named:
                self.map_steps[map_named[0]] = (where.section, map_named[1])
            if short < -threshold and where.section in self.beside:
                # the column beside is short: the key figures, one under the other, may fill it
                moved = short + _stacked_height(self.beside[where.section], self.boxes)
                if abs(moved) < -short and moved <= threshold + tallest_by:
                    self.figures_beside.add(where.section)
            if short <= threshold:
                continue
            grows = bool(map_named) and short - taller_by <= threshold
            place = "" if grows else _better_place(beside, short, threshold, tallest_by, self.boxes)
            found.append(Finding(
                "hole", self.number, _words(column) or "graphic", where.source,
                f"the column ends {_mm(short)} above the one beside it (“{_words(beside)}”), which is too long "
                "for the room beside the map: shorten it (fewer milestones in the timeline)", where.section,
                grows=map_named[0] if grows else "", portfolio=place))
        return found

    def _flow_continues(self, following: _PageWalk) -> bool:
        """Whether this page's last section goes on at the top of the next page without a page break of its own."""
        shared = [section for section in self.sections if section in following.sections]
        forced = any(element not in self.elements and breaks for element, breaks in following.first_boxes)
        return bool(shared) and self.sections[-1] == following.sections[0] and not forced

    def _column_holes(self, multicol, columns: list, source: str, following: _PageWalk | None) -> list[Finding]:
        found = []
        continues = following is not None and id(multicol.element) in following.elements
        for index, column in enumerate(columns):
            last = index == len(columns) - 1
            if last and not continues:
                continue
            if not last and not columns[index + 1].children:
                continue
            end = max((child.position_y + child.margin_height() for child in column.children), default=column.position_y)
            height = column.height or 0
            foot = min(column.position_y + height, self.foot)
            # a short run of columns (key figures, a list of partners) whose items cannot break ends unevenly,
            # as a last row does: a gap is a hole when it is large for its column and on its page
            if height and foot - end > max(height * MAX_HOLE, self.height * MIN_COLUMN_HOLE):
                first = _words(columns[index + 1] if not last else column) or "column"
                found.append(Finding(
                    "hole", self.number, first, source, f"column {index + 1} ends "
                    f"{_mm(foot - end)} above its foot while the text goes on; what comes next does not fit there: "
                    "give the figure size: small, or move its marker", self.first_section,
                    following.opener if last else _movable_opener(columns[index + 1])))
        return found


@dataclass(frozen=True)
class _Where:
    """The project file and section of the element being walked, and the colour behind it."""

    source: str
    section: str
    background: tuple[float, float, float] | None = (1.0, 1.0, 1.0)
    transformed: bool = False  # inside a CSS transform: the box is painted elsewhere than it was laid out

    def entering(self, element) -> _Where:
        return replace(self, source=element.get("data-source") or self.source,
                       section=element.get("data-section") or self.section)

    def painted(self, colour) -> _Where:
        return replace(self, background=colour)


FORCED_BREAKS = ("page", "left", "right", "recto", "verso")


def _first_boxes(page_box) -> list[tuple[int, bool]]:
    """The boxes a page opens with, outermost first: their element's id and whether it asks for a new page
    (break-before), which only counts where the element starts on this page (not a continued section)."""
    found = []
    box = page_box.children[0] if page_box.children else None
    while box is not None:
        found.append((id(box.element), box.style["break_before"] in FORCED_BREAKS))
        children = getattr(box, "children", None)
        box = children[0] if children else None
    return found


def _better_place(beside, short_px: float, threshold_px: float, reach_px: float, boxes) -> str:
    """Where the block of the long column that may move (data-moves) balances the columns: "under" the short one,
    which it fits under even drawn narrower there (its lines wrap more), or "across" the page below both, when
    what stays beside then ends within `threshold_px` of the short column, or of a map drawn up to `reach_px`
    taller; "" when neither."""
    box = _marked(beside, "data-moves", boxes)
    if box is None:
        return ""
    places, height = box.element.get("data-moves").split(), box.margin_height()
    if "under" in places and height * NARROWER_GROWS <= short_px:
        return "under"
    if "across" in places and -threshold_px <= short_px - height <= threshold_px + reach_px:
        return "across"
    return ""


def _marked(box, attribute: str, boxes):
    """The first box in `box` (itself included) whose element has `attribute`, or None."""
    return next((child for child in box.descendants() if child.element is not None
                 and not isinstance(child, boxes.TextBox) and child.element.get(attribute)), None)


def _stacked_height(block, boxes) -> float:
    """The height (px) of a block of items set side by side (the key figures) were they one under the other:
    its heading and the items' heights, margins included."""
    items = [box for box in block.descendants() if box.element_tag == "li" and isinstance(box, boxes.BlockBox)]
    heading = [child for child in block.children if child.element_tag in ("h2", "h3")]
    return sum(box.margin_height() for box in [*heading, *items])


def _map_step(column, short_px: float, boxes) -> tuple[tuple[str, int] | None, float]:
    """For the map in a column `short_px` shorter than the one beside it (its taller drawings' heights in mm in
    data-taller): its data-p and the tallest of those drawings that keeps the column within the other one (0:
    none, the map as the layout variant draws it), and how much taller (px) than now that drawing is."""
    box = _marked(column, "data-taller", boxes)
    drawn = [child for child in box.descendants() if isinstance(child, boxes.ReplacedBox)] if box else []
    if not drawn or not box.element.get("data-p"):
        return None, 0.0
    current = drawn[0].height * MM_PER_PX
    heights = [float(value) for value in re.findall(r"\d+(?:\.\d+)?", box.element.get("data-taller"))]
    steps = [step for step, height in enumerate(heights, start=1) if height <= current + short_px * MM_PER_PX + 0.5]
    step = steps[-1] if steps else 0
    return (box.element.get("data-p"), step), ((heights[step - 1] - current) / MM_PER_PX if step else 0.0)


MOVABLE = re.compile(r"\b(figure|box|pull-quote)\b")  # the classes of what a text's markers place


def _movable_opener(box) -> str:
    """The data-p name of the figure, box or pull quote a page or column opens with, or "": what fitting may
    set a paragraph later, so that text fills the room it could not take."""
    while box is not None:
        element = box.element
        if element is not None and element.get("data-p") and MOVABLE.search(element.get("class") or ""):
            return element.get("data-p")
        children = getattr(box, "children", None)
        box = children[0] if children else None
    return ""


def _paints(box) -> bool:
    """Whether a box shows anything of its own (a background or a border), beyond the content it holds."""
    style = box.style
    return _rgb(style["background_color"], 0.01) is not None or any(
        style[f"border_{side}_width"] and style[f"border_{side}_style"] not in ("none", "hidden")
        for side in ("top", "right", "bottom", "left"))


def _leaves(box, boxes):
    for child in getattr(box, "children", ()):
        if isinstance(child, (boxes.InlineBox,)) and not isinstance(child, boxes.AtomicInlineLevelBox):
            yield from _leaves(child, boxes)
        else:
            yield child


def _forced_break(line) -> bool:
    return any(getattr(box, "element_tag", None) == "br" for box in line.descendants())


def _extent(line, boxes) -> float:
    right = [leaf.position_x + leaf.margin_width() for leaf in _leaves(line, boxes)
             if not (isinstance(leaf, boxes.TextBox) and not leaf.text.strip())
             and leaf.style["position"] not in ("absolute", "fixed")]
    return (max(right) - line.position_x) if right else 0.0


def _justification(line, boxes) -> tuple[float, float]:
    """What justifying a line added to its spaces (WeasyPrint widens each space and no-break space): the width in
    all, and how much each space widened, in em of its text."""
    added, stretch = 0.0, 0.0
    for leaf in _leaves(line, boxes):
        if isinstance(leaf, boxes.TextBox) and leaf.justification_spacing:
            added += leaf.justification_spacing * (leaf.text.count(" ") + leaf.text.count("\u00a0"))
            stretch = max(stretch, leaf.justification_spacing / (leaf.style["font_size"] or 1))
    return added, stretch


def _block_name(block) -> str:
    """The text block's name for fitting (its data-p), or "" when it has none."""
    return (block.element.get("data-p") or "") if block.element is not None else ""


def _first_word_width(line, boxes) -> float:
    for leaf in _leaves(line, boxes):
        if isinstance(leaf, boxes.TextBox) and leaf.text.strip():
            word = leaf.text.strip().split()[0]
            return (leaf.width or 0) * len(word) / max(1, len(leaf.text))
    return 0.0


def _words(box, limit: int = 6) -> str:
    from weasyprint.formatting_structure import boxes

    texts = [leaf.text for leaf in box.descendants() if isinstance(leaf, boxes.TextBox)]
    return _text_words(" ".join(texts), limit)


def _text_words(text: str, limit: int = 6) -> str:
    words = re.sub(r"[\s\u00ad\u2060]+", " ", text).strip().split(" ")
    return " ".join(words[:limit]) + (" …" if len(words) > limit else "")


def _mm(px: float) -> str:
    return f"{px * MM_PER_PX:.0f} mm"


def _overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _rgb(colour, min_alpha: float = 0.5) -> tuple[float, float, float] | None:
    """A CSS colour as sRGB 0–1 (device-cmyk converted naively), or None when (nearly) transparent."""
    if colour is None:
        return None
    values = [float(value) for value in getattr(colour, "coordinates", ()) or ()]
    alpha = getattr(colour, "alpha", 1.0)
    if alpha is not None and alpha < min_alpha:
        return None
    if getattr(colour, "space", "srgb") == "device-cmyk" and len(values) >= 4:
        c, m, y, k = values[:4]
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    try:
        return tuple(float(value) for value in colour.to("srgb").coordinates)[:3]  # type: ignore[return-value]
    except (AttributeError, ValueError, TypeError, NotImplementedError):
        return tuple(values[:3]) if len(values) >= 3 else None  # type: ignore[return-value]


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG relative luminance of an sRGB colour with channels 0–1."""
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(min(1.0, max(0.0, channel))) for channel in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """WCAG contrast ratio of two sRGB colours."""
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# ---- SVG graphics: the printed size of their text --------------------------------------------------

_FONT_SIZE = re.compile(r"font-size\s*:\s*([\d.]+)(px|pt)?")


def _svg_smallest_type(svg, placed_width_px: float) -> float | None:
    """The smallest font size of an inline SVG's text, in points at its placed size."""
    view_box = (svg.get("viewBox") or "").replace(",", " ").split()
    if len(view_box) != 4 or not placed_width_px:
        return None
    scale = placed_width_px / float(view_box[2])
    sizes = []

    def visit(node, inherited: float) -> None:
        size = _svg_size(node, inherited)
        if str(node.tag).endswith(("text", "tspan")) and (node.text or "").strip():
            sizes.append(size)
        for child in node:
            visit(child, size)

    visit(svg, 16.0)
    return min(sizes) * scale * PT_PER_PX if sizes else None


def _svg_size(node, inherited: float) -> float:
    value = node.get("font-size")
    match = _FONT_SIZE.search(node.get("style") or "")
    raw = match.group(1) + (match.group(2) or "") if match else value
    if not raw:
        return inherited
    number = re.match(r"[\d.]+", raw)
    if not number:
        return inherited
    return float(number.group()) * (4 / 3 if raw.endswith("pt") else 1)


def _svg_title(svg) -> str:
    for child in svg:
        if str(child.tag).endswith("title"):
            return _text_words(child.text or "")
    return ""


# ---- contrast of text over images, measured on the rendered page -------------------------------------

def measure_over_art(pdf: bytes, texts: list[TextOverArt], resolution: float = 48) -> list[Finding]:
    """Contrast of each text over artwork against the page drawn without any text (pdfium), worst 10 % of its area."""
    if not texts:
        return []
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(pdf)
    found = []
    scale = resolution / 72
    try:
        for number in sorted({text.page for text in texts}):
            page = document[number - 1]
            for obj in list(page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=1)):
                page.remove_obj(obj)
            page.gen_content()
            image = page.render(scale=scale, crop=(0, 0, 0, 0)).to_pil().convert("RGB")
            media, trim = page.get_mediabox(), page.get_trimbox()  # bleed and slug around the page, in print
            offset_x, offset_y = (trim[0] - media[0]) / PT_PER_PX, (media[3] - trim[3]) / PT_PER_PX
            for text in (item for item in texts if item.page == number):
                ratio = _worst_contrast(image, text, scale * PT_PER_PX, offset_x, offset_y)
                need = MIN_CONTRAST_LARGE if text.large else MIN_CONTRAST
                if ratio is not None and ratio < need:
                    found.append(Finding(
                        "contrast", number, text.element, text.source,
                        f"text over the image has a contrast of {ratio:.1f}:1 where it is weakest (at least "
                        f"{need:g}:1 needed), even on a dark scrim; choose another picture or crop, or give the "
                        "text a colour that stands out in the project's CSS", text.section, over_art=True))
    finally:
        document.close()
    return _one_per_element(found)


def _worst_contrast(image, text: TextOverArt, scale: float, offset_x: float, offset_y: float) -> float | None:
    x, y, width, height = text.rect
    box = (int((x + offset_x) * scale), int((y + offset_y) * scale),
           int((x + offset_x + width) * scale + 0.999), int((y + offset_y + height) * scale + 0.999))
    box = (max(0, box[0]), max(0, box[1]), min(image.width, box[2]), min(image.height, box[3]))
    if box[2] <= box[0] or box[3] <= box[1]:
        return None
    area = image.crop(box)
    text_luminance = luminance(text.colour)
    counted = sorted((_ratio(text_luminance, luminance(tuple(channel / 255 for channel in colour))), count)
                     for count, colour in area.getcolors(area.width * area.height))
    worst_tenth, seen = area.width * area.height / 10, 0
    for ratio, count in counted:
        seen += count
        if seen >= worst_tenth:
            return ratio
    return counted[-1][0]


def _ratio(first: float, second: float) -> float:
    high, low = max(first, second), min(first, second)
    return (high + 0.05) / (low + 0.05)


def _one_per_element(found: list[Finding]) -> list[Finding]:
    seen, kept = set(), []
    for finding in found:
        key = (finding.kind, finding.page, finding.source, finding.element)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def summarise(findings: list[Finding]) -> list[Finding]:
    """One finding per kind, page and element: a paragraph of tiny words is one problem, not forty."""
    seen, kept = set(), []
    for finding in findings:
        key = (finding.kind, finding.page, finding.source, finding.element if finding.kind != "type-size"
               else finding.message)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


