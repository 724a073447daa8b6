"""`coopbrochure schema`: the JSON Schemas in schemas/ are current and accept the sample's files."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from coopbrochure.cli import main
from coopbrochure.markup import split_front_matter
from coopbrochure.schema import MODELS, schema_json

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("kind", MODELS)
def test_committed_schema_is_current(kind):
    assert (REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8") == schema_json(kind) + "\n", \
        "run: coopbrochure schema --out schemas"


def _as_json(data):
    return json.loads(json.dumps(data, default=lambda value: value.isoformat()
                                 if isinstance(value, datetime.date) else str(value)))


def _files():
    yield "project", REPO / "coopbrochure.yaml"
    yield "publication", REPO / "data/publication.yaml"
    for path in sorted((REPO / "data/countries").glob("*.yaml")):
        yield "country", path
    for path in sorted((REPO / "data").rglob("*.md")):
        yield "text", path


@pytest.mark.parametrize("kind, path", list(_files()), ids=lambda value: getattr(value, "name", value))
def test_the_sample_validates_against_its_schema(kind, path):
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(split_front_matter(text)[0] if kind == "text" else text)
    jsonschema.validate(_as_json(data), json.loads(schema_json(kind)))


def test_the_schema_catches_what_the_build_catches():
    schema = json.loads(schema_json("country"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "Peru", "iso": "PE", "cooperation_since": "negentien"}, schema)


def test_schema_command_prints_and_writes(tmp_path):
    printed = CliRunner().invoke(main, ["schema", "country"])
    assert printed.exit_code == 0 and json.loads(printed.output)["title"].startswith("coopbrochure country")
    written = CliRunner().invoke(main, ["schema", "--out", str(tmp_path)])
    assert written.exit_code == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(f"{kind}.schema.json" for kind in MODELS)


def test_the_readme_examples_are_valid_data():
    from coopbrochure.config import ProjectFile
    from coopbrochure.model import Country, FrontMatter

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    project = readme.split("### The project file\n\n```yaml\n")[1].split("```")[0]
    country = readme.split("# data/countries/peru.yaml\n")[1].split("```")[0]
    article = readme.split("```markdown\n---\n")[1].split("\n---\n")[0]
    ProjectFile.model_validate(yaml.safe_load(project))
    Country.model_validate(yaml.safe_load(country))
    FrontMatter.model_validate(yaml.safe_load(article))
