"""The dataset JSON Schema and the column catalogue derived from the models."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
import yaml

from gridpolicing.io import dataset_json_schema
from gridpolicing.io.dataset_schema import Column, columns
from gridpolicing.model import TABLES, Activity, Assignment, Survey
from tests.io.sample import SAMPLE


def _validator() -> jsonschema.Draft202012Validator:
    schema = dataset_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(doc: Any) -> list[str]:
    return [e.message for e in _validator().iter_errors(doc)]


def test_schema_is_draft_2020_12_and_names_every_table() -> None:
    schema = dataset_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert list(schema["properties"]) == ["dataset", *TABLES]
    assert schema["title"]
    assert schema["description"]
    json.dumps(schema)  # plain JSON, ready to write


def test_the_sample_dataset_is_valid_as_yaml_reads_it() -> None:
    # Dates stay text in the dataset reader, as in any YAML editor that applies the schema.
    doc = yaml.safe_load(yaml.safe_dump(SAMPLE, allow_unicode=True))
    assert _errors({"dataset": {"name": "x"}, **SAMPLE}) == []
    assert _errors(json.loads(json.dumps(SAMPLE))) == []
    assert doc == SAMPLE


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ({"unit": []}, "Additional properties are not allowed ('unit' was unexpected)"),
        ({"units": [{"id": "u1", "type": "village"}]}, "'village' is not one of"),
        ({"units": [{"id": "u1", "type": "office", "size": 3}]}, "'size' was unexpected"),
        (
            {"surveys": [{"id": "q", "unit": "u", "date": "2022-06-30", "satisfied": 1}]},
            "'respondents' is a required property",
        ),
        (
            {
                "activities": [
                    {
                        "id": "x",
                        "person": "p",
                        "unit": "u",
                        "kind": "patrol",
                        "start": "2022-03-01 8am",
                        "end": "2022-03-01 09:00",
                    }
                ]
            },
            "does not match",
        ),
    ],
)
def test_schema_rejects_what_the_reader_rejects(doc: dict[str, Any], fragment: str) -> None:
    assert any(fragment in e for e in _errors(doc)), _errors(doc)


def test_columns_follow_field_order_and_types() -> None:
    cols = {c.name: c for c in columns(Assignment)}
    assert list(cols) == list(Assignment.model_fields)
    assert cols["start"].sql_type == "DATE"
    assert cols["start"].required
    assert cols["end"].nullable
    assert not cols["end"].required
    assert cols["posts"].sql_type == "VARCHAR[]"
    assert cols["posts"].default == ()
    assert cols["employment"].default == "full_time"
    assert cols["role"].allowed == tuple(sorted(cols["role"].allowed))
    assert columns(Activity)[5] == Column("start", "datetime", required=True)
    respondents = next(c for c in columns(Survey) if c.name == "respondents")
    assert respondents.describe() == "an integer >= 1"
