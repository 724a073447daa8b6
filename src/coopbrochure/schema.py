"""JSON Schemas of the data files, generated from the data model, for editors with a YAML language server."""

from __future__ import annotations

import json
from pathlib import Path

from .config import ProjectFile
from .model import Country, FrontMatter, Publication

MODELS = {"project": ProjectFile, "publication": Publication, "country": Country, "text": FrontMatter}
TITLES = {
    "project": "coopbrochure project file (coopbrochure.yaml)",
    "publication": "coopbrochure publication (data/publication.yaml)",
    "country": "coopbrochure country chapter (data/countries/*.yaml)",
    "text": "coopbrochure text front matter (the --- block of data/**/*.md)",
}


def schema_json(kind: str) -> str:
    """The JSON Schema (draft 2020-12) of one kind of file, as text."""
    schema = MODELS[kind].model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema, "title": TITLES[kind]}
    return json.dumps(schema, indent=2, ensure_ascii=False)


def write_schemas(folder: Path) -> list[Path]:
    """Write `<kind>.schema.json` for every kind into `folder`."""
    from .errors import CoopbrochureError

    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for kind in MODELS:
            path = folder / f"{kind}.schema.json"
            path.write_text(schema_json(kind) + "\n", encoding="utf-8")
            written.append(path)
    except OSError as error:
        raise CoopbrochureError(f"{folder}: cannot write the schemas there ({error.strerror or error}); give a "
                                "folder you can write to") from error
    return written
