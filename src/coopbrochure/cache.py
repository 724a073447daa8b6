"""The build cache: an edition whose inputs have not changed is not rebuilt, and its PDF is not rewritten."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.metadata import version
from pathlib import Path

from .files import Unreadable, read_inside
from .config import LANGUAGES, PROJECT_FILE, Edition, Project

CACHE_FILE = ".coopbrochure-cache.json"


class BuildCache:
    """What each edition was last built from, kept next to the PDFs."""

    def __init__(self, project: Project):
        self.project = project
        self.path = project.output_dir / CACHE_FILE
        try:
            records = json.loads(read_inside(self.path, project.output_dir))
        except (Unreadable, OSError, ValueError):
            records = {}
        self.records: dict = {name: record for name, record in records.items() if isinstance(record, dict)} \
            if isinstance(records, dict) else {}

    def fresh(self, edition: Edition, inputs: str, strict: bool = False) -> bool:
        """Whether the edition's PDF is the one built from exactly these inputs (and, for a strict build,
        built without warnings)."""
        record = self.records.get(edition.name)
        pdf = self.project.output_path(edition)
        if not record or record.get("inputs") != inputs or not pdf.is_file() or strict and record.get("warnings"):
            return False
        stat = pdf.stat()
        if record.get("size") != stat.st_size or record.get("mtime_ns") != stat.st_mtime_ns:
            return False
        return record.get("files", {}) == _named_files_digests(self.project, record.get("files", {}))

    def fits(self) -> dict[str, dict]:
        """How the last build fitted each edition's sections (by edition name), for the next build to start from."""
        return {name: record["fit"] for name, record in self.records.items() if isinstance(record.get("fit"), dict)}

    def record(self, edition: Edition, inputs: str, warnings: int, files: frozenset[Path] = frozenset(),
               fit: dict | None = None) -> None:
        """Note what the edition was built from and how it was fitted; `files` are the files its data names
        (images anywhere in the project), whose content is checked again, as the input digest covers only
        the usual folders."""
        stat = self.project.output_path(edition).stat()
        named = {path.relative_to(self.project.root).as_posix(): "" for path in files
                 if path.is_relative_to(self.project.root) and not path.is_relative_to(self.project.data_dir.resolve())}
        self.records[edition.name] = {"inputs": inputs, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                                      "warnings": warnings, "files": _named_files_digests(self.project, named),
                                      "fit": fit or {}}

    def save(self) -> None:
        from .render import write_atomically

        write_atomically(self.path, json.dumps(self.records, indent=1, sort_keys=True).encode("utf-8"))


def edition_inputs(project: Project, edition: Edition, options: dict) -> str:
    """A digest of everything the edition is built from: data, its texts, templates, styles, tools, options.

    Paths enter the digest relative to the project or the theme, so a moved project stays up to date.
    """
    digest = hashlib.sha256()
    digest.update(json.dumps({"edition": edition.name, "options": options, "coopbrochure": version("coopbrochure"),
                              "weasyprint": version("weasyprint")}, sort_keys=True).encode())
    for path in _input_files(project, edition):
        name = path.relative_to(project.root if path.is_relative_to(project.root) else project.theme_dir)
        try:
            content = _file_digest(path, path.stat().st_mtime_ns)
        except OSError:  # unreadable: the build itself says where; the digest only has to differ
            content = "unreadable"
        digest.update(name.as_posix().encode() + b"\0" + content.encode())
    return digest.hexdigest()


def _input_files(project: Project, edition: Edition) -> list[Path]:
    folders = [project.data_dir, project.root / "templates", project.root / "styles",
               project.theme_dir / "templates", project.theme_dir / "styles"]
    files = {project.root / PROJECT_FILE}
    if edition.profile == "print" and project.settings.print.icc_profile:
        files.add((project.root / project.settings.print.icc_profile).resolve())
    for folder in folders:
        if folder.is_dir():
            files.update(path for path in folder.rglob("*") if path.is_file() and not path.name.startswith("."))
    if edition.kind == "factsheet":  # a fact sheet reads the YAML data and images, none of the texts
        return sorted(path for path in files if path.suffix != ".md")
    return sorted(path for path in files if _read_by(path, edition.lang, project.settings.fallback))


def _read_by(path: Path, lang: str, fallback: str) -> bool:
    """Whether an edition in `lang` may read `path`: another language's text only where it is the fallback."""
    if path.suffix != ".md":
        return True
    parts = path.name.split(".")
    if len(parts) < 3 or parts[-2] not in LANGUAGES or parts[-2] == lang:
        return True
    stem = path.name[: -len(f".{parts[-2]}.md")]
    own = path.with_name(f"{stem}.{lang}.md").exists() or path.with_name(f"{stem}.md").exists()
    return parts[-2] == fallback and not own


def _named_files_digests(project: Project, named: dict) -> dict[str, str]:
    """The digest of each file (relative to the project) in `named`, "" for a file that is gone."""
    digests = {}
    for name in named:
        path = project.root / name
        try:
            digests[name] = _file_digest(path, path.stat().st_mtime_ns)
        except OSError:
            digests[name] = ""
    return digests


@cache
def _file_digest(path: Path, mtime_ns: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
