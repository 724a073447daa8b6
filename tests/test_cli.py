"""The command line: version, help with examples, `python -m`, and the build summary."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner
from conftest import stray_files

from coopbrochure.cli import main


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("coopbrochure, version ")


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    assert "Example" in runner.invoke(main, ["--help"]).output
    for command in main.commands:
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, command


def test_python_dash_m():
    run = subprocess.run([sys.executable, "-m", "coopbrochure", "--help"], capture_output=True, text=True)
    assert run.returncode == 0
    assert "Usage: coopbrochure" in run.stdout


def test_usage_error_exits_with_2():
    result = CliRunner().invoke(main, ["build", "--no-such-option"])
    assert result.exit_code == 2


def test_html_option_writes_the_intermediate_html(minimal):
    result = CliRunner().invoke(main, ["build", str(minimal), "--html"])
    assert result.exit_code == 0, result.output
    html = (minimal / "output" / "minimal-nl-a4-web.html").read_text(encoding="utf-8")
    assert '<html lang="nl"' in html and "Het eerste artikel" in html


def test_a_failed_build_leaves_the_previous_pdf_untouched(minimal):
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(minimal)]).exit_code == 0
    pdf = minimal / "output" / "minimal-nl-a4-web.pdf"
    before = pdf.read_bytes()
    landia = minimal / "data/countries/landia.yaml"
    landia.write_text(landia.read_text().replace("1970", "zeventig", 1))
    assert runner.invoke(main, ["build", str(minimal)]).exit_code == 1
    assert pdf.read_bytes() == before
    assert stray_files(pdf.parent) == []


def test_schema_into_a_path_through_a_file_says_so(tmp_path):
    (tmp_path / "afile").write_text("x")
    result = CliRunner().invoke(main, ["schema", "--out", str(tmp_path / "afile" / "sub")])
    assert result.exit_code == 1
    assert "afile/sub: cannot write the schemas there (Not a directory)" in result.stderr
    assert "internal error" not in result.output
