"""Shared fixtures: the sample publication built once, and copies of small projects to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coopbrochure import build

REPO = Path(__file__).resolve().parent.parent
PROJECTS = Path(__file__).resolve().parent / "projects"


def copy_project(source: Path, target: Path) -> Path:
    """Copy a project's own files (project file, data, optional templates/styles), never its output."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "coopbrochure.yaml", target)
    shutil.copytree(source / "data", target / "data")
    return target


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Path:
    """The repository's sample publication, built with the built-in theme in a scratch folder."""
    project = copy_project(REPO, tmp_path_factory.mktemp("sample"))
    result = build(project, strict=True)
    assert len(result.editions) == 1
    return result.editions[0].path


@pytest.fixture
def minimal(tmp_path) -> Path:
    """A fresh copy of the smallest valid project."""
    return copy_project(PROJECTS / "minimal", tmp_path / "minimal")
