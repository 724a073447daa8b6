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

MARKER = re.compile(r"<p>\[\[(figure|quote|box):([\w-]+)\]\]</p>")
MARKER_SOURCE = re.compile(r"^\s*\[\[(\w+):([^\]]*)\]\]\s*$")
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)


@functools.cache
def _parser(lang: str, allow_html: bool = False) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": True, "quotes": QUOTES[lang]})
    md.enable(["replacements", "smartquotes", "table"])
    md.use(footnote_plugin, inline=False)
    md.add_render_rule("footnote_ref", _render_footnote_inline)
    return md


def _render_footnote_inline(self, tokens: list[Token], idx: int, options, env) -> str:
    # Footnote text is placed where it is referenced; CSS floats it to the page foot (float: footnote).
    return f'<span class="footnote">{env["footnote_html"][tokens[idx].meta["id"]]}</span>'


_TAG = re.compile(r"(<[^>]+>)")
_RULES = [
    # a currency sign, an amount and its magnitude stay on one line: "€ 8 miljoen", "2,3 miljard"
    (re.compile(r"€ (?=\d)"), "€\u00a0"),
    (re.compile(r"(\d) (?=(?:miljoen|miljard|million|millions|milliard|milliards|billion)\b)"), "\\1\u00a0"),
    # a range of years never breaks at its dash (U+2060 WORD JOINER has no width)
    (re.compile(r"(\d{4})–(\d{2,4})\b"), "\\1\u2060–\u2060\\2"),
    # names and acronyms are not hyphenated (Ecua-dor, SIS-TEC): a span the stylesheet keeps whole
    (re.compile(r"(?<![\w\u00ad-])([A-ZÀ-ÖØ-Þ][\w’'.&-]{2,}\w)"), r'<span class="name">\1</span>'),
]
# French: a narrow no-break space before ; ! ? and a no-break space before : (never in URLs or times);
# applied to the whole HTML, as the word before the sign may end inside a tag (<span class="name">).
_FRENCH = [
    (re.compile(r"(?<=[\w»)\]’”>])[ \u00a0\u202f]?([;!?])(?=[\s<]|$)"), "\u202f\\1"),
    (re.compile(r"(?<=[\w»)\]’”>])[ \u00a0\u202f]?:(?=[\s<]|$)"), "\u00a0:"),
]
# the last word of a paragraph or title never stands alone on its line
_LAST_WORD = re.compile(r" ((?:<span class=\"name\">)?[^\s<>]{1,12}(?:</span>)?[^\s<>]{0,2})(</p>|$)")


def typeset(html: str, lang: str) -> str:
    """Typographic fixes that Markdown's typographer does not make, applied to text, never to tags."""
    parts = _TAG.split(html)
    for index in range(0, len(parts), 2):
        for pattern, replacement in _RULES:
            parts[index] = pattern.sub(replacement, parts[index])
    html = "".join(parts)
    for pattern, replacement in _FRENCH if lang == "fr" else ():
        html = pattern.sub(replacement, html)
    return _LAST_WORD.sub("\u00a0\\1\\2", html)


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
    return Markup(typeset(md.renderer.render(tokens, md.options, env), lang))


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


def inline(text: str | None, lang: str) -> Markup:
    """One line of Markdown (emphasis, quotes, dashes) to HTML without a paragraph."""
    if not text:
        return Markup("")
    return Markup(typeset(_parser(lang).renderInline(text), lang))


def segments(html: Markup) -> list[tuple[str, str]]:
    """Split rendered HTML at `[[kind:id]]` marker paragraphs: [("html", markup), ("figure", id), ...]."""
    parts = MARKER.split(html)
    found: list[tuple[str, str]] = [("html", Markup(parts[0]))] if parts[0].strip() else []
    for index in range(1, len(parts), 3):
        found.append((parts[index], parts[index + 1]))
        if parts[index + 2].strip():
            found.append(("html", Markup(parts[index + 2])))
    return found


def image_sources(body: str) -> list[tuple[int, str]]:
    """Every Markdown image of a body: (1-based line of its paragraph, src)."""
    found = []
    for token in _parser("en").parse(body):
        if token.type == "inline" and token.map:
            found += [(token.map[0] + 1, child.attrs["src"]) for child in token.children or [] if child.type == "image"]
    return found


def markers(body: str) -> list[tuple[int, str, str]]:
    """Every `[[kind:id]]` marker line of a Markdown body: (1-based line, kind, id)."""
    found = []
    for number, line in enumerate(body.splitlines(), start=1):
        match = MARKER_SOURCE.match(line)
        if match:
            found.append((number, match.group(1), match.group(2)))
    return found


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split `---` YAML front matter from a Markdown text: (yaml or None, body, lines before the body)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, text, 0
    return match.group(1) or "", text[match.end():], text[:match.end()].count("\n")
