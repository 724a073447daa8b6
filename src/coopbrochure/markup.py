"""Markdown to HTML (markdown-it-py) with footnotes and typographic quotes per language."""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

# Straight double quotes become the primary pair, straight single quotes the secondary pair (DESIGN.md).
QUOTES = {
    "nl": "‘’“”",
    "en": "“”‘’",
    "fr": ["«\u00a0", "\u00a0»", "“", "”"],
}

# a marker paragraph as rendered: typesetting may have wrapped (part of) the id in a span (a capitalised "Kaart")
MARKER = re.compile(r"<p>\[\[(figure|quote|box):((?:<[^<>]{0,40}>|[\w\u00ad\u2060-])+)\]\]</p>")
# a marker line of the source; the indentation is kept: four spaces or more make it a code block, not a marker
MARKER_SOURCE = re.compile(r"^([ \t]*)\[\[(\w+):([^\]]*)\]\][ \t]*$")
FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)
_MARKER_ID_NOISE = re.compile(r"<[^<>]*>|[\u00ad\u2060]")


@functools.cache
def _parser(lang: str, allow_html: bool = False, nested: bool = False) -> MarkdownIt:
    """`nested`: the text stands inside quotation marks already (a pull quote), so its quotes are the inner pair."""
    quotes = list(QUOTES[lang])
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": True,
                                   "quotes": quotes[2:] + quotes[:2] if nested else quotes})
    md.enable(["replacements", "smartquotes", "table"])
    md.use(footnote_plugin, inline=False)
    md.add_render_rule("footnote_ref", _render_footnote_inline)
    return md


def _render_footnote_inline(self, tokens: list[Token], idx: int, options, env) -> str:
    # Footnote text is placed where it is referenced; CSS floats it to the page foot (float: footnote).
    # the word joiner keeps the footnote call on the line of the word it follows
    return f'\u2060<span class="footnote">{env["footnote_html"][tokens[idx].meta["id"]]}</span>'


_TAG = re.compile(r"(<[^>]+>)")
_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|janvier|"
           "février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|January|February|March|"
           "April|May|June|July|August|September|October|November|December")
NBSP = "\u00a0"
# No-break spaces only ever join two short tokens, never a run that could be wider than a line (a glued run
# that does not fit strands the words before it on a line of their own). Every pattern is bounded, so each
# takes linear time on any text (a 100,000-digit "word" included).
_RULES = [
    # a currency sign, an amount and its magnitude stay together: "€ 8 miljoen", "2,3 miljard", "45 000 €"
    (re.compile(r"€ (?=\d)"), "€" + NBSP),
    (re.compile(r"(?<![\d.,])(\d[\d.,]{0,14}) (?=(?:miljoen|miljard|million|millions|milliard|milliards|billion)\b)"),
     "\\1" + NBSP),
    (re.compile(r"(?<=[\w%]) (?=€(?![\w\u00a0]))"), NBSP),
    # a day and its month stay on one line: "27 juni"
    (re.compile(rf"\b(\d{{1,2}}) (?=(?:{_MONTHS})\b)"), "\\1" + NBSP),
    # a range of years never breaks at its dash (U+2060 WORD JOINER has no width)
    (re.compile(r"(?<!\d)(\d{4})–(\d{2,4})\b"), "\\1\u2060–\u2060\\2"),
]
# names and acronyms are not hyphenated (Ecua-dor, SIS-TEC); the first word of a sentence may be, and so may
# a name too long to be left whole in a narrow column
_NAME = re.compile(r"(?<![\w\u00ad-])([A-ZÀ-ÖØ-Þ][\w’'.&-]{2,12}\w)(?![\w’'.&-])")
_SENTENCE_END = re.compile(r"[.!?:]\s+[\"'‘“«\u00a0(]*$")
_BLOCK_START = re.compile(r"<(?:p|li|h[1-6]|td|th|dt|dd|blockquote|figcaption)\b")
# French: a narrow no-break space before ; ! ? and in 2 000 and 35 %, a no-break space before : (never
# in URLs or times) and inside « »; applied to the whole HTML, as the word before the sign may end in a tag.
_FRENCH = [
    (re.compile(r"(?<=[\w»)\]’”>%€])[ \u00a0\u202f]?([;!?])(?=[\s<]|$)"), "\u202f\\1"),
    (re.compile(r"(?<=[\w»)\]’”>%])[ \u00a0\u202f]?:(?=[\s<]|$)"), "\u00a0:"),
    (re.compile(r"(?<=\d) (?=\d{3}(?!\d))"), "\u202f"),
    (re.compile(r"(?<=\d) %"), "\u202f%"),
    (re.compile(r"«[ \u00a0\u202f]*"), "«" + NBSP),
    (re.compile(r"[ \u00a0\u202f]*»"), NBSP + "»"),
]
# a short last word of a paragraph or title does not stand alone on the last line: a no-break space joins
# it to the word before, when both are short enough never to fill a line together, even in a narrow column
# (a key figure's source, a table cell): there, a longer pair would strand the word before it
LAST_WORDS_MAX = 12  # characters of the two words joined
_LAST_WORDS = re.compile(r"(?<=[^\s<>])( )([^\s<>]{1,7})(</p>|</h[1-6]>|</li>|$)")


def typeset(html: str, lang: str) -> str:
    """Typographic fixes that Markdown's typographer does not make, applied to text, never to tags."""
    parts = _TAG.split(html)
    for index in range(0, len(parts), 2):
        text = parts[index]
        if index == 0 or not parts[index - 1].startswith("<code"):
            text = text.replace("'", "’")  # what the typographer left straight opens no quote: 's, 't, l'
        for pattern, replacement in _RULES:
            text = pattern.sub(replacement, text)
        opens_block = index == 0 or bool(_BLOCK_START.match(parts[index - 1]))
        parts[index] = _NAME.sub(functools.partial(_name, text=text, opens_block=opens_block), text)
    html = "".join(parts)
    for pattern, replacement in _FRENCH if lang == "fr" else ():
        html = pattern.sub(replacement, html)
    return _LAST_WORDS.sub(_join_last_word, html)


def _join_last_word(match: re.Match) -> str:
    before = match.string[max(0, match.start() - 9):match.start()].rsplit(" ", 1)[-1]
    short = len(before) + len(match.group(2)) <= LAST_WORDS_MAX and "<" not in before and NBSP not in before
    return (NBSP if short else " ") + match.group(2) + match.group(3)


def _name(match: re.Match, *, text: str, opens_block: bool) -> str:
    word, start = match.group(1), match.start()
    before = text[max(0, start - 12):start]  # a short look back keeps this linear in the text's length
    if start <= 12 and not before.strip(" \"'‘“«\u00a0("):
        starts_sentence = opens_block
    else:
        starts_sentence = bool(_SENTENCE_END.search(before))
    if starts_sentence and not word.isupper():
        return word
    return f'<span class="name">{word}</span>'


@functools.lru_cache(maxsize=1024)  # the same texts are rendered for every format and profile of a language
def render(text: str, lang: str, allow_html: bool = False) -> Markup:
    """Block Markdown to HTML; footnotes become inline spans for the page-foot footnote area.

    Raw HTML is shown as text unless the project opts in with `allow_html`.
    """
    md = _parser(lang, allow_html)
    env: dict = {}
    tokens = md.parse(text, env)
    env["footnote_html"] = {}
    for start, token in enumerate(tokens):
        if token.type == "footnote_block_open":
            _collect_footnotes(md, tokens[start:], env)
            tokens = tokens[:start]
            break
    return Markup(typeset(_tables(md.renderer.render(tokens, md.options, env)), lang))


_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
# a table, and a paragraph in italics under it (its footnote, if any, after the italics)
_TABLE_NOTE = re.compile(r'(<table(?: class="([^"]*)")?>.*?</table>)\s*<p><em>((?:(?!</?em>).)*)</em>'
                         r'(\u2060<span class="footnote">(?:(?!</p>).)*)?</p>', re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(t[hd])([^>]*)>(.*?)</\1>", re.S)
_NUMBER = re.compile(r"^[\s€$%+\-−–.,\d\u00a0\u202f]*\d[\s€$%+\-−–.,\d\u00a0\u202f]*$")
WIDE_TABLE_COLUMNS = 4  # a table of this many columns is too wide for a text column: it spans both
SHORT_TABLE_ROWS = 10  # a table this short is kept whole on one page


def _tables(html: str) -> str:
    """Markdown tables: columns of figures aligned right, a wide table marked to span both columns, and a paragraph
    in italics right under a table taken for its note (source, units), which stays with it: both in one block,
    which a short table keeps whole (WeasyPrint does not always keep a paragraph with the table before it)."""
    def table(match: re.Match) -> str:
        rows = [[cell for cell in _CELL.findall(row)] for row in _ROW.findall(match.group(1))]
        body = [row for row in rows if row and row[0][0] == "td"]
        width = max((len(row) for row in rows), default=0)
        numeric = {index for index in range(width)
                   if body and all(index < len(row) and _NUMBER.match(re.sub(r"<[^>]+>", "", row[index][2]))
                                   for row in body)}

        def cells(row: re.Match) -> str:
            index = 0
            out = []
            for cell in _CELL.finditer(row.group(1)):
                tag, attributes, content = cell.groups()
                attributes = re.sub(r' style="text-align:\w+"', "", attributes)
                kind = ' class="number"' if index in numeric else ""
                out.append(f"<{tag}{attributes}{kind}>{content}</{tag}>")
                index += 1
            return "<tr>" + "".join(out) + "</tr>"

        classes = [*(["wide"] if width >= WIDE_TABLE_COLUMNS else []), *(["short"] if len(body) <= SHORT_TABLE_ROWS else [])]
        kind = f' class="{" ".join(classes)}"' if classes else ""
        return f"<table{kind}>" + _ROW.sub(cells, match.group(1)) + "</table>"

    if "<table>" not in html:
        return html
    def with_note(match: re.Match) -> str:
        classes = " ".join(["table-block", *(match.group(2) or "").split()])
        return (f'<div class="{classes}">{match.group(1)}'
                f'<p class="table-note">{match.group(3)}{match.group(4) or ""}</p></div>')

    return _TABLE_NOTE.sub(with_note, _TABLE.sub(table, html))


def _collect_footnotes(md: MarkdownIt, tokens: list[Token], env: dict) -> None:
    current, parts = None, []
    for token in tokens:
        if token.type == "footnote_open":
            current, parts = token.meta["id"], []
        elif token.type == "inline" and current is not None:
            parts.append(md.renderer.render(token.children or [], md.options, env))
        elif token.type == "footnote_close":
            env["footnote_html"][current] = " ".join(parts)
            current = None


def inline(text: str | None, lang: str, nested: bool = False) -> Markup:
    """One line of Markdown (emphasis, quotes, dashes) to HTML without a paragraph.

    `nested`: the line is printed inside quotation marks, so quotes within it take the inner pair.
    """
    if not text:
        return Markup("")
    return _inline(text, lang, nested) if isinstance(text, str) else _inline.__wrapped__(text, lang, nested)


@functools.lru_cache(maxsize=4096)  # labels, names and captions recur in every edition of a language
def _inline(text: str, lang: str, nested: bool) -> Markup:
    return Markup(typeset(_parser(lang, nested=nested).renderInline(text), lang))


def segments(html: Markup) -> list[tuple[str, str]]:
    """Split rendered HTML at `[[kind:id]]` marker paragraphs: [("html", markup), ("figure", id), ...]."""
    parts = MARKER.split(html)
    found: list[tuple[str, str]] = [("html", Markup(parts[0]))] if parts[0].strip() else []
    for index in range(1, len(parts), 3):
        found.append((parts[index], _MARKER_ID_NOISE.sub("", parts[index + 1])))
        if parts[index + 2].strip():
            found.append(("html", Markup(parts[index + 2])))
    return found


def image_sources(body: str) -> list[tuple[int, str, str]]:
    """Every Markdown image of a body: (1-based line of its paragraph, src, alt text)."""
    return list(_image_sources(body))


@functools.lru_cache(maxsize=512)
def _image_sources(body: str) -> tuple[tuple[int, str, str], ...]:
    found = []
    for token in _parser("en").parse(body):
        if token.type == "inline" and token.map:
            found += [(token.map[0] + 1, child.attrs["src"], child.content.strip())
                      for child in token.children or [] if child.type == "image"]
    return tuple(found)


def markers(body: str) -> list[tuple[int, str, str, bool]]:
    """Every `[[kind:id]]` marker line of a Markdown body: (1-based line, kind, id, whether it is indented so
    far that Markdown makes it a code block and it would be printed as text)."""
    found = []
    for number, line in enumerate(body.splitlines(), start=1):
        match = MARKER_SOURCE.match(line)
        if match:
            found.append((number, match.group(2), match.group(3), len(match.group(1).expandtabs(4)) >= 4))
    return found


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split `---` YAML front matter from a Markdown text: (yaml or None, body, lines before the body)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, text, 0
    return match.group(1) or "", text[match.end():], text[:match.end()].count("\n")
