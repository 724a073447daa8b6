"""The page-quality check: each kind of finding provoked in a small project, located by file, page and element."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopbrochure import fitting
from coopbrochure.pipeline import check_layout

from conftest import PROJECTS, copy_project

ARTICLE = "data/articles/eerste.md"
LOREM = ("De samenwerking tussen beide landen begon met een akkoord over onderwijs en gezondheidszorg, en groeide "
         "daarna uit tot een breed programma voor landbouw, water en bestuur in de armste provincies. ")


def findings(project: Path, edition: str = "nl-a4-web", kind: str | None = None) -> list:
    [result] = check_layout(project, editions=(edition,), jobs=1)
    return [finding for finding in result.layout if kind is None or finding.kind == kind]


def project_with(tmp_path: Path, css: str = "", body: str | None = None, country_intro: str | None = None) -> Path:
    """The minimal project, with project CSS over the theme, an article body and a country intro of a test's own."""
    project = copy_project(PROJECTS / "minimal", tmp_path / "project")
    if css:
        (project / "styles").mkdir()
        (project / "styles" / "main.css").write_text(css, encoding="utf-8")
    if body is not None:
        article = project / ARTICLE
        front = article.read_text(encoding="utf-8").split("\n---\n")[0]
        article.write_text(front + "\n---\n" + body + "\n", encoding="utf-8")
    if country_intro is not None:
        country = project / "data/countries/landia.yaml"
        text = country.read_text(encoding="utf-8").replace("intro: Een land om mee te testen.",
                                                           "intro: |\n" + _indent(country_intro))
        country.write_text(text, encoding="utf-8")
    return project


def _indent(text: str) -> str:
    return "".join(f"  {line}\n" for line in text.splitlines())


FIXED_TYPE = (".columns p, .lead { margin: 0 !important; font-size: 9.6pt !important; line-height: 13.4pt !important; }"
              ".article header { margin-bottom: 6mm !important; } .figure { display: none !important; }"
              "[data-flow] { break-before: page !important; }")  # nor may the next section join the spill page


def test_near_empty_page_is_found_with_its_file(tmp_path):
    # a few lines more than a page, in type that no layout variant may change: they spill onto a page of their own
    body = "[[figure:kunst]]\n\n" + (LOREM * 6 + "\n\n") * 4
    found = [finding for finding in findings(project_with(tmp_path, css=FIXED_TYPE, body=body), kind="page-fill")
             if finding.source == ARTICLE]
    assert found and found[0].page == 6
    assert "lines spill over from the page before" in found[0].message


def test_long_enough_article_fills_its_page(tmp_path):
    found = findings(project_with(tmp_path, body="[[figure:kunst]]\n\n" + (LOREM * 6 + "\n\n") * 7),
                     kind="page-fill")
    assert ARTICLE not in {finding.source for finding in found}


# what fitting does to a text block's line breaking, undone (with its ungluing): the defect stays for the check
NO_MENDING = ("[data-nudge], [data-nudge] *, [data-wrap], [data-wrap] * { word-spacing: normal !important; "
              "hyphens: manual !important; overflow-wrap: normal !important; }")
STRANDED = ("Het " + "\u00a0".join(["samenwerking"] * 5)  # wider than a column: "Het" cannot share its line
            + " " + LOREM * 3 + "\n\n[[figure:kunst]]\n\n" + (LOREM * 6 + "\n\n") * 6)
TOO_LONG = (LOREM * 3 + "\u00a0".join(["samenwerking"] * 7)  # wider than a column, and not allowed to break
            + " " + LOREM * 3 + "\n\n[[figure:kunst]]\n\n" + (LOREM * 6 + "\n\n") * 6)


def test_word_stranded_before_a_glued_run_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr(fitting, "unglued", lambda html, block: html)
    css = ".columns p { hyphens: manual; }" + NO_MENDING
    found = findings(project_with(tmp_path, css=css, body=STRANDED), kind="stranded-line")
    assert found and found[0].source == ARTICLE
    assert "“Het”" in found[0].message and found[0].page == 5


def test_words_spread_over_a_justified_line_are_found_stranded(tmp_path, monkeypatch):
    monkeypatch.setattr(fitting, "unglued", lambda html, block: html)
    # justified, "Het is" spans the measure; what counts is the width of its words, not of its widened spaces
    css = ".columns p { hyphens: manual; }" + NO_MENDING
    for words in ("Het is", "De samenwerking tussen beide"):  # a sixth of the measure; three spaces 3 em wide
        found = findings(project_with(tmp_path / words, css=css, body=STRANDED.replace("Het", words, 1)),
                         kind="stranded-line")
        assert found and found[0].source == ARTICLE and found[0].page == 5
        assert f"“{words}”" in found[0].message, found[0].message


def test_fitting_mends_a_stranded_word_by_nudging_its_paragraph(tmp_path):
    project = project_with(tmp_path, css=".columns p { hyphens: manual; }", body=STRANDED)
    assert findings(project, kind="stranded-line") == []


def test_line_running_out_of_its_column_is_found(tmp_path, monkeypatch):
    monkeypatch.setattr(fitting, "unglued", lambda html, block: html)
    css = ".columns p { hyphens: manual; }" + NO_MENDING
    found = findings(project_with(tmp_path, css=css, body=TOO_LONG), kind="overflow")
    assert found and found[0].source == ARTICLE and found[0].page == 5
    assert "out of its column" in found[0].message


def test_fitting_lets_a_word_too_long_for_its_column_break(tmp_path):
    project = project_with(tmp_path, css=".columns p { hyphens: manual; }", body=TOO_LONG)
    assert findings(project, kind="overflow") == []


TALL_FIGURE = ".figure img { height: 200mm !important; max-height: none !important; object-fit: cover; }"


def test_figure_that_does_not_fit_leaves_a_hole(tmp_path):
    # a heading follows the figure's marker: fitting never sets a figure past one, so the hole stays
    body = LOREM * 8 + "\n\n[[figure:kunst]]\n\n## Verder\n\n" + (LOREM * 6 + "\n\n") * 6
    found = findings(project_with(tmp_path, css=TALL_FIGURE, body=body), kind="hole")
    assert found and found[0].source == ARTICLE and found[0].page == 5
    assert "above its foot" in found[0].message


@pytest.mark.parametrize("moves", [fitting.MAX_MOVES, 0])
def test_fitting_sets_a_figure_that_does_not_fit_after_the_next_paragraph(tmp_path, monkeypatch, moves):
    monkeypatch.setattr(fitting, "MAX_MOVES", moves)  # 0: fitting may not move it, and the hole is there
    body = LOREM * 8 + "\n\n[[figure:kunst]]\n\n" + (LOREM * 6 + "\n\n") * 6
    holes = findings(project_with(tmp_path, css=TALL_FIGURE, body=body), kind="hole")
    assert bool(holes) == (moves == 0)


# a timeline far longer than the map beside it, and a portfolio: the map's column would end high above the other
LONG_TIMELINE = "agreements:\n" + "".join(
    f"  - year: {1970 + year}\n    kind: Akkoord over onderwijs, gezondheidszorg en landbouw in provincie {year}\n"
    for year in range(18)) + ("portfolio:\n  year: 2023\n  channels:\n    - {channel: governmental, amount: 24000000}\n"
                              "    - {channel: non_governmental, amount: 11000000}\n  source: Testbron\n")
# what fitting does to balance the columns beside the map, undone: the hole stays for the check
UNBALANCED = (".locator[data-grow] .map-full { display: block !important; } .map-taller { display: none !important; }"
              ".country[data-portfolio] .portfolio-under, .country[data-portfolio] .portfolio-wide "
              "{ display: none !important; } .country[data-portfolio] .portfolio-beside { display: block !important; }")


def with_long_timeline(project: Path) -> Path:
    country = project / "data/countries/landia.yaml"
    text = country.read_text(encoding="utf-8")
    country.write_text(text.replace("agreements:\n  - year: 1970\n    kind: Eerste akkoord\n", LONG_TIMELINE),
                       encoding="utf-8")
    return project


def test_map_column_ending_high_above_the_timeline_is_a_hole(tmp_path):
    found = findings(with_long_timeline(project_with(tmp_path, css=UNBALANCED)), kind="hole")
    assert found and found[0].source == "data/countries/landia.yaml", found
    assert "above the one beside it (“Tijdlijn" in found[0].message


def test_fitting_balances_the_map_column_with_the_timeline(tmp_path):
    import pypdfium2

    from coopbrochure.pipeline import build

    project = with_long_timeline(project_with(tmp_path))
    [result] = build(project, editions=("nl-a4-web",), jobs=1).editions
    assert not [finding for finding in result.layout if finding.kind == "hole"], result.layout
    document = pypdfium2.PdfDocument(result.path)
    try:
        def where(text: str) -> tuple[int, tuple[float, ...]]:
            for index in range(len(document)):
                page = document[index].get_textpage()
                if hit := page.search(text).get_next():
                    return index, page.get_charbox(hit[0])
            raise AssertionError(f"{text!r} is not in the PDF")

        timeline_page, timeline = where("Tijdlijn")
        portfolio_page, portfolio = where("Portefeuille 2023 per kanaal")
        source_page, map_source = where("Kaartgegevens")
        # the portfolio is set under the map, at its left edge, beside the timeline
        assert portfolio_page == timeline_page == source_page
        assert portfolio[0] < timeline[0] - 50 and portfolio[1] < map_source[1]
    finally:
        document.close()


def test_text_in_the_margin_is_found(tmp_path):
    css = ".article h1 { white-space: nowrap; }"
    project = project_with(tmp_path, css=css, body="[[figure:kunst]]\n\n" + (LOREM * 6 + "\n\n") * 7)
    article = project / ARTICLE
    article.write_text(article.read_text(encoding="utf-8").replace(
        "title: Het eerste artikel", "title: Een titel die veel te lang is voor een regel van de bladzijde"),
        encoding="utf-8")
    found = findings(project, kind="overflow")
    assert found and found[0].source == ARTICLE and found[0].page == 5
    assert "margin" in found[0].message


def test_tiny_type_is_found_in_text_and_in_graphics(tmp_path):
    css = ".byline, .lead { font-size: 5pt; }\n.country-graphics .locator svg, svg.timeline { width: 30mm !important; }"
    found = findings(project_with(tmp_path, css=css), kind="type-size")
    assert any(finding.source == ARTICLE and "5.0 pt" in finding.message for finding in found)
    # the timeline of a country chapter, squeezed to 30 mm, prints its labels far under 6 pt
    assert any(finding.source == "data/countries/landia.yaml" and "graphic's text" in finding.message
               for finding in found)


def test_low_contrast_text_is_found(tmp_path):
    css = ".lead { color: #c9c9c9; }"
    found = [finding for finding in findings(project_with(tmp_path, css=css), kind="contrast")
             if finding.source == ARTICLE]
    assert found and found[0].element == "Een inleiding." and "contrast 1." in found[0].message


def test_text_over_a_light_picture_gets_a_scrim_measured_on_the_rendered_page(tmp_path):
    # the cover title in white over a white picture: only the drawn page can tell; fitting puts a dark scrim
    # behind the cover's text, which then reads
    project = project_with(tmp_path, css=".cover-title h1 { color: white; }")
    (project / "data/images/art.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 210 297"><rect width="210" height="297" fill="#fafafa"/>'
        "</svg>", encoding="utf-8")
    [result] = check_layout(project, editions=("nl-a4-web",), jobs=1)
    assert "cover" in result.scrims
    assert not [finding for finding in result.layout if finding.kind == "contrast" and finding.page == 1]


def test_text_over_a_picture_that_no_scrim_saves_is_found(tmp_path):
    # dark type forced over a black picture: the scrim is dark too, so the measured contrast stays low
    project = project_with(tmp_path, css=".masthead .series { color: #202020 !important; }")
    (project / "data/images/art.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 210 297"><rect width="210" height="297" fill="#000"/>'
        "</svg>", encoding="utf-8")
    found = [finding for finding in findings(project, kind="contrast") if finding.page == 1]
    assert [finding.element for finding in found] == ["Testreeks"] and found[0].source == "data/publication.yaml"
    assert "even on a dark scrim" in found[0].message


def test_fact_sheet_over_two_pages_is_found(tmp_path):
    project = project_with(tmp_path, country_intro=(LOREM * 8 + "\n\n") * 9)
    settings = project / "coopbrochure.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "documents: [dossier, factsheet]\n", encoding="utf-8")
    found = findings(project, "factsheet-la-nl-a4-web", kind="page-count")
    assert found and found[0].source == "data/countries/landia.yaml"
    assert "instead of two" in found[0].message


@pytest.mark.parametrize("edition", ["nl-a4-web"])
def test_check_layout_command_exits_1_with_located_findings(tmp_path, edition):
    from click.testing import CliRunner

    from coopbrochure.cli import main

    project = project_with(tmp_path, css=FIXED_TYPE, body="[[figure:kunst]]\n\n" + (LOREM * 6 + "\n\n") * 4)
    outcome = CliRunner().invoke(main, ["check-layout", str(project), "--edition", edition, "--jobs", "1"])
    assert outcome.exit_code == 1
    assert f"{ARTICLE}: page 6: page-fill: “" in outcome.output
    assert not (project / "output").exists()  # nothing written


# a stranded word to nudge; without the countries at a glance, which no variant fits to this project's two countries
REFITTED = ".columns p { hyphens: manual; } .countries-opener { display: none; }"


def test_a_rebuild_starts_each_unchanged_section_from_its_last_fit(tmp_path):
    from coopbrochure.pipeline import build

    project = project_with(tmp_path, css=REFITTED, body=STRANDED)
    [first] = build(project, editions=("nl-a4-web",), jobs=1).editions
    assert first.layouts > 1 and first.fit, "the stranded word needs a nudge: fitting lays the edition out again"
    editorial = project / "data/editorial.md"  # another section changes: the edition is built again
    editorial.write_text(editorial.read_text(encoding="utf-8") + "\nEen zin meer.\n", encoding="utf-8")
    [again] = build(project, editions=("nl-a4-web",), jobs=1).editions
    assert again.seconds is not None and again.layouts == 1 and again.layout == []
    assert again.fit == first.fit
    article = project / ARTICLE  # the fitted section itself changes: it is fitted from the start
    article.write_text(article.read_text(encoding="utf-8").replace("Het samenwerking", "Een samenwerking"),
                       encoding="utf-8")
    [changed] = build(project, editions=("nl-a4-web",), jobs=1).editions
    assert changed.layouts > 1 or changed.fit != first.fit


def test_a_hostile_fit_memory_is_ignored(tmp_path):
    import json

    from coopbrochure.pipeline import build

    project = project_with(tmp_path, css=REFITTED, body=STRANDED)
    [first] = build(project, editions=("nl-a4-web",), jobs=1).editions
    cache = project / "output/.coopbrochure-cache.json"
    records = json.loads(cache.read_text(encoding="utf-8"))
    records["nl-a4-web"]["inputs"] = "changed"  # built again, from a memory of the project's other hands
    records["nl-a4-web"]["fit"] = {digest: {"level": True, "moved": {"1": 10 ** 12, "x": 1}, "nudges": [1],
                                            "wrapped": "abc", "scrim": 1, "portfolio": "aside",
                                            "grown": {"1": 99, "y": "z", "2": True}} for digest in first.fit}
    records["nl-a4-web"]["fit"]["x"] = [1]
    cache.write_text(json.dumps(records), encoding="utf-8")
    [result] = build(project, editions=("nl-a4-web",), jobs=1).editions
    assert result.seconds is not None and result.layout == [] and result.fit == first.fit
    cache.write_text("[1, 2]", encoding="utf-8")
    [result] = build(project, editions=("nl-a4-web",), jobs=1).editions
    assert result.seconds is not None and result.layout == []


def test_key_figures_go_beside_a_map_whose_timeline_is_short(tmp_path):
    import pypdfium2

    from coopbrochure.pipeline import build

    project = project_with(tmp_path)
    country = project / "data/countries/landia.yaml"  # a timeline of two milestones: the map's column is far longer
    country.write_text(country.read_text(encoding="utf-8") + (
        "key_figures:\n  - {value: 1600000, unit: number, label: vluchtelingen opgevangen, source: UNHCR}\n"
        "  - {value: 50, unit: percent, label: van de bevolking is jonger dan achttien, source: Bureau}\n"),
        encoding="utf-8")
    [result] = build(project, editions=("nl-a4-web",), jobs=1).editions
    assert not [finding for finding in result.layout if finding.section == "country-la"], result.layout
    document = pypdfium2.PdfDocument(result.path)
    try:
        for index in range(len(document)):
            page = document[index].get_textpage()
            if (figure := page.search("1.600.000").get_next()) and (source := page.search("Kaartgegevens").get_next()):
                figure_box, map_source, timeline = (page.get_charbox(hit[0]) for hit in (
                    figure, source, page.search("Tijdlijn").get_next()))
                break
        else:
            raise AssertionError("the key figures and the map are on one page")
    finally:
        document.close()
    # beside the map, above the timeline: right of the map's credit, above it, and over the timeline's heading
    assert figure_box[0] > map_source[0] + 60 / 25.4 * 72 and figure_box[1] > map_source[1]
    assert 0 <= figure_box[0] - timeline[0] < 15 and figure_box[1] > timeline[1]  # the figure's rule and padding


def test_a_taller_map_is_shown_only_in_the_variant_it_was_measured_in():
    import re

    from coopbrochure import pagecheck

    fitter = fitting.Fitter('<section data-section="country-xx" data-fits><figure class="locator" '
                            'data-taller="110 125 139"><svg></svg></figure><p>Tekst.</p></section>')
    block = re.search(r'<figure[^>]*data-p="(\d+)"', fitter.first).group(1)
    assert fitter._measured_graphics(pagecheck.Inspection(map_steps={block: ("country-xx", 2)}))
    assert f'data-grow="2" data-p="{block}"' in fitter._apply()
    fitter.levels["country-xx"] = 3  # a denser variant draws its timeline shorter: the taller map is not for it
    assert "data-grow" not in fitter._apply()
    del fitter.levels["country-xx"]
    assert f'data-grow="2" data-p="{block}"' in fitter._apply()
    fitter._measured_graphics(pagecheck.Inspection(map_steps={block: ("country-xx", 0)}))  # its column got shorter
    assert "data-grow" not in fitter._apply()


def test_a_move_that_makes_its_section_worse_is_undone(monkeypatch):
    from coopbrochure import pagecheck

    fitter = fitting.Fitter('<section data-section="country-xx" data-fits><p>Tekst.</p></section>')
    measured = iter([  # the key figures beside the map would balance its columns; set there, a page spills
        pagecheck.Inspection(section_pages={"country-xx": [5]}, figures_beside={"country-xx"}),
        pagecheck.Inspection(findings=[pagecheck.Finding("page-fill", 6, "Tekst.", "landia.yaml", "14 % filled",
                                                         "country-xx")], section_pages={"country-xx": [5, 6]})])
    monkeypatch.setattr(pagecheck, "inspect", lambda document, factsheet: next(measured))
    assert 'data-figures="beside"' in fitter.review(None)
    again = fitter.review(None)
    assert again is not None and "data-figures" not in again  # laid out as before, in the same variant
    assert fitter.levels.get("country-xx", 0) == 0 and fitter.tried["country-xx"] == {0: 0}
