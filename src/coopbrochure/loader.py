"""Load and validate a publication's data folder: YAML files, Markdown texts and the files they name."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pydantic
from babel import Locale

from .config import Project
from .errors import Location, Problem, relative
from .files import Unreadable, check_reference, outside, read_inside
from .geo import has_outline
from .localize import missing_translations
from .markup import image_sources, markers, split_front_matter
from .model import Country, FrontMatter, Publication
from .validation import validate
from .yamlio import KeyPath, Located, format_key_path, load, parse

Translated = dict[str, "Text"]  # language -> the text used in that language's editions

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n(?=[ \t]*\S)")
COUNTRY_NAME = re.compile(r"^[\w-]{1,100}\Z")  # a file in data/countries/, never a path
MAX_TEXT_CHARACTERS = 400_000  # a long dossier article is some 30,000 (six pages); this is some eighty pages
MAX_PARAGRAPHS = 3_000  # per text; a long article has a hundred


@dataclass(frozen=True)
class Text:
    """A Markdown text: its front matter and its body, not yet rendered (rendering depends on the edition)."""

    name: str
    file: str
    meta: FrontMatter
    body: str


@dataclass(frozen=True)
class Dataset:
    """Everything a publication's editions are built from, validated."""

    publication: Publication
    editorial: Translated
    intro: Translated
    articles: list[Translated]
    countries: list[Country]
    data_dir: Path
    fallbacks: Counter = field(default_factory=Counter)  # language -> texts taken from the fallback language
    files: frozenset[Path] = frozenset()  # every local file the data names (images), for the build cache
    remote: tuple[tuple[str, str], ...] = ()  # (address, where it is named) of every remote image

    def remote_failures(self, warnings: list[str]) -> list[str]:
        """Remote images the layout could not load, each as a located error (from WeasyPrint's warnings)."""
        return [f"{where} the remote image {url} could not be loaded; check the address or save the image in "
                "the project" for url, where in self.remote
                if any(warning.startswith("Failed to load") and url in warning for warning in warnings)]

    def text_files(self, lang: str) -> set[str]:
        """The Markdown files (relative to the project) an edition in `lang` reads."""
        return {text[lang].file for text in (self.editorial, self.intro, *self.articles)}


class _Loader:
    """Collects every problem of one pass over the data folder."""

    def __init__(self, project: Project):
        self.project = project
        self.root = project.root
        self.data_dir = project.data_dir
        self.languages = project.settings.languages
        self.fallback = project.settings.fallback
        self.problems: list[Problem] = []
        self.fallbacks: Counter = Counter()
        self.alt_required = "web" in project.settings.profiles
        self._texts: dict[Path, Text | None] = {}
        self.files: set[Path] = set()
        self.remote: dict[str, str] = {}

    def model(self, path: Path, model: type[pydantic.BaseModel]):
        located, found = load(path, self.root)
        self.problems.extend(found)
        if located is None or found:
            return None, located
        value, found = validate(model, located)
        self.problems.extend(found)
        if value is not None:
            for lang, problem in missing_translations(value, located, self.languages, self.fallback):
                self.problems.append(problem)
                self.fallbacks[lang] += 1
        return value, located

    def reference(self, value: str | None, where: Location, key: str) -> None:
        if value is None:
            return
        settings = self.project.settings
        message = check_reference(value, self.data_dir, self.root, settings.allowed_hosts, settings.max_image_pixels)
        if message:
            self.problems.append(Problem(where, key, message))
        elif ":" not in value.split("/")[0]:
            self.files.add((self.data_dir / value).resolve())
        elif value.lower().startswith(("http://", "https://")):
            self.remote.setdefault(value, f"{where}:{f' {key}:' if key else ''}")

    def located_reference(self, value: str | None, key: KeyPath, source: Located, alt: object = "") -> None:
        """Check an image named at `key`; `alt` is its description, which web PDFs cannot do without."""
        self.reference(value, source.locate(key), format_key_path(key))
        if value is not None and not alt and self.alt_required:
            alt_key = (*key[:-1], "alt" if key[-1] == "image" and key[0] == "figures" else f"{key[-1]}_alt")
            self.problems.append(Problem(source.locate(key), format_key_path(key), (
                f"the web PDF needs a description of this image for readers who cannot see it: add "
                f"'{alt_key[-1]}' next to '{key[-1]}', or leave web out of 'profiles' in coopbrochure.yaml")))

    def markdown_field(self, value, key: KeyPath, source: Located) -> None:
        """Images and links in Markdown written in a YAML value (a box, a country's intro): checked like a text's,
        located at the key."""
        where = source.locate(key)
        for text in (value.values() if isinstance(value, dict) else [value]):
            if not isinstance(text, str):
                continue
            for _, source_url, _alt in image_sources(text):
                self.reference(source_url, where, format_key_path(key))
            self.problems += [Problem(where, format_key_path(key), problem.message)
                              for problem in _check_markdown(text, where.path, 0)]

    def translated(self, reference: str, named_at: Location, key: str) -> Translated:
        """The text for each language: NAME.<lang>.md, else NAME.md, else the fallback language's (a warning)."""
        stem = reference.removesuffix(".md")
        found: Translated = {}
        for lang in self.languages:
            for candidate, fell_back in ((f"{stem}.{lang}.md", False), (f"{stem}.md", False),
                                         (f"{stem}.{self.fallback}.md", True)):
                path = self.data_dir / candidate
                if (refused := outside(path, self.root)) is not None:  # a NUL, a name too long, a link, ../..
                    self.problems.append(Problem(named_at, key, refused))
                    return found
                if path.is_file():
                    if fell_back:
                        self.fallbacks[lang] += 1
                        self.problems.append(Problem(named_at, key, f"no '{lang}' text ({stem}.{lang}.md); the "
                                                                    f"'{self.fallback}' text is used", warning=True))
                    text = self.text(path)
                    if text is not None:
                        found[lang] = text
                    break
            else:
                self.problems.append(Problem(named_at, key, f"no file {stem}.{lang}.md (nor {stem}.md) in "
                                                            f"{relative(self.data_dir, self.root)}/; create it or "
                                                            "correct the name"))
        return found

    def text(self, path: Path) -> Text | None:
        if path not in self._texts:
            self._texts[path] = self._read_text(path)
        return self._texts[path]

    def _read_text(self, path: Path) -> Text | None:
        name = relative(path, self.root)
        try:
            source = read_inside(path, self.root).decode("utf-8")
        except Unreadable as error:
            self.problems.append(Problem(Location(name), "", str(error)))
            return None
        except UnicodeDecodeError as error:
            self.problems.append(Problem(Location(name), "", f"not UTF-8 text ({error.reason}); save the file as UTF-8"))
            return None
        if len(source) > MAX_TEXT_CHARACTERS:
            self.problems.append(Problem(Location(name, 1, 1), "", f"{len(source):,} characters is more than the "
                                                             f"{MAX_TEXT_CHARACTERS:,} a text may hold; split it"))
            return None
        paragraphs = len(_PARAGRAPH_BREAK.findall(source)) + 1
        if paragraphs > MAX_PARAGRAPHS:
            self.problems.append(Problem(Location(name, 1, 1), "", f"{paragraphs:,} paragraphs is more than the "
                                                             f"{MAX_PARAGRAPHS:,} a text may hold; split it"))
            return None
        front, body, offset = split_front_matter(source)
        if front is None:
            self.problems.append(Problem(Location(name, 1, 1), "", "no front matter; start the file with a '---' "
                                                                 "block holding at least 'title:'"))
            return None
        located, found = parse(front, name, line_offset=1)
        self.problems.extend(found)
        if located is None or found and any(not problem.warning for problem in found):
            return None
        meta, found = validate(FrontMatter, located)
        self.problems.extend(found)
        if meta is None:
            return None
        for index, figure in enumerate(meta.figures):
            self.located_reference(figure.image, ("figures", index, "image"), located, figure.alt)
        for line, source_url, alt in image_sources(body):
            self.reference(source_url, Location(name, line + offset, 1), "")
            if not alt and self.alt_required:
                self.problems.append(Problem(Location(name, line + offset, 1), "", (
                    f"the image {source_url} has no description, which the web PDF needs for readers who cannot "
                    "see it: write it between the brackets, ![description](file)")))
        for index, box in enumerate(meta.boxes):
            self.markdown_field(box.body, ("boxes", index, "body"), located)
        self.problems.extend(_check_markdown(body, name, offset))
        self.problems.extend(_check_markers(meta, body, name, offset))
        return Text(path.name.split(".")[0], name, meta, body)

    def country(self, path: Path) -> Country | None:
        country, located = self.model(path, Country)
        if country is None:
            return None
        self.located_reference(country.image, ("image",), located, country.image_alt)
        self.markdown_field(country.intro, ("intro",), located)
        if country.name is None and country.iso not in Locale("en").territories:
            self.problems.append(Problem(located.locate(("iso",)), "iso", f"'{country.iso}' is not a known country "
                                                                         "code; correct it, or give a 'name'"))
        elif not has_outline(country.iso):
            self.problems.append(Problem(located.locate(("iso",)), "iso", (
                f"no map outline for '{country.iso}' (Natural Earth 1:50m lacks it): the chapter has no locator map "
                "and its coordinates are not checked"), warning=True))
        return country


def load_dataset(project: Project) -> tuple[Dataset | None, list[Problem]]:
    """Read the data folder of `project`: the dataset (None if there are errors) and every problem found.

    Files named by an invalid publication.yaml are still read, so that one run reports every problem.
    """
    loader = _Loader(project)
    data_dir = project.data_dir
    if not (data_dir / "publication.yaml").is_file():
        return None, [Problem(project.data_named_at, "data", f"no publication.yaml in "
                                                            f"{relative(data_dir, project.root) or '.'}/; create it "
                                                            "or set 'data' to the folder that holds it")]
    publication, located = loader.model(data_dir / "publication.yaml", Publication)
    if located is None:
        return None, loader.problems
    raw = located.data if isinstance(located.data, dict) else {}
    names = _file_names(publication, raw)

    if publication is not None:
        if "dossier" in project.settings.documents:
            loader.problems += [Problem(located.locate(()), key, f"'{key}' is missing: the dossier needs it (or build "
                                                                 "only fact sheets: documents: [factsheet] in "
                                                                 "coopbrochure.yaml)")
                                for key in ("cover", "editorial", "dossier") if getattr(publication, key) is None]
        loader.markdown_field(publication.back_cover.text, ("back_cover", "text"), located)
        for part in ("cover", "dossier", "back_cover"):
            if getattr(publication, part) is not None:
                loader.located_reference(_get(publication, (part, "image")), (part, "image"), located,
                                         _get(publication, (part, "image_alt")))

    def texts(reference: str | None, key: KeyPath) -> Translated:
        if reference is None:
            return {}
        return loader.translated(reference, located.locate(key), format_key_path(key))

    editorial = texts(names["editorial"], ("editorial",))
    intro = texts(names["intro"], ("dossier", "intro"))
    articles = [texts(f"articles/{name}", ("dossier", "articles", index))
                for index, name in enumerate(names["articles"])]

    countries = []
    for index, name in enumerate(names["countries"]):
        path = data_dir / "countries" / f"{name}.yaml"
        if not COUNTRY_NAME.match(name):
            loader.problems.append(Problem(located.locate(("countries", index)), f"countries[{index}]",
                                           f"'{name[:60]}' is not a country file name; name a file in "
                                           f"{relative(data_dir / 'countries', project.root)}/ without '.yaml' "
                                           "(letters, digits, '-' and '_'), e.g. peru"))
            continue
        if not path.is_file() and not path.is_symlink():
            loader.problems.append(Problem(located.locate(("countries", index)), f"countries[{index}]",
                                           f"no file {relative(path, project.root)}; create it or correct the name"))
            continue
        country = loader.country(path)
        if country is not None:
            countries.append(country)

    if publication is None or any(not problem.warning for problem in loader.problems):
        return None, loader.problems
    dataset = Dataset(publication, editorial, intro, articles, countries, data_dir, loader.fallbacks,
                      frozenset(loader.files), tuple(loader.remote.items()))
    return dataset, loader.problems


def _file_names(publication: Publication | None, raw: dict) -> dict:
    """The texts and countries a publication names: from the model, or what can be read of invalid data."""
    if publication is not None:
        dossier = publication.dossier
        return {"editorial": publication.editorial, "intro": dossier.intro if dossier else None,
                "articles": dossier.articles if dossier else [], "countries": publication.countries}
    dossier = raw.get("dossier") if isinstance(raw.get("dossier"), dict) else {}

    def names(value) -> list[str]:
        return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []

    def name(value) -> str | None:
        return value if isinstance(value, str) else None

    return {"editorial": name(raw.get("editorial")), "intro": name(dossier.get("intro")),
            "articles": names(dossier.get("articles")), "countries": names(raw.get("countries"))}


def _get(model: pydantic.BaseModel, key: KeyPath):
    for part in key:
        model = getattr(model, part)
    return model


_LINK_SCHEMES = ("http://", "https://", "mailto:", "#")


def _check_markdown(body: str, file: str, offset: int) -> list[Problem]:
    """Footnotes that cite footnotes, and links that would publish a path of the build machine."""
    from .markup import _parser

    problems, in_footnote = [], False
    for token in _parser("en").parse(body):
        if token.type in ("footnote_open", "footnote_close"):
            in_footnote = token.type == "footnote_open"
        if token.type != "inline" or not token.map:
            continue
        where = Location(file, token.map[0] + 1 + offset, 1)
        for child in token.children or []:
            if child.type == "footnote_ref" and in_footnote:
                problems.append(Problem(where, "", "a footnote cites another footnote, which a page foot cannot "
                                                   "show; write the second note into the first"))
            elif child.type == "link_open":
                target = str(child.attrs.get("href", "")).strip()
                if not target.lower().startswith(_LINK_SCHEMES):
                    problems.append(Problem(where, "", f"the link ({target[:60]}) is not a web address; a PDF "
                                                       "would point readers at a file on the machine that built "
                                                       "it: give an https:// or mailto: address"))
    return problems


def _check_markers(meta: FrontMatter, body: str, file: str, offset: int) -> list[Problem]:
    known = {"figure": {item.id for item in meta.figures}, "quote": {item.id for item in meta.quotes},
             "box": {item.id for item in meta.boxes}}
    problems, placed = [], set()
    for line, kind, ident, indented in markers(body):
        where = Location(file, line + offset, 1)
        if indented:
            problems.append(Problem(where, "", f"the marker [[{kind}:{ident}]] is indented four spaces or more, "
                                               "which makes it a code block printed as text; start it at the "
                                               "beginning of the line"))
        elif kind not in known:
            problems.append(Problem(where, "", f"unknown marker [[{kind}:…]]; use figure, quote or box"))
        elif ident not in known[kind]:
            known_ids = f" (known: {', '.join(sorted(known[kind]))})" if known[kind] else ""
            problems.append(Problem(where, "", f"no {kind} with id '{ident}' in the front matter{known_ids}; "
                                               f"add it under '{kind}s:' or correct the id"))
        elif (kind, ident) in placed:
            problems.append(Problem(where, "", f"{kind} '{ident}' is placed twice; remove one marker"))
        placed.add((kind, ident))
    known["figure"] -= {item.id for item in meta.figures if item.place != "here"}  # placed by the template
    for kind, ids in known.items():
        for ident in sorted(ids - {i for k, i in placed if k == kind}):
            problems.append(Problem(Location(file, 1, 1), f"{kind}s", f"{kind} '{ident}' is never placed; "
                                                                       f"put [[{kind}:{ident}]] on a line of its own in the text"))
    return problems


def country_codes(project: Project) -> list[str]:
    """The ISO codes of the countries publication.yaml lists, read quickly, to name their fact sheets.

    A file that cannot be read is left out here; validation reports it with its line.
    """
    def read(path: Path) -> dict:  # bounded and confined like every read of a project's YAML
        located, problems = load(path, project.root)
        value = located.data if located is not None and not problems else None
        return value if isinstance(value, dict) else {}

    names = read(project.data_dir / "publication.yaml").get("countries")
    codes = [read(project.data_dir / "countries" / f"{name}.yaml").get("iso") for name in names or []
             if isinstance(name, str) and COUNTRY_NAME.match(name)]
    return [code for code in codes if isinstance(code, str) and len(code) == 2 and code.isalpha()]
