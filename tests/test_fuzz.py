"""Property: whatever happens to the sample's data, a run ends in located errors or a good build, never a crash."""

from __future__ import annotations

import datetime
import html
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfread import page_texts

from coopbrochure.check import check_project
from coopbrochure.config import Edition
from coopbrochure.errors import DataError
from coopbrochure.markup import inline, split_front_matter
from coopbrochure.pipeline import build, edition_html

REPO = Path(__file__).resolve().parent.parent
PROJECTS = Path(__file__).resolve().parent / "projects"

odd_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30),
    st.sampled_from(["", " ", "\x00", "\u202e", "\ufeff", "💥" * 20, "<script>x</script>", "{{ pub }}",
                     "[[figure:nope]]", "../../etc/hostname", "/etc/hostname", "file:///etc/hostname",
                     "https://example.org/x.png", "---", "- - -", "&lol;", "%PDF"]),
    st.sampled_from([  # Markdown edge cases
        "Een noot.[^a]\n\n[^a]: Met een noot.[^b]\n[^b]: In een noot.", "    [[figure:kunst]]", "[[figure:Kunst]]",
        "[[quote:x]]", "[een link](../../geheim.pdf)", "[een link](https://example.org)", "![](/etc/hostname)",
        "![beeld](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)", "\ufeff---\ntitle: x\n---", "| a | b |\n|---|---|\n| 1 | 2 |",
        "> citaat\n>\n> - lijst", "```\ncode [[figure:kunst]]\n```", '<a rel="attachment" href="../coopbrochure.yaml">x</a>',
        "*" * 50 + "nadruk", "1" * 3000 + " miljoen", "€ 3 miljoen op 27 juni 2013–2014", "# Kop\n\n## Kop 2",
        "\\" * 20, "&amp;&lt;&#x0;", "line\\\nbreak  \nhard"]),
    st.integers(min_value=1, max_value=6).map(lambda power: "x" * 10 ** power),
)
scalars = st.one_of(odd_text, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
                    st.dates(min_value=datetime.date(1, 1, 1)))


def deep(depth: int):
    value: object = "bodem"
    for level in range(depth):
        value = {"n": value} if level % 2 else [value]
    return value


values = st.one_of(scalars, st.lists(scalars, max_size=4), st.dictionaries(st.text(max_size=8), scalars, max_size=3),
                   st.integers(min_value=5, max_value=120).map(deep))


def paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths(value, (*prefix, index))


def shared_value(depth: int):
    """A value the YAML dumper writes once with an &anchor and then as *aliases: nested `depth` levels of nine
    references to the level below (depth 8: nine to the eighth, a "billion laughs")."""
    value: object = ["lol"] * 9
    for _ in range(depth):
        value = [value] * 9
    return value


def self_containing():
    value: list = ["bodem"]
    value.append(value)
    return value


aliased = st.one_of(st.integers(min_value=0, max_value=8).map(shared_value), st.builds(self_containing))


def mutate(data, path, action, value):
    if not path:
        return value if action != "keep" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if action == "delete":
        del parent[path[-1]]
    elif action == "add" and isinstance(parent, dict):
        parent[f"{path[-1]}x"] = value
    else:
        parent[path[-1]] = value
    return data


@pytest.fixture(scope="module")
def scratch():
    folder = Path(tempfile.mkdtemp(prefix="coopbrochure-fuzz-"))
    shutil.copy(REPO / "coopbrochure.yaml", folder)
    shutil.copytree(REPO / "data", folder / "data")
    yield folder
    shutil.rmtree(folder)


SAMPLE_FILES = sorted(str(path.relative_to(REPO)) for path in [*(REPO / "data").rglob("*.yaml"),
                                                               *(REPO / "data").rglob("*.md"),
                                                               REPO / "coopbrochure.yaml"])


def assert_located_or_good(project: Path) -> None:
    try:
        checked = check_project(project)
    except DataError as error:
        assert error.problems, "a data error lists its problems"
        for problem in error.problems:
            assert problem.location.path and problem.location.line >= 1 or "coopbrochure.yaml" in problem.location.path
        return
    settings = checked.project.settings
    for index, lang in enumerate(settings.languages):  # formats and profiles differ only in sizes and colours
        edition = Edition(lang, settings.formats[0], settings.profiles[index % len(settings.profiles)])
        assert "<html" in edition_html(checked.project, checked.dataset, edition)


# Locally every run explores new examples; in CI the same 500 are drawn each time, so a run cannot fail by chance.
IN_CI = bool(os.environ.get("CI"))


@settings(max_examples=500, deadline=None, derandomize=IN_CI,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_sample_data_never_crashes(scratch, data):
    name = data.draw(st.sampled_from(SAMPLE_FILES), label="file")
    path = scratch / name
    original = (REPO / name).read_text(encoding="utf-8")
    front, body = (split_front_matter(original)[:2]) if name.endswith(".md") else (original, "")
    how = data.draw(st.sampled_from(["value", "value", "value", "alias", "garbage", "truncate", "body"]),
                    label="how")
    try:
        if how == "garbage":
            path.write_text(data.draw(st.text(max_size=200), label="garbage"), encoding="utf-8")
        elif how == "truncate":
            path.write_text(original[:data.draw(st.integers(0, len(original)), label="cut")], encoding="utf-8")
        else:
            parsed = yaml.safe_load(front)
            if how == "body" and name.endswith(".md"):
                body = data.draw(odd_text, label="body")
            else:
                target = data.draw(st.sampled_from(list(paths(parsed))), label="path")
                action = data.draw(st.sampled_from(["replace", "delete", "add"]) if target else st.just("replace"))
                drawn = data.draw(aliased if how == "alias" else values, label="value")
                parsed = mutate(parsed, target, action, drawn)
                if how == "alias" and isinstance(parsed, dict):  # the same value twice: an &anchor and an *alias
                    parsed["extra"] = drawn
            text = yaml.safe_dump(parsed, allow_unicode=True, sort_keys=False)
            path.write_text(f"---\n{text}---\n{body}" if name.endswith(".md") else text, encoding="utf-8")
        started = time.perf_counter()
        assert_located_or_good(scratch)
        assert time.perf_counter() - started < 10, "no input may take this long to check"
    finally:
        path.write_text(original, encoding="utf-8")


@settings(max_examples=12, deadline=None, derandomize=IN_CI, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(title=odd_text.filter(lambda text: len(text) <= 5000), body=odd_text.filter(lambda text: len(text) <= 5000))
def test_odd_text_builds_a_pdf_or_says_where(tmp_path_factory, title, body):
    project = tmp_path_factory.mktemp("odd")
    shutil.copy(PROJECTS / "minimal/coopbrochure.yaml", project)
    shutil.copytree(PROJECTS / "minimal/data", project / "data")
    article = project / "data/articles/eerste.md"
    quoted = json.dumps(title, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML scalar
    text = article.read_text(encoding="utf-8").replace("title: Het eerste artikel", f"title: {quoted}")
    article.write_text(text.replace("Tweede alinea.", body), encoding="utf-8")
    try:
        result = build(project)
    except DataError as error:
        assert all(problem.location.line >= 1 for problem in error.problems)
        return
    printed = "".join(filter(str.isalnum, " ".join(page_texts(result.editions[0].path))))
    expected = "".join(filter(str.isalnum, html.unescape(re.sub(r"<[^>]*>", "", inline(title.strip(), "nl")))))
    assert expected in printed, "the drawn title is printed"
    assert "Eersteal" in printed, "the first paragraph is printed"
