"""The schema reference on GitHub (data/schemas/README.md) is generated and kept in step."""

from __future__ import annotations

from book import schema
from book.build import schemadocs


def test_committed_reference_is_up_to_date():
    assert schemadocs.path().read_text(encoding="utf-8") == schemadocs.text(), (
        "data/schemas/README.md is out of date with data/schemas/*.json: run `make schema-docs` and commit it"
    )


def test_reference_names_every_table_column_and_allowed_value():
    text = schemadocs.text()
    for table in schema.table_names():
        assert f"### `{table}.csv`" in text
        for field in schema.table_schema(table)["fields"]:
            assert f"| `{field['name']}` |" in text
            for value in field.get("constraints", {}).get("enum", []):
                assert f"`{value}`" in text
    assert "### `case.yaml`" in text and "`status`" in text
