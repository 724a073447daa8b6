"""One dataset, every edition: languages, formats, translations, selection and the build cache."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from pdfread import PT_PER_MM, named_destination_pages, page_sizes_mm, page_texts

from coopbrochure import build
from coopbrochure.cli import main
from coopbrochure.i18n import labels
from coopbrochure.markup import render

EDITIONS = [f"{lang}-{fmt}-{profile}" for lang in ("nl", "fr", "en") for fmt in ("a4", "a5")
            for profile in ("print", "web")]
EDITIONS_LANGUAGES = ("nl", "fr", "en")
SIZES = {"a4": (210, 297), "a5": (148, 210)}
LANGUAGE_SIGNS = {  # what only an edition in that language prints
    "nl": ["Overzicht", "Waar vindt u ons?", "€ 17 miljoen", "Verschenen op 15 januari 2020", "Peru"],
    "fr": ["Sommaire", "Où nous trouver", "17 millions d’euros", "Parution le 15 janvier 2020", "Pérou", "Équateur"],
    "en": ["Contents", "Where to find us", "€17 million", "Published on 15 January 2020", "Peru"],
}


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", EDITIONS)
def test_every_edition_in_its_language_and_size(sample_project, name):
    lang, fmt, _ = name.split("-")
    pdf = sample_project / "output" / f"andes-2013-{name}.pdf"
    sizes = page_sizes_mm(pdf)
    assert set(sizes) == {SIZES[fmt]}
    assert len(sizes) >= 16 and len(sizes) % 2 == 0
    assert pypdf.PdfReader(pdf).trailer["/Root"]["/Lang"] == lang
    whole = flat(" ".join(page_texts(pdf)))
    for sign in LANGUAGE_SIGNS[lang]:
        assert sign in whole, sign
    for other, signs in LANGUAGE_SIGNS.items():
        if other != lang:
            assert signs[0] not in whole, f"the {other} title of the contents page"
    assert_no_label_of_another_language(pdf, lang)


def foreign_labels(lang: str) -> set[str]:
    """The labels of the other languages that are phrases of their own: none may be printed in `lang`.

    Single words are left out: "Humanitaire" is a French label and a Dutch word ("Humanitaire Hulp").
    """
    own = {value.lower() for value in labels(lang).values() if isinstance(value, str)}
    return {value for other in EDITIONS_LANGUAGES if other != lang for value in labels(other).values()
            if isinstance(value, str) and " " in value.strip() and "{" not in value and value.lower() not in own}


def assert_no_label_of_another_language(pdf: Path, lang: str) -> None:
    foreign = foreign_labels(lang)
    assert len(foreign) >= 30
    for number, text in enumerate(page_texts(pdf), start=1):
        printed = [label for label in foreign if label in flat(text)]
        assert not printed, f"page {number} of the {lang} edition prints labels of another language: {printed}"


@pytest.mark.parametrize("name", EDITIONS)
def test_text_is_hyphenated_in_each_language(sample_project, name):
    text = " ".join(page_texts(sample_project / "output" / f"andes-2013-{name}.pdf"))
    breaks = re.findall(r"(\w+)[\ufffe\u2010-]\r?\n?(\w+)", text)  # pdfium marks a line-end hyphen U+FFFE
    hyphenated = [first + second for first, second in breaks if second[:1].islower()]
    assert len(hyphenated) >= 20, hyphenated[:5]


def text_columns(path: Path, page_number: int) -> list[float]:
    """Where the columns of a page's body text begin (mm from the left edge), as laid out in the PDF.

    A line begins where a run of text starts more than 3 mm after the end of the run before it on its
    baseline; a column is an x position (within 6 mm: indented first lines) where eight lines or more begin,
    and at least 15 % of all lines (the cells of a table do not make columns).
    """
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        page = document[page_number - 1]
        height = page.get_size()[1]
        text = page.get_textpage()
        rows: dict[int, list[tuple[float, float]]] = {}
        for index in range(text.count_rects()):
            left, bottom, right, top = text.get_rect(index)
            if bottom > 25 * PT_PER_MM and top < height - 25 * PT_PER_MM:  # running header and folio left out
                rows.setdefault(round(bottom), []).append((left, right))
    finally:
        document.close()
    starts = []
    for runs in rows.values():
        end = None
        for left, right in sorted(runs):
            if end is None or left - end > 3 * PT_PER_MM:
                starts.append(left / PT_PER_MM)
            end = right if end is None else max(end, right)
    columns: list[list[float]] = []
    for start in sorted(starts):
        if columns and start - columns[-1][0] <= 6:
            columns[-1].append(start)
        else:
            columns.append([start])
    return [round(column[0], 1) for column in columns if len(column) >= max(8, 0.15 * len(starts))]


ARTICLES = ("article-andes-diversiteit", "article-water-voor-iedereen", "article-vijftig-jaar-samenwerking")


def test_a5_sets_articles_in_one_column(sample_project):
    for fmt, count, pages in (("a4", 2, 1), ("a5", 1, 2)):  # A4 sets two columns from an article's first page
        pdf = sample_project / f"output/andes-2013-nl-{fmt}-web.pdf"
        starts = named_destination_pages(pdf)
        for article in ARTICLES:
            for page in range(starts[article], starts[article] + pages):
                columns = text_columns(pdf, page)
                assert len(columns) == count, f"{fmt} page {page} ({article}): text columns at {columns} mm"


def test_french_typography():
    html = re.sub(r"<[^>]+>", "", render('Il dit : "oui" ! Vraiment ? 2 000 euros ; 35 % ; fin.', "fr"))
    assert "dit\u00a0: «\u00a0oui\u00a0»\u202f!" in html
    assert "\u202f?" in html and "euros\u202f;" in html and "2\u202f000" in html and "35\u202f%\u202f;" in html


def test_box_titles_quote_authors_and_credits_are_typeset(minimal):
    """Front-matter text printed as it was typed once: a box's title, a quote's author, a figure's credit."""
    article = minimal / "data/articles/eerste.md"
    text = article.read_text(encoding="utf-8").replace("credit: © Test", "credit: \"© Jan's foto\"")
    text = text.replace("---\nEerste alinea", "boxes:\n  - id: vraag\n    title: \"Wat is 's lands vraag?\"\n"
                        "    body: Een antwoord.\nquotes:\n  - id: zin\n    text: Een zin.\n"
                        "    by: \"Jan, 't dorp\"\n---\nEerste alinea", 1)
    article.write_text(text.replace("Tweede alinea.", "Tweede alinea.\n\n[[box:vraag]]\n\n[[quote:zin]]"),
                       encoding="utf-8")
    [built] = build(minimal, editions=("nl-a4-web",), jobs=1).editions
    whole = " ".join(" ".join(page_texts(built.path)).split())
    assert "Wat is ’s lands vraag?" in whole and "Jan’s foto" in whole and "jan, ’t dorp" in whole.lower(), whole


def _project(tmp_path: Path, sample_project: Path) -> Path:
    project = tmp_path / "p"
    shutil.copytree(sample_project, project)
    return project


def test_a_second_build_rebuilds_nothing_and_rewrites_nothing(sample_project, tmp_path):
    project = _project(tmp_path, sample_project)
    before = {path.name: path.stat().st_mtime_ns for path in (project / "output").glob("*.pdf")}
    result = CliRunner().invoke(main, ["build", str(project)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("up to date") == len(before) == 30
    assert {path.name: path.stat().st_mtime_ns for path in (project / "output").glob("*.pdf")} == before


def test_editing_one_language_rebuilds_only_its_editions(sample_project, tmp_path):
    project = _project(tmp_path, sample_project)
    article = project / "data/articles/water-voor-iedereen.fr.md"
    article.write_text(article.read_text(encoding="utf-8").replace("De l’eau pour tous", "L’eau pour tous", 1),
                       encoding="utf-8")
    result = build(project)
    rebuilt = sorted(edition.edition.name for edition in result.editions if edition.seconds is not None)
    assert rebuilt == ["fr-a4-print", "fr-a4-web", "fr-a5-print", "fr-a5-web"]
    assert "L’eau pour tous" in flat(page_texts(project / "output/andes-2013-fr-a4-web.pdf")[1])


def test_force_rebuilds_and_selection_limits(sample_project, tmp_path):
    project = _project(tmp_path, sample_project)
    result = build(project, formats=("a5",), languages=("en",), profiles=("web",), force=True, jobs=1)
    assert [(edition.edition.name, edition.seconds is not None) for edition in result.editions] == [("en-a5-web", True)]
    up_to_date = build(project, editions=("nl-a4", "fr-a5-print")).editions
    assert [edition.edition.name for edition in up_to_date] == ["nl-a4-print", "nl-a4-web", "fr-a5-print"]
    assert all(edition.seconds is None for edition in up_to_date)


def test_an_unknown_edition_is_a_usage_error(minimal):
    result = CliRunner().invoke(main, ["build", str(minimal), "--edition", "de-a4"])
    assert result.exit_code == 2
    assert "no edition 'de-a4'" in result.output


def test_missing_translations_fall_back_with_located_warnings(minimal):
    config = minimal / "coopbrochure.yaml"
    config.write_text(config.read_text().replace("languages: [nl]", "languages: [nl, fr]"))
    landia = minimal / "data/countries/landia.yaml"
    landia.write_text(landia.read_text().replace("capital: Hoofdstad", "capital:\n  nl: Hoofdstad\n  en: Capital"))
    (minimal / "data/articles/eerste.fr.md").write_text("---\ntitle: Le premier article\n---\nTexte.\n")
    (minimal / "data/articles/eerste.md").rename(minimal / "data/articles/eerste.nl.md")
    (minimal / "data/intro.md").rename(minimal / "data/intro.nl.md")
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 0, result.output
    assert "data/countries/landia.yaml:4:3: capital: warning: no 'fr' translation; the 'nl' text is used" in result.stderr
    assert "dossier.intro: warning: no 'fr' text (intro.fr.md); the 'nl' text is used" in result.stderr
    assert "fr: 2 texts taken from the fallback language" in result.stdout
    french = flat(" ".join(page_texts(minimal / "output/minimal-fr-a4-web.pdf")))
    assert "Le premier article" in french and "Hoofdstad" in french
    strict = CliRunner().invoke(main, ["build", str(minimal), "--strict", "--force"])
    assert strict.exit_code == 1


def test_translations_must_name_known_languages(minimal):
    landia = minimal / "data/countries/landia.yaml"
    landia.write_text(landia.read_text().replace("capital: Hoofdstad", "capital:\n  nl: Hoofdstad\n  de: Hauptstadt"))
    result = CliRunner().invoke(main, ["validate", str(minimal)])
    assert result.exit_code == 1
    assert "data/countries/landia.yaml:4:3: capital: unknown language 'de' in translations; use nl, fr, en" in result.stderr


def labels_on_drawings(pdf: Path, page_number: int, words: list[str]) -> dict[str, bool]:
    """For each word: whether it is printed on the page inside at least two drawn shapes (a country's outline
    and the sea of a map), rather than only in running text."""
    import pypdfium2
    import pypdfium2.raw as pdfium

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[page_number - 1]
        shapes = [item.get_bounds() for item in page.get_objects(filter=[pdfium.FPDF_PAGEOBJ_PATH], max_depth=10)]
        text = page.get_textpage()
        found = {}
        for word in words:
            search, found[word] = text.search(word, match_whole_word=True), False
            occurrence = search.get_next()
            while occurrence and not found[word]:
                left, bottom, right, top = text.get_charbox(occurrence[0])
                x, y = (left + right) / 2, (bottom + top) / 2
                found[word] = sum(1 for l, b, r, t in shapes if l <= x <= r and b <= y <= t) >= 2
                occurrence = search.get_next()
        return found
    finally:
        document.close()


@pytest.mark.parametrize("lang", EDITIONS_LANGUAGES)
def test_the_dossier_opener_draws_the_region_map(sample_project, lang):
    """The opener's map names every chapter country on the map itself: the names in the intro do not count."""
    from coopbrochure.i18n import Formatter

    pdf = sample_project / f"output/andes-2013-{lang}-a4-web.pdf"
    names = [Formatter(lang).country_name(iso) for iso in ("PE", "BO", "EC")]
    assert labels_on_drawings(pdf, named_destination_pages(pdf)["dossier"], names) == dict.fromkeys(names, True)
