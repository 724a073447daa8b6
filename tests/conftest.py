"""Shared fixtures: the sample publication built once, and copies of small projects to break."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

from coopbrochure import build
from coopbrochure.cache import CACHE_FILE
from coopbrochure.profiles import IMAGE_CACHE

REPO = Path(__file__).resolve().parent.parent
PROJECTS = Path(__file__).resolve().parent / "projects"


def stray_files(folder: Path) -> list[str]:
    """Files in an output folder other than what a build leaves there: partial or temporary ones.

    A build leaves finished PDFs, cover thumbnails of web PDFs, the build cache and the prepared images.
    """
    return sorted(path.name for path in folder.iterdir()
                  if path.suffix != ".pdf" and not path.name.endswith("-web-cover.jpg")
                  and path.name not in (CACHE_FILE, IMAGE_CACHE))


def copy_project(source: Path, target: Path) -> Path:
    """Copy a project's own files (project file, data, optional templates/styles), never its output."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "coopbrochure.yaml", target)
    shutil.copytree(source / "data", target / "data")
    return target


@pytest.fixture(scope="session")
def sample_project(tmp_path_factory) -> Path:
    """The repository's sample publication, every edition built with the built-in theme in a scratch folder:
    once per test run, the workers of pytest-xdist sharing it (the first builds it, the others wait for it)."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return _built_sample(tmp_path_factory.mktemp("sample"))
    run = tmp_path_factory.getbasetemp().parent  # this run's folder, shared by its workers
    with open(run / "sample.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        project = run / "sample"
        if project.exists() and not (project / "built").is_file():
            pytest.fail("the sample did not build on another worker: see its error")
        return project if project.exists() else _built_sample(project)


def _built_sample(folder: Path) -> Path:
    project = copy_project(REPO, folder)
    result = build(project, strict=True)
    assert len(result.editions) == 12 + 18  # the dossier's editions, then 3 countries' fact sheets
    (project / "built").touch()
    return project


@pytest.fixture(scope="session")
def sample(sample_project) -> Path:
    """The Dutch A4 edition of the sample."""
    return sample_project / "output" / "andes-2013-nl-a4-web.pdf"


@pytest.fixture
def minimal(tmp_path) -> Path:
    """A fresh copy of the smallest valid project."""
    return copy_project(PROJECTS / "minimal", tmp_path / "minimal")

