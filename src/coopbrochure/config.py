"""The project file `coopbrochure.yaml`: data location, theme, output folder and editions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .errors import DataError, Location, Problem
from .validation import validate
from .yamlio import load

PROJECT_FILE = "coopbrochure.yaml"
LANGUAGES = ("nl", "fr", "en")
PAGE_SIZES_MM = {"a4": (210, 297), "a5": (148, 210)}


class Strict(BaseModel):
    """Base for every model read from user files: unknown keys are reported, never ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


Language = Literal["nl", "fr", "en"]
Format = Literal["a4", "a5"]


@dataclass(frozen=True, order=True)
class Edition:
    """One PDF to build: a language and a page format."""

    lang: str
    format: str

    @property
    def name(self) -> str:
        return f"{self.lang}-{self.format}"


class ProjectFile(Strict):
    """Everything `coopbrochure.yaml` may say, with its defaults: this class is the documentation."""

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Short name used in output file names, e.g. andes-2013.")
    data: str = Field("data", description="Folder holding publication.yaml, texts and images.")
    theme: str = Field("default", description="'default' for the built-in theme, or a path to a theme folder.")
    output: str = Field("output", description="Folder the PDFs are written to.")
    languages: list[Language] = Field(["nl"], min_length=1, description="Languages to build, e.g. [nl, fr, en].")
    formats: list[Format] = Field(["a4"], min_length=1,
                                  description="Page formats to build: a4 (210 x 297 mm), a5 (148 x 210 mm).")
    fallback_language: Language | None = Field(
        None, description="Language used where a translation is missing; default: the first of 'languages'.")
    allow_html: bool = Field(False, description="Let raw HTML in Markdown texts through. Off: it is shown as text.")
    allowed_hosts: list[str] = Field(default_factory=list,
                                     description="Hosts images may be fetched from (e.g. www.enabel.be); none by default.")
    max_image_pixels: int = Field(60_000_000, gt=0, description="Largest image accepted, in pixels (width x height).")

    @field_validator("data", "theme", "output")
    @classmethod
    def _usable_folder_name(cls, value: str) -> str:
        if not value.strip() or "\x00" in value or any(len(part) > 255 for part in value.split("/")):
            raise ValueError(f"'{value[:40]}' is not a usable folder name")
        return value

    @property
    def editions(self) -> list[Edition]:
        """Every language in every format, in the order the project file gives them."""
        return [Edition(lang, fmt) for lang in dict.fromkeys(self.languages) for fmt in dict.fromkeys(self.formats)]

    @property
    def fallback(self) -> str:
        return self.fallback_language or self.languages[0]


@dataclass(frozen=True)
class Project:
    """A loaded project: its root folder and validated settings, with paths resolved."""

    root: Path
    settings: ProjectFile
    data_named_at: Location = Location(PROJECT_FILE, 1, 1)

    @property
    def data_dir(self) -> Path:
        return self.root / self.settings.data

    @property
    def output_dir(self) -> Path:
        return self.root / self.settings.output

    @property
    def theme_dir(self) -> Path:
        if self.settings.theme == "default":
            return builtin_theme_dir()
        return (self.root / self.settings.theme).resolve()

    def output_path(self, edition: Edition) -> Path:
        return self.output_dir / f"{self.settings.slug}-{edition.lang}-{edition.format}.pdf"


def builtin_theme_dir() -> Path:
    """The built-in theme: inside the installed wheel, or the repository root in a source checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "theme"
    return installed if installed.is_dir() else package.parent.parent


def load_project(root: Path) -> tuple[Project, list[Problem]]:
    """Read and validate `coopbrochure.yaml` in `root`: the project and its warnings; DataError on errors."""
    root = root.resolve()
    path = root / PROJECT_FILE
    if not path.is_file():
        raise DataError([Problem(Location(str(path)), "",
                                 f"no {PROJECT_FILE} here; run coopbrochure in a project folder or pass its path")])
    located, problems = load(path, root)
    settings = None
    if located is not None and not problems:
        settings, problems = validate(ProjectFile, located)
    if settings is None:
        raise DataError(problems)
    project = Project(root, settings, located.locate(("data",)))
    folder_problems = [problem for problem in (_check_theme(project, located.locate(("theme",))),
                                               _check_data(project)) if problem]
    if folder_problems:
        raise DataError([*problems, *folder_problems])
    return project, problems


def _check_data(project: Project) -> Problem | None:
    if project.data_dir.resolve().is_relative_to(project.root):
        return None
    return Problem(project.data_named_at, "data", "the data folder must be inside the project folder")


def _check_theme(project: Project, where: Location) -> Problem | None:
    if (project.theme_dir / "templates" / "publication.html.j2").is_file():
        return None
    return Problem(where, "theme", f"no theme at {project.theme_dir} (it needs templates/publication.html.j2); "
                                   "use 'default' or the path of a theme folder")
