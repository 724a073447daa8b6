"""The benchmarks of issue 8 (a–f). Each returns its measures and its targets, as plain data.

Every time is the wall time of a whole command, interpreter start-up included, on both sides of a ratio:
`coopbrochure build` in a fresh process against `python bench/weasy_alone.py render` in a fresh process.
Measurements of the two sides are interleaved, so that load from elsewhere on the machine hits both alike.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import synth
from common import BENCH, COOPBROCHURE, PYTHON, WEASY_ALONE, median, run


def target(name: str, goal: str, value: float, unit: str, passed: bool | None, note: str = "") -> dict:
    return {"name": name, "goal": goal, "value": value, "unit": unit, "passed": passed, "note": note}


def build(project: Path, *arguments: str, ok_codes=(0,)):
    return run([*COOPBROCHURE, "build", *arguments], project, ok_codes=ok_codes)


def built_editions(stdout: str) -> tuple[int, int]:
    """(editions built, editions up to date) according to the build's report."""
    return len(re.findall(r"\.pdf +\d+ pages", stdout)), len(re.findall(r"\.pdf +up to date", stdout))


def pages_of(stdout: str) -> int:
    found = re.findall(r"\.pdf +(\d+) pages", stdout)
    return int(found[0]) if found else 0


def dump_spec(project: Path, edition: str, work: Path) -> Path:
    spec = work / f"spec-{project.name}-{edition}.json"
    run([*WEASY_ALONE, "dump", str(project), edition, str(spec)], project)
    return spec


def ours_vs_weasyprint(project: Path, edition: str, spec: Path, runs: int, before_ours=None) -> dict:
    """Median wall time of our build of `edition` and of WeasyPrint alone on its spec, runs interleaved.

    `before_ours` runs before each of our builds (untimed), e.g. to empty the prepared-image cache."""
    ours, alone = [], []
    for _ in range(runs):
        if before_ours:
            before_ours()
        ours.append(build(project, "--edition", edition, "--force", "--jobs", "1", ok_codes=(0, 1)))
        alone.append(run([*WEASY_ALONE, "render", str(spec), str(spec.with_suffix(".pdf"))], project))
    baseline = json.loads(alone[-1].stdout)
    baseline["pages"] = pdf_pages(spec.with_suffix(".pdf"))
    pdf = project / "output" / f"{_slug(project)}-{edition}.pdf"
    return {"ours_s": median(r.seconds for r in ours), "weasyprint_s": median(r.seconds for r in alone),
            "ratio": median(r.seconds for r in ours) / median(r.seconds for r in alone),
            "ours_runs_s": [r.seconds for r in ours], "weasyprint_runs_s": [r.seconds for r in alone],
            "pages": pages_of(ours[-1].stdout), "weasyprint_pages": baseline["pages"],
            "ours_mb": pdf.stat().st_size / 1e6, "weasyprint_mb": baseline["bytes"] / 1e6,
            "ours_peak_mb": max(r.peak_mb for r in ours), "weasyprint_peak_mb": max(r.peak_mb for r in alone),
            "preflight": re.findall(r"preflight: (.*)", ours[-1].stdout)[-1:]}


def pdf_pages(path: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def _slug(project: Path) -> str:
    return re.search(r"^slug: *(\S+)", (project / "coopbrochure.yaml").read_text(encoding="utf-8"), re.M)[1]


def stages(project: Path, edition: str) -> dict:
    """One in-process build of `edition`, timed stage by stage (bench/stages.py)."""
    return json.loads(run([PYTHON, str(BENCH / "stages.py"), str(project), edition], project).stdout)


# ---- a. overhead ------------------------------------------------------------------------------------------

def overhead(work: Path, settings: dict) -> dict:
    project = synth.copy_sample(work)
    editions = settings["overhead_editions"]
    result = {"editions": {}}
    for index, edition in enumerate(editions):
        spec = dump_spec(project, edition, work)
        if index == 0:  # warm-up: file system cache, build cache folder
            build(project, "--edition", edition, "--force", ok_codes=(0, 1))
        measured = ours_vs_weasyprint(project, edition, spec, settings["runs"] if index == 0 else settings["heavy_runs"])
        measured["breakdown"] = stages(project, edition)
        result["editions"][edition] = measured
    main = result["editions"][editions[0]]
    result["targets"] = [target(f"a. overhead ({editions[0]}): our build / WeasyPrint alone", "≤ 1.05",
                                main["ratio"], "×", main["ratio"] <= 1.05)]
    for edition in editions[1:]:
        other = result["editions"][edition]
        result["targets"].append(target(f"a. overhead ({edition})", "≤ 1.05", other["ratio"], "×",
                                        other["ratio"] <= 1.05))
    return result


# ---- b. scaling -------------------------------------------------------------------------------------------

def scaling(work: Path, settings: dict) -> dict:
    result = {"publications": {}}
    for goal in settings["pages"]:
        project = synth.synthetic(work, goal)
        runs = settings["runs"] if goal == min(settings["pages"]) else settings["heavy_runs"]
        measured = [build(project, "--edition", "nl-a4-web", "--force", "--jobs", "1", ok_codes=(0, 1))
                    for _ in range(runs)]
        pages = pages_of(measured[-1].stdout)
        seconds = median(r.seconds for r in measured)
        result["publications"][goal] = {"pages": pages, "seconds": seconds, "per_page_s": seconds / pages,
                                        "peak_mb": max(r.peak_mb for r in measured), "runs": runs,
                                        "runs_s": [r.seconds for r in measured]}
        if goal == max(settings["pages"]):  # WeasyPrint alone on the same HTML: its own time and memory
            spec = dump_spec(project, "nl-a4-web", work)
            alone = run([*WEASY_ALONE, "render", str(spec), str(spec.with_suffix(".pdf"))], project)
            result["publications"][goal].update(weasyprint_s=alone.seconds, weasyprint_peak_mb=alone.peak_mb)
        shutil.rmtree(project)
    smallest, largest = (result["publications"][goal] for goal in (min(settings["pages"]), max(settings["pages"])))
    growth = largest["per_page_s"] / smallest["per_page_s"]
    result["targets"] = [
        target(f"b. time per page, {largest['pages']} pages / {smallest['pages']} pages", "≤ 1.3", growth, "×",
               growth <= 1.3),
        target(f"b. peak memory, {largest['pages']} pages", "< 600 MB", largest["peak_mb"], "MB",
               largest["peak_mb"] < 600)]
    return result


# ---- c. images --------------------------------------------------------------------------------------------

def images(work: Path, settings: dict) -> dict:
    count = settings["photos"]
    project = synth.photo_dossier(work, photos=count)
    photo_mb = sum(path.stat().st_size for path in (project / "data" / "photos").iterdir()) / 1e6
    cache = project / "output" / ".coopbrochure-images"
    result = {"photos": count, "photos_mb": photo_mb, "profiles": {}}
    for profile in ("web", "print"):
        edition = f"nl-a4-{profile}"
        spec = dump_spec(project, edition, work)
        cold = ours_vs_weasyprint(project, edition, spec, settings["image_runs"],
                                  before_ours=lambda: shutil.rmtree(cache, ignore_errors=True))
        warm = [build(project, "--edition", edition, "--force", "--jobs", "1", ok_codes=(0, 1))
                for _ in range(settings["image_runs"])]
        cold["images_checked"] = embedded_images(project / "output" / f"{_slug(project)}-{edition}.pdf")
        cold["warm_cache_s"] = median(r.seconds for r in warm)
        cold["warm_ratio"] = cold["warm_cache_s"] / cold["weasyprint_s"]
        if profile == "web":  # where the cold build's time goes
            shutil.rmtree(cache, ignore_errors=True)
            cold["breakdown_cold"] = stages(project, edition)
        result["profiles"][profile] = cold
    web = result["profiles"]["web"]
    result["targets"] = [
        target(f"c. {count}-photo web PDF size", "< 5 MB", web["ours_mb"], "MB", web["ours_mb"] < 5),
        target(f"c. {count}-photo web build, cold image cache / WeasyPrint on raw photos", "< 1.0", web["ratio"],
               "×", web["ratio"] < 1.0),
        target(f"c. {count}-photo web build, warm image cache / WeasyPrint on raw photos", "< 1.0",
               web["warm_ratio"], "×", web["warm_ratio"] < 1.0)]
    return result


def embedded_images(pdf: Path) -> dict:
    """Whether each JPEG in the PDF holds what its image dictionary says (size, colour components).

    A mismatch means the PDF embeds other bytes than the ones laid out (e.g. the original photo instead
    of the prepared one): viewers then show nothing or garbage, whatever the timings say."""
    import io

    from PIL import Image
    from pypdf import PdfReader

    components = {"/DeviceRGB": 3, "/DeviceCMYK": 4, "/DeviceGray": 1}
    seen, found, mismatched = set(), 0, []

    def walk(resources, depth=0):
        resources = resources.get_object() if resources is not None else None
        if not resources or depth > 8:
            return
        for name, reference in (resources.get("/XObject") or {}).items():
            if reference.idnum in seen:
                continue
            seen.add(reference.idnum)
            xobject = reference.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"), depth + 1)
            elif xobject.get("/Subtype") == "/Image" and xobject.get("/Filter") == "/DCTDecode":
                nonlocal found
                found += 1
                with Image.open(io.BytesIO(xobject._data)) as jpeg:
                    declared = (int(xobject["/Width"]), int(xobject["/Height"]),
                                components.get(str(xobject.get("/ColorSpace")), len(jpeg.getbands())))
                    actual = (*jpeg.size, len(jpeg.getbands()))
                if declared != actual:
                    mismatched.append({"declared": declared, "embedded": actual})

    for page in PdfReader(pdf).pages:
        walk(page.get("/Resources"))
    return {"jpeg_images": found, "mismatched": len(mismatched), "examples": mismatched[:2]}


# ---- e. matrix and d. rebuilds ----------------------------------------------------------------------------

def matrix(work: Path, settings: dict) -> dict:
    project = synth.copy_sample(work, "matrix")  # no warm-up: the overhead benchmark warmed the file cache
    serial, parallel = [], []
    for _ in range(settings["heavy_runs"]):
        serial.append(build(project, "--force", "--jobs", "1", ok_codes=(0, 1)))
        parallel.append(build(project, "--force", ok_codes=(0, 1)))
    editions = built_editions(parallel[-1].stdout)[0]
    result = {"project": str(project), "editions": editions, "jobs_1_s": median(r.seconds for r in serial),
              "default_jobs_s": median(r.seconds for r in parallel),
              "jobs_1_runs_s": [r.seconds for r in serial], "default_jobs_runs_s": [r.seconds for r in parallel],
              "peak_mb_default_jobs": max(r.peak_mb for r in parallel),
              # cores our build kept busy on average: CPU seconds (workers included) per wall second
              "jobs_1_cores_used": median(r.cpu_s / r.seconds for r in serial),
              "default_jobs_cores_used": median(r.cpu_s / r.seconds for r in parallel)}
    result["ratio"] = result["default_jobs_s"] / result["jobs_1_s"]
    result["targets"] = [target(f"e. full matrix ({editions} editions), default jobs / --jobs 1", "no target (info)",
                                result["ratio"], "×", None,
                                f"{result['jobs_1_s']:.1f} s → {result['default_jobs_s']:.1f} s")]
    return result


def rebuild(work: Path, settings: dict, matrix_result: dict | None) -> dict:
    if matrix_result:
        project, full = Path(matrix_result["project"]), matrix_result["default_jobs_s"]
    else:
        project = synth.copy_sample(work, "rebuild")
        full = build(project, "--force", ok_codes=(0, 1)).seconds
    build(project, ok_codes=(0, 1))  # whatever is stale is built now, so the next build has nothing to do
    nothing = [build(project, ok_codes=(0, 1)) for _ in range(max(5, settings["runs"]))]
    article = project / "data" / "articles" / "water-voor-iedereen.en.md"
    changed = []
    for number in range(settings["heavy_runs"]):
        article.write_text(article.read_text(encoding="utf-8") + f"\nEen extra zin, versie {number}.\n",
                           encoding="utf-8")
        changed.append(build(project, ok_codes=(0, 1)))
    rebuilt, fresh = built_editions(changed[-1].stdout)
    result = {"full_build_s": full, "nothing_changed_s": median(r.seconds for r in nothing),
              "nothing_changed_runs_s": [r.seconds for r in nothing],
              "one_markdown_changed_s": median(r.seconds for r in changed),
              "one_markdown_changed_editions_rebuilt": rebuilt, "one_markdown_changed_editions_fresh": fresh,
              "changed_file": str(article.relative_to(project))}
    result["nothing_changed_ratio"] = result["nothing_changed_s"] / full
    result["one_markdown_changed_ratio"] = result["one_markdown_changed_s"] / full
    result["targets"] = [
        target("d. no-op rebuild (full matrix, nothing changed)", "< 0.5 s", result["nothing_changed_s"], "s",
               result["nothing_changed_s"] < 0.5),
        target("d. one Markdown file changed / full build", "no target (info)", result["one_markdown_changed_ratio"],
               "×", None, f"{rebuilt} of {rebuilt + fresh} editions rebuilt, "
                          f"{result['one_markdown_changed_s']:.1f} s")]
    return result


# ---- f. start-up ------------------------------------------------------------------------------------------

IMPORTS_CHECK = ("import sys\nfrom coopbrochure.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n"
                 "    pass\nheavy = sorted(m for m in ('weasyprint', 'pydantic', 'jinja2', 'babel', 'PIL', 'pypdf')"
                 " if m in sys.modules)\nprint(' '.join(heavy), file=sys.stderr)")


def startup(work: Path, settings: dict) -> dict:
    script = Path(PYTHON).parent / "coopbrochure"
    command = [str(script)] if script.exists() else COOPBROCHURE
    runs = max(10, settings["runs"])
    run([*command, "--help"], work)  # warm-up: file system cache
    helps, interpreter = [], []
    for _ in range(runs):
        helps.append(run([*command, "--help"], work))
        interpreter.append(run([PYTHON, "-c", "pass"], work))
    heavy = run([PYTHON, "-c", IMPORTS_CHECK], work).stderr.split()
    build_help = median(run([*command, "build", "--help"], work).seconds for _ in range(5))
    result = {"command": " ".join(Path(part).name if part == str(script) else part for part in command) + " --help",
              "help_s": median(r.seconds for r in helps), "help_runs_s": [r.seconds for r in helps],
              "build_help_s": build_help, "python_alone_s": median(r.seconds for r in interpreter),
              "heavy_modules_imported_by_help": heavy}
    result["targets"] = [target("f. `coopbrochure --help`", "< 0.3 s", result["help_s"], "s", result["help_s"] < 0.3,
                                "imports " + (", ".join(heavy) if heavy else "none of WeasyPrint, pydantic, Jinja, "
                                                                              "Babel, Pillow, pypdf"))]
    return result
