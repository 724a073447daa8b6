"""Starting and customising: `coopbrochure new`, and a project template that changes one block of the theme's."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner
from pdfread import page_sizes_mm, page_texts

from coopbrochure import build
from coopbrochure.cli import main


def words(pdf) -> list[str]:
    return " ".join(page_texts(pdf)).split()


def test_new_dossier_builds_at_once(tmp_path):
    folder = tmp_path / "mijn-dossier"
    result = CliRunner().invoke(main, ["new", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "README.md").is_file() and (folder / "coopbrochure.yaml").is_file()
    built = build(folder, profiles=("web",), strict=True)
    assert [edition.path.name for edition in built.editions] == ["mijn-dossier-nl-a4-web.pdf"]
    text = " ".join(words(built.editions[0].path))
    assert "Onze eerste publicatie" in text and "Een eerste artikel" in text
    assert set(page_sizes_mm(built.editions[0].path)) == {(210, 297)}


def test_new_in_french_writes_french_examples(tmp_path):
    folder = tmp_path / "dossier"
    assert CliRunner().invoke(main, ["new", str(folder), "--lang", "fr"]).exit_code == 0
    assert "languages: [fr]" in (folder / "coopbrochure.yaml").read_text(encoding="utf-8")
    assert "Notre première publication" in (folder / "data/publication.yaml").read_text(encoding="utf-8")


def test_new_never_writes_into_a_folder_that_is_not_empty(tmp_path):
    folder = tmp_path / "bezet"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(main, ["new", str(folder)])
    assert result.exit_code == 1
    assert "is not an empty folder" in result.output and "never overwrites" in result.output
    assert [path.name for path in folder.iterdir()] == ["notes.txt"]
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_overriding_one_block_changes_that_block_and_nothing_else(minimal):
    before = words(build(minimal).editions[0].path)
    templates = minimal / "templates"
    templates.mkdir()
    (templates / "article.html.j2").write_text(
        '{% extends "!theme/article.html.j2" %}\n'
        '{% block lead %}<p class="lead">Een andere inleiding, van het project.</p>{% endblock %}\n',
        encoding="utf-8")
    after = words(build(minimal).editions[0].path)
    changes = [(tag, before[i1:i2], after[j1:j2])
               for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes()
               if tag != "equal"]
    assert changes, "the override changed the article's lead"
    changed = " ".join(" ".join(new) for _, _, new in changes)
    assert set(changed.split()) <= set("Een andere inleiding, van het project.".split())
    assert "inleiding." in before and "Een inleiding." in " ".join(after), "the overview still shows the data's lead"


def test_new_factsheet_builds_at_once(tmp_path):
    folder = tmp_path / "fiche"
    assert CliRunner().invoke(main, ["new", str(folder), "--kind", "factsheet", "--lang", "fr"]).exit_code == 0
    built = build(folder, strict=True)
    assert sorted(edition.path.name for edition in built.editions) == ["fiche-factsheet-pe-fr-a4-print.pdf",
                                                                        "fiche-factsheet-pe-fr-a4-web.pdf"]
    pages = page_texts(built.editions[0].path)
    assert len(pages) == 2 and "Pérou" in pages[0] and "Situation au 15 janvier 2026" in pages[0]


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_every_sample_country_has_a_two_page_fact_sheet(sample_project, lang):
    signs = {"nl": ("Stand van zaken op", "Kerncijfers", "Programma’s"),
             "fr": ("Situation au", "Chiffres clés", "Programmes"), "en": ("As of", "Key figures", "Programmes")}[lang]
    for iso, capital in (("pe", "Lima"), ("bo", "La Paz"), ("ec", "Quito")):
        for profile in ("print", "web"):
            pdf = sample_project / "output" / f"andes-2013-factsheet-{iso}-{lang}-a4-{profile}.pdf"
            assert set(page_sizes_mm(pdf)) == {(210, 297)}, pdf.name
            front, back = page_texts(pdf)  # exactly two pages
            assert signs[0] in front and signs[1] in front and capital in front
            assert signs[2] in back


@pytest.mark.parametrize("where", ["/proc/coopbrochure-new", "afile/sub"])
def test_new_where_nothing_can_be_written_says_so(tmp_path, where):
    (tmp_path / "afile").write_text("x")
    target = Path(where) if where.startswith("/") else tmp_path / where
    result = CliRunner().invoke(main, ["new", str(target)])
    assert result.exit_code == 1
    assert f"{target}: cannot create the project there" in result.stderr
    assert "internal error" not in result.output
