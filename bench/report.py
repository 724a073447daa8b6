"""The benchmark results as console lines and as bench/RESULTS.md."""

from __future__ import annotations

METHOD = """\
- Every time is the wall time of a fresh process, Python start-up and imports included, on both sides of
  every ratio; medians over the runs given above. Our builds and their baselines run interleaved, so that
  load from elsewhere on the machine hits both alike.
- **WeasyPrint alone** (`bench/weasy_alone.py`) is given exactly what our build hands WeasyPrint for that
  edition: the HTML from `pipeline.edition_html`, the stylesheets and PDF options of `profiles.setup`
  (print colours already converted to CMYK) and the edition's own CSS; it writes the PDF as WeasyPrint's
  documentation shows. Left out, being our work: image preparation, the sandboxed fetcher, the print
  finisher (crop marks), validation, the cover thumbnail, preflight, the build cache.
- Builds are `coopbrochure build --edition E --force --jobs 1` (one edition) or `build --force [--jobs 1]`
  (the matrix); a preflight failure (exit 1) is recorded, not retried.
- The stage breakdown is one in-process `coopbrochure.build()` of the same edition with its functions
  wrapped in `time.perf_counter` timers (`bench/stages.py`); it excludes interpreter start-up.
- Peak memory is the largest resident set of the build process and its workers (`os.wait4` rusage).
- Synthetic publications: the sample project, Dutch A4 only, one country and generated Dutch articles
  (about two pages each, one illustration and one pull quote); photos: 4000×3000 JPEG q90 with gradients
  and grain, placed as article figures, generated from a fixed seed.
"""


def _value(value: float, unit: str) -> str:
    if unit == "×":
        return f"{value:.2f}×"
    if unit == "s":
        return f"{value:.3f} s" if value < 1 else f"{value:.1f} s"
    return f"{value:.1f} {unit}"


def _verdict(passed: bool | None) -> str:
    return "—" if passed is None else ("PASS" if passed else "FAIL")


def console_lines(name: str, outcome: dict) -> list[str]:
    return [f"{_verdict(item['passed']):5} {item['name']}: {_value(item['value'], item['unit'])} "
            f"(target {item['goal']}){'  ' + item['note'] if item['note'] else ''}"
            for item in outcome.get("targets", [])] + [f"      ({name}: {outcome['benchmark_s']:.0f} s{_others(outcome)})"]


def _others(outcome: dict) -> str:
    cores = outcome.get("other_processes_cores")
    return "" if cores is None else f"; other processes kept {cores:.2f} of the cores busy meanwhile"


def markdown(results: dict) -> str:
    settings, benches = results["settings"], results["benchmarks"]
    lines = ["# Benchmark results", "",
             f"Written by `bench/run.py` on {results['date']} in {results['total_s']:.0f} s"
             f"{' (--quick: not valid for the targets)' if settings['quick'] else ''}.", "",
             f"**Machine:** {results['machine_description']}. Load average when the run started: "
             f"{results['machine']['load_at_start']:.2f}.", "",
             f"**Runs:** median of {settings['runs']} runs for light measurements; {settings['heavy_runs']} for the "
             f"full matrix, the one-text rebuild and the {max(settings['pages'])}-page publication; "
             f"{settings['image_runs']} for each photo build and its baseline.", "",
             "## Targets", "", "| target | goal | measured | result |", "| --- | --- | --- | --- |"]
    for outcome in benches.values():
        for item in outcome.get("targets", []):
            note = f" ({item['note']})" if item["note"] else ""
            lines.append(f"| {item['name']} | {item['goal']} | {_value(item['value'], item['unit'])}{note} | "
                         f"{_verdict(item['passed'])} |")
    lines += ["", "## Conditions", "",
              "Other processes share this machine; the CPU they used during each benchmark (all CPUs' busy time "
              "from /proc/stat minus ours) slows the measurements down, most of all the parallel ones.", "",
              "| benchmark | duration | cores busy with other processes (average) |", "| --- | --- | --- |"]
    for name, outcome in benches.items():
        cores = outcome.get("other_processes_cores")
        lines.append(f"| {name} | {outcome['benchmark_s']:.0f} s | {'?' if cores is None else f'{cores:.2f}'} |")
    for name, writer in (("overhead", _overhead), ("scaling", _scaling), ("images", _images),
                         ("rebuild", _rebuild), ("matrix", _matrix), ("startup", _startup)):
        if name in benches:
            lines += ["", *writer(benches[name])]
    missed = [item for outcome in benches.values() for item in outcome.get("targets", []) if item["passed"] is False]
    lines += ["", "## Missed targets", ""]
    lines += [f"- {item['name']}: {_value(item['value'], item['unit'])} against {item['goal']}."
              + (f" {_reason(item, benches)}" if _reason(item, benches) else "") for item in missed] or ["None."]
    lines += ["", "## Method", "", METHOD]
    return "\n".join(lines)


def _overhead(result: dict) -> list[str]:
    lines = ["## a. Overhead: our build against WeasyPrint alone", "",
             "| edition | pages (WeasyPrint's) | our build | WeasyPrint alone | ratio | our PDF | WeasyPrint's PDF | our peak memory |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for edition, item in result["editions"].items():
        lines.append(f"| {edition} | {item['pages']} ({item['weasyprint_pages']}) | {item['ours_s']:.2f} s | "
                     f"{item['weasyprint_s']:.2f} s | {item['ratio']:.2f}× | {item['ours_mb']:.2f} MB | "
                     f"{item['weasyprint_mb']:.2f} MB | {item['ours_peak_mb']:.0f} MB |")
    for edition, item in result["editions"].items():
        stages = item["breakdown"]
        build = stages["build_s"]
        lines += ["", f"Where the time of one in-process build of {edition} goes ({build:.2f} s; "
                      f"WeasyPrint's own stylesheet parsing, layout and PDF writing {stages['weasyprint_s']:.2f} s, "
                      f"ours {stages['ours_s']:.2f} s = {stages['ours_s'] / stages['weasyprint_s']:.0%} "
                      "on top of WeasyPrint, before imports):", "",
                  "| our stage | seconds | share of WeasyPrint's time |", "| --- | --- | --- |"]
        for stage, seconds in _our_stages(stages):
            lines.append(f"| {stage} | {seconds:.3f} | {seconds / stages['weasyprint_s']:.1%} |")
        imports = stages["stages_s"]
        lines += ["", f"Imports, before the build: WeasyPrint {imports.get('import weasyprint', 0):.2f} s (WeasyPrint "
                      f"alone pays it too), coopbrochure's own modules {imports.get('import coopbrochure', 0):.2f} s "
                      "(ours)."]
        if stages.get("peak_growth_mb"):
            lines += ["", "Growth of the peak memory by stage: " + ", ".join(
                f"{stage} +{grown:.0f} MB" for stage, grown in stages["peak_growth_mb"].items())
                + f"; peak {stages['peak_mb']:.0f} MB."]
    return lines


def _our_stages(stages: dict) -> list[tuple[str, float]]:
    """Our stages of an in-process build, largest first (imports apart)."""
    return sorted(((stage, seconds) for stage, seconds in stages["stages_s"].items()
                   if not stage.startswith("import")), key=lambda entry: -entry[1])


def _scaling(result: dict) -> list[str]:
    lines = ["## b. Scaling: synthetic publications, nl-a4-web, --jobs 1", "",
             "| publication | pages | build | per page | peak memory | runs |", "| --- | --- | --- | --- | --- | --- |"]
    for goal, item in result["publications"].items():
        lines.append(f"| ~{goal} pages | {item['pages']} | {item['seconds']:.1f} s | {item['per_page_s'] * 1000:.0f} ms "
                     f"| {item['peak_mb']:.0f} MB | {item['runs']} |")
    for goal, item in result["publications"].items():
        if "weasyprint_s" in item:
            lines += ["", f"WeasyPrint alone on the same HTML of {item['pages']} pages: {item['weasyprint_s']:.1f} s "
                          f"({item['seconds'] / item['weasyprint_s']:.2f}× for our build), peak memory "
                          f"{item['weasyprint_peak_mb']:.0f} MB (ours {item['peak_mb']:.0f} MB)."]
    return lines


def _images(result: dict) -> list[str]:
    lines = [f"## c. Images: {result['photos']} photos of 12 megapixels ({result['photos_mb']:.0f} MB of JPEG)", "",
             "| profile | our build, cold image cache | warm cache | WeasyPrint on raw photos | cold ratio | warm ratio "
             "| our PDF | WeasyPrint's PDF | our peak memory | WeasyPrint's peak |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for profile, item in result["profiles"].items():
        lines.append(f"| {profile} | {item['ours_s']:.1f} s | {item['warm_cache_s']:.1f} s | {item['weasyprint_s']:.1f} s "
                     f"| {item['ratio']:.2f}× | {item['warm_ratio']:.2f}× | {item['ours_mb']:.1f} MB | "
                     f"{item['weasyprint_mb']:.1f} MB | {item['ours_peak_mb']:.0f} MB | "
                     f"{item['weasyprint_peak_mb']:.0f} MB |")
    web = result["profiles"].get("web", {}).get("breakdown_cold")
    if web:
        top = _our_stages(web)[:5]
        lines += ["", f"One in-process web build with a cold image cache: {web['build_s']:.1f} s, of which WeasyPrint "
                      f"{web['weasyprint_s']:.1f} s and ours {web['ours_s']:.1f} s; largest stages: "
                  + "; ".join(f"{stage} {seconds:.2f} s" for stage, seconds in top) + "."]
    for profile, item in result["profiles"].items():
        checked = item.get("images_checked")
        if checked and checked["mismatched"]:
            example = checked["examples"][0]
            lines.append(f"\n**Broken output ({profile}):** {checked['mismatched']} of {checked['jpeg_images']} JPEG images "
                         f"in our PDF hold other bytes than their image dictionary declares (e.g. declared "
                         f"{example['declared'][0]}×{example['declared'][1]} with {example['declared'][2]} components, "
                         f"embedded {example['embedded'][0]}×{example['embedded'][1]} with {example['embedded'][2]}): "
                         "the original photo was embedded instead of the prepared one, so viewers show no picture. "
                         "Times and sizes of this profile are those of that broken output.")
        elif checked:
            lines.append(f"\nAll {checked['jpeg_images']} JPEG images of our {profile} PDF hold what their dictionaries "
                         "declare.")
    for profile, item in result["profiles"].items():
        if item["preflight"]:
            lines.append(f"\nPreflight of the {profile} PDF: {item['preflight'][0]}")
    return lines


def _rebuild(result: dict) -> list[str]:
    return ["## d. Rebuilds: the full matrix, default jobs", "", "| build | time | against the full build |",
            "| --- | --- | --- |", f"| full (--force) | {result['full_build_s']:.1f} s | 1.00× |",
            f"| nothing changed | {result['nothing_changed_s']:.3f} s | {result['nothing_changed_ratio']:.3f}× |",
            f"| one Markdown file changed ({result['changed_file']}: "
            f"{result['one_markdown_changed_editions_rebuilt']} editions rebuilt) | "
            f"{result['one_markdown_changed_s']:.1f} s | {result['one_markdown_changed_ratio']:.2f}× |"]


def _matrix(result: dict) -> list[str]:
    return [f"## e. The full matrix ({result['editions']} editions)", "",
            "| jobs | time | cores our build kept busy | peak memory |", "| --- | --- | --- | --- |",
            f"| --jobs 1 | {result['jobs_1_s']:.1f} s | {result['jobs_1_cores_used']:.2f} | |",
            f"| default (one per CPU) | {result['default_jobs_s']:.1f} s | {result['default_jobs_cores_used']:.2f} | "
            f"{result['peak_mb_default_jobs']:.0f} MB |",
            "", f"Default against --jobs 1: {result['ratio']:.2f}× the time ({1 / result['ratio']:.2f}× as fast)."]


def _startup(result: dict) -> list[str]:
    heavy = ", ".join(result["heavy_modules_imported_by_help"]) or "none"
    return ["## f. Start-up", "", "| command | time |", "| --- | --- |",
            f"| `{result['command']}` | {result['help_s']:.3f} s |",
            f"| `coopbrochure build --help` | {result['build_help_s']:.3f} s |",
            f"| `python -c pass` (the interpreter alone) | {result['python_alone_s']:.3f} s |", "",
            f"Heavy modules imported by `--help` (of WeasyPrint, pydantic, Jinja, Babel, Pillow, pypdf): {heavy}."]


def _reason(item: dict, benches: dict) -> str:
    """The measured cause of a missed target, where the run can tell it."""
    if item["name"].startswith("a. overhead"):
        edition = item["name"].split("(")[1].split(")")[0]
        measured = benches["overhead"]["editions"][edition]
        stages = measured["breakdown"]
        top = _our_stages(stages)[:4]
        allowed = 0.05 * stages["weasyprint_s"]
        return (f"In process, WeasyPrint takes {stages['weasyprint_s']:.2f} s and our stages {stages['ours_s']:.2f} s "
                f"(5 % would be {allowed:.2f} s), plus {stages['stages_s'].get('import coopbrochure', 0):.2f} s "
                "importing our modules; the largest: "
                + "; ".join(f"{stage} {seconds:.2f} s" for stage, seconds in top) + ".")
    if item["name"].startswith("b. peak memory"):
        largest = benches["scaling"]["publications"][max(benches["scaling"]["publications"], key=int)]
        if "weasyprint_peak_mb" in largest:
            return (f"WeasyPrint alone peaks at {largest['weasyprint_peak_mb']:.0f} MB on the same HTML: "
                    f"{largest['peak_mb'] - largest['weasyprint_peak_mb']:.0f} MB is ours.")
    if item["name"].startswith("b. time per page"):
        publications = benches["scaling"]["publications"]
        return "Per page: " + ", ".join(f"{item['pages']} pages {item['per_page_s'] * 1000:.0f} ms"
                                        for item in publications.values()) + "."
    if item["name"].startswith("c.") and "web build" in item["name"]:
        web = benches["images"]["profiles"]["web"]
        reason = (f"Our build {web['ours_s']:.1f} s (warm cache {web['warm_cache_s']:.1f} s) against WeasyPrint "
                  f"{web['weasyprint_s']:.1f} s.")
        cold = web.get("breakdown_cold")
        if cold:
            prepare = cold["stages_s"].get("images: prepare (resize, CMYK, cache)", 0.0)
            reason += (f" In process, preparing the photos takes {prepare:.2f} s, and our other stages "
                       f"{cold['ours_s'] - prepare:.2f} s (mostly preflight).")
        return reason
    return ""
