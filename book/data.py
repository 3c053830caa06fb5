"""Load the book's datasets as typed pandas tables.

Column types come from the Table Schemas, so every chapter sees the same types; a value no
source gives is missing (<NA>), never zero. Every read is recorded for the build (book.reads).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from book import paths, reads, schema

_PANDAS_TYPES = {"integer": "Int64", "year": "Int64", "number": "Float64", "boolean": "boolean"}


def _typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    fields = schema.table_schema(table)["fields"]
    columns = {}
    for field in fields:
        name = field["name"]
        values = frame[name] if name in frame else pd.Series([""] * len(frame), dtype="string")
        values = values.replace("", pd.NA)
        kind = _PANDAS_TYPES.get(field.get("type", "string"))
        if kind == "boolean":
            columns[name] = values.map({"true": True, "false": False}, na_action="ignore").astype(kind)
        elif kind:
            columns[name] = pd.to_numeric(values).astype(kind)
        else:
            columns[name] = values.astype("string")
    return pd.DataFrame(columns, index=frame.index)


def read_table(path: Path, table: str | None = None) -> pd.DataFrame:
    """A CSV typed by the schema of its table (the file's stem unless named)."""
    table = table or path.stem
    if not path.exists():
        return _typed(pd.DataFrame(), table)
    reads.record(path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    return _typed(frame, table)


def case_ids() -> list[str]:
    """Every case under data/cases/, in alphabetical order."""
    folder = paths.cases_dir()
    reads.record(folder, kind="dir")
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / schema.CASE_PROFILE).exists())


def case_profile(case_id: str) -> dict:
    path = paths.cases_dir() / case_id / schema.CASE_PROFILE
    reads.record(path)
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def case_table(case_id: str, table: str) -> pd.DataFrame:
    """One case's table; empty (with the standard columns) when the case has none."""
    return read_table(paths.cases_dir() / case_id / f"{table}.csv", table)


def cases_table(table: str) -> pd.DataFrame:
    """One table across every case, with a leading `case_id` column."""
    frames = [case_table(case_id, table).assign(case_id=case_id) for case_id in case_ids()]
    combined = pd.concat(frames, ignore_index=True) if frames else case_table("", table)
    if "case_id" not in combined:
        combined["case_id"] = pd.Series(dtype="string")
    return combined[["case_id", *[c for c in combined.columns if c != "case_id"]]]


def theory_table(name: str) -> pd.DataFrame:
    return read_table(paths.theory_dir() / f"{name}.csv", name)


def metric(metrics: pd.DataFrame, indicator: str, source: str | None = None, kind: str | None = None) -> float:
    """The one value of `indicator` (from `source`, of `kind`); an error if there is none or several."""
    rows = metrics[metrics.indicator == indicator]
    if source:
        rows = rows[rows.source == source]
    if kind:
        rows = rows[rows.kind == kind]
    if len(rows) != 1:
        raise LookupError(f"expected one '{indicator}' row (source={source}, kind={kind}), found {len(rows)}")
    return float(rows.value.iloc[0])
