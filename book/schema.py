"""The data schema and the validator.

Every CSV under data/ is described by a Frictionless Table Schema in data/schemas/
(`<table>.json`, the same for every case); each case's profile, `case.yaml`, by the JSON Schema
data/schemas/case.schema.json. The libraries check types, constraints and foreign keys;
this module adds what they cannot know: that source keys exist in references.bib and that no
scaffold placeholder is left. Every problem is reported at once, with file, row and column.

A folder's problems are kept in _build/ under a digest of everything they depend on: the bytes
of every file in the folder, the schemas, the bibliography's keys, the validator's code and the
libraries' versions. A folder is validated again whenever any of them differs, so only a new or
changed case costs a validation.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache, partial
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
        unit = "line" if self.file.endswith(".md") else "row"
        where = self.file + (f", {unit} {self.row}" if self.row else "")
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
    from book.data import did_you_mean

    problems = []
    for key, locator in bib.source_parts(cell or ""):
        if not bib.KEY_PATTERN.match(key):
            problems.append(Problem(file, row, column, f"'{key}' is not a citation key"))
        elif key not in keys:
            problems.append(
                Problem(
                    file, row, column, f"unknown source key '{key}' (not in references.bib)." + did_you_mean(key, keys)
                )
            )
        if locator is not None and not bib.LOCATOR_PATTERN.match(locator):
            if bib.KEY_PATTERN.match(locator):
                fix = f"separate keys with ';' ('{key}; {locator}')"
            else:
                fix = "write the locator as 'p. 12', 'pp. 3-5', 'ch. 2', 'sec. 4.1', 'fig. 3' or 'table 2'"
            problems.append(
                Problem(
                    file, row, column, f"'{key}, {locator}': after a comma comes a page locator, not '{locator}': {fix}"
                )
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
    """Validate every CSV in one folder as one data package (so foreign keys resolve).

    Files are read by the book's one rule (book.csvfile): a byte-order mark, CRLF line endings
    and semicolons are accepted and validated as their normalised text; other encodings are refused.
    """
    import tempfile

    from book import csvfile
    from book.data import did_you_mean

    problems: list[Problem] = []
    texts: dict[str, str] = {}
    for csv in sorted(folder.glob("*.csv")):
        file = relative(csv)
        if not table_schema_path(csv.stem).exists():
            problems.append(
                Problem(
                    file,
                    0,
                    "",
                    f"no schema for table '{csv.stem}' "
                    f"(expected {relative(table_schema_path(csv.stem))})." + did_you_mean(csv.stem, table_names()),
                )
            )
            continue
        try:
            texts[csv.name] = csvfile.read_text(csv)
        except csvfile.CsvError as error:
            problems.append(Problem(file, error.line, "", error.message))
    if not texts:
        return problems
    if all(csvfile.is_normalised(folder / name) for name in texts):
        problems += _validate_package(folder, folder, sorted(texts))
    else:
        with tempfile.TemporaryDirectory(prefix="casebook-csv-") as scratch:
            for name, text in texts.items():
                (Path(scratch) / name).write_text(text, encoding="utf-8")
            problems += _validate_package(Path(scratch), folder, sorted(texts))
    for name, text in texts.items():
        problems += _check_cells(folder / name, text, bib_keys)
    return problems


def _validate_package(basepath: Path, folder: Path, names: list[str]) -> list[Problem]:
    import frictionless

    resources = [
        frictionless.Resource(
            path=name,
            name=Path(name).stem,
            format="csv",
            encoding="utf-8",
            schema=frictionless.Schema.from_descriptor(table_schema(Path(name).stem)),
        )
        for name in names
    ]
    report = frictionless.Package(resources=resources, basepath=str(basepath)).validate()
    problems = []
    for task in report.tasks:
        table = Path(task.place).stem
        file = relative(folder / Path(task.place).name)
        for error in task.errors:
            if _is_placeholder(getattr(error, "cell", None)):
                continue
            header = isinstance(error, frictionless.errors.HeaderError)
            row = 1 if header else getattr(error, "row_number", None) or 0
            column = getattr(error, "field_name", None) or ""
            problems.append(Problem(file, row, column, plain_message(error, table)))
    return problems


def _field(table: str, name: str) -> dict:
    return next((f for f in table_schema(table)["fields"] if f["name"] == name), {})


NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")


def number_hint(cell: str, table: str) -> str:
    """How to write a cell that is not a number in a number column."""
    text = str(cell).strip()
    found = NUMBER.search(text)
    if not found:
        return "write the number in digits, or leave the cell empty if no source gives it"
    number = found.group(0)
    number = number.replace(",", ".") if DECIMAL_COMMA.fullmatch(number) else number.replace(",", "")
    words = (text[: found.start()] + " " + text[found.end() :]).strip(" .")
    note = "note" if _field(table, "note") else "evidence" if _field(table, "evidence") else ""
    if words:
        where = f"put '{words}' in the {note} column" if note else f"say '{words}' in the chapter"
        return f"write {number} and {where}"
    return f"write {number}: digits only, no thousands separators, a point for decimals"


def plain_message(error, table: str) -> str:
    """Frictionless's message, with what was expected and how to fix it for the common mistakes."""
    from book.data import did_you_mean

    kind = error.type
    cell = getattr(error, "cell", None)
    name = getattr(error, "field_name", None) or ""
    field = _field(table, name)
    names = [f["name"] for f in table_schema(table)["fields"]]
    if kind == "type-error" and field.get("type") in ("number", "integer", "year"):
        return (
            f"'{cell}' is not a {'whole ' if field.get('type') != 'number' else ''}number: "
            f"{number_hint(cell, table)} [{kind}]"
        )
    if kind == "constraint-error" and "enum" in field.get("constraints", {}):
        allowed = field["constraints"]["enum"]
        if cell not in allowed:
            return (
                f"'{cell}' is not an allowed value.{did_you_mean(cell, allowed)} "
                f"Allowed: {', '.join(repr(a) for a in allowed)} [{kind}]"
            )
    if kind in ("incorrect-label", "extra-label", "blank-label", "duplicate-label"):
        label = getattr(error, "label", "") or ""
        hint = did_you_mean(label, names) if label and label not in names else ""
        return f"{error.message}.{hint} Columns of {table}.csv: {', '.join(names)} [{kind}]"
    if kind == "missing-label":
        return f"{error.message}. Columns of {table}.csv: {', '.join(names)} [{kind}]"
    return f"{error.message} [{kind}]"


def _check_cells(csv: Path, text: str, bib_keys: set[str]) -> list[Problem]:
    """Source keys and placeholders: what the Table Schema cannot express."""
    import csv as csvlib
    import io

    file = relative(csv)
    problems = []
    reader = csvlib.reader(io.StringIO(text))
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
        location = (profile.get("place") or {}).get("location")
        if isinstance(location, dict) and isinstance(location.get("source"), str):
            problems += _check_sources(file, 0, "place.location.source", location["source"], bib_keys)
    return problems


def validate_case(case_dir: Path, bib_keys: set[str]) -> list[Problem]:
    problems = validate_case_profile(case_dir, bib_keys)
    for table in REQUIRED_CASE_TABLES:
        if not (case_dir / f"{table}.csv").exists():
            problems.append(
                Problem(relative(case_dir / f"{table}.csv"), 0, "", "file is missing: every case needs this table")
            )
    return problems + validate_tables(case_dir, bib_keys)


VALIDATION_CACHE = Path("_build") / ".casebook-validation.json"
# What validation runs on besides the book's own code (book/*.py): a new version re-validates.
VALIDATION_LIBRARIES = ("frictionless", "jsonschema", "pyyaml")


def _update(digest, name: str, data: bytes) -> None:
    digest.update(f"{name}\0{len(data)}\0".encode())
    digest.update(data)


def validator_digest(bib_keys: set[str]) -> str:
    """What every folder's validation depends on besides its own files: the code (book/*.py),
    the schemas, the libraries' versions and the bibliography's keys."""
    from importlib import metadata

    digest = hashlib.sha256()
    for path in sorted(paths.PACKAGE_DIR.glob("*.py")) + sorted(paths.schemas_dir().glob("*")):
        if path.is_file():
            _update(digest, path.name, path.read_bytes())
    for library in VALIDATION_LIBRARIES:
        _update(digest, library, metadata.version(library).encode())
    _update(digest, "keys", "\n".join(sorted(bib_keys)).encode())
    return digest.hexdigest()


def folder_digest(folder: Path, validator: str) -> str:
    """The validator's digest, the folder's place in the book, and every file in it, byte for byte."""
    digest = hashlib.sha256(validator.encode())
    _update(digest, "folder", relative(folder).encode())
    for entry in sorted(folder.iterdir()):
        _update(digest, entry.name, entry.read_bytes() if entry.is_file() else b"(folder)")
    return digest.hexdigest()


class ValidationCache:
    """Problems per folder digest, read from and saved to VALIDATION_CACHE under the book's root.

    Only the folders of the latest run are saved; a cache that cannot be read is ignored."""

    def __init__(self, validator: str):
        self.path = paths.root() / VALIDATION_CACHE
        self.validator = validator
        try:
            self.kept = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.kept = {}
        self.used: dict[str, list] = {}

    def problems(self, folder: Path, validate) -> list[Problem]:
        key = folder_digest(folder, self.validator)
        found = self.kept.get(key)
        if not isinstance(found, list):
            found = [dataclasses.astuple(problem) for problem in validate()]
        self.used[key] = found
        return [Problem(*problem) for problem in found]

    def save(self) -> None:
        paths.keep(self.path, json.dumps(self.used, sort_keys=True).encode())


def validate_all() -> list[Problem]:
    problems, keys = validate_bibliography(paths.bibliography())
    cache = ValidationCache(validator_digest(keys))
    if paths.theory_dir().exists():
        problems += cache.problems(paths.theory_dir(), partial(validate_tables, paths.theory_dir(), keys))
    if paths.cases_dir().exists():
        for case_dir in sorted(p for p in paths.cases_dir().iterdir() if p.is_dir()):
            problems += cache.problems(case_dir, partial(validate_case, case_dir, keys))
    cache.save()
    return sorted(set(problems))
