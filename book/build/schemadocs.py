"""`make schema-docs`: data/schemas/README.md, the schema reference readable on GitHub.

Generated from the Table Schemas and the case profile's JSON Schema, committed, and kept in step
by tests/test_schema_docs.py. The book's page "Contributing a case" shows the same tables.
"""

from __future__ import annotations

from pathlib import Path

from book import paths, schema

FILE_NAME = "README.md"
CASE_TABLES = [
    "actors",
    "stages",
    "metrics",
    "projects",
    "events",
    "funding",
    "platform",
    "principles",
    "bottleneck_evidence",
    "depth",
]


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _allowed(field: dict) -> str:
    constraints = field.get("constraints", {})
    if "enum" in constraints:
        return ", ".join(f"`{value}`" for value in constraints["enum"])
    parts = [f"{name} {constraints[name]}" for name in ("minimum", "maximum") if name in constraints]
    if "pattern" in constraints:
        parts.append(f"pattern `{constraints['pattern']}`")
    return "; ".join(parts)


def table_section(table: str) -> list[str]:
    descriptor = schema.table_schema(table)
    status = (
        "required in every case"
        if table in schema.REQUIRED_CASE_TABLES
        else "optional, per case"
        if table in CASE_TABLES
        else "theory"
    )
    lines = [
        f"### `{table}.csv` ({status})",
        "",
        descriptor.get("description", ""),
        "",
        "| Column | Type | Required | Allowed values | Description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for field in descriptor["fields"]:
        required = "yes" if field.get("constraints", {}).get("required") else ""
        lines.append(
            f"| `{field['name']}` | {field.get('type', 'string')} | {required} | "
            f"{_cell(_allowed(field))} | {_cell(field.get('description', ''))} |"
        )
    keys = descriptor.get("foreignKeys", [])
    for key in keys:
        reference = key["reference"]
        lines += [
            "",
            f"`{', '.join(key['fields']) if isinstance(key['fields'], list) else key['fields']}` must "
            f"match `{reference.get('resource') or table}.csv`'s "
            f"`{', '.join(reference['fields']) if isinstance(reference['fields'], list) else reference['fields']}`.",
        ]
    return [*lines, ""]


def profile_section() -> list[str]:
    descriptor = schema.case_profile_schema()
    required = set(descriptor.get("required", []))
    lines = [
        "### `case.yaml` (required in every case)",
        "",
        descriptor.get("description", ""),
        "",
        "| Key | Required | Value |",
        "| --- | --- | --- |",
    ]
    for key, spec in descriptor["properties"].items():
        if "enum" in spec:
            value = "one of " + ", ".join(f"`{v}`" for v in spec["enum"])
        elif spec.get("type") == "object":
            inner = spec.get("properties", {})
            needed = set(spec.get("required", []))
            value = "keys " + ", ".join(f"`{k}`" + (" (required)" if k in needed else "") for k in inner)
        elif spec.get("type") == "array":
            value = "a list of references.bib keys"
        else:
            value = spec.get("description", spec.get("type", ""))
        lines.append(f"| `{key}` | {'yes' if key in required else ''} | {_cell(value)} |")
    return [*lines, ""]


def text() -> str:
    theory = [t for t in schema.table_names() if t not in CASE_TABLES]
    lines = [
        "# Data schemas",
        "",
        "<!-- Generated from data/schemas/*.json by `make schema-docs`; do not edit by hand. -->",
        "",
        "Every CSV under `data/` follows the Table Schema of the same name in this folder; each case's",
        "`case.yaml` follows `case.schema.json`. `make validate` checks every file against them. Files are",
        "UTF-8 CSV with a header row; an empty cell is a value no source gives (shown as *unknown*).",
        "Every `source` cell holds `references.bib` keys separated by `;`, each optionally followed by a",
        "page locator after a comma (`key, p. 12`). Conventions: [CONTRIBUTING.md](../../CONTRIBUTING.md).",
        "",
        "## A case: `data/cases/<case-id>/`",
        "",
        *profile_section(),
    ]
    for table in CASE_TABLES:
        lines += table_section(table)
    lines += ["## Theory: `data/theory/`", ""]
    for table in theory:
        lines += table_section(table)
    return "\n".join(lines).rstrip() + "\n"


def path() -> Path:
    return paths.schemas_dir() / FILE_NAME


def write() -> Path:
    path().write_text(text(), encoding="utf-8")
    return path()
