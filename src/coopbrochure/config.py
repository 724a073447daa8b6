"""The project file `coopbrochure.yaml`: data location, theme, output folder, editions and their profiles."""

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
Profile = Literal["print", "web"]
PROFILES = ("print", "web")
Document = Literal["dossier", "factsheet"]


@dataclass(frozen=True, order=True)
class Edition:
    """One PDF to build: a document (the dossier, or one country's fact sheet) in a language, page format and
    profile (print shop or newsletter)."""

    lang: str
    format: str
    profile: str = "web"
    kind: str = "dossier"
    country: str = ""  # the fact sheet's country, as a lower-case ISO code

    @property
    def name(self) -> str:
        prefix = f"factsheet-{self.country}-" if self.kind == "factsheet" else ""
        return f"{prefix}{self.lang}-{self.format}-{self.profile}"


class PrintProfile(Strict):
    """How the print-shop PDF is made."""

    bleed_mm: float = Field(3, ge=0, le=10, description="Bleed around each page, in mm; artwork runs into it.")
    pdfx: Literal["x-4"] = Field("x-4", description="PDF/X standard: x-4, the only one offered (the theme uses "
                                                    "transparency, which PDF/X-1a forbids).")
    ink_limit: float = Field(300, ge=200, le=400, description="Total-ink limit of the print condition, in percent "
                                                              "(C+M+Y+K); ask the print shop. 300 suits FOGRA39.")
    crop_marks: bool = Field(True, description="Crop marks in a slug outside the bleed; false for none (some print "
                                               "shops add their own).")
    icc_profile: str | None = Field(None, description="The print shop's CMYK ICC profile, relative to the project "
                                                      "folder; default: the bundled FOGRA39 (coated paper) profile.")
    min_ppi: float = Field(300, gt=0, description="Image resolution at placed size that preflight asks for.")
    booklet: bool = Field(False, description="Also write a saddle-stitch booklet (…-booklet.pdf) of each print PDF.")
    creep_mm: float = Field(0, ge=0, le=5, description="Booklet creep compensation: shift of the innermost pages, in mm.")


class WebProfile(Strict):
    """How the small, accessible newsletter PDF is made."""

    image_ppi: int = Field(150, ge=36, le=600, description="Images are downsampled to this resolution at placed size.")
    jpeg_quality: int = Field(82, ge=30, le=100, description="JPEG quality of recompressed images.")
    max_size_mb: float = Field(2, gt=0, description="Largest acceptable PDF, in MB; preflight reports a larger file.")
    thumbnail_width: int = Field(600, ge=0, le=4000, description="Width in pixels of the cover image written next to "
                                                                   "each web PDF (…-cover.png); 0 for none.")
    booklet: bool = Field(False, description="Also write a saddle-stitch booklet (…-booklet.pdf) of each web PDF.")


class ProjectFile(Strict):
    """Everything `coopbrochure.yaml` may say, with its defaults: this class is the documentation."""

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Short name used in output file names, e.g. andes-2013.")
    data: str = Field("data", description="Folder holding publication.yaml, texts and images.")
    theme: str = Field("default", description="'default' for the built-in theme, or a path to a theme folder.")
    output: str = Field("output", description="Folder the PDFs are written to, inside the project.")
    output_outside_project: bool = Field(False, description="Allow 'output' to name a folder outside the project "
                                                             "(off: such a folder is refused).")
    languages: list[Language] = Field(["nl"], min_length=1, description="Languages to build, e.g. [nl, fr, en].")
    formats: list[Format] = Field(["a4"], min_length=1,
                                  description="Page formats to build: a4 (210 x 297 mm), a5 (148 x 210 mm).")
    fallback_language: Language | None = Field(
        None, description="Language used where a translation is missing; default: the first of 'languages'.")
    allow_html: bool = Field(False, description="Let raw HTML in Markdown texts through. Off: it is shown as text.")
    allowed_hosts: list[str] = Field(default_factory=list,
                                     description="Hosts images may be fetched from (e.g. www.enabel.be); none by default.")
    max_image_pixels: int = Field(60_000_000, gt=0, description="Largest image accepted, in pixels (width x height).")
    documents: list[Document] = Field(["dossier"], min_length=1,
                                      description="What to make: the dossier (a magazine), a two-page fact sheet per "
                                                  "country (factsheet), or both.")
    profiles: list[Profile] = Field(["print", "web"], min_length=1,
                                    description="PDFs to make of each edition: print (print shop), web (newsletter).")
    print: PrintProfile = Field(default_factory=PrintProfile)
    web: WebProfile = Field(default_factory=WebProfile)

    @field_validator("data", "theme", "output")
    @classmethod
    def _usable_folder_name(cls, value: str) -> str:
        if not value.strip() or "\x00" in value or any(len(part) > 255 for part in value.split("/")):
            raise ValueError(f"'{value[:40]}' is not a usable folder name")
        return value

    @property
    def editions(self) -> list[Edition]:
        """The dossier in every language, format and profile, in the order the project file gives them."""
        if "dossier" not in self.documents:
            return []
        return [Edition(lang, fmt, profile) for lang in dict.fromkeys(self.languages)
                for fmt in dict.fromkeys(self.formats) for profile in dict.fromkeys(self.profiles)]

    def factsheets(self, countries: list[str]) -> list[Edition]:
        """A two-page A4 fact sheet per country (ISO codes), in every language and profile."""
        if "factsheet" not in self.documents:
            return []
        return [Edition(lang, "a4", profile, "factsheet", country.lower()) for country in countries
                for lang in dict.fromkeys(self.languages) for profile in dict.fromkeys(self.profiles)]

    @property
    def fallback(self) -> str:
        return self.fallback_language or self.languages[0]


@dataclass(frozen=True)
class Project:
    """A loaded project: its root folder and validated settings, with paths resolved."""

    root: Path
    settings: ProjectFile
    data_named_at: Location = Location(PROJECT_FILE, 1, 1)
    trust_templates: bool = False  # run the project's and the theme's templates unsandboxed (--trust-templates)

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
        return self.output_dir / f"{self.settings.slug}-{edition.name}.pdf"


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
                                               _check_data(project),
                                               _check_output(project, located.locate(("output",))),
                                               _check_icc(project, located.locate(("print", "icc_profile"))))
                       if problem]
    if folder_problems:
        raise DataError([*problems, *folder_problems])
    return project, problems


def _check_data(project: Project) -> Problem | None:
    if project.data_dir.resolve().is_relative_to(project.root):
        return None
    return Problem(project.data_named_at, "data", "the data folder must be inside the project folder")


def _check_output(project: Project, where: Location) -> Problem | None:
    """The output folder: inside the project (unless the project file allows otherwise), no link, no file."""
    from .files import outside

    folder = project.output_dir
    refused = outside(folder, project.root)
    if refused and "outside the project" in refused:
        if not project.settings.output_outside_project:
            return Problem(where, "output", "the output folder is outside the project; use a folder inside it, or "
                                            "add 'output_outside_project: true' to write there on purpose")
    elif refused:
        return Problem(where, "output", refused.replace("reads and writes", "writes"))
    if folder.exists() and not folder.is_dir() or any(parent.is_file() for parent in folder.parents):
        return Problem(where, "output", f"{project.settings.output} is a file, not a folder; name a folder")
    return None


def _check_theme(project: Project, where: Location) -> Problem | None:
    if (project.theme_dir / "templates" / "publication.html.j2").is_file():
        return None
    return Problem(where, "theme", f"no theme at {project.theme_dir} (it needs templates/publication.html.j2); "
                                   "use 'default' or the path of a theme folder")


def _check_icc(project: Project, where: Location) -> Problem | None:
    """The print shop's profile must be a CMYK output profile inside the project."""
    from .prepress import icc_colour_space

    named = project.settings.print.icc_profile
    if named is None:
        return None
    path = (project.root / named).resolve()
    key = "print.icc_profile"
    if not path.is_relative_to(project.root):
        return Problem(where, key, "the ICC profile must be inside the project folder")
    try:
        header = path.read_bytes()[:40]
    except OSError:
        return Problem(where, key, f"no file {named}; correct the path or remove the key to use the bundled profile")
    space = icc_colour_space(header)
    if space is None:
        return Problem(where, key, f"{named} is not an ICC colour profile; ask the print shop for its .icc file")
    if space != "CMYK":
        return Problem(where, key, f"{named} describes {space} colour, not CMYK; "
                                   "the print PDF needs the print shop's CMYK output profile")
    return None
