"""Live preview: rebuild one edition whenever the project changes and show its pages in the browser."""

from __future__ import annotations

import html
import io
import json
import re
import secrets
import threading
import traceback
import webbrowser
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from stat import S_ISREG
from urllib.parse import urlsplit

import click

from .config import PROJECT_FILE, Project, load_project
from .errors import CoopbrochureError

HOST = "127.0.0.1"  # never 0.0.0.0: the preview shows unpublished work, to this computer only
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Snapshot:
    """A good build as it was when built: the PDF, its pages as PNG images, and what the build said."""

    key: str  # unique per snapshot; part of the image URLs, so that browsers may cache them
    name: str  # the PDF's file name
    pdf: bytes
    pages: list[bytes]
    sizes: list[tuple[int, int]]
    title: str
    built: datetime
    seconds: float | None  # None: the PDF was already up to date
    notes: list[str] = field(default_factory=list)  # warnings and preflight findings


def render_pages(pdf: bytes, width: int = 1000) -> tuple[list[bytes], list[tuple[int, int]], str]:
    """Each page as a PNG `width` pixels wide, the sizes of these images, and the document's title."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    pages, sizes = [], []
    try:
        for page in document:
            image = page.render(scale=width / page.get_width()).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, "PNG", compress_level=3)
            pages.append(buffer.getvalue())
            sizes.append(image.size)
        return pages, sizes, document.get_metadata_dict().get("Title", "")
    finally:
        document.close()


def pick_edition(project: Project, name: str | None) -> str:
    """The edition to preview: the first web one (else the first) named `name` or starting with it up to a dash
    (`fr-a5`, `factsheet-pe`); by default, of all the project's editions."""
    from .pipeline import all_editions, select

    named = select(all_editions(project), names=(name,) if name else ())
    if not named:
        raise click.UsageError("this project builds no edition; check 'languages', 'formats' and 'documents'")
    return next((edition for edition in named if edition.profile == "web"), named[0]).name


class Preview:
    """Serves one edition's pages on 127.0.0.1 and rebuilds it, one build at a time, when its sources change.

    `start()` returns the URL at once; the first build runs in the background like every later one. A failed
    build shows its located error above the pages of the last good build.
    """

    def __init__(self, project_dir: Path | str = ".", edition: str | None = None, port: int = 0, *,
                 width: int = 1000, interval: float = POLL_SECONDS, log: Callable[[str], None] | None = None):
        self.project = load_project(Path(project_dir))[0]
        self.edition = pick_edition(self.project, edition)
        self.port, self.width, self.interval = port, width, interval
        self.log = log or (lambda message: None)
        self.url, self.snapshot, self.error, self.building, self.builds = "", None, None, False, 0
        self._token, self._shown = secrets.token_hex(4), 0  # what the page shows; bumped at each change of it
        self._changed, self._stopping = threading.Condition(), threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    def start(self) -> str:
        """Listen, then watch and build in the background; the URL of the preview page."""
        try:
            self._server = ThreadingHTTPServer((HOST, self.port), _Handler)
        except OSError as error:
            raise CoopbrochureError(f"cannot serve on {HOST}:{self.port} ({error.strerror}); choose another "
                                    "port with --port, or --port 0 for any free one") from error
        self._server.preview = self  # type: ignore[attr-defined]
        self.url = f"http://{HOST}:{self._server.server_address[1]}/"
        self._threads = [threading.Thread(target=self._server.serve_forever, args=(0.2,), daemon=True),
                         threading.Thread(target=self._watch, name="preview-build", daemon=True)]
        for thread in self._threads:
            thread.start()
        return self.url

    def stop(self, timeout: float = 30) -> None:
        """Stop serving and watching; waits up to `timeout` seconds for a build in progress."""
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()  # ends the event streams
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout)

    def wait(self) -> None:
        """Block until stopped; Ctrl-C raises KeyboardInterrupt here."""
        while not self._stopping.wait(1):
            pass

    def status(self) -> dict:
        """What the page shows, for the live-reload script (as JSON) and for tests."""
        with self._changed:
            snapshot = self.snapshot
            return {"shown": f"{self._token}-{self._shown}", "building": self.building, "builds": self.builds,
                    "edition": self.edition, "error": self.error, "title": snapshot.title if snapshot else None,
                    "pages": len(snapshot.pages) if snapshot else 0}

    def _publish(self, shown: bool = True, **changes) -> None:
        with self._changed:
            for name, value in changes.items():
                setattr(self, name, value)
            self._shown += shown
            self._changed.notify_all()

    def _watch(self) -> None:
        """Build now, then whenever the sources change; changes during a build make one more build after it."""
        seen = None
        while not self._stopping.is_set():
            sources = self._sources()
            if sources != seen:
                while not self._stopping.wait(0.15) and (settled := self._sources()) != sources:
                    sources = settled  # let the editor finish saving first
                seen = sources
                self._build()
            self._stopping.wait(self.interval)

    def _sources(self) -> dict[Path, tuple[int, int]]:
        """Modification time and size of each file a build reads: project file, data, templates and styles."""
        project, found = self.project, {}
        icc, output = project.settings.print.icc_profile, project.output_dir.resolve()
        paths = [project.root / PROJECT_FILE, *([project.root / icc] if icc else [])]
        for folder in (project.data_dir, *(base / name for base in (project.root, project.theme_dir)
                                           for name in ("templates", "styles"))):
            with suppress(OSError):  # hidden files and editor backups are no sources, the output never is
                paths += [path for path in folder.rglob("*") if not path.name.endswith("~")
                          and not any(part.startswith(".") for part in path.relative_to(folder).parts)
                          and not path.resolve().is_relative_to(output)]
        for path in paths:
            with suppress(OSError):  # gone since listed: the next look sees the change
                if S_ISREG((info := path.stat()).st_mode):
                    found[path] = (info.st_mtime_ns, info.st_size)
        return found

    def _build(self) -> None:
        self._publish(shown=False, building=True)
        try:
            from .pipeline import build

            self.project = load_project(self.project.root)[0]  # the project file may name other folders now
            built = build(self.project.root, editions=(self.edition,), jobs=1)
            edition, pdf = built.editions[0], built.editions[0].path.read_bytes()
            if self.snapshot and self.snapshot.pdf == pdf:  # nothing this edition shows has changed
                return self._publish(shown=self.error is not None, building=False, error=None, builds=self.builds + 1)
            pages, sizes, title = render_pages(pdf, self.width)
        except Exception as error:  # noqa: BLE001 - whatever happens, keep serving the last good build
            if isinstance(error, click.ClickException | OSError):
                message = error.format_message() if isinstance(error, click.ClickException) else str(error)
            else:  # a bug of ours: say so; the traceback goes to the terminal
                self.log(traceback.format_exc())
                message = (f"internal error ({type(error).__name__}: {error}); this is a bug in coopbrochure: "
                           "please report it with the traceback shown in the terminal")
            self.log(f"rebuild of {self.edition} failed; the preview keeps the last good build:\n{message}")
            return self._publish(building=False, error=message, builds=self.builds + 1)
        notes = [*map(str, built.warnings), *(f"{edition.path.name}: warning: {item}" for item in edition.warnings),
                 *(line for report in edition.reports for line in report.lines())]
        when = datetime.now() if edition.seconds is not None else datetime.fromtimestamp(edition.path.stat().st_mtime)
        snapshot = Snapshot(f"{self._token}{self.builds}", edition.path.name, pdf, pages, sizes, title, when,
                            edition.seconds, notes)
        self.log(f"{snapshot.name}: {len(pages)} pages {_timing(snapshot)}")
        self._publish(building=False, error=None, snapshot=snapshot, builds=self.builds + 1)

    def page(self) -> str:
        """The preview page: what was built, the error of the last build if it failed, and every page."""
        with self._changed:
            snapshot, error, shown = self.snapshot, self.error, self.status()["shown"]
        edition = html.escape(self.edition)
        title = html.escape(snapshot.title or self.edition) if snapshot else edition
        parts = [f'<div class="top"><header><h1 id="title">{title}</h1><span class="edition">{edition}</span>']
        if snapshot:
            name = html.escape(snapshot.name)
            parts.append(f'<span class="meta"><span id="page-count">{len(snapshot.pages)}</span> pages · built '
                         f'{snapshot.built:%H:%M:%S} {_timing(snapshot)} · <a href="/{name}">{name}</a></span>')
        parts.append('<span id="live" class="status off">connecting…</span></header>')
        if error:
            kept = f"the pages below are from {snapshot.built:%H:%M:%S}" if snapshot else "no pages to show yet"
            parts.append(f'<section id="error" class="error" role="alert"><strong>The last rebuild failed</strong>'
                         f' — {kept}. Fix the problem and save: the preview rebuilds by itself.'
                         f'<pre>{html.escape(error)}</pre></section>')
        parts.append("</div>")  # the header and the error stay in view wherever the reloaded page scrolls to
        if snapshot and snapshot.notes:
            count = len(snapshot.notes)
            parts.append(f'<details class="notes"><summary>{count} warning{"s" * (count != 1)}</summary>'
                         f'<pre>{html.escape(chr(10).join(snapshot.notes))}</pre></details>')
        if snapshot:
            parts.append(f'<main class="pages {"spreads" if len(snapshot.pages) > 2 else "sheets"}">' + "".join(
                f'<figure><img src="/pages/{snapshot.key}/{number}.png" width="{width}" height="{height}" '
                f'alt="page {number}" loading="{"eager" if number <= 5 else "lazy"}"><figcaption>{number}'
                '</figcaption></figure>' for number, (width, height) in enumerate(snapshot.sizes, 1)) + "</main>")
        elif not error:
            parts.append(f'<p class="empty">Building {edition}…</p>')
        return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
                f'content="width=device-width, initial-scale=1"><title>{title} · {edition} · preview</title>'
                f'<style>{_STYLE}</style></head><body data-shown="{shown}">{"".join(parts)}<script>{_SCRIPT}'
                "</script></body></html>")


def _timing(snapshot: Snapshot) -> str:
    return "(up to date)" if snapshot.seconds is None else f"in {snapshot.seconds:.1f} s"


class _Handler(BaseHTTPRequestHandler):
    """Answers from memory only, by exact path: the page, its events, the PDF and the page images shown."""

    server_version = "coopbrochure-preview"

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        preview: Preview = self.server.preview  # type: ignore[attr-defined]
        if (self.headers.get("Host") or "").rsplit(":", 1)[0] not in (HOST, "localhost"):
            return self._send(403, b"forbidden", "text/plain")  # another site's page must not read it (DNS rebinding)
        path, snapshot = urlsplit(self.path).path, preview.snapshot
        image = re.fullmatch(r"/pages/(\w+)/(\d+)\.png", path)
        if path == "/":
            self._send(200, preview.page().encode(), "text/html; charset=utf-8")
        elif path == "/status":
            self._send(200, json.dumps(preview.status()).encode(), "application/json")
        elif path == "/events":
            self._events(preview)
        elif snapshot and image and image[1] == snapshot.key and 1 <= int(image[2]) <= len(snapshot.pages):
            self._send(200, snapshot.pages[int(image[2]) - 1], "image/png", "max-age=31536000, immutable")
        elif snapshot and path == f"/{snapshot.name}":
            self._send(200, snapshot.pdf, "application/pdf")
        else:
            self._send(404, b"not found", "text/plain")

    def _send(self, code: int, body: bytes | None, kind: str, cache: str = "no-store") -> None:
        """A response: the whole `body`, or (None) headers only, for a stream."""
        self.send_response(code)
        for name, value in (("Content-Type", kind), ("Cache-Control", cache), ("X-Content-Type-Options", "nosniff"),
                            *([("Content-Length", str(len(body)))] if body is not None else [])):
            self.send_header(name, value)
        self.end_headers()
        if body is not None:
            self.wfile.write(body)

    def _events(self, preview: Preview) -> None:
        """Server-sent events: the status now and at each change, and a comment every 15 s to keep alive."""
        self._send(200, None, "text/event-stream")
        sent = None
        while not preview._stopping.is_set():
            with preview._changed:
                if (status := preview.status()) == sent:
                    preview._changed.wait(15)
                    status = preview.status()
            try:
                self.wfile.write(f"retry: 1000\ndata: {json.dumps(status)}\n\n".encode() if status != sent
                                 else b": alive\n\n")
                self.wfile.flush()
            except OSError:  # the browser went away
                return
            sent = status

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - quiet: the terminal reports builds
        pass


def serve(project_dir: Path | str = ".", edition: str | None = None, port: int = 8000, *,
          open_browser: bool = False, log: Callable[[str], None] = print) -> None:
    """Preview an edition of the project at http://127.0.0.1:`port`/ until Ctrl-C."""
    preview = Preview(project_dir, edition, port, log=log)
    url = preview.start()
    log(f"previewing {preview.edition} of {preview.project.root} at {url}  (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(url)
    try:
        preview.wait()
    except KeyboardInterrupt:
        log("stopped")
    finally:
        preview.stop(timeout=2)


_STYLE = """:root{font:15px/1.45 system-ui,sans-serif;color:#1f1f22;background:#e7e6e1}body{margin:0}a{color:#1f5fa8}
.top{position:sticky;top:0;z-index:1;box-shadow:0 1px 4px rgba(0,0,0,.12)}h1{font-size:1.05rem;margin:0}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:.3rem 1rem;padding:.75rem 1.5rem;background:#fff}
.edition{font:600 .8rem ui-monospace,monospace;background:#edf0f4;color:#34495e;padding:.1rem .45rem;border-radius:4px}
.meta{color:#5d5d63}.status{margin-left:auto;font-size:.85rem;color:#5d5d63}.status::before{content:"● "}
.live::before{color:#2e9d53}.busy::before{color:#d98a00}.off::before{color:#aaa}summary{cursor:pointer}
pre{white-space:pre-wrap;font:.85rem/1.5 ui-monospace,monospace;margin:.6rem 0 0;color:#1f1f22}
.error pre{max-height:40vh;overflow:auto}
.error{background:#fff1ee;border-top:1px solid #e6a8a0;border-left:6px solid #c4372b;padding:.7rem 1.5rem;color:#5c1710}
.notes{max-width:1040px;margin:1.2rem auto 0;padding:.6rem 1.2rem;background:#fffbea;border:1px solid #e8d9a0}
.pages{display:grid;grid-template-columns:repeat(2,minmax(0,520px));justify-content:center;gap:2rem 0;padding:2rem 1rem}
.sheets{column-gap:2rem}.spreads figure:first-child{grid-column:2}figure{margin:0}.empty{text-align:center;margin:4rem}
img{display:block;width:100%;height:auto;background:#fff;box-shadow:0 1px 5px rgba(0,0,0,.22)}
figcaption{text-align:center;font-size:.8rem;color:#77777c;padding-top:.4rem}
@media (max-width:760px){.pages{grid-template-columns:minmax(0,520px)}.spreads figure:first-child{grid-column:auto}}"""

_SCRIPT = """const shown = document.body.dataset.shown, badge = document.getElementById("live");
const events = new EventSource("/events");
events.onmessage = (message) => {  // reload when what the server shows has changed; else show whether it builds
  const status = JSON.parse(message.data);
  if (status.shown !== shown) return location.reload();
  badge.textContent = status.building ? "rebuilding…" : "live";
  badge.className = "status " + (status.building ? "busy" : "live");
};
events.onerror = () => { badge.textContent = "reconnecting…"; badge.className = "status off"; };"""
