"""Projects for the benchmarks: a copy of the sample, synthetic publications of N pages, and 12-megapixel photos.

Everything is generated from the sample in the repository and a fixed random seed: no network, and the same
bytes on every machine.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

WORDS = """de het een en van in op met voor naar over door bij uit aan als dat die dit wat wie waar
water land boer dorp stad berg dal akker kanaal gletsjer regen bron rivier helling terras veld oogst
gemeenschap samenwerking ontwikkeling programma project partner overheid gemeente ngo vrouwen kinderen
school gezondheid zorg recht rechten armoede groei inkomen markt coöperatie landbouw veeteelt koffie
cacao quinoa aardappel lama alpaca wol weefsel bos Amazone hoogvlakte kust klimaat droogte overstroming
beheer plan begroting opvolging evaluatie resultaat verandering toekomst geschiedenis traditie kennis
jongeren ouderen familie gezin werk inkomen handel weg brug markt prijs kwaliteit bodem gras veen
belangrijk duurzaam lokaal nationaal gemeenschappelijk sterk zwak nieuw oud groot klein hoog laag
verder samen altijd vaak soms nog al ook niet wel meer minder heel erg zeer snel langzaam
werkt bouwt beheert verdeelt leert deelt vraagt geeft neemt helpt steunt versterkt verbetert
groeit verandert blijft komt gaat staat ligt stroomt valt begint eindigt""".split()

PAGES = (16, 64, 256)  # the scaling benchmark's publications
# A generated article of this many paragraphs takes about two A4 pages in the default theme; the page
# count of each publication is read from the built PDF, these only aim near the goal.
PARAGRAPHS_PER_ARTICLE = 14
BASE_PAGES = 10  # cover, overview, editorial, dossier opener, one country, contacts, back cover (approx.)
PAGES_PER_ARTICLE = 2.35


def copy_sample(folder: Path, name: str = "sample") -> Path:
    """The repository's sample project (project file and data folder) in `folder/name`; the theme stays shared."""
    project = folder / name
    project.mkdir(parents=True)
    shutil.copy(REPO / "coopbrochure.yaml", project)
    shutil.copytree(REPO / "data", project / "data")
    return project


def set_project(project: Path, **settings) -> None:
    """Change keys of the project file (e.g. languages=["nl"])."""
    path = project / "coopbrochure.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(settings)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + rng.choice(".....?!")


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(4, 7)))


def write_article(project: Path, name: str, rng: random.Random, paragraphs: int,
                  figures: list[tuple[str, str]]) -> None:
    """An nl article with `paragraphs` paragraphs, a subheading every four, one pull quote, and `figures`
    (id, image path relative to the data folder) spread through the text."""
    front = {"title": _sentence(rng).rstrip(".?!")[:60], "kicker": "Dossier", "lead": _sentence(rng),
             "author": "Synthetische Auteur",
             "figures": [{"id": ident, "image": image, "caption": _sentence(rng), "alt": _sentence(rng)}
                         for ident, image in figures],
             "quotes": [{"id": "citaat", "text": _sentence(rng)}]}
    body = []
    spread = {round((index + 1) * paragraphs / (len(figures) + 1)): ident for index, (ident, _) in enumerate(figures)}
    for index in range(paragraphs):
        if index and index % 4 == 0:
            body.append(f"## {_sentence(rng).rstrip('.?!')[:50]}")
        body.append(_paragraph(rng))
        if index == paragraphs // 2:
            body.append("[[quote:citaat]]")
        if index in spread:
            body.append(f"[[figure:{spread[index]}]]")
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n" + "\n\n".join(body) + "\n"
    (project / "data" / "articles" / f"{name}.nl.md").write_text(text, encoding="utf-8")


def set_articles(project: Path, names: list[str], countries: int | None = None) -> None:
    """Make the dossier hold exactly `names` (and only the first `countries` countries, when given)."""
    path = project / "data" / "publication.yaml"
    publication = yaml.safe_load(path.read_text(encoding="utf-8"))
    publication["dossier"]["articles"] = names
    if countries is not None:
        publication["countries"] = publication["countries"][:countries]
    path.write_text(yaml.safe_dump(publication, allow_unicode=True, sort_keys=False), encoding="utf-8")


def synthetic(folder: Path, pages: int, seed: int = 8) -> Path:
    """A Dutch A4 publication of about `pages` pages: the sample with one country and generated articles."""
    project = copy_sample(folder, f"pages-{pages}")
    set_project(project, languages=["nl"], formats=["a4"])
    rng = random.Random(seed)
    count = max(1, round((pages - BASE_PAGES) / PAGES_PER_ARTICLE))
    illustrations = sorted(path.name for path in (project / "data" / "images").glob("*.svg"))
    names = []
    for index in range(count):
        name = f"synthetisch-{index:03d}"
        write_article(project, name, rng, PARAGRAPHS_PER_ARTICLE,
                      [("illustratie", f"images/{illustrations[index % len(illustrations)]}")])
        names.append(name)
    set_articles(project, names, countries=1)
    return project


def photo_dossier(folder: Path, photos: int = 30, articles: int = 6, size: tuple[int, int] = (4000, 3000),
                  seed: int = 30) -> Path:
    """The sample in Dutch A4 with `articles` generated articles holding `photos` JPEG photos (q90) between them."""
    project = copy_sample(folder, "photos")
    # The bench's size target (5 MB) replaces the project's newsletter limit, so that preflight judges by it.
    set_project(project, languages=["nl"], formats=["a4"], web={"max_size_mb": 5})
    images = project / "data" / "photos"
    images.mkdir()
    make_photos(images, photos, size, seed)
    rng = random.Random(seed)
    per_article = -(-photos // articles)
    names = []
    for index in range(articles):
        chosen = range(index * per_article, min(photos, (index + 1) * per_article))
        name = f"fotoreportage-{index:02d}"
        write_article(project, name, rng, PARAGRAPHS_PER_ARTICLE,
                      [(f"foto-{number:02d}", f"photos/foto-{number:02d}.jpg") for number in chosen])
        names.append(name)
    set_articles(project, names, countries=1)
    return project


def make_photos(folder: Path, count: int, size: tuple[int, int], seed: int) -> list[Path]:
    """`count` distinct photo-like JPEGs (q90, about 3 MB at 12 megapixels): colour gradients under texture
    at three scales (blotches, detail, sensor grain), so that they compress, and downsample, like photos.

    The texture is drawn once and shifted per photo (drawing 12 megapixels of noise is the slow part);
    every photo gets its own gradients and shifts, so no two files have the same content.
    """
    from PIL import Image, ImageChops

    rng = random.Random(seed)
    width, height = size

    def texture(scale: int, sigma: int):
        small = Image.effect_noise((width // scale, height // scale), sigma)
        return small.resize(size, Image.Resampling.BICUBIC) if scale > 1 else small

    layers = [[texture(scale, sigma) for _ in range(3)] for scale, sigma in ((8, 60), (2, 30), (1, 12))]
    paths = []
    for number in range(count):
        channels = []
        for channel in range(3):
            image = Image.linear_gradient("L").resize((512, 512)).rotate(rng.uniform(0, 360))
            image = image.crop((128, 128, 384, 384)).resize(size, Image.Resampling.BILINEAR)
            for layer, weight in zip(layers, (0.45, 0.3, 0.2)):
                shifted = ImageChops.offset(layer[channel], rng.randrange(width), rng.randrange(height))
                image = Image.blend(image, shifted, weight)
            channels.append(image)
        path = folder / f"foto-{number:02d}.jpg"
        Image.merge("RGB", channels).save(path, "JPEG", quality=90)
        paths.append(path)
    return paths
