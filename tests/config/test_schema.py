"""The JSON Schema is valid draft 2020-12, documents every property, ships in the wheel."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from telconf.config import schema_path

ROOT = Path(__file__).resolve().parents[2]


def schema() -> dict[str, Any]:
    return json.loads(schema_path().read_text(encoding="utf-8"))


def test_schema_path_is_the_checkout_schema() -> None:
    assert schema_path() == ROOT / "schemas" / "telconf.schema.json"


def test_schema_is_valid_draft_2020_12() -> None:
    document = schema()
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)


def properties(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property schema (and key schema) in the document, with where it is."""
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            yield f"{where}/properties/{name}", sub
        if isinstance(node.get("propertyNames"), dict) and "$ref" not in node["propertyNames"]:
            yield f"{where}/propertyNames", node["propertyNames"]
        for key, value in node.items():
            if key != "if":  # a condition, not where a property is defined
                yield from properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from properties(value, f"{where}/{index}")


def test_every_property_has_a_description_and_examples() -> None:
    found = list(properties(schema()))
    assert len(found) > 40
    for where, sub in found:
        assert sub.get("description"), where
        assert sub.get("examples"), where


def test_examples_in_the_schema_are_valid_where_they_stand() -> None:
    document = schema()
    registry_root = jsonschema.Draft202012Validator(document)
    for where, sub in properties(document):
        validator = registry_root.evolve(schema=sub)
        for example in sub["examples"]:
            if "propertyNames" in where:
                continue
            assert not list(validator.iter_errors(example)), (where, example)


@pytest.mark.slow
def test_wheel_carries_the_schema_and_finds_it(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    (wheel,) = tmp_path.glob("telconf-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        assert "telconf/schemas/telconf.schema.json" in archive.namelist()
        assert "telconf/py.typed" in archive.namelist()  # PEP 561: importers type-check against our hints
        archive.extractall(site)
    found = subprocess.run(
        [sys.executable, "-c", "from telconf.config import schema_path; print(schema_path())"],
        check=True, capture_output=True, text=True, cwd=tmp_path, env={"PYTHONPATH": str(site)},
    ).stdout.strip()
    assert Path(found) == site / "telconf" / "schemas" / "telconf.schema.json"
