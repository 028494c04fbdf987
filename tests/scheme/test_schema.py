"""The JSON Schema for editors: never stale, Chinese everywhere, accepts the bundled schemes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from assess.scheme.schema import json_schema, schema_text

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "scheme.schema.json"
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_committed_schema_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == schema_text(), (
        "docs/scheme.schema.json 已过期:请运行 python scripts/gen_schema.py"
    )


def _objects(schema: dict) -> list[tuple[str, dict]]:
    return [("Scheme", schema), *schema["$defs"].items()]


def test_every_model_and_key_has_chinese_help() -> None:
    schema = json_schema()
    for name, node in _objects(schema):
        assert CJK.search(node["title"]), name
        for key, prop in node.get("properties", {}).items():
            assert CJK.search(prop.get("description", "")), f"{name}.{key}"
            assert CJK.search(prop.get("title", "")), f"{name}.{key}"


def test_schema_is_for_yaml_language_server() -> None:
    schema = json_schema()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["additionalProperties"] is False
    rule = schema["$defs"]["Indicator"]["properties"]["rule"]
    union = next(part for part in rule["anyOf"] if "oneOf" in part)
    assert union["discriminator"]["propertyName"] == "type"
    assert len(union["oneOf"]) == 14


def test_bundled_schemes_point_at_the_schema() -> None:
    for path in sorted((ROOT / "indicators").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../docs/scheme.schema.json", path.name


def test_bundled_schemes_validate_against_the_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(COMMITTED.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "indicators").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)
