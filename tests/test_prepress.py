"""Images and colours prepared per profile: CMYK photos for print, small ones for web, each made once."""

from __future__ import annotations

import io
import random

import pypdf
import pytest
from PIL import Image

from coopbrochure import build
from coopbrochure.preflight import preflight
from coopbrochure.profiles import IMAGE_CACHE


@pytest.fixture
def photo_project(minimal):
    """The minimal project with a 3000 × 2000 RGB photo as its article's figure, in both profiles."""
    generator = random.Random(7)
    photo = Image.new("RGB", (300, 200))
    photo.putdata([(generator.randrange(256), 120, 200 - y // 2) for y in range(200) for _ in range(300)])
    photo.resize((3000, 2000), Image.Resampling.BICUBIC).save(minimal / "data/images/photo.jpg", quality=90)
    article = minimal / "data/articles/eerste.md"
    article.write_text(article.read_text(encoding="utf-8").replace("images/art.svg", "images/photo.jpg"),
                       encoding="utf-8")
    project_file = minimal / "coopbrochure.yaml"
    project_file.write_text(project_file.read_text(encoding="utf-8").replace("profiles: [web]",
                                                                            "profiles: [print, web]"),
                            encoding="utf-8")
    return minimal


def _images(pdf) -> list[dict]:
    found = []
    for page in pypdf.PdfReader(pdf).pages:
        for xobject in (page["/Resources"].get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Image":
                found.append(xobject)
    return found


def test_photos_are_cmyk_for_print_and_downsampled_for_web(photo_project):
    result = build(photo_project, strict=True)
    paths = {edition.edition.profile: edition.path for edition in result.editions}
    printed, web = _images(paths["print"]), _images(paths["web"])
    assert printed and web
    assert {image["/ColorSpace"] for image in printed} == {"/DeviceCMYK"}
    for image in printed:  # the embedded data is the prepared CMYK image, not the original RGB file
        with Image.open(io.BytesIO(image.get_data() if image.get("/Filter") != "/DCTDecode" else image._data)) as data:
            assert data.mode == "CMYK" and data.width == image["/Width"]
    assert 1000 < max(image["/Width"] for image in printed) < 3000, "print keeps 300-450 ppi at the placed size"
    assert max(image["/Width"] for image in web) < 1000, "web keeps 150 ppi at the placed size, not 3000 px"
    assert preflight(paths["print"], "print").ok()
    cached = sorted(path.suffix for path in (photo_project / "output" / IMAGE_CACHE).iterdir())
    assert cached == [".jpg", ".jpg", ".svg"]  # the photo for each profile, the artwork in CMYK for print


def test_prepared_images_are_reused_from_the_cache(photo_project):
    build(photo_project)
    cache = photo_project / "output" / IMAGE_CACHE
    stamps = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    build(photo_project, force=True)
    assert {path.name: path.stat().st_mtime_ns for path in cache.iterdir()} == stamps
