"""Bad input: every scenario project under tests/scenarios ends in its exact located message."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from coopbrochure.cli import main

SCENARIOS = sorted(path for path in (Path(__file__).parent / "scenarios").iterdir() if path.is_dir())


def apply(scenario: Path, project: Path) -> Path:
    for source in scenario.rglob("*"):
        if source.is_file() and source.name not in ("expected.txt", "args.txt"):
            target = project / source.relative_to(scenario)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target)
    return project


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[path.name for path in SCENARIOS])
def test_scenario_gives_its_located_message(scenario, minimal):
    project = apply(scenario, minimal)
    arguments = (scenario / "args.txt").read_text().split() if (scenario / "args.txt").exists() else []
    result = CliRunner().invoke(main, ["build", str(project), *arguments])
    assert result.exit_code == 1
    assert result.stderr == (scenario / "expected.txt").read_text(encoding="utf-8")
    assert not (project / "output").exists(), "nothing is written when the data is wrong"


def test_the_minimal_project_builds(minimal):
    result = CliRunner().invoke(main, ["build", str(minimal)])
    assert result.exit_code == 0, result.output
    assert (minimal / "output" / "minimal-nl-a4-web.pdf").is_file()
    assert "minimal-nl-a4-web.pdf  " in result.stdout and " pages  " in result.stdout


def test_no_traceback_reaches_the_user(minimal):
    project = apply(Path(__file__).parent / "scenarios" / "year-as-word", minimal)
    run = subprocess.run([sys.executable, "-m", "coopbrochure", "build", str(project)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "landia.yaml:6:20: cooperation_since:" in run.stderr


def test_debug_shows_the_traceback(minimal):
    project = apply(Path(__file__).parent / "scenarios" / "year-as-word", minimal)
    run = subprocess.run([sys.executable, "-m", "coopbrochure", "--debug", "build", str(project)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "Traceback" in run.stderr


def test_missing_project_file(tmp_path):
    result = CliRunner().invoke(main, ["build", str(tmp_path)])
    assert result.exit_code == 1
    assert "no coopbrochure.yaml here" in result.stderr


def test_all_problems_of_a_run_are_reported_at_once_and_sorted(minimal):
    landia = minimal / "data/countries/landia.yaml"
    landia.write_text(landia.read_text().replace("cooperation_since: 1970", "cooperation_since: later")
                      .replace("budget: 1000000", "budget: veel"))
    (minimal / "data/articles/eerste.md").write_text("geen front matter\n")
    result = CliRunner().invoke(main, ["build", str(minimal)])
    lines = result.stderr.splitlines()
    assert lines == [
        "data/articles/eerste.md:1:1: no front matter; start the file with a '---' block holding at least 'title:'",
        "data/countries/landia.yaml:6:20: cooperation_since: expected a whole number, got 'later'",
        "data/countries/landia.yaml:15:13: programmes[0].budget: expected a number, got 'veel'",
        "3 errors; nothing was built.",
    ]
