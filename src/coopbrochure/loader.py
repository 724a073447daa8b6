"""Load and validate a publication's data folder: YAML files, Markdown texts and the files they name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pydantic

from .config import Project
from .errors import DataError, Location, Problem, relative
from .markup import markers, split_front_matter
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


def load_dataset(project: Project) -> Dataset:
    """Read the data folder of `project`; raise DataError listing every problem of the whole run."""
    root, data_dir = project.root, project.data_dir
    problems: list[Problem] = []
    publication, located = _load_model(data_dir / "publication.yaml", root, Publication, problems)
    if publication is None:
        raise DataError(problems)

    def reference(value: str | None, key: KeyPath, source: Located) -> None:
        if value is not None:
            problem = _check_file(value, data_dir, root, source.locate(key), key)
            if problem:
                problems.append(problem)

    reference(publication.cover.image, ("cover", "image"), located)
    reference(publication.dossier.image, ("dossier", "image"), located)
    reference(publication.back_cover.image, ("back_cover", "image"), located)

    def text(file_name: str, key: KeyPath) -> Text | None:
        path = _inside(data_dir / file_name, root)
        if path is None or not path.is_file():
            problems.append(Problem(located.locate(key), format_key_path(key),
                                    f"no file {relative(data_dir / file_name, root)}; create it or correct the name"))
            return None
        return _load_text(path, root, data_dir, problems)

    editorial = text(publication.editorial, ("editorial",))
    intro = text(publication.dossier.intro, ("dossier", "intro"))
    articles = [text(f"articles/{name}.md", ("dossier", "articles", index))
                for index, name in enumerate(publication.dossier.articles)]

    countries = []
    for index, name in enumerate(publication.countries):
        path = data_dir / "countries" / f"{name}.yaml"
        if not path.is_file():
            problems.append(Problem(located.locate(("countries", index)), f"countries[{index}]",
                                    f"no file {relative(path, root)}; create it or correct the name"))
            continue
        country, country_located = _load_model(path, root, Country, problems)
        if country is not None:
            reference(country.image, ("image",), country_located)
            countries.append(country)

    if problems:
        raise DataError(problems)
    return Dataset(publication, editorial, intro, articles, countries, data_dir)


def _load_model(path: Path, root: Path, model: type[pydantic.BaseModel], problems: list[Problem]):
    located, found = load(path, root)
    problems.extend(found)
    if located is None or found:
        return None, located
    value, found = validate(model, located)
    problems.extend(found)
    return value, located


def _load_text(path: Path, root: Path, data_dir: Path, problems: list[Problem]) -> Text | None:
    name = relative(path, root)
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(Location(name), "", f"not UTF-8 text ({error.reason}); save the file as UTF-8"))
        return None
    front, body, offset = split_front_matter(source)
    if front is None:
        problems.append(Problem(Location(name, 1, 1), "", "no front matter; start the file with a '---' block "
                                                         "holding at least 'title:'"))
        return None
    located, found = parse(front, name, line_offset=1)
    problems.extend(found)
    if located is None or found:
        return None
    meta, found = validate(FrontMatter, located)
    problems.extend(found)
    if meta is None:
        return None
    for index, figure in enumerate(meta.figures):
        problem = _check_file(figure.image, data_dir, root, located.locate(("figures", index, "image")),
                              ("figures", index, "image"))
        if problem:
            problems.append(problem)
    problems.extend(_check_markers(meta, body, name, offset))
    return Text(path.stem, name, meta, body)


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


def _inside(path: Path, root: Path) -> Path | None:
    resolved = path.resolve()
    return resolved if resolved.is_relative_to(root.resolve()) else None


def _check_file(reference: str, data_dir: Path, root: Path, where: Location, key: KeyPath) -> Problem | None:
    path = _inside(data_dir / reference, root)
    if path is None:
        return Problem(where, format_key_path(key), f"'{reference}' is outside the project; keep files inside the project folder")
    if not path.is_file():
        return Problem(where, format_key_path(key), f"file not found: {relative(path, root)}; add it or correct the path")
    return None
