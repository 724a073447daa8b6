"""Where one build's time goes: `coopbrochure.build()` in this process, its stages timed with perf_counter.

Usage: python bench/stages.py PROJECT EDITION  → prints one JSON object of seconds per stage.

The build runs exactly as `coopbrochure build --edition EDITION --force --jobs 1` does (same library call);
the functions it calls are wrapped, so each stage is timed where it happens. WeasyPrint's own time is
stylesheet parsing (`CSS()`), layout (`HTML.render`) and PDF writing (`Document.write_pdf`), minus what our code does inside them (image
preparation called by the URL fetcher); finishing (`profiles.finished`) runs after WeasyPrint and is timed apart.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

TIMES: dict[str, float] = defaultdict(float)
PEAKS: dict[str, float] = {}  # stage -> how much the process's peak resident memory grew during it (MB)


def timed(owner, name: str, stage: str, inner: bool = False):
    """Replace `owner.name` by a wrapper adding its duration to TIMES[stage].

    `inner` marks our code called from inside WeasyPrint: its time is also noted under "_inside_weasyprint".
    """
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started, peak = time.perf_counter(), _peak_mb()
        try:
            return original(*args, **kwargs)
        finally:
            spent = time.perf_counter() - started
            TIMES[stage] += spent
            PEAKS[stage] = PEAKS.get(stage, 0.0) + _peak_mb() - peak
            if inner:
                TIMES["_inside_weasyprint"] += spent

    setattr(owner, name, wrapper)
    return original


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    project, edition = Path(sys.argv[1]), sys.argv[2]
    started = time.perf_counter()
    import weasyprint  # noqa: F401  (what WeasyPrint alone imports too)
    import weasyprint.document

    TIMES["import weasyprint"] = time.perf_counter() - started
    mark = time.perf_counter()
    from coopbrochure import cli, pipeline, profiles  # noqa: F401  (cli: what the command imports)

    TIMES["import coopbrochure"] = time.perf_counter() - mark

    timed(pipeline, "load_project", "project file + validation of it")
    timed(pipeline, "edition_inputs", "build cache: hashing inputs")
    timed(pipeline.BuildCache, "save", "build cache: hashing inputs")
    timed(pipeline, "check_project", "data: load + validate (YAML, Markdown, templates, CSS)")
    timed(pipeline, "palette", "template context (Markdown, charts, maps, palette)")
    timed(pipeline, "edition_context", "template context (Markdown, charts, maps, palette)")
    timed(pipeline, "render_template", "Jinja templates")
    timed(pipeline, "stylesheets", "CSS: theme sheets, colours to CMYK, fonts list")
    timed(pipeline, "setup", "CSS: theme sheets, colours to CMYK, fonts list")
    timed(pipeline, "font_families", "CSS: theme sheets, colours to CMYK, fonts list")
    timed(profiles, "prepare_image", "images: prepare (resize, CMYK, cache)", inner=True)
    timed(pipeline, "finished", "finishing (print: CMYK gradients, overprint, marks; web: tags)")
    timed(weasyprint.CSS, "__init__", "_weasyprint_css")
    timed(weasyprint.HTML, "render", "_weasyprint_render")
    timed(weasyprint.document.Document, "write_pdf", "_weasyprint_write_pdf")
    timed(pipeline, "render_pdf", "_render_pdf")
    timed(pipeline, "cover_thumbnail", "cover thumbnail (pypdfium2)")
    timed(pipeline, "_preflight", "preflight")
    timed(pipeline, "write_atomically", "write files (fsync)")
    timed(pipeline, "impose", "booklet imposition") if hasattr(pipeline, "impose") else None

    mark = time.perf_counter()
    result = pipeline.build(project, editions=(edition,), jobs=1, force=True)
    total_build = time.perf_counter() - mark
    pages = sum(item.pages or 0 for item in result.editions)

    weasy = (TIMES.pop("_weasyprint_css") + TIMES.pop("_weasyprint_render") + TIMES.pop("_weasyprint_write_pdf")
             - TIMES.pop("_inside_weasyprint", 0.0))
    render_pdf = TIMES.pop("_render_pdf")
    inner = TIMES.get("images: prepare (resize, CMYK, cache)", 0.0)
    # What render_pdf does around WeasyPrint: font configuration, sandboxed fetcher, warnings, font check.
    TIMES["render_pdf around WeasyPrint (fetcher set-up, warnings, font check)"] = max(0.0, render_pdf - weasy - inner)
    accounted = sum(value for key, value in TIMES.items() if not key.startswith("import"))
    TIMES["other (glue, garbage collection)"] = max(0.0, total_build - weasy - accounted)
    print(json.dumps({"edition": edition, "pages": pages, "build_s": total_build, "weasyprint_s": weasy,
                      "ours_s": total_build - weasy, "stages_s": dict(TIMES), "peak_mb": _peak_mb(),
                      "peak_growth_mb": {PEAK_NAMES.get(stage, stage): round(grown, 1) for stage, grown in PEAKS.items()
                                         if grown >= 1 and stage != "_render_pdf"}}))


PEAK_NAMES = {"_weasyprint_css": "WeasyPrint stylesheets", "_weasyprint_render": "WeasyPrint layout",
              "_weasyprint_write_pdf": "WeasyPrint PDF writing"}


if __name__ == "__main__":
    main()
