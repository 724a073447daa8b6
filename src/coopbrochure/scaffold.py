"""`coopbrochure new`: a small, working project to start from, a dossier or a country fact sheet."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import CoopbrochureError

KINDS = ("dossier", "factsheet")

WORDS = {
    "nl": {
        "series": "Samenwerking", "title": "Onze eerste publicatie", "period": "januari 2026",
        "editorial_title": "Woord vooraf", "editorial": "Dit is het woord vooraf. Vervang deze tekst door de uwe: "
        "alles in de map data is van u.", "dossier": "Ons dossier", "intro_title": "Inleiding",
        "intro": "Een korte inleiding op het dossier.", "article_title": "Een eerste artikel",
        "article_lead": "Een artikel is een Markdown-bestand met bovenaan een blok met de titel.",
        "article": "Schrijf hier de tekst. Een voetnoot staat aan de voet van de pagina.[^1]\n\n[^1]: Zoals deze.",
        "team": "Redactie", "reproduction": "Overname toegestaan met bronvermelding.", "capital": "Lima",
        "intro_country": "Vertel hier in een paar zinnen over de samenwerking met dit land.",
        "income": "middeninkomensland", "ngo": "Niet-gouvernementele actoren blijven actief.",
        "agreement": "Eerste akkoord", "alt": "Abstracte tekening van bergen onder een zon.",
        "contact": "Ambassade", "source": "Eigen gegevens"},
    "fr": {
        "series": "Coopération", "title": "Notre première publication", "period": "janvier 2026",
        "editorial_title": "Éditorial", "editorial": "Ceci est l’éditorial. Remplacez ce texte par le vôtre : tout "
        "ce qui se trouve dans le dossier data vous appartient.", "dossier": "Notre dossier",
        "intro_title": "Introduction", "intro": "Une courte introduction au dossier.",
        "article_title": "Un premier article",
        "article_lead": "Un article est un fichier Markdown qui commence par un bloc donnant son titre.",
        "article": "Écrivez le texte ici. Une note se place en bas de page.[^1]\n\n[^1]: Comme celle-ci.",
        "team": "Rédaction", "reproduction": "Reproduction autorisée avec mention de la source.", "capital": "Lima",
        "intro_country": "Décrivez ici en quelques phrases la coopération avec ce pays.",
        "income": "pays à revenu intermédiaire", "ngo": "Les acteurs non gouvernementaux restent actifs.",
        "agreement": "Premier accord", "alt": "Dessin abstrait de montagnes sous un soleil.",
        "contact": "Ambassade", "source": "Nos données"},
    "en": {
        "series": "Cooperation", "title": "Our first publication", "period": "January 2026",
        "editorial_title": "Editorial", "editorial": "This is the editorial. Replace this text with yours: "
        "everything in the data folder is yours.", "dossier": "Our dossier", "intro_title": "Introduction",
        "intro": "A short introduction to the dossier.", "article_title": "A first article",
        "article_lead": "An article is a Markdown file that starts with a block giving its title.",
        "article": "Write the text here. A footnote sits at the foot of the page.[^1]\n\n[^1]: Like this one.",
        "team": "Editors", "reproduction": "Reproduction allowed with mention of the source.", "capital": "Lima",
        "intro_country": "Tell here in a few sentences about the cooperation with this country.",
        "income": "middle-income country", "ngo": "Non-governmental actors remain active.",
        "agreement": "First agreement", "alt": "Abstract drawing of mountains under a sun.",
        "contact": "Embassy", "source": "Our own records"},
}

ART = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 210 297" preserveAspectRatio="xMidYMid slice">
<rect width="210" height="297" fill="#f4e9d8"/><circle cx="150" cy="80" r="28" fill="#f2a541"/>
<path d="M0 220 L60 130 L110 200 L150 150 L210 230 L210 297 L0 297 Z" fill="#0b4f6c"/>
<path d="M0 250 L70 190 L130 250 L210 210 L210 297 L0 297 Z" fill="#c8553d"/></svg>
"""

README = {
    "nl": "# {title}\n\nDit project maakt een {what} met coopbrochure.\n\n- `coopbrochure build` maakt de PDF's in "
          "`output/`.\n- `coopbrochure serve` toont de pagina's in de browser en ververst ze bij elke wijziging.\n"
          "- `coopbrochure validate` controleert de gegevens zonder te bouwen.\n\nDe feiten staan in YAML in data, "
          "de lange teksten in Markdown. Elke sleutel staat beschreven in `coopbrochure schema project`, "
          "`... schema publication` en `... schema country`.\n",
    "fr": "# {title}\n\nCe projet produit {what} avec coopbrochure.\n\n- `coopbrochure build` crée les PDF dans "
          "`output/`.\n- `coopbrochure serve` montre les pages dans le navigateur et les actualise à chaque "
          "modification.\n- `coopbrochure validate` vérifie les données sans construire.\n\nLes faits sont en YAML "
          "dans data, les longs textes en Markdown. Chaque clé est décrite par `coopbrochure schema project`, "
          "`... schema publication` et `... schema country`.\n",
    "en": "# {title}\n\nThis project makes {what} with coopbrochure.\n\n- `coopbrochure build` writes the PDFs to "
          "`output/`.\n- `coopbrochure serve` shows the pages in the browser and refreshes them on every change.\n"
          "- `coopbrochure validate` checks the data without building.\n\nThe facts are YAML in data, the long "
          "texts Markdown. Every key is described by `coopbrochure schema project`, `... schema publication` and "
          "`... schema country`.\n",
}
WHAT = {"nl": {"dossier": "een dossier", "factsheet": "een landenfiche"},
        "fr": {"dossier": "un dossier", "factsheet": "une fiche pays"},
        "en": {"dossier": "a dossier", "factsheet": "a country fact sheet"}}


def new_project(folder: Path, kind: str = "dossier", lang: str = "nl") -> list[Path]:
    """Write a small project that builds at once into `folder`, which must be new or empty; the files written.

    Nothing is ever overwritten: a folder holding anything (even hidden files) is refused.
    """
    if kind not in KINDS or lang not in WORDS:
        raise ValueError(f"unknown kind {kind!r} or language {lang!r}")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise CoopbrochureError(f"{folder} is not an empty folder; coopbrochure new never overwrites anything: "
                                "choose a new folder name")
    files = _files(kind, lang, slug=_slug(folder.resolve().name))
    written = []
    try:
        for name, text in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as handle:  # "x": fails rather than overwrite a file made meanwhile
                handle.write(text)
            written.append(path)
    except OSError as error:
        raise CoopbrochureError(f"{folder}: cannot create the project there ({error.strerror or error}); choose a "
                                "folder you can write to") from error
    return written


def _slug(name: str) -> str:
    slug = "".join(character if character.isalnum() else "-" for character in name.lower()).strip("-")
    return slug if slug[:1].isalnum() else f"project-{slug}".strip("-")


def _q(text: str) -> str:
    """A YAML scalar for any text (a JSON string is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _files(kind: str, lang: str, slug: str) -> dict[str, str]:
    words = WORDS[lang]
    project = (f"# coopbrochure project file; every key: `coopbrochure schema project`.\nslug: {slug}\n"
               f"languages: [{lang}]\nformats: [a4]\nprofiles: [print, web]\ndocuments: [{kind}]\n")
    dossier = "" if kind == "factsheet" else (
        f"cover:\n  image: images/cover.svg\n  image_alt: {_q(words['alt'])}\neditorial: editorial.md\n"
        f"dossier:\n  title: {_q(words['dossier'])}\n  intro: intro.md\n  articles:\n    - first-article\n")
    publication = (
        f"series: {_q(words['series'])}\ntitle: {_q(words['title'])}\nissue:\n  number: 1\n  year: 2026\n"
        f"  period: {_q(words['period'])}\n  date: 2026-01-15\n{dossier}countries:\n  - peru\n"
        f"colophon:\n  editorial_team:\n    - role: {_q(words['team'])}\n      name: Alex Example\n"
        f"  responsible_publisher:\n    name: Alex Example\n    address:\n      - Example Street 1\n"
        f"      - 1000 Brussels\n  reproduction: {_q(words['reproduction'])}\n"
        f"contacts:\n  - name: {_q(words['contact'])}\n    organisation: Example Organisation\n"
        f"    address:\n      - Example Street 1\n      - 1000 Brussels\n    phone: +32 2 000 00 00\n"
        f"    email: info@example.org\n    web: www.example.org\n"
        f"  - name: Enabel\n    address:\n      - Rue Haute 147\n      - 1000 Brussels\n    web: www.enabel.be\n"
        f"further_reading:\n  - title: Enabel\n    url: www.enabel.be\n"
        f"  - title: Glo.be\n    url: www.glo.be\n"
        f"  - title: OECD DAC\n    url: www.oecd.org/dac\n"
        f"  - title: IATI\n    url: iatistandard.org\n")
    country = (
        f"iso: PE\ncapital: {_q(words['capital'])}\ncapital_location: {{lat: -12.05, lon: -77.04}}\n"
        f"intro: {_q(words['intro_country'])}\nincome_category: {_q(words['income'])}\ncooperation_since: 1965\n"
        f"non_governmental: {_q(words['ngo'])}\nagreements:\n  - year: 1965\n    kind: {_q(words['agreement'])}\n"
        f"key_figures:\n  - value: 1965\n    unit: year\n    label: {_q(words['agreement'])}\n"
        f"    source: {_q(words['source'])}\n")
    files = {
        "coopbrochure.yaml": project,
        "data/publication.yaml": publication,
        "data/countries/peru.yaml": country,
        "README.md": README[lang].format(title=words["title"], what=WHAT[lang][kind]),
    }
    if kind == "dossier":
        files |= {
            "data/editorial.md": f"---\ntitle: {_q(words['editorial_title'])}\nauthor: Alex Example\n---\n"
                                 f"{words['editorial']}\n",
            "data/intro.md": f"---\ntitle: {_q(words['intro_title'])}\n---\n{words['intro']}\n",
            "data/articles/first-article.md": f"---\ntitle: {_q(words['article_title'])}\n"
                                              f"lead: {_q(words['article_lead'])}\n---\n{words['article']}\n",
            "data/images/cover.svg": ART,
        }
    return files
