"""The data schema and the validator.

Every CSV under data/ is described by a Frictionless Table Schema in data/schemas/
(`<table>.json`, the same for every case); each case's profile, `case.yaml`, by the JSON Schema
data/schemas/case.schema.json. The libraries check types, constraints and foreign keys;
this module adds what they cannot know: that source keys exist in references.bib and that no
scaffold placeholder is left. Every problem is reported at once, with file, row and column.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from book import paths

# frictionless, jsonschema and the bibliography parser are imported where validation needs them:
# notebooks import this module for the schemas alone, and every kernel would pay for them.

PLACEHOLDER = "TODO"
CASE_PROFILE = "case.yaml"
REQUIRED_CASE_TABLES = ("actors", "stages", "metrics")


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row else "")
        where += f", column '{self.column}'" if self.column else ""
        return f"{where}: {self.message}"


def relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.root()))
    except ValueError:
        return str(path)


@lru_cache(maxsize=64)
def _schema_descriptor(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def table_schema_path(table: str) -> Path:
    return paths.schemas_dir() / f"{table}.json"


def table_schema(table: str) -> dict:
    return _schema_descriptor(table_schema_path(table))


def stage_order() -> list[str]:
    """The stages of production in the order of a service's life: the stages table's enum."""
    field = next(f for f in table_schema("stages")["fields"] if f["name"] == "stage")
    return list(field["constraints"]["enum"])


def table_names() -> list[str]:
    return sorted(p.stem for p in paths.schemas_dir().glob("*.json") if p.stem != "case.schema")


def case_profile_schema() -> dict:
    return _schema_descriptor(paths.schemas_dir() / "case.schema.json")


def _is_placeholder(value) -> bool:
    return isinstance(value, str) and value.strip().upper().startswith(PLACEHOLDER)


def _walk_strings(node, trail=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk_strings(value, (*trail, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk_strings(value, (*trail, str(index)))
    elif isinstance(node, str):
        yield ".".join(trail), node


def _check_sources(file: str, row: int, column: str, cell, keys: set[str]) -> list[Problem]:
    from book import bib

    problems = []
    for key in bib.source_keys(cell or ""):
        if not bib.KEY_PATTERN.match(key):
            problems.append(Problem(file, row, column, f"'{key}' is not a citation key"))
        elif key not in keys:
            problems.append(
                Problem(file, row, column, f"unknown source key '{key}' (not in references.bib)")
            )
    return problems


def validate_bibliography(path: Path) -> tuple[list[Problem], set[str]]:
    from book import bib

    file = relative(path)
    if not path.exists():
        return [Problem(file, 0, "", "file is missing")], set()
    parsed = bib.parse(path.read_text(encoding="utf-8"))
    problems = [Problem(file, p.line or 0, "", p.message) for p in parsed.problems]
    for key, entry in parsed.entries.items():
        for field in ("title", "year"):
            if field not in entry.fields_dict:
                problems.append(Problem(file, entry.start_line + 1, field, f"entry '{key}' has no {field}"))
    return problems, parsed.keys


def validate_tables(folder: Path, bib_keys: set[str]) -> list[Problem]:
    """Validate every CSV in one folder as one data package (so foreign keys resolve)."""
    import frictionless

    problems: list[Problem] = []
    resources = []
    for csv in sorted(folder.glob("*.csv")):
        file = relative(csv)
        if not table_schema_path(csv.stem).exists():
            problems.append(
                Problem(file, 0, "", f"no schema for table '{csv.stem}' "
                        f"(expected {relative(table_schema_path(csv.stem))})")
            )
            continue
        schema = frictionless.Schema.from_descriptor(table_schema(csv.stem))
        resources.append(frictionless.Resource(path=csv.name, name=csv.stem, schema=schema,
                                                format="csv", encoding="utf-8"))
    if not resources:
        return problems
    package = frictionless.Package(resources=resources, basepath=str(folder))
    report = package.validate()
    for task in report.tasks:
        file = relative(folder / Path(task.place).name)
        for error in task.errors:
            if _is_placeholder(getattr(error, "cell", None)):
                continue
            header = isinstance(error, frictionless.errors.HeaderError)
            row = 1 if header else getattr(error, "row_number", None) or 0
            column = getattr(error, "field_name", None) or ""
            problems.append(Problem(file, row, column, f"{error.message} [{error.type}]"))
    for resource in resources:
        problems += _check_cells(folder / resource.path, resource.schema, bib_keys)
    return problems


def _check_cells(csv: Path, schema, bib_keys: set[str]) -> list[Problem]:
    """Source keys and placeholders: what the Table Schema cannot express."""
    import csv as csvlib

    file = relative(csv)
    problems = []
    with csv.open(encoding="utf-8", newline="") as handle:
        reader = csvlib.reader(handle)
        header = next(reader, [])
        for line, cells in enumerate(reader, start=2):
            for column, cell in zip(header, cells):
                if _is_placeholder(cell):
                    problems.append(Problem(file, line, column, f"placeholder still to fill in: {cell!r}"))
                elif column == "source":
                    problems += _check_sources(file, line, column, cell, bib_keys)
    return problems


def validate_case_profile(case_dir: Path, bib_keys: set[str]) -> list[Problem]:
    path = case_dir / CASE_PROFILE
    file = relative(path)
    if not path.exists():
        return [Problem(file, 0, "", "file is missing: every case needs a profile")]
    try:
        profile = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        row = mark.line + 1 if mark else 0
        return [Problem(file, row, "", f"malformed YAML: {getattr(error, 'problem', error)}")]
    import jsonschema

    problems = []
    validator = jsonschema.Draft202012Validator(case_profile_schema())
    for error in sorted(validator.iter_errors(profile), key=lambda e: list(e.path)):
        if _is_placeholder(error.instance):
            continue
        where = ".".join(str(part) for part in error.path)
        problems.append(Problem(file, 0, where, error.message))
    if isinstance(profile, dict):
        if profile.get("id") != case_dir.name:
            problems.append(Problem(file, 0, "id", f"must equal the folder name '{case_dir.name}'"))
        for where, value in _walk_strings(profile):
            if _is_placeholder(value):
                problems.append(Problem(file, 0, where, f"placeholder still to fill in: {value!r}"))
        for index, source in enumerate(profile.get("sources") or []):
            if not _is_placeholder(source):
                problems += _check_sources(file, 0, f"sources.{index}", source, bib_keys)
    return problems


def validate_case(case_dir: Path, bib_keys: set[str]) -> list[Problem]:
    problems = validate_case_profile(case_dir, bib_keys)
    for table in REQUIRED_CASE_TABLES:
        if not (case_dir / f"{table}.csv").exists():
            problems.append(Problem(relative(case_dir / f"{table}.csv"), 0, "",
                                    "file is missing: every case needs this table"))
    return problems + validate_tables(case_dir, bib_keys)


def placeholders_by_case(problems: list[Problem]) -> dict[str, int]:
    """Count the placeholder problems per case folder."""
    counts: dict[str, int] = {}
    for problem in problems:
        parts = Path(problem.file).parts
        if "placeholder" in problem.message and len(parts) > 2 and parts[:2] == ("data", "cases"):
            counts[parts[2]] = counts.get(parts[2], 0) + 1
    return counts


def validate_all() -> list[Problem]:
    problems, keys = validate_bibliography(paths.bibliography())
    if paths.theory_dir().exists():
        problems += validate_tables(paths.theory_dir(), keys)
    if paths.cases_dir().exists():
        for case_dir in sorted(p for p in paths.cases_dir().iterdir() if p.is_dir()):
            problems += validate_case(case_dir, keys)
    return sorted(set(problems))
