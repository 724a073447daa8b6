"""The pipeline stages one by one: YAML positions, validation, Markdown, formatting, templates."""

from __future__ import annotations

import datetime
from pathlib import Path

import jinja2
import pytest

from coopbrochure.config import LANGUAGES, builtin_theme_dir
from coopbrochure.errors import TemplateError
from coopbrochure.i18n import Formatter, labels
from coopbrochure.markup import render, segments, split_front_matter
from coopbrochure.model import Country
from coopbrochure.templating import environment, render_template
from coopbrochure.validation import validate
from coopbrochure.yamlio import parse


def test_yaml_positions_point_at_values():
    located, problems = parse("name: Peru\nprogrammes:\n  - acronym: SIS\n    budget: 12\n", "x.yaml")
    assert not problems
    assert str(located.locate(("programmes", 0, "budget"))) == "x.yaml:4:13"
    assert str(located.locate(("programmes", 0, "missing"))) == "x.yaml:3:5"


def test_yaml_refuses_python_tags():
    located, problems = parse("a: !!python/object/apply:os.system ['true']\n", "x.yaml")
    assert located is None
    assert "is not an allowed YAML tag" in problems[0].message


def test_front_matter_lines_are_counted_in_the_markdown_file():
    front, body, offset = split_front_matter("---\ntitle: x\nlead: y\n---\nBody\n")
    assert front == "title: x\nlead: y\n" and body == "Body\n" and offset == 4


def test_validation_messages_are_plain_and_located():
    source = "name: Peru\niso: pe\ncapital: Lima\nintro: x\nincome_category: x\ncooperation_since: 1065\nnon_governmental: x\n"
    located, _ = parse(source, "peru.yaml")
    country, problems = validate(Country, located)
    assert country is None
    assert [str(problem) for problem in problems] == [
        "peru.yaml:2:6: iso: string should match pattern '^[A-Z]{2}$', got 'pe'",
        "peru.yaml:6:20: cooperation_since: expected a year such as 2013, got 1065",
    ]


def test_footnotes_become_page_foot_notes_and_quotes_follow_the_language():
    html = render('Een "wonder" van 50 jaar.[^1]\n\n[^1]: bron: *ambassade*.\n', "nl")
    assert "‘wonder’" in html
    assert '<span class="footnote">bron: <em>ambassade</em>.</span>' in html
    assert "footnotes" not in html
    assert "“wonder”" in render('A "wonder".', "en")


def test_raw_html_in_markdown_is_shown_as_text():
    html = render('<script>alert(1)</script> <img src="file:///etc/hostname">', "nl")
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_markers_split_the_body():
    html = render("Een.\n\n[[figure:kaart]]\n\nTwee.\n", "nl")
    assert [kind for kind, _ in segments(html)] == ["html", "figure", "html"]
    assert segments(html)[1] == ("figure", "kaart")


@pytest.mark.parametrize("lang, expected", [("nl", "€\u00a017\u00a0miljoen"), ("fr", "17\u00a0millions d’euros"),
                                            ("en", "€17\u00a0million")])
def test_euro_amounts_per_language(lang, expected):
    assert Formatter(lang).eur(17_000_000) == expected


def test_typesetting_keeps_together_what_belongs_together():
    html = render("Samen € 8 miljoen en 2,3 miljard in 2007–2010 voor SISTEC in Ecuador, met dank.", "nl")
    assert "€\u00a08\u00a0miljoen" in html and "2,3\u00a0miljard" in html
    assert "nowrap" not in html and 'class="keep"' not in html  # no glued runs that could strand a word
    assert "2007\u2060–\u20602010" in html
    assert '<span class="name">SISTEC</span>' in html and '<span class="name">Ecuador</span>' in html
    assert "Samen €" in html, "a word before an amount is not glued to it"
    assert "met\u00a0dank.</p>" in html, "a short last word never stands alone on its line"
    long_end = render("Dat is het werk van de samenwerkingsprogramma’s.", "nl")
    assert "de samenwerkingsprogramma’s" in long_end, "two words too long to glue stay free to break"
    assert ">Peru " in render("Peru en Bolivia.", "nl"), "a sentence's first word may be hyphenated"
    assert 'href="http://x.org/Abc"' in render("[link](http://x.org/Abc)", "nl"), "tags are left alone"
    assert Formatter("nl").eur(9000) == "€\u00a09.000"


def test_dates_and_ranks_in_dutch():
    fmt = Formatter("nl")
    assert fmt.date(datetime.date(2013, 1, 23)) == "23 januari 2013"
    assert fmt.number(1234567.89) == "1.234.567,89"
    assert [fmt.rank(value) for value in (1, 5, 7, 8, 20)] == ["1ste", "5de", "7de", "8ste", "20ste"]


def test_every_label_exists_in_every_language():
    keys = {lang: set(labels(lang)) for lang in LANGUAGES}
    assert keys["nl"] == keys["fr"] == keys["en"]
    assert all(all(labels(lang).values()) for lang in LANGUAGES)


def test_theme_templates_use_only_known_labels():
    used = set()
    for template in (builtin_theme_dir() / "templates").glob("*.j2"):
        used |= set(__import__("re").findall(r"\bt\.(\w+)", template.read_text()))
    assert used <= set(labels("nl")), used - set(labels("nl"))


def _env_with(tmp_path: Path, source: str) -> jinja2.Environment:
    (tmp_path / "publication.html.j2").write_text(source)
    return environment(tmp_path, builtin_theme_dir() / "templates")


def test_a_misspelt_field_names_template_and_line(tmp_path):
    env = _env_with(tmp_path, "<h1>{{ pub.title }}</h1>\n<p>{{ pub.subtitel }}</p>\n")
    with pytest.raises(TemplateError) as caught:
        render_template(env, {"lang": "nl", "pub": {"title": "x"}})
    assert caught.value.message.startswith(f"{tmp_path / 'publication.html.j2'}:2: ")
    assert "subtitel" in caught.value.message


def test_templates_escape_data(tmp_path):
    env = _env_with(tmp_path, "<h1>{{ pub.title }}</h1>")
    html = render_template(env, {"lang": "nl", "pub": {"title": "<script>x</script>"}})
    assert html == "<h1>&lt;script&gt;x&lt;/script&gt;</h1>"


def test_project_templates_can_extend_the_theme(tmp_path):
    env = _env_with(tmp_path, '{% extends "!theme/publication.html.j2" %}{% block cover %}OWN COVER{% endblock %}')
    assert env.get_template("publication.html.j2").blocks["cover"]


def test_a_text_parsed_again_is_the_same_whatever_the_first_caller_did_with_it():
    from coopbrochure.yamlio import parse

    text = "name: Peru\nprogrammes:\n  - budget: 12\n"
    first, _ = parse(text, "data/countries/peru.yaml")
    first.data["programmes"][0]["budget"] = 99
    first.positions.clear()
    again, _ = parse(text, "data/countries/peru.yaml")
    assert again.data == {"name": "Peru", "programmes": [{"budget": 12}]}
    assert again.locate(("programmes", 0, "budget")).line == 3
