"""`coopbrochure serve`: live rebuilds, errors in the page, the last good pages kept, and a real browser."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import click
import pytest
from click.testing import CliRunner

from coopbrochure.cli import main
from coopbrochure.errors import CoopbrochureError
from coopbrochure.serve import Preview

CHROMIUM = Path("/usr/bin/chromium")
TITLE = "title: Een kleine publicatie"
TIMEOUT = 60  # seconds a rebuild may take, generously


def fetch(url: str) -> tuple[int, bytes, str]:
    """Status, body and content type of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.status, response.read(), response.headers["Content-Type"]
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers["Content-Type"]


def status(preview: Preview) -> dict:
    return json.loads(fetch(preview.url + "status")[1])


def wait_for(condition, what: str, timeout: float = TIMEOUT):
    """Poll `condition` until it returns something true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def settled(preview: Preview, builds: int) -> dict:
    """The status once the preview has finished more than `builds` builds and is idle."""
    return wait_for(lambda: (state := status(preview))["builds"] > builds and not state["building"] and state,
                    f"build {builds + 1}")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def images(page: str) -> list[str]:
    return re.findall(r'<img src="(/pages/[^"]+\.png)"', page)


@pytest.fixture
def preview(minimal):
    running = Preview(minimal)
    running.start()
    yield running
    running.stop()


def test_pages_follow_the_data_and_a_failed_rebuild_keeps_the_last_good_pages(preview, minimal):
    assert preview.url.startswith("http://127.0.0.1:")
    first = settled(preview, 0)
    assert first["error"] is None and first["edition"] == "nl-a4-web"
    code, body, kind = fetch(preview.url)
    page = body.decode()
    assert code == 200 and kind.startswith("text/html")
    assert "Een kleine publicatie" in page and "new EventSource" in page
    pages = images(page)
    assert len(pages) == first["pages"] > 1
    for source in pages[:3]:
        code, png, kind = fetch(preview.url + source[1:])
        assert code == 200 and kind == "image/png" and png.startswith(b"\x89PNG")
    pdf = re.search(r'<a href="/([^"]+\.pdf)"', page)[1]
    assert pdf == "minimal-nl-a4-web.pdf"
    assert fetch(preview.url + pdf)[1].startswith(b"%PDF-")

    edit(minimal / "data/publication.yaml", TITLE, "title: Een gewijzigde publicatie")
    changed = settled(preview, first["builds"])
    assert "Een gewijzigde publicatie" in changed["title"] and changed["shown"] != first["shown"]
    page = fetch(preview.url)[1].decode()
    assert "Een gewijzigde publicatie" in page and "Een kleine publicatie" not in page
    good = images(page)
    assert good and set(good).isdisjoint(pages)
    assert fetch(preview.url + pages[0][1:])[0] == 404  # the images of a replaced build are gone

    edit(minimal / "data/publication.yaml", "title: Een gewijzigde publicatie", "title: [Een <b>kapotte")
    broken = settled(preview, changed["builds"])
    assert broken["error"].startswith("data/publication.yaml:3:")
    page = fetch(preview.url)[1].decode()
    banner = re.search(r'<section id="error".*?</section>', page, re.S)[0]
    assert "data/publication.yaml:3:" in banner and "The last rebuild failed" in banner
    assert images(page) == good and "Een gewijzigde publicatie" in page  # the last good pages stay
    assert fetch(preview.url + good[0][1:])[0] == 200

    edit(minimal / "data/publication.yaml", "title: [Een <b>kapotte", "title: Een herstelde publicatie")
    fixed = settled(preview, broken["builds"])
    assert fixed["error"] is None and "Een herstelde publicatie" in fixed["title"]
    page = fetch(preview.url)[1].decode()
    assert 'id="error"' not in page and "Een herstelde publicatie" in page


def test_the_error_text_is_escaped(preview, minimal):
    first = settled(preview, 0)
    edit(minimal / "data/publication.yaml", "  - landia", "  - '<script>alert(1)</script>'")
    assert "'<script>alert(1)</script>' is not a country file name" in settled(preview, first["builds"])["error"]
    page = fetch(preview.url)[1].decode()
    banner = re.search(r'<section id="error".*?</section>', page, re.S)[0]
    assert "<script>" not in banner and "&lt;script&gt;" in banner


def test_only_the_preview_is_served(preview):
    settled(preview, 0)
    for path in ("/../coopbrochure.yaml", "/%2e%2e/coopbrochure.yaml", "/coopbrochure.yaml",
                 "/data/publication.yaml", "//etc/passwd", "/pages/x/../../../../etc/passwd",
                 "/pages/..%2f..%2fcoopbrochure.yaml", "/output/minimal-nl-a4-web.pdf", "/pages/1.png"):
        connection = http.client.HTTPConnection("127.0.0.1", urlsplit(preview.url).port, timeout=TIMEOUT)
        connection.request("GET", path)  # sent as is, not normalised by a client
        response = connection.getresponse()
        assert (response.status, response.read()) == (404, b"not found"), path
        connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", urlsplit(preview.url).port, timeout=TIMEOUT)
    connection.request("GET", "/", headers={"Host": "attacker.example:80"})
    assert connection.getresponse().status == 403  # DNS rebinding: another site's page cannot read it


def test_a_change_during_a_build_makes_one_more_build(minimal, monkeypatch):
    import coopbrochure.pipeline

    real_build, calls = coopbrochure.pipeline.build, []

    def slow_build(*args, **kwargs):
        calls.append(time.monotonic())
        result = real_build(*args, **kwargs)
        if len(calls) == 2:  # a second edit arrives while the first one is being built
            edit(minimal / "data/publication.yaml", "title: Een eerste wijziging", "title: Een tweede wijziging")
        return result

    monkeypatch.setattr(coopbrochure.pipeline, "build", slow_build)
    preview = Preview(minimal)
    preview.start()
    try:
        first = settled(preview, 0)
        edit(minimal / "data/publication.yaml", TITLE, "title: Een eerste wijziging")
        last = wait_for(lambda: (state := status(preview))["builds"] >= 3 and not state["building"] and state,
                        "the build after the change made during a build")
        assert "Een tweede wijziging" in last["title"] and last["error"] is None
        time.sleep(3 * preview.interval)
        assert len(calls) == 3 == status(preview)["builds"]  # then it rests
        assert first["builds"] == 1
    finally:
        preview.stop()


def test_edition_choice_and_a_busy_port(minimal):
    assert Preview(minimal, "nl-a4").edition == "nl-a4-web"
    with pytest.raises(click.UsageError, match="no edition 'fr-a5'"):
        Preview(minimal, "fr-a5")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(CoopbrochureError, match="--port 0"):
            Preview(minimal, port=taken.getsockname()[1]).start()


def test_cli(minimal):
    runner = CliRunner()
    help_text = runner.invoke(main, ["serve", "--help"]).output
    assert "--port" in help_text and "--edition" in help_text and "Examples" in help_text
    result = runner.invoke(main, ["serve", str(minimal), "--edition", "en-a5-web"])
    assert result.exit_code == 2 and "no edition 'en-a5-web'" in result.output


def _browser():
    """Playwright's sync API and Debian's chromium; skipped without them, except in CI where they must be there."""
    problem = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem, sync_playwright = "the playwright package is not installed (pip install playwright)", None
    if problem is None and not CHROMIUM.is_file():
        problem = f"no chromium at {CHROMIUM} (apt-get install chromium)"
    if problem and os.environ.get("CI"):
        pytest.fail(f"the browser test must run in CI: {problem}")
    if problem:
        pytest.skip(problem)
    return sync_playwright


def test_the_browser_shows_a_rebuild_without_being_reloaded(preview, minimal, tmp_path):
    sync_playwright = _browser()
    first = settled(preview, 0)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True,
            viewport={"width": 1280, "height": 900},
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT * 1000)
            page.goto(preview.url)
            page.wait_for_function("document.getElementById('live').textContent === 'live'")
            assert "Een kleine publicatie" in page.text_content("#title")
            assert page.text_content("#page-count") == str(first["pages"])
            loaded = "img => img.complete && img.naturalWidth === 1000"
            assert page.eval_on_selector("main img", loaded)
            old_image = page.get_attribute("main img", "src")

            edit(minimal / "data/publication.yaml", TITLE, "title: Een gewijzigde publicatie")
            page.wait_for_function("document.getElementById('title').textContent.includes('Een gewijzigde')")
            assert page.get_attribute("main img", "src") != old_image
            page.wait_for_function(f"({loaded})(document.querySelector('main img'))")

            edit(minimal / "data/publication.yaml", "title: Een gewijzigde publicatie", "title: [kapot")
            page.wait_for_selector("#error", state="visible")
            assert "data/publication.yaml:3:" in page.text_content("#error")
            assert "Een gewijzigde publicatie" in page.text_content("#title")  # the last good pages stay
            edit(minimal / "data/publication.yaml", "title: [kapot", "title: Een herstelde publicatie")
            page.wait_for_function("document.getElementById('title').textContent.includes('Een herstelde')")
            assert page.query_selector("#error") is None
            if shot := os.environ.get("COOPBROCHURE_SCREENSHOT"):
                page.screenshot(path=shot)
        finally:
            browser.close()
