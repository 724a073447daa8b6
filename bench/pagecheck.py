"""What the page-quality check adds to a build: its own time as a share of WeasyPrint's, measured in one run.

Usage: python bench/pagecheck.py [PROJECT] [EDITION] [RUNS]   (default: the repository's sample, nl-a4-web, 5)

Each run lays out the edition once with WeasyPrint and writes its PDF (the baseline), then inspects that
layout (`pagecheck.inspect`) and measures the text over pictures on its own pages' small PDF
(`fitting.measure_text_over_art`), which is all the check does on a layout that needs no other variant.
Re-layouts that fitting asks for are layouts, and are counted as such (the build line names them).
Prints the medians and the ratio (check / WeasyPrint) as JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    import weasyprint

    from coopbrochure import pagecheck
    from coopbrochure.check import check_project, stylesheets
    from coopbrochure.fitting import measure_text_over_art
    from coopbrochure.pipeline import _edition_css, all_editions, edition_html
    from coopbrochure.profiles import setup
    from coopbrochure.render import sandboxed_fetcher

    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent)
    name = sys.argv[2] if len(sys.argv) > 2 else "nl-a4-web"
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    checked = check_project(root)
    project, dataset = checked.project, checked.dataset
    edition = next(edition for edition in all_editions(project) if edition.name == name)
    html = edition_html(project, dataset, edition)
    profile = setup(project, edition, stylesheets(project, edition.format, edition.kind))
    fetcher = sandboxed_fetcher([project.root, project.theme_dir, *profile.roots], [], profile.prepare)
    weasy, check = [], []
    for _ in range(runs):
        started = time.perf_counter()
        sheets = [weasyprint.CSS(string=sheet[0], base_url=sheet[1].as_uri(), url_fetcher=fetcher)
                  if isinstance(sheet, tuple) else weasyprint.CSS(string=sheet, url_fetcher=fetcher)
                  if isinstance(sheet, str) else weasyprint.CSS(filename=str(sheet), url_fetcher=fetcher)
                  for sheet in [*profile.stylesheets, _edition_css(edition)]]
        document = weasyprint.HTML(string=html, base_url=dataset.data_dir.as_uri() + "/",
                                   url_fetcher=fetcher).render(stylesheets=sheets)
        document.write_pdf()
        weasy.append(time.perf_counter() - started)
        started = time.perf_counter()
        inspection = pagecheck.inspect(document, factsheet=edition.kind == "factsheet")
        measure_text_over_art(document, inspection.over_art)
        check.append(time.perf_counter() - started)
    result = {"edition": name, "runs": runs, "weasyprint_s": round(statistics.median(weasy), 3),
              "check_s": round(statistics.median(check), 3),
              "ratio": round(statistics.median(check) / statistics.median(weasy), 3)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
