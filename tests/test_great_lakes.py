"""The second sample, as unlike the Andes one as we could make it: it validates, builds, and the check locates all it finds."""

from __future__ import annotations

import re

import pytest

from coopbrochure import build
from coopbrochure.check import check_project
from coopbrochure.pipeline import check_layout

from conftest import REPO, copy_project

SAMPLE = REPO / "samples" / "great-lakes"


@pytest.fixture(scope="module")
def great_lakes(tmp_path_factory):
    return copy_project(SAMPLE, tmp_path_factory.mktemp("great-lakes"))


def test_the_second_sample_is_valid_with_strict(great_lakes):
    checked = check_project(great_lakes, strict=True)
    assert [country.iso for country in checked.dataset.countries] == ["CD", "RW", "BI", "UG"]
    assert len(checked.dataset.articles) == 3 and checked.project.settings.languages == ["nl", "fr"]


@pytest.mark.parametrize("edition", ["factsheet-rw-fr-a4-web", "factsheet-bi-fr-a4-web",
                                     # twelve programmes and a twenty-row timeline: only the densest layouts fit
                                     "factsheet-cd-nl-a4-web", "factsheet-cd-fr-a4-web"])
def test_its_fact_sheets_are_two_pages_with_no_finding(great_lakes, edition):
    result = build(great_lakes, editions=(edition,), strict=True, jobs=1)
    [built] = result.editions
    assert built.pages == 2 and built.layout == []


def test_every_finding_on_its_dossier_is_located(great_lakes):
    [result] = check_layout(great_lakes, editions=("fr-a4-web",), jobs=1)
    files = {path.relative_to(great_lakes).as_posix() for path in (great_lakes / "data").rglob("*")
             if path.suffix in (".md", ".yaml")}
    for finding in result.layout:
        assert finding.source in files, finding
        assert 1 <= finding.page <= result.pages and finding.element.strip(), finding
        assert re.search(r"[:;] \w", finding.message), finding  # what is wrong, then what to do


def test_its_dutch_a4_dossier_has_no_finding(great_lakes):
    """Stranded words in captions and cells nudged, a long country name in a narrow card allowed to break,
    country chapters and articles fitted to their pages: all measured, none tuned to this text."""
    [result] = check_layout(great_lakes, editions=("nl-a4-web",), jobs=1)
    assert result.layout == [], [str(finding) for finding in result.layout]
