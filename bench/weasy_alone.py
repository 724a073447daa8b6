"""The baseline: WeasyPrint alone on the final HTML, CSS and options of one edition.

    python bench/weasy_alone.py dump PROJECT EDITION SPEC.json   (uses coopbrochure; not timed)
    python bench/weasy_alone.py render SPEC.json OUT.pdf          (imports WeasyPrint only; timed)

`dump` asks coopbrochure for exactly what its build hands to WeasyPrint for that edition: the HTML
(`pipeline.edition_html`), the stylesheets and PDF options of the profile (`profiles.setup`, print
colours already in CMYK) and the edition's own CSS. Left out, because they are our work and not
WeasyPrint's: the print finisher (crop marks), the sandboxed URL fetcher and image preparation. So
`render` reads every image as it is in the data folder (12-megapixel photos included), with
WeasyPrint's default fetcher and no image cache, and writes the PDF the way WeasyPrint's documentation
shows: one FontConfiguration shared by the stylesheets, then
`HTML(string=..., base_url=...).write_pdf(stylesheets=..., **options)`, which hands the image options
(`dpi`, `jpeg_quality`, `optimize_images`) to layout, where WeasyPrint 70 applies them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def dump(project_dir: str, name: str, spec: str) -> None:
    from coopbrochure import pipeline
    from coopbrochure.check import check_project, stylesheets
    from coopbrochure.profiles import setup

    checked = check_project(Path(project_dir))
    project, dataset = checked.project, checked.dataset
    edition = next(edition for edition in project.settings.editions if edition.name == name)
    html = pipeline.edition_html(project, dataset, edition)
    profile = setup(project, edition, stylesheets(project, edition.format))
    sheets = []
    for sheet in [*profile.stylesheets, pipeline._edition_css(edition)]:
        if isinstance(sheet, tuple):  # CSS text converted from a file (print colours in CMYK)
            sheets.append({"string": sheet[0], "base_url": sheet[1].as_uri()})
        elif isinstance(sheet, str):
            sheets.append({"string": sheet})
        else:
            sheets.append({"filename": str(sheet)})
    options = {key: value for key, value in profile.pdf_options.items() if key != "finisher"}
    Path(spec).write_text(json.dumps({"edition": name, "html": html, "base_url": dataset.data_dir.as_uri() + "/",
                                      "stylesheets": sheets, "options": options}), encoding="utf-8")


def render(spec_path: str, out: str) -> None:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    fonts, colour_profiles = FontConfiguration(), {}
    sheets = [weasyprint.CSS(font_config=fonts, color_profiles=colour_profiles, **sheet) for sheet in spec["stylesheets"]]
    pdf = weasyprint.HTML(string=spec["html"], base_url=spec["base_url"]).write_pdf(
        stylesheets=sheets, font_config=fonts, color_profiles=colour_profiles, **spec["options"])
    Path(out).write_bytes(pdf)
    print(json.dumps({"bytes": len(pdf)}))


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    {"dump": dump, "render": render}[command](*arguments)
