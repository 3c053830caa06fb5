"""Load the book's datasets as typed pandas tables.

Column types come from the Table Schemas, so every chapter sees the same types; a value no
source gives is missing (<NA>), never zero. Every read is recorded for the build (book.reads),
including a file that does not exist yet, so a page re-runs when it appears.

A case chapter starts from `case = data.case("kic-garden")`: its profile, each of its tables by
name (`case.actors`, `case.events`, ...) and `case.value(...)` for one figure of its metrics.

A file is parsed once: the parsed copy is kept with the file's bytes, in memory and in _build/
for the next process (a chapter's kernel), and used again only while the file holds exactly
those bytes and the parsing code, the table's schema and the libraries are those it was parsed
with. Every caller gets its own copy of it.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import io
import json
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from book import csvfile, i18n, paths, reads, schema

_PANDAS_TYPES = {"integer": "Int64", "year": "Int64", "number": "Float64", "boolean": "boolean"}


def did_you_mean(word: str, options) -> str:
    """' Did you mean 'x'?' for the closest option, or '' when none is close."""
    close = difflib.get_close_matches(str(word), sorted(str(o) for o in options), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def _schema_of(table: str) -> dict:
    if not schema.table_schema_path(table).exists():
        raise LookupError(
            f"there is no table '{table}' (no {schema.relative(schema.table_schema_path(table))})."
            + did_you_mean(table, schema.table_names())
            + f" Tables: {', '.join(schema.table_names())}."
        )
    return schema.table_schema(table)


def _typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    fields = _schema_of(table)["fields"]
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


def chinese_columns(frame: pd.DataFrame) -> dict[str, str]:
    """Each column that has a Chinese counterpart, and that counterpart: `stage` -> `stage_zh`,
    `name_en` -> `name_zh`, and a `name_zh` with no `name_en` belongs to the first column
    (`project` -> `name_zh`, `paradigm` -> `name_zh`)."""
    pairs = {}
    # A table across cases leads with case_id, which is not what its name_zh translates.
    first = next((column for column in frame.columns if column != "case_id"), None)
    for column in frame.columns:
        if not column.endswith("_zh"):
            continue
        base = column.removesuffix("_zh")
        for english in (base, f"{base}_en", *([first] if base == "name" else [])):
            if english in frame.columns and english != column:
                pairs[english] = column
                break
    return pairs


def register_chinese(frame: pd.DataFrame) -> pd.DataFrame:
    """Tell the Chinese edition the Chinese of the table's words (book.i18n): each value of a
    column with a Chinese counterpart (chinese_columns) is a Said, so a chart or table that
    shows it shows its Chinese there. Returns the frame, unchanged."""
    for english, column in chinese_columns(frame).items():
        for en, zh in zip(frame[english], frame[column]):
            if isinstance(en, str) and isinstance(zh, str) and en and zh:
                i18n.Said(en, zh)
    return frame


# (path, table or "yaml") -> (the file's bytes, None when it is missing; what they parsed to).
_parsed: dict[tuple[Path, str], tuple[bytes | None, object]] = {}
# table -> (case ids, each one's file's bytes, the table across the cases), see cases_table.
_combined: dict[str, tuple[list[str], list[bytes | None], pd.DataFrame]] = {}


PARSED_CACHE = Path("_build") / ".casebook-data"
# The code that parses, as this process runs it (read as it is imported), and the libraries.
_PARSER = hashlib.sha256(
    b"".join(Path(module.__file__).read_bytes() for module in (sys.modules[__name__], csvfile))
    + f"{sys.version} pandas {pd.__version__} numpy {np.__version__} yaml {yaml.__version__}".encode()
    + f" strings {pd.get_option('mode.string_storage')}".encode()
).hexdigest()


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


_UNREAD = object()


def _parse_once(path: Path, kind: str, parse, raw=_UNREAD):
    """`parse(bytes)` of the file at `path` (None when it is missing), parsed again only when its
    bytes differ from those parsed last; `raw`, when given, is the bytes the caller already read.
    The result is shared: callers copy it."""
    raw = _bytes(path) if raw is _UNREAD else raw
    kept = _parsed.get((path, kind))
    if kept is None or kept[0] != raw:
        kept = _parsed[(path, kind)] = (raw, parse(raw) if raw is None else _stored(path, kind, raw, parse))
    return kept[1]


def _stored(path: Path, kind: str, raw: bytes, parse):
    """`parse(raw)`, kept in _build/ (one file per data file) under a digest of the bytes, the
    parsing code and libraries, and the table's schema; any other digest is parsed again."""
    described = "" if kind == "yaml" else json.dumps(_schema_of(kind), sort_keys=True)
    key = hashlib.sha256(f"{_PARSER}\0{kind}\0{described}\0".encode() + raw).hexdigest()
    name = hashlib.sha256(f"{kind}\0{path.resolve()}".encode()).hexdigest()
    store = paths.root() / PARSED_CACHE / f"{name}.pickle"
    try:
        found, value = pickle.loads(store.read_bytes())
        if found == key:
            return value
    except Exception:  # missing, unreadable or written by other code: parse
        pass
    value = parse(raw)
    paths.keep(store, pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL))
    return value


def _parse_table(raw: bytes | None, path: Path, table: str) -> pd.DataFrame:
    if raw is None:
        return _typed(pd.DataFrame(), table)
    text = csvfile.normalise(csvfile.decode(raw, path))
    return _typed(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False), table)


def _table(path: Path, table: str) -> pd.DataFrame:
    reads.record(path)  # a missing file too: the page re-runs when it appears
    frame = _parse_once(path, table, lambda raw: _parse_table(raw, path, table))
    # On every read, parsed now or kept: each notebook's kernel learns the table's Chinese.
    return register_chinese(frame)


def read_table(path: Path, table: str | None = None) -> pd.DataFrame:
    """A CSV typed by the schema of its table (the file's stem unless named); empty when the
    file does not exist. The file is read by the book's one rule (book.csvfile). The Chinese of
    its words, where it has a Chinese column, is registered (register_chinese)."""
    return _table(path, table or path.stem).copy()


def case_ids() -> list[str]:
    """Every case under data/cases/, in alphabetical order."""
    folder = paths.cases_dir()
    reads.record(folder, kind="dir")
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        return sorted(e.name for e in entries if os.path.exists(os.path.join(e.path, schema.CASE_PROFILE)))


def _case_dir(case_id: str) -> Path:
    folder = paths.cases_dir() / case_id
    reads.record(folder / schema.CASE_PROFILE)
    if not (folder / schema.CASE_PROFILE).exists():
        known = case_ids()
        raise LookupError(
            f"there is no case '{case_id}' (no {schema.relative(folder / schema.CASE_PROFILE)})."
            + did_you_mean(case_id, known)
            + f" Cases: {', '.join(known) or 'none'}."
        )
    return folder


def case_profile(case_id: str) -> dict:
    path = _case_dir(case_id) / schema.CASE_PROFILE
    # Kept pickled, so that each caller gets its own copy fast (the comparison asks a thousand times).
    return pickle.loads(_parse_once(path, "yaml", lambda raw: pickle.dumps(yaml.safe_load(raw.decode("utf-8")))))


def case_table(case_id: str, table: str) -> pd.DataFrame:
    """One case's table; empty (with the standard columns) when the case has none. An unknown
    case or table is an error."""
    return read_table(_case_dir(case_id) / f"{table}.csv", table)


def cases_table(table: str) -> pd.DataFrame:
    """One table across every case, with a leading `case_id` column. It is joined again only when
    the cases, or the bytes of one of their files, differ from those it was last joined from, and
    then only the cases that differ are read again (_joined)."""
    ids = case_ids()
    files = [_case_dir(case_id) / f"{table}.csv" for case_id in ids]
    for path in files:
        reads.record(path)  # a missing file too: the page re-runs when it appears
    raws = [_bytes(path) for path in files]
    kept = _combined.get(table)
    if kept is None or kept[0] != ids or kept[1] != raws:
        kept = _combined[table] = (ids, raws, _joined(table, ids, files, raws))
    return register_chinese(kept[2]).copy()


def _joined(table: str, ids: list[str], files: list[Path], raws: list[bytes | None]) -> pd.DataFrame:
    """The table across the cases, kept in _build/ for the next process (a chapter's kernel) with
    a digest of each case's file: a case whose file is unchanged keeps its rows, the others are
    parsed (_parse_once), so adding a case reads one file. The parsing code, the libraries and the
    table's schema must be those it was kept with."""
    digests = {
        case_id: "missing" if raw is None else hashlib.sha256(raw).hexdigest() for case_id, raw in zip(ids, raws)
    }
    described = json.dumps(_schema_of(table), sort_keys=True)
    code = hashlib.sha256(f"{_PARSER}\0joined\0{table}\0{described}".encode()).hexdigest()
    name = hashlib.sha256(f"joined\0{(paths.cases_dir() / table).resolve()}".encode()).hexdigest()
    store = paths.root() / PARSED_CACHE / f"{name}.pickle"
    try:
        found_code, found_digests, found = pickle.loads(store.read_bytes())
    except Exception:  # missing, unreadable or written by other code
        found_code = None
    if found_code == code and found_digests == digests:
        return found
    kept = dict(tuple(found.groupby("case_id", sort=False))) if found_code == code else {}
    parts = []
    for case_id, path, raw in zip(ids, files, raws):
        if found_code == code and found_digests.get(case_id) == digests[case_id]:
            parts.append(kept.get(case_id, found.iloc[:0]))  # an unchanged file's rows, if any
        else:  # the bytes digested above, not the file read again: it may have changed since
            parsed = _parse_once(path, table, functools.partial(_parse_table, path=path, table=table), raw)
            parts.append(parsed.assign(case_id=case_id))
    combined = pd.concat(parts, ignore_index=True) if parts else _typed(pd.DataFrame(), table)
    if "case_id" not in combined:
        combined["case_id"] = pd.Series(dtype="string")
    combined = combined[["case_id", *[c for c in combined.columns if c != "case_id"]]]
    paths.keep(store, pickle.dumps((code, digests, combined), protocol=pickle.HIGHEST_PROTOCOL))
    return combined


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
        hint = "" if indicator in set(metrics.indicator) else did_you_mean(indicator, sorted(set(metrics.indicator)))
        raise LookupError(f"expected one '{indicator}' row (source={source}, kind={kind}), found {len(rows)}.{hint}")
    return float(rows.value.iloc[0])


class Case:
    """One case, as its chapter uses it: `profile`, `name`, each table as an attribute
    (`case.actors`, `case.stages`, `case.metrics`, ...; empty when the case has none) and
    `value(indicator, source=None, kind=None)`, the one figure of its metrics."""

    def __init__(self, case_id: str):
        self.id = case_id
        self.profile = case_profile(case_id)
        self.name = self.profile["name"]["en"]
        self._tables: dict[str, pd.DataFrame] = {}

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            self._tables[name] = case_table(self.id, name)
        return self._tables[name]

    def tables(self, *names: str) -> list[pd.DataFrame]:
        """Several tables at once: `metrics, actors = case.tables("metrics", "actors")`."""
        return [self.table(name) for name in names]

    def __getattr__(self, name: str) -> pd.DataFrame:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self.table(name)
        except LookupError as error:
            raise AttributeError(str(error)) from None

    def value(self, indicator: str, source: str | None = None, kind: str | None = None) -> float:
        return metric(self.table("metrics"), indicator, source, kind)

    def dataset(self, table: str) -> str:
        """The path of one of its datasets, as captions cite it."""
        return f"data/cases/{self.id}/{table}.csv"

    def __repr__(self) -> str:
        return f"Case({self.id!r})"


def case(case_id: str) -> Case:
    """A case's profile, tables and figures (see Case)."""
    return Case(case_id)
