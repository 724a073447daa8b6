"""Untrusted input: located errors on the sample, escaped text, no file outside the project in any PDF."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import stray_files
from pdfread import page_texts

from coopbrochure import build
from coopbrochure.cli import main



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


@pytest.fixture
def outside(tmp_path) -> tuple[Path, str]:
    """A folder outside the project with files that print a random word wherever they are read: an SVG image
    (secret.svg), a stylesheet (secret.css) and a text (secret.txt). The word must never reach a PDF."""
    word = "leak" + secrets.token_hex(8)
    folder = tmp_path / "elsewhere"
    folder.mkdir(exist_ok=True)
    (folder / "secret.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40">'
                                       f'<text x="0" y="30" font-size="20">{word}</text></svg>', encoding="utf-8")
    (folder / "secret.css").write_text(f'body::before {{ content: "{word}" }}', encoding="utf-8")
    (folder / "secret.txt").write_text(word, encoding="utf-8")
    return folder, word


def test_html_in_a_text_is_printed_literally(minimal, outside):
    folder, word = outside
    script, image = "<script>alert(1)</script>", f'<img src="file://{folder}/secret.svg">'
    replace_in(minimal / "data/articles/eerste.md", "Tweede alinea.", f"Tweede alinea {script} en {image}.")
    replace_in(minimal / "data/publication.yaml", "title: Een kleine publicatie", f"title: Klein {script}")
    result = CliRunner().invoke(main, ["build", str(minimal), "--strict"])
    assert result.exit_code == 0, result.output
    text = "".join(" ".join(page_texts(minimal / "output/minimal-nl-a4-web.pdf")).split())  # line breaks add spaces
    straight = text.translate(str.maketrans("‘’“”", "\"\"\"\""))  # the typographer curls the quotes
    assert script in text and image.replace(" ", "") in straight
    assert word not in text


FETCHING_MARKUP = {  # markup ({outside}: a folder outside the project) -> whether WeasyPrint tries to fetch it
    '<img src="file://{outside}/secret.svg" alt="">': True,
    '<img src="{outside}/secret.svg" alt="">': True,
    '<object data="file://{outside}/secret.svg"></object>': True,
    '<object data="file://{outside}/secret.txt" type="text/plain"></object>': True,
    '<link rel="stylesheet" href="file://{outside}/secret.css">': True,
    '<img src="http://127.0.0.1:9/x.png" alt="">': True,
    '<iframe src="file://{outside}/secret.txt"></iframe>': False,
}


@pytest.mark.parametrize("markup", FETCHING_MARKUP)
def test_opted_in_html_still_cannot_read_outside_the_project(minimal, outside, markup):
    folder, word = outside
    (minimal / "coopbrochure.yaml").write_text((minimal / "coopbrochure.yaml").read_text() + "allow_html: true\n")
    replace_in(minimal / "data/articles/eerste.md", "Tweede alinea.",
               f"Tweede alinea.\n\n{markup.format(outside=folder)}\n")
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 0, result.output
    assert word not in " ".join(page_texts(minimal / "output/minimal-nl-a4-web.pdf"))
    strict = CliRunner().invoke(main, ["build", str(minimal), "--strict"])
    assert strict.exit_code == (1 if FETCHING_MARKUP[markup] else 0)
    if FETCHING_MARKUP[markup]:
        assert "refused" in strict.stderr


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


KILL_INSIDE = """
import os, signal, sys
step, project = sys.argv[1], sys.argv[2]
real = getattr(os, step)
def dying(*args, **kwargs):  # the build dies inside the atomic write of the PDF: written, not yet renamed
    if step == "fsync" or str(args[0]).endswith(".tmp") and ".pdf." in str(args[0]):
        os.kill(os.getpid(), signal.SIGKILL)
    return real(*args, **kwargs)
setattr(os, step, dying)
from coopbrochure.cli import main
main(["build", project, "--jobs", "1"])
"""


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_a_killed_build_leaves_the_previous_pdf_and_no_partial_file(minimal, step):
    """The build is killed inside write_atomically (fault injection): once the bytes are written (fsync), or
    just before the rename (replace). The previous PDF is intact; the next build removes the temporary file."""
    assert CliRunner().invoke(main, ["build", str(minimal)]).exit_code == 0
    pdf = minimal / "output" / "minimal-nl-a4-web.pdf"
    before = pdf.read_bytes()
    replace_in(minimal / "data/publication.yaml", "title: Een kleine publicatie", "title: Een andere titel")
    run = subprocess.run([sys.executable, "-c", KILL_INSIDE, step, str(minimal)], capture_output=True, text=True)
    assert run.returncode == -signal.SIGKILL, run.stderr  # killed inside the write: not before it, not after
    assert pdf.read_bytes() == before
    left = [name for name in stray_files(pdf.parent) if name.startswith(".minimal-nl-a4-web.pdf.")]
    assert len(left) == 1 and left[0].endswith(".tmp"), stray_files(pdf.parent)
    assert CliRunner().invoke(main, ["build", str(minimal)]).exit_code == 0
    assert stray_files(pdf.parent) == []
    assert "Een andere titel" in " ".join(page_texts(pdf))


def test_a_temporary_file_left_by_a_dead_process_is_removed(minimal):
    output = minimal / "output"
    output.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = output / f".minimal-nl-a4-web.pdf.{dead.stdout.strip()}.tmp"
    stale.write_bytes(b"%PDF-1.7 half")
    assert CliRunner().invoke(main, ["build", str(minimal)]).exit_code == 0
    assert not stale.exists()
    assert stray_files(output) == []


def test_html_in_a_sample_text_is_printed_literally(built_sample, outside):
    folder, word = outside
    article = built_sample / "data/articles/water-voor-iedereen.nl.md"
    markup = f'<script>alert(1)</script> <img src="file://{folder}/secret.svg">'
    replace_in(article, "## Van gletsjer tot akker", f"Let op: {markup}\n\n## Van gletsjer tot akker")
    result = CliRunner().invoke(main, ["build", str(built_sample), "--edition", "nl-a4-web", "--strict"])
    assert result.exit_code == 0, result.output
    # pdfium marks a word hyphenated at a line end with U+FFFE: the reader sees the word whole
    text = "".join(" ".join(page_texts(built_sample / "output/andes-2013-nl-a4-web.pdf")).split()).replace("\ufffe", "")
    straight = text.translate(str.maketrans("‘’“”", "\"\"\"\""))
    assert "<script>alert(1)</script>" in text and f'<imgsrc="file://{folder}/secret.svg">' in straight
    assert word not in text


# Hostile projects (issue 14): nothing outside the project is read, written or printed; no hang, no "internal error".

def sentinel(tmp_path: Path, name: str = "outside.yaml") -> tuple[Path, str]:
    """A file outside the project holding a random word that must never reach a PDF, a message or a write."""
    word = "sentinel" + secrets.token_hex(8)
    path = tmp_path / "elsewhere" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"name: {word}\niso: LA\nintro: {word}\n", encoding="utf-8")
    return path, word


def assert_nothing_leaked(project: Path, word: str, *outputs: str) -> None:
    for pdf in (project / "output").glob("*.pdf") if (project / "output").is_dir() else ():
        assert word not in " ".join(page_texts(pdf)), pdf.name
    for text in outputs:
        assert word not in text


def test_planted_links_in_the_output_folder_never_redirect_a_write(minimal, tmp_path):
    victim, word = sentinel(tmp_path, "victim.txt")
    before = victim.read_bytes()
    output = minimal / "output"
    output.mkdir()
    (output / "minimal-nl-a4-web.html").symlink_to(victim)
    for pid in range(max(2, os.getpid() - 50), os.getpid() + 50):  # the old temporary names: .<pdf>.<pid>.tmp
        (output / f".minimal-nl-a4-web.pdf.{pid}.tmp").symlink_to(victim)
    result = CliRunner().invoke(main, ["build", str(minimal), "--html"])
    assert victim.read_bytes() == before
    assert result.exit_code == 1 and "internal error" not in result.output
    assert "minimal-nl-a4-web.html: is a symbolic link" in result.stderr
    (output / "minimal-nl-a4-web.html").unlink()
    (output / "minimal-nl-a4-web.pdf").symlink_to(victim)
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert victim.read_bytes() == before
    assert result.exit_code == 1 and "minimal-nl-a4-web.pdf: is a symbolic link" in result.stderr


def test_the_output_folder_may_not_be_a_link(minimal, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (minimal / "output").symlink_to(tmp_path / "elsewhere")
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 1
    assert result.stderr.startswith("coopbrochure.yaml:1:1: output: output is a symbolic link")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_output_outside_the_project_only_when_the_project_file_says_so(minimal, tmp_path):
    project_file = minimal / "coopbrochure.yaml"
    project_file.write_text(project_file.read_text() + "output: ../pdfs\noutput_outside_project: true\n")
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "pdfs" / "minimal-nl-a4-web.pdf").is_file()


@pytest.mark.parametrize("linked", ["data/countries/proefland.yaml", "data/publication.yaml"])
def test_yaml_behind_a_link_is_not_read(minimal, tmp_path, linked):
    outside, word = sentinel(tmp_path)
    if linked == "data/publication.yaml":
        outside.write_text((minimal / linked).read_text().replace("Een kleine publicatie", word), encoding="utf-8")
    (minimal / linked).unlink()
    (minimal / linked).symlink_to(outside)
    for command in ("validate", "build"):
        result = CliRunner().invoke(main, [command, str(minimal)])
        assert result.exit_code == 1
        assert f"{linked}: {linked} is a symbolic link; coopbrochure reads and writes only real files" in result.stderr
        assert_nothing_leaked(minimal, word, result.output)


def test_a_country_outside_the_project_is_not_read(minimal, tmp_path):
    outside, word = sentinel(tmp_path)
    relative_path = os.path.relpath(outside.with_suffix(""), minimal / "data" / "countries")
    replace_in(minimal / "data/publication.yaml", "  - proefland", f"  - {relative_path}")
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 1
    assert "data/publication.yaml:19:5: countries[1]: '../../../elsewhere/outside' is not a country file name" \
        in result.stderr
    assert_nothing_leaked(minimal, word, result.output)


TEMPLATE_ESCAPE = ('{% extends "!theme/article.html.j2" %}\n'
                   '{% block title %}<h1>{{ cycler.__init__.__globals__.os.getcwd() }}</h1>{% endblock %}\n')


def test_templates_run_sandboxed_unless_trusted(minimal):
    (minimal / "templates").mkdir()
    (minimal / "templates/article.html.j2").write_text(TEMPLATE_ESCAPE, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 1
    assert result.stderr.startswith("templates/article.html.j2:2: refused: access to attribute '__init__' of 'type' "
                                    "object is unsafe; templates run sandboxed")
    assert "--trust-templates" in result.stderr and "internal error" not in result.stderr
    assert not (minimal / "output/minimal-nl-a4-web.pdf").exists()
    trusted = CliRunner().invoke(main, ["build", str(minimal), "--trust-templates"])
    assert trusted.exit_code == 0, trusted.output


def test_opted_in_html_cannot_attach_project_files(minimal):
    (minimal / "coopbrochure.yaml").write_text((minimal / "coopbrochure.yaml").read_text() + "allow_html: true\n")
    links = "".join(f'<a rel="attachment" href="{target}">bijlage</a> '
                    for target in ("../coopbrochure.yaml", "publication.yaml", "images/art.svg"))
    replace_in(minimal / "data/articles/eerste.md", "Tweede alinea.", f"Tweede alinea.\n\n<p>{links}</p>\n")
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(minimal / "output/minimal-nl-a4-web.pdf")
    attached = [str(annotation.get_object()["/FS"]["/UF"]) for page in reader.pages
                for annotation in page.get("/Annots") or [] if annotation.get_object()["/Subtype"] == "/FileAttachment"]
    assert attached == ["art.svg"], "an image may be attached; a project file may not"
    assert list(reader.attachments) == []


def test_a_yaml_file_that_is_too_large_is_refused_quickly(minimal):
    landia = minimal / "data/countries/proefland.yaml"
    landia.write_text(landia.read_text() + "# " + "x" * 5_100_000 + "\n")
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["validate", str(minimal)])
    assert time.perf_counter() - started < 10
    assert result.exit_code == 1
    assert result.stderr.startswith("data/countries/proefland.yaml:1:1: 5,100,")
    assert "more than the 5,000,000 a data file may hold" in result.stderr


@pytest.mark.parametrize("paragraph, count, said", [
    ("Een alinea van een heel lange tekst. " * 40, 300, "characters is more than the 400,000 a text may hold"),
    ("Alinea.", 20_000, "20,0"),
])
def test_a_text_that_is_too_long_is_refused_quickly(minimal, paragraph, count, said):
    editorial = minimal / "data/editorial.md"
    editorial.write_text(editorial.read_text() + (paragraph + "\n\n") * count)
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert time.perf_counter() - started < 10
    assert result.exit_code == 1
    assert result.stderr.startswith("data/editorial.md:1:1: ") and said in result.stderr
    assert "a text may hold; split it" in result.stderr


@pytest.mark.parametrize("after", [" miljoen", " miljoenen", " x", "."])
def test_a_numeric_typesetting_rule_is_linear(after):
    """40,000 digits typeset in well under a second, whatever follows them (a rule that backtracks over
    the digits from every starting digit takes minutes when no magnitude word follows)."""
    code = ("import sys, time; from coopbrochure.markup import typeset; started = time.perf_counter(); "
            "typeset('<p>' + '1' * 40000 + sys.argv[1] + '</p>', 'nl'); print(time.perf_counter() - started)")
    try:
        run = subprocess.run([sys.executable, "-c", code, after], capture_output=True, text=True, timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail(f"typesetting 40,000 digits and {after!r} took more than 10 s")
    assert run.returncode == 0, run.stderr
    assert float(run.stdout) < 0.5


def test_a_marker_with_a_capital_in_its_id_places_its_figure(minimal):
    article = minimal / "data/articles/eerste.md"
    article.write_text(article.read_text().replace("id: kunst", "id: Kunst").replace("[[figure:kunst]]",
                                                                                      "[[figure:Kunst]]"))
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 0, result.output
    text = " ".join(page_texts(minimal / "output/minimal-nl-a4-web.pdf"))
    assert "[[figure" not in text and "Een tekening." in text


def test_a_text_may_start_with_a_byte_order_mark(minimal):
    article = minimal / "data/articles/eerste.md"
    article.write_text("\ufeff" + article.read_text(), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 0, result.output
    assert "Het eerste artikel" in " ".join(page_texts(minimal / "output/minimal-nl-a4-web.pdf"))


def test_an_image_outside_the_data_folder_is_part_of_the_build_cache(minimal):
    (minimal / "assets").mkdir()
    shutil.copy(minimal / "data/images/art.svg", minimal / "assets/cover.svg")
    replace_in(minimal / "data/publication.yaml", "image: images/art.svg", "image: ../assets/cover.svg")
    first = build(minimal)
    assert first.editions[0].seconds is not None
    assert build(minimal).editions[0].seconds is None, "unchanged: up to date"
    cover = minimal / "assets/cover.svg"
    cover.write_text(cover.read_text().replace("</svg>", '<rect width="5" height="5"/></svg>'), encoding="utf-8")
    assert build(minimal).editions[0].seconds is not None, "the cover image changed: rebuilt"


def test_an_unreadable_file_in_the_data_folder_is_a_located_error(minimal, monkeypatch):
    article = minimal / "data/articles/eerste.md"
    article.chmod(0)
    if os.getuid() == 0:  # root reads any file: the refusal that the system gives anyone else is given here
        real_open = os.open

        def refusing(path, flags, *args, **kwargs):
            if Path(path) == article:
                raise PermissionError(13, "Permission denied", str(path))
            return real_open(path, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing)
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 1 and "internal error" not in result.output
    assert "data/articles/eerste.md: coopbrochure may not read this file (permission denied)" in result.stderr


# Finding 8: a portrait photo in a text with a footnote. WeasyPrint 70 fails in layout/column.py
# (_report_footnotes pops from an empty list) when a box in a multi-column element cannot fit on a page
# beside that page's footnotes; the theme keeps images in a text well under a page's height.
FOOTNOTE_CRASH_HTML = ('<p>Before the columns.</p><div class="columns"><p>A text with a note.'
                       '<span class="footnote">The note.</span></p><img src="portrait.png" alt=""></div>')
FOOTNOTE_CRASH_CSS = ("@page { size: A4; margin: 20mm } .columns { columns: 2 } .footnote { float: footnote } "
                      "img { display: block }")


def _portrait(folder: Path) -> Path:
    from PIL import Image

    path = folder / "portrait.png"
    Image.new("RGB", (800, 1200), (120, 60, 30)).save(path)  # 212 x 318 mm at 96 dpi: taller than the page
    return path


def test_the_minimal_footnote_crash_is_worked_around_by_the_theme(tmp_path):
    import weasyprint

    from coopbrochure.config import builtin_theme_dir

    _portrait(tmp_path)
    page = weasyprint.HTML(string=FOOTNOTE_CRASH_HTML, base_url=tmp_path.as_uri() + "/")
    with pytest.raises(IndexError):  # when this stops failing, WeasyPrint is fixed and the rule can go
        page.render(stylesheets=[weasyprint.CSS(string=FOOTNOTE_CRASH_CSS)])
    theme = builtin_theme_dir() / "styles" / "main.css"
    document = page.render(stylesheets=[weasyprint.CSS(string=FOOTNOTE_CRASH_CSS),
                                        weasyprint.CSS(filename=str(theme))])
    image = next(box for box in _boxes(document.pages[0]._page_box) if getattr(box, "element_tag", "") == "img")
    assert image.height < 120 / 25.4 * 96 + 1, "the image is kept under 120 mm"


def _boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


def test_a_portrait_photo_in_a_text_with_a_footnote_builds(minimal):
    _portrait(minimal / "data/images")
    replace_in(minimal / "data/articles/eerste.md", "Tweede alinea.",
               "Tweede alinea.\n\n![Een portret](images/portrait.png)\n\nDerde alinea.")
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 0, result.output
    pages = page_texts(minimal / "output/minimal-nl-a4-web.pdf")
    article = next(text for text in pages if "Het eerste artikel" in text and "Tweede alinea" in text)
    assert "Bron van de voetnoot" in article and "Derde alinea" in " ".join(pages)


@pytest.mark.parametrize("linked", ["templates/article.html.j2", "styles/main.css"])
def test_a_template_or_stylesheet_behind_a_link_is_not_read(minimal, tmp_path, linked):
    outside_file, word = sentinel(tmp_path, "outside.txt")
    (minimal / linked).parent.mkdir()
    (minimal / linked).symlink_to(outside_file)
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 1 and "internal error" not in result.output
    assert result.stderr.startswith(f"{linked}: ") and "is a symbolic link" in result.stderr.splitlines()[0]
    assert_nothing_leaked(minimal, word, result.output)


def test_an_unreadable_text_is_a_located_error(minimal, monkeypatch):
    """As root every file is readable: the refusal of the operating system is simulated."""
    import coopbrochure.files

    real_open = os.open

    def refusing(path, *args, **kwargs):
        if str(path).endswith("eerste.md"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(coopbrochure.files.os, "open", refusing)
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 1 and "internal error" not in result.output
    assert "data/articles/eerste.md: coopbrochure may not read this file (permission denied)" in result.stderr


def test_a_remote_image_that_cannot_be_loaded_is_a_located_error(minimal):
    (minimal / "coopbrochure.yaml").write_text((minimal / "coopbrochure.yaml").read_text()
                                               + "allowed_hosts: [127.0.0.1]\n")
    replace_in(minimal / "data/articles/eerste.md", "image: images/art.svg", "image: http://127.0.0.1:9/kunst.png")
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 1 and "internal error" not in result.output
    assert result.stderr.startswith("data/articles/eerste.md:6:12: figures[0].image: the remote image "
                                    "http://127.0.0.1:9/kunst.png could not be loaded")
    assert not (minimal / "output/minimal-nl-a4-web.pdf").exists()


def test_opted_in_html_cannot_bypass_the_image_checks_with_a_data_address(minimal):
    import base64

    bomb = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>')
    source = "data:image/svg+xml;base64," + base64.b64encode(bomb).decode()
    (minimal / "coopbrochure.yaml").write_text((minimal / "coopbrochure.yaml").read_text() + "allow_html: true\n")
    replace_in(minimal / "data/articles/eerste.md", "Tweede alinea.", f'Tweede alinea.\n\n<img src="{source}" alt="">\n')
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 0, result.output
    assert "aaaaaaaaaa" not in " ".join(page_texts(minimal / "output/minimal-nl-a4-web.pdf"))


@pytest.mark.parametrize("name, said", [("x" * 300 + ".png", "File name too long"),
                                        ('"images/art\\0.svg"', "holds a NUL character")])
def test_an_image_name_no_file_can_have_is_a_located_error(minimal, name, said):
    """A name longer than the file system allows, or one holding a NUL: each a located error, not a traceback."""
    replace_in(minimal / "data" / "articles" / "eerste.md", "image: images/art.svg", f"image: {name}")
    result = CliRunner().invoke(main, ["validate", str(minimal)])
    assert result.exit_code == 1 and "internal error" not in result.output, result.output
    assert "data/articles/eerste.md:6:" in result.stderr and said in result.stderr, result.stderr


@pytest.mark.parametrize("name, said", [("x" * 1000, "File name too long"), ('"editorial\\0"', "holds a NUL character"),
                                        ("../../../etc/hostname", "outside the project")])
def test_a_text_name_no_file_can_have_is_a_located_error(minimal, name, said):
    """The same for the name of a text (found by the fuzz test: a traceback once)."""
    replace_in(minimal / "data" / "publication.yaml", "editorial: editorial.md", f"editorial: {name}")
    result = CliRunner().invoke(main, ["validate", str(minimal)])
    assert result.exit_code == 1 and "internal error" not in result.output, result.output
    assert "data/publication.yaml:11:" in result.stderr and said in result.stderr, result.stderr
