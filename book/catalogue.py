"""The data catalogue: every dataset under data/, described from its Table Schema."""

from __future__ import annotations

import html

import pandas as pd

from book import bib, data, paths, reads, schema
from book.i18n import _


def schema_fields(table: str) -> pd.DataFrame:
    """The columns of a table: name, type, required, allowed values, description."""
    rows = []
    for field in schema.table_schema(table)["fields"]:
        constraints = field.get("constraints", {})
        allowed = constraints.get("enum")
        bounds = [f"{k} {constraints[k]}" for k in ("minimum", "maximum") if k in constraints]
        rows.append(
            {
                "column": field["name"],
                "type": field.get("type", "string"),
                "required": _("yes") if constraints.get("required") else _("no"),
                "allowed": "; ".join(allowed) if allowed else (", ".join(bounds) or constraints.get("pattern", "")),
                "description": field.get("description", ""),
            }
        )
    return pd.DataFrame(rows)


def csv_files() -> list:
    """Every dataset; the folders listed are recorded, so a new file re-runs the page that lists them."""
    reads.record(paths.theory_dir(), kind="dir")
    files = sorted(paths.theory_dir().glob("*.csv"))
    for case_id in data.case_ids():
        reads.record(paths.cases_dir() / case_id, kind="dir")
        files += sorted((paths.cases_dir() / case_id).glob("*.csv"))
    return files


def example_row(table: str) -> tuple[pd.DataFrame | None, str | None]:
    """The first row of `table` in the first case (alphabetically) that has one, and that case.

    Reads only up to that case's file, so the page does not slow down as cases are added.
    """
    for case_id in data.case_ids():
        rows = data.case_table(case_id, table)
        if len(rows):
            return rows.head(1).assign(case_id=case_id)[["case_id", *rows.columns]], case_id
    return None, None


def datasets() -> pd.DataFrame:
    """One row per CSV: where it is, what it holds, its columns and types, rows and sources."""
    tables = set(schema.table_names())
    across: dict[str, tuple[dict, pd.DataFrame]] = {}  # a case table's rows by case, joined once (data.cases_table)

    def rows_of(path) -> pd.DataFrame:
        if path.parent == paths.theory_dir() or path.stem not in tables:
            return data.read_table(path)
        if path.stem not in across:
            joined = data.cases_table(path.stem)
            across[path.stem] = (dict(tuple(joined.groupby("case_id", sort=False))), joined.iloc[:0])
        by_case, empty = across[path.stem]
        return by_case.get(path.parent.name, empty)

    rows = []
    for path in csv_files():
        table = rows_of(path)
        reads.record(path)
        keys = sorted(
            {k for cell in table.get("source", pd.Series(dtype="string")).dropna() for k in bib.source_keys(cell)}
        )
        relative = path.relative_to(paths.root()).as_posix()
        rows.append(
            {
                "dataset": relative,
                "group": _("theory") if path.parent == paths.theory_dir() else f"case: {path.parent.name}",
                "description": schema.table_schema(path.stem).get("description", ""),
                "columns": ", ".join(
                    f"{f['name']} ({f.get('type', 'string')})" for f in schema.table_schema(path.stem)["fields"]
                ),
                "rows": len(table),
                "sources": "; ".join(keys),
            }
        )
    return pd.DataFrame(rows)


def download_link(relative_path: str, depth: int) -> str:
    """An HTML link from a page `depth` folders below the site root to the copy of a data file."""
    href = "../" * depth + relative_path
    return f'<a href="{html.escape(href)}" download>{html.escape(relative_path)}</a>'
