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


def test_an_image_drawn_small_in_one_pdf_keeps_its_size_in_the_next(tmp_path):
    """WeasyPrint downsamples an image drawn small (its `dpi` option); a later PDF of the same image cache, which
    draws it large, embeds it whole: every JPEG's pixels are the size its image dictionary says (poppler and
    Ghostscript drew a mismatched one short of its frame)."""
    from coopbrochure.render import render_pdf

    generator = random.Random(3)
    photo = Image.new("RGB", (64, 32))
    photo.putdata([(generator.randrange(256), 90, 160) for _ in range(64 * 32)])
    photo.resize((512, 256)).save(tmp_path / "photo.jpg", quality=90)
    images: dict = {}

    def embedded(width_mm: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
        html = f'<img src="photo.jpg" alt="" style="width: {width_mm}mm">'
        rendered = render_pdf(html, tmp_path, [], [tmp_path], [], set(), images, pdf_options={"dpi": 96})
        found = []
        for page in pypdf.PdfReader(io.BytesIO(rendered.pdf)).pages:
            for image in page.images:
                stream = image.indirect_reference.get_object()
                found.append((Image.open(io.BytesIO(stream.get_data())).size, (stream["/Width"], stream["/Height"])))
        return found

    small, large = embedded(20), embedded(150)
    assert [pixels for pixels, _ in small] == [(76, 38)] and [pixels for pixels, _ in large] == [(512, 256)]
    assert all(pixels == said for pixels, said in small + large), (small, large)
