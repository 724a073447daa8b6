"""The web PDFs of the sample pass a PDF/UA review: the `pdfua` checker, link descriptions, header scopes, order."""

from __future__ import annotations

import re

import pikepdf
import pypdf
import pytest

pdfua = pytest.importorskip("pdfua", reason="the pdfua checker (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def web_pdfs(sample_project):
    pdfs = sorted((sample_project / "output").glob("*-web.pdf"))
    assert len(pdfs) == 15
    return pdfs


def test_pdfua_checker_finds_nothing_in_any_web_pdf(web_pdfs):
    for path in web_pdfs:
        report = pdfua.validate(str(path))
        assert not report.findings, f"{path.name}: " + "; ".join(
            f"{finding.rule_id}: {finding.message}" for finding in report.findings)


def test_links_are_described_by_the_words_they_cover(web_pdfs):
    for path in web_pdfs:
        with pikepdf.open(path) as pdf:
            destinations = set(pdf.Root.Names.Dests.as_dict()) if "/Names" in pdf.Root else set()
            for page in pdf.pages:
                for annotation in page.get("/Annots", []):
                    if annotation.get("/Subtype") != "/Link":
                        continue
                    description = str(annotation.get("/Contents", ""))
                    assert description.strip() and description not in destinations, (path.name, description)
                    assert not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", description), (path.name, description)


def test_overview_links_name_their_entry(sample_project):
    with pikepdf.open(sample_project / "output" / "andes-2013-nl-a4-web.pdf") as pdf:
        descriptions = [str(annotation.Contents) for annotation in pdf.pages[1].get("/Annots", [])]
    assert any(description.startswith("Peru") for description in descriptions), descriptions


def test_table_headers_have_a_scope(web_pdfs):
    headers = 0
    for path in web_pdfs:
        with pikepdf.open(path) as pdf:
            stack, seen = [pdf.Root.StructTreeRoot], set()
            while stack:
                node = stack.pop()
                if isinstance(node, pikepdf.Array):
                    stack.extend(node)
                    continue
                if not isinstance(node, pikepdf.Dictionary) or node.objgen in seen and node.objgen != (0, 0):
                    continue
                seen.add(node.objgen)
                if node.get("/S") == "/TH":
                    headers += 1
                    attributes = node.get("/A")
                    assert isinstance(attributes, pikepdf.Dictionary) and attributes.get("/Scope") in (
                        "/Column", "/Row", "/Both"), path.name
                if "/K" in node:
                    stack.append(node.K)
    assert headers >= 48


def test_colophon_is_read_after_the_editorial_heading(sample_project):
    for name in ("andes-2013-nl-a4-web.pdf", "andes-2013-fr-a5-web.pdf"):
        reader = pypdf.PdfReader(sample_project / "output" / name)
        entries = [(item.title, reader.get_destination_page_number(item)) for item in _flat(reader.outline)]
        colophon = next(index for index, (title, _) in enumerate(entries) if title in ("Colofon", "Colophon"))
        assert entries[colophon - 1][1] == entries[colophon][1], \
            f"{name}: the editorial's heading, on the colophon's page, is read before it, not {entries[colophon - 1]}"


def _flat(outline):
    for item in outline:
        if isinstance(item, list):
            yield from _flat(item)
        else:
            yield item


def test_letter_spaced_capitals_are_read_as_words(sample_project):
    with pikepdf.open(sample_project / "output" / "andes-2013-nl-a4-web.pdf") as pdf:
        actual = {str(obj.ActualText) for obj in pdf.objects
                  if isinstance(obj, pikepdf.Dictionary) and "/ActualText" in obj}
        for page in pdf.pages:
            actual |= {str(instruction.operands[-1].ActualText) for instruction in pikepdf.parse_content_stream(page)
                       if str(instruction.operator) == "BDC" and isinstance(instruction.operands[-1], pikepdf.Dictionary)
                       and "/ActualText" in instruction.operands[-1]}
    assert {"DIMENSIE 3", "LANDEN", "EDITORIAAL"} <= actual, sorted(actual)
    assert not [text for text in actual if re.search(r"\b\w \w \w\b", text)], "no letter-by-letter text"
