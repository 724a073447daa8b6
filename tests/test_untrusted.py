"""Untrusted input: located errors on the sample, escaped text, no file outside the project in any PDF."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import stray_files
from pdfread import page_texts

from coopbrochure.cli import main

HOSTNAME = Path("/etc/hostname")


@pytest.fixture
def built_sample(sample, tmp_path) -> Path:
    """A copy of the built sample project, its PDF in place."""
    project = tmp_path / "sample"
    shutil.copytree(sample.parent.parent, project)
    return project


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BREAKAGES = {
    "a year as a word": ("data/countries/peru.yaml", "cooperation_since: 1965", "cooperation_since: negentienvijfenzestig",
                         "data/countries/peru.yaml:", "cooperation_since: expected a whole number"),
    "broken indentation": ("data/publication.yaml", "\n  number: 1", "\n    number: 1\n  year 2013",
                           "data/publication.yaml:", "YAML syntax error"),
    "an image at /etc/hostname": ("data/countries/bolivia.yaml", "image: images/bolivia.svg", "image: /etc/hostname",
                                  "data/countries/bolivia.yaml:9:8: image:", "outside the project"),
    "an image on the web": ("data/articles/water-voor-iedereen.nl.md", "image: images/water.svg",
                            "image: https://example.org/water.jpg",
                            "data/articles/water-voor-iedereen.nl.md:", "remote file 'https://example.org/water.jpg' refused"),
}


@pytest.mark.parametrize("name", BREAKAGES)
def test_a_broken_sample_keeps_its_previous_pdf(built_sample, name):
    file, old, new, where, what = BREAKAGES[name]
    pdf = built_sample / "output" / "andes-2013-nl-a4-web.pdf"
    before = pdf.read_bytes()
    replace_in(built_sample / file, old, new)
    run = subprocess.run([sys.executable, "-m", "coopbrochure", "build", str(built_sample)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert where in run.stderr and what in run.stderr
    assert "Traceback" not in run.stderr
    assert pdf.read_bytes() == before
    assert stray_files(pdf.parent) == []


def test_html_in_a_text_is_printed_literally(minimal):
    script, image = "<script>alert(1)</script>", '<img src="file:///etc/hostname">'
    replace_in(minimal / "data/articles/eerste.md", "Tweede alinea.", f"Tweede alinea {script} en {image}.")
    replace_in(minimal / "data/publication.yaml", "title: Een kleine publicatie", f"title: Klein {script}")
    result = CliRunner().invoke(main, ["build", str(minimal), "--strict"])
    assert result.exit_code == 0, result.output
    text = "".join(" ".join(page_texts(minimal / "output/minimal-nl-a4-web.pdf")).split())  # line breaks add spaces
    straight = text.translate(str.maketrans("‘’“”", "\"\"\"\""))  # the typographer curls the quotes
    assert script in text and image.replace(" ", "") in straight
    _assert_no_hostname(text)


FETCHING_MARKUP = {  # markup -> whether WeasyPrint tries to fetch it (and so warns that it was refused)
    '<img src="file:///etc/hostname" alt="">': True,
    '<img src="/etc/hostname" alt="">': True,
    '<object data="file:///etc/hostname"></object>': True,
    '<link rel="stylesheet" href="file:///etc/hostname">': True,
    '<img src="http://127.0.0.1:9/x.png" alt="">': True,
    '<iframe src="file:///etc/hostname"></iframe>': False,
}


@pytest.mark.parametrize("markup", FETCHING_MARKUP)
def test_opted_in_html_still_cannot_read_outside_the_project(minimal, markup):
    (minimal / "coopbrochure.yaml").write_text((minimal / "coopbrochure.yaml").read_text() + "allow_html: true\n")
    replace_in(minimal / "data/articles/eerste.md", "Tweede alinea.", f"Tweede alinea.\n\n{markup}\n")
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 0, result.output
    _assert_no_hostname(" ".join(page_texts(minimal / "output/minimal-nl-a4-web.pdf")))
    strict = CliRunner().invoke(main, ["build", str(minimal), "--strict"])
    assert strict.exit_code == (1 if FETCHING_MARKUP[markup] else 0)
    if FETCHING_MARKUP[markup]:
        assert "refused" in strict.stderr


def _assert_no_hostname(text: str) -> None:
    if HOSTNAME.is_file() and len(HOSTNAME.read_text().strip()) >= 4:
        assert HOSTNAME.read_text().strip() not in text


def test_unknown_keys_warn_and_strict_fails(minimal):
    replace_in(minimal / "data/countries/landia.yaml", "iso: LA", "iso: LA\nhoofdstad: Landstad")
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 0
    assert "data/countries/landia.yaml:3:1: hoofdstad: warning: unknown key, ignored" in result.stderr
    assert (minimal / "output/minimal-nl-a4-web.pdf").is_file()
    strict = CliRunner().invoke(main, ["validate", str(minimal), "--strict"])
    assert strict.exit_code == 1
    assert strict.stderr.endswith("1 warning; the project is not valid.\n")


def test_validate_says_what_it_checked(minimal):
    result = CliRunner().invoke(main, ["validate", str(minimal)])
    assert result.exit_code == 0
    assert result.stdout == "valid: 1 article, 2 countries, 1 edition\n"
    assert not (minimal / "output").exists(), "validate renders nothing"


def test_validate_lists_every_problem(minimal):
    replace_in(minimal / "data/countries/landia.yaml", "cooperation_since: 1970", "cooperation_since: ooit")
    replace_in(minimal / "data/publication.yaml", "  number: 2", "  number: twee")
    result = CliRunner().invoke(main, ["validate", str(minimal)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "data/countries/landia.yaml:6:20: cooperation_since: expected a whole number, got 'ooit'",
        "data/publication.yaml:4:11: issue.number: expected a whole number, got 'twee'",
        "2 errors; the project is not valid.",
    ]


def test_strict_turns_weasyprint_warnings_into_errors(minimal):
    (minimal / "styles").mkdir()
    (minimal / "styles/main.css").write_text("h1 { colour: red; }\n")
    assert CliRunner().invoke(main, ["build", str(minimal)]).exit_code == 0
    before = (minimal / "output/minimal-nl-a4-web.pdf").read_bytes()
    strict = CliRunner().invoke(main, ["build", str(minimal), "--strict"])
    assert strict.exit_code == 1
    assert "Ignored `colour: red`" in strict.stderr and "was not written (--strict)" in strict.stderr
    assert (minimal / "output/minimal-nl-a4-web.pdf").read_bytes() == before


def test_a_killed_build_leaves_the_previous_pdf_and_no_partial_file(built_sample):
    pdf = built_sample / "output" / "andes-2013-nl-a4-web.pdf"
    before = pdf.read_bytes()
    replace_in(built_sample / "data/publication.yaml", "nl: Ruim vijftig jaar in de Andes", "nl: Andere titel")
    process = subprocess.Popen([sys.executable, "-m", "coopbrochure", "build", str(built_sample)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2.0)  # well inside the layout of the 22 pages
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert pdf.read_bytes() == before
    assert stray_files(pdf.parent) == []


def test_a_temporary_file_left_by_a_dead_process_is_removed(minimal):
    output = minimal / "output"
    output.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = output / f".minimal-nl-a4-web.pdf.{dead.stdout.strip()}.tmp"
    stale.write_bytes(b"%PDF-1.7 half")
    assert CliRunner().invoke(main, ["build", str(minimal)]).exit_code == 0
    assert not stale.exists()
    assert stray_files(output) == []


def test_html_in_a_sample_text_is_printed_literally(built_sample):
    article = built_sample / "data/articles/water-voor-iedereen.nl.md"
    markup = '<script>alert(1)</script> <img src="file:///etc/hostname">'
    replace_in(article, "## Van gletsjer tot akker", f"Let op: {markup}\n\n## Van gletsjer tot akker")
    result = CliRunner().invoke(main, ["build", str(built_sample), "--edition", "nl-a4-web", "--strict"])
    assert result.exit_code == 0, result.output
    text = "".join(" ".join(page_texts(built_sample / "output/andes-2013-nl-a4-web.pdf")).split())
    straight = text.translate(str.maketrans("‘’“”", "\"\"\"\""))
    assert "<script>alert(1)</script>" in text and '<imgsrc="file:///etc/hostname">' in straight
    _assert_no_hostname(text)
