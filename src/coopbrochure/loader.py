"""Load and validate a publication's data folder: YAML files, Markdown texts and the files they name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pydantic

from .config import Project
from .errors import Location, Problem, relative
from .files import check_reference
from .markup import image_sources, markers, split_front_matter
from .model import Country, FrontMatter, Publication
from .validation import validate
from .yamlio import KeyPath, Located, format_key_path, load, parse


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
    editorial: Text
    intro: Text
    articles: list[Text]
    countries: list[Country]
    data_dir: Path


class _Loader:
    """Collects every problem of one pass over the data folder."""

    def __init__(self, project: Project):
        self.project = project
        self.root = project.root
        self.data_dir = project.data_dir
        self.problems: list[Problem] = []

    def model(self, path: Path, model: type[pydantic.BaseModel]):
        located, found = load(path, self.root)
        self.problems.extend(found)
        if located is None or found:
            return None, located
        value, found = validate(model, located)
        self.problems.extend(found)
        return value, located

    def reference(self, value: str | None, where: Location, key: str) -> None:
        if value is None:
            return
        settings = self.project.settings
        message = check_reference(value, self.data_dir, self.root, settings.allowed_hosts, settings.max_image_pixels)
        if message:
            self.problems.append(Problem(where, key, message))

    def located_reference(self, value: str | None, key: KeyPath, source: Located) -> None:
        self.reference(value, source.locate(key), format_key_path(key))

    def text(self, path: Path, named_at: Location, key: str) -> Text | None:
        name = relative(path, self.root)
        if not path.resolve().is_relative_to(self.root.resolve()) or not path.is_file():
            self.problems.append(Problem(named_at, key, f"no file {name}; create it or correct the name"))
            return None
        try:
            source = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            self.problems.append(Problem(Location(name), "", f"not UTF-8 text ({error.reason}); save the file as UTF-8"))
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
            self.located_reference(figure.image, ("figures", index, "image"), located)
        for line, source_url in image_sources(body):
            self.reference(source_url, Location(name, line + offset, 1), "")
        self.problems.extend(_check_markers(meta, body, name, offset))
        return Text(path.stem, name, meta, body)


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
        for key in (("cover", "image"), ("dossier", "image"), ("back_cover", "image")):
            loader.located_reference(_get(publication, key), key, located)

    def text(file_name: str | None, key: KeyPath) -> Text | None:
        if file_name is None:
            return None
        return loader.text(data_dir / file_name, located.locate(key), format_key_path(key))

    editorial = text(names["editorial"], ("editorial",))
    intro = text(names["intro"], ("dossier", "intro"))
    articles = [text(f"articles/{name}.md", ("dossier", "articles", index))
                for index, name in enumerate(names["articles"])]

    countries = []
    for index, name in enumerate(names["countries"]):
        path = data_dir / "countries" / f"{name}.yaml"
        if not path.is_file():
            loader.problems.append(Problem(located.locate(("countries", index)), f"countries[{index}]",
                                           f"no file {relative(path, project.root)}; create it or correct the name"))
            continue
        country, country_located = loader.model(path, Country)
        if country is not None:
            loader.located_reference(country.image, ("image",), country_located)
            countries.append(country)

    if publication is None or any(not problem.warning for problem in loader.problems):
        return None, loader.problems
    return Dataset(publication, editorial, intro, articles, countries, data_dir), loader.problems


def _file_names(publication: Publication | None, raw: dict) -> dict:
    """The texts and countries a publication names: from the model, or what can be read of invalid data."""
    if publication is not None:
        return {"editorial": publication.editorial, "intro": publication.dossier.intro,
                "articles": publication.dossier.articles, "countries": publication.countries}
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


def _check_markers(meta: FrontMatter, body: str, file: str, offset: int) -> list[Problem]:
    known = {"figure": {item.id for item in meta.figures}, "quote": {item.id for item in meta.quotes},
             "box": {item.id for item in meta.boxes}}
    problems, placed = [], set()
    for line, kind, ident in markers(body):
        where = Location(file, line + offset, 1)
        if kind not in known:
            problems.append(Problem(where, "", f"unknown marker [[{kind}:…]]; use figure, quote or box"))
        elif ident not in known[kind]:
            known_ids = f" (known: {', '.join(sorted(known[kind]))})" if known[kind] else ""
            problems.append(Problem(where, "", f"no {kind} with id '{ident}' in the front matter{known_ids}; "
                                               f"add it under '{kind}s:' or correct the id"))
        elif (kind, ident) in placed:
            problems.append(Problem(where, "", f"{kind} '{ident}' is placed twice; remove one marker"))
        placed.add((kind, ident))
    for kind, ids in known.items():
        for ident in sorted(ids - {i for k, i in placed if k == kind}):
            problems.append(Problem(Location(file, 1, 1), f"{kind}s", f"{kind} '{ident}' is never placed; "
                                                                       f"put [[{kind}:{ident}]] on a line of its own in the text"))
    return problems
