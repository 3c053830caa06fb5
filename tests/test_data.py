"""The validator accepts the book's data and names file, row and column for every broken copy."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from book import csvfile, data, paths, reads, schema
from conftest import run_book

ROOT = Path(__file__).resolve().parent.parent


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_book_data_is_valid():
    assert messages(schema.validate_all()) == []


def test_cli_reports_success_and_failure(book_copy):
    ok = subprocess.run([sys.executable, "-m", "book", "validate"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    (book_copy / "data/theory/milestones.csv").write_text("year,milestone\n1,x\n", encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "book", "validate"], capture_output=True, text=True)
    assert bad.returncode == 1
    assert "data/theory/milestones.csv" in bad.stderr and "problem(s)" in bad.stderr


def test_missing_column(book_copy):
    csv = book_copy / "data/theory/milestones.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    csv.write_text("\n".join(line.rsplit(",", 1)[0] for line in lines) + "\n", encoding="utf-8")
    found = messages(schema.validate_all())
    assert any("data/theory/milestones.csv, row 1, column 'source'" in m and "missing-label" in m for m in found), found


def test_unknown_source_key(book_copy):
    rewrite(book_copy / "data/theory/milestones.csv", ",arnstein1969ladder", ",arnstein1970nosuch")
    found = messages(schema.validate_all())
    assert (
        "data/theory/milestones.csv, row 2, column 'source': unknown source key 'arnstein1970nosuch' "
        "(not in references.bib)."
    ) in found


def test_non_numeric_value(book_copy):
    rewrite(book_copy / "data/theory/milestones.csv", "1996,", "about 1996,")
    found = messages(schema.validate_all())
    assert any(m.startswith("data/theory/milestones.csv, row 6, column 'year'") and "type-error" in m for m in found), (
        found
    )


def test_ragged_row(book_copy):
    rewrite(book_copy / "data/theory/milestones.csv", ",ostrom1996crossing", ",ostrom1996crossing,surplus")
    found = messages(schema.validate_all())
    assert any(m.startswith("data/theory/milestones.csv, row 6") and "extra-cell" in m for m in found), found


def test_malformed_yaml(book_copy):
    case = book_copy / "data/cases/broken-case"
    case.mkdir(parents=True)
    (case / "case.yaml").write_text("id: broken-case\nname: {en: [unclosed\n", encoding="utf-8")
    found = messages(schema.validate_all())
    assert any(m.startswith("data/cases/broken-case/case.yaml, row 3: malformed YAML") for m in found), found


def test_duplicate_bib_key(book_copy):
    bib = book_copy / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8") + "\n@misc{arnstein1969ladder,\n  title = {Again},\n  year = {1969},\n}\n",
        encoding="utf-8",
    )
    found = messages(schema.validate_all())
    assert any(m.startswith("references.bib, row") and "duplicate key 'arnstein1969ladder'" in m for m in found), found


def test_every_problem_reported_at_once(book_copy):
    rewrite(book_copy / "data/theory/milestones.csv", "1996,", "about 1996,")
    rewrite(book_copy / "data/theory/milestones.csv", ",arnstein1969ladder", ",nosuchkey")
    assert len(schema.validate_all()) >= 2


def test_html_in_text_is_data_not_markup(book_copy):
    """A tag in a text field is accepted as text, and a rendered table shows it escaped."""
    from book.tables import show_table

    rewrite(book_copy / "data/theory/milestones.csv", "Sherry Arnstein", "<script>alert(1)</script> Arnstein")
    assert messages(schema.validate_all()) == []
    milestones = data.theory_table("milestones")
    rendered = show_table(milestones, caption="<b>caption</b>").data
    assert "<script>" not in rendered and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert "&lt;b&gt;caption&lt;/b&gt;" in rendered


def test_loader_types_follow_schema():
    milestones = data.theory_table("milestones")
    assert str(milestones.year.dtype) == "Int64"
    assert list(milestones.columns) == [f["name"] for f in schema.table_schema("milestones")["fields"]]


def test_one_stage_order_everywhere():
    """The stages table's enum is the order; the theory table and its schema must agree with it."""
    from book import data, schema

    order = schema.stage_order()
    theory_enum = next(f for f in schema.table_schema("production_stages")["fields"] if f["name"] == "stage")
    assert theory_enum["constraints"]["enum"] == order
    assert list(data.theory_table("production_stages").sort_values("order").stage) == order


# ---------------------------------------------------------------- plain errors that say how to fix


def validate_cli() -> subprocess.CompletedProcess:
    return run_book("validate")


def test_csv_not_utf8_names_file_line_and_fix(book_copy):
    """Excel's plain 'CSV' on Windows saves cp1252: refused with the file, the line and the fix."""
    csv = book_copy / "data/theory/milestones.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",", ",Café – ", 1)
    csv.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    result = validate_cli()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        "data/theory/milestones.csv, row 4: the file is not UTF-8 text (byte 0xe9 cannot be read): "
        "open it in your spreadsheet and save it as 'CSV UTF-8 (Comma delimited)'"
    ) in result.stderr
    with pytest.raises(csvfile.CsvError, match=r"milestones.csv, line 4: .*save it as 'CSV UTF-8"):
        data.theory_table("milestones")


def test_two_keys_joined_by_a_comma_are_refused(book_copy):
    """'key1, key2' used to read the second key as a page locator, so a wrong key passed."""
    rewrite(book_copy / "data/theory/milestones.csv", ",arnstein1969ladder", ',"arnstein1969ladder, nosuchkey2020"')
    found = messages(schema.validate_all())
    assert (
        "data/theory/milestones.csv, row 2, column 'source': 'arnstein1969ladder, nosuchkey2020': after a comma "
        "comes a page locator, not 'nosuchkey2020': separate keys with ';' "
        "('arnstein1969ladder; nosuchkey2020')"
    ) in found


@pytest.mark.parametrize("locator", ["p. 1079", "pp. 3–5", "ch. 2", "fig. 3", "table 2", "12"])
def test_page_locators_are_accepted(book_copy, locator):
    rewrite(book_copy / "data/theory/milestones.csv", ",arnstein1969ladder", f',"arnstein1969ladder, {locator}"')
    assert messages(schema.validate_all()) == []


def test_unknown_key_gets_did_you_mean(book_copy):
    rewrite(book_copy / "data/theory/milestones.csv", ",arnstein1969ladder", ",arnstein1969lader")
    found = messages(schema.validate_all())
    assert (
        "data/theory/milestones.csv, row 2, column 'source': unknown source key 'arnstein1969lader' "
        "(not in references.bib). Did you mean 'arnstein1969ladder'?"
    ) in found


def test_misspelt_column_gets_did_you_mean(book_copy):
    rewrite(book_copy / "data/cases/kic-garden/actors.csv", "actor_id,name_en", "actor_id,name_eng")
    found = messages(schema.validate_all())
    assert any(
        m.startswith("data/cases/kic-garden/actors.csv, row 1, column 'name_en'") and "Did you mean 'name_en'?" in m
        for m in found
    ), found


def test_value_not_allowed_gets_did_you_mean_and_the_list(book_copy):
    rewrite(book_copy / "data/cases/kic-garden/actors.csv", ",residents,", ",resident,")
    found = messages(schema.validate_all())
    assert any(
        "data/cases/kic-garden/actors.csv, row" in m
        and "column 'type': 'resident' is not an allowed value. Did you mean 'residents'? Allowed: 'policy maker'," in m
        for m in found
    ), found


@pytest.mark.parametrize(
    ("cell", "hint"),
    [
        ("about 1,000", "write 1000 and put 'about' in the note column"),
        ("1,000", "write 1000: digits only, no thousands separators, a point for decimals"),
        ("2,5", "write 2.5: digits only"),
        ("many", "write the number in digits, or leave the cell empty if no source gives it"),
    ],
)
def test_words_in_a_number_column_say_where_they_go(book_copy, cell, hint):
    rewrite(book_copy / "data/cases/kic-garden/metrics.csv", ",2200,", f',"{cell}",')
    found = messages(schema.validate_all())
    assert any(
        "data/cases/kic-garden/metrics.csv, row" in m and f"column 'value': '{cell}' is not a number: {hint}" in m
        for m in found
    ), found


def test_unknown_case_or_table_raises_with_did_you_mean():
    with pytest.raises(LookupError, match="there is no case 'kic-gardn'.*Did you mean 'kic-garden'"):
        data.case_table("kic-gardn", "actors")
    with pytest.raises(LookupError, match="there is no case 'no-such-case'"):
        data.case_table("no-such-case", "actors")
    with pytest.raises(LookupError, match="there is no table 'actor'.*Did you mean 'actors'"):
        data.case_table("kic-garden", "actor")
    with pytest.raises(LookupError, match="Did you mean 'population'"):
        data.case("fengquan-gujing").value("populaton")
    assert data.case_table("kic-garden", "funding").empty  # a known table the case does not have


@pytest.mark.parametrize("variant", ["bom", "crlf", "semicolons", "all three"])
def test_bom_crlf_and_semicolons_are_read_as_commas_and_published_normalised(book_copy, variant):
    """The one rule (book.csvfile): accepted, validated and loaded as the normalised text."""
    csv = book_copy / "data/cases/kic-garden/events.csv"
    original = csv.read_text(encoding="utf-8")
    text = original
    if variant in ("semicolons", "all three"):
        import csv as csvlib
        import io

        rows = list(csvlib.reader(io.StringIO(original)))
        out = io.StringIO()
        csvlib.writer(out, delimiter=";", lineterminator="\n").writerows(rows)
        text = out.getvalue()
    if variant in ("crlf", "all three"):
        text = text.replace("\n", "\r\n")
    raw = text.encode("utf-8")
    if variant in ("bom", "all three"):
        raw = b"\xef\xbb\xbf" + raw
    csv.write_bytes(raw)
    assert not csvfile.is_normalised(csv)
    assert messages(schema.validate_all()) == []
    if variant in ("bom", "crlf"):
        assert csvfile.read_text(csv) == original
    assert _events_of(csvfile.read_text(csv)).equals(_events_of(original))
    assert data.case_table("kic-garden", "events").equals(_events_of(original))


def _events_of(text: str):
    import io

    import pandas as pd

    return data._typed(pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False), "events")


# ---------------------------------------------------------------- caches: a changed byte is never missed


def same_size_edit(path: Path, old: str, new: str) -> None:
    """Rewrite `old` as `new` (of the same length) and put the file's times back, so that only
    its bytes tell the change."""
    assert len(old.encode()) == len(new.encode())
    before = path.stat()
    rewrite(path, old, new)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size


def test_validation_is_kept_per_folder_and_redone_when_a_byte_changes(book_copy, monkeypatch):
    assert messages(schema.validate_all()) == []
    assert (book_copy / schema.VALIDATION_CACHE).exists()

    # Nothing changed: no folder is validated again.
    def not_again(*args):
        raise AssertionError(f"validated again: {args[0]}")

    with monkeypatch.context() as patch:
        patch.setattr(schema, "validate_case", not_again)
        patch.setattr(schema, "validate_tables", not_again)
        assert messages(schema.validate_all()) == []

    # One byte of one case: that case alone is validated again, and its problem has file, row, column.
    metrics = book_copy / "data/cases/kic-garden/metrics.csv"
    validated = []
    real = schema.validate_case
    monkeypatch.setattr(
        schema, "validate_case", lambda folder, keys: validated.append(folder.name) or real(folder, keys)
    )
    same_size_edit(metrics, "area,2020,,2200,", "area,2020,,22x0,")
    problem = "data/cases/kic-garden/metrics.csv, row 2, column 'value': '22x0' is not a number"
    first = messages(schema.validate_all())
    assert validated == ["kic-garden"]
    assert any(m.startswith(problem) for m in first), first
    # Kept, the problem is reported the same way without validating again.
    assert messages(schema.validate_all()) == first and validated == ["kic-garden"]
    same_size_edit(metrics, "area,2020,,22x0,", "area,2020,,2200,")
    assert messages(schema.validate_all()) == []


def test_validation_is_redone_when_what_it_depends_on_changes(book_copy, monkeypatch):
    """Besides a folder's files: the schemas, the bibliography's keys and a new file in the folder."""
    schema.validate_all()
    counted = []
    real = schema.validate_case
    monkeypatch.setattr(schema, "validate_case", lambda folder, keys: counted.append(folder.name) or real(folder, keys))
    cases = len(data.case_ids())

    rewrite(book_copy / "references.bib", "@", "@misc{unused2026key, title={Unused}, year={2026}}\n\n@")
    assert messages(schema.validate_all()) == [] and len(counted) == cases

    counted.clear()
    rewrite(book_copy / "data/schemas/metrics.json", '"description"', '"title": "Metrics", "description"')
    assert messages(schema.validate_all()) == [] and len(counted) == cases

    counted.clear()
    (book_copy / "data/cases/kic-garden/notes.csv").write_text("a\n1\n", encoding="utf-8")
    found = messages(schema.validate_all())
    assert counted == ["kic-garden"]
    assert any(m.startswith("data/cases/kic-garden/notes.csv: no schema for table 'notes'") for m in found), found


def test_an_unreadable_validation_cache_is_ignored(book_copy):
    (book_copy / schema.VALIDATION_CACHE).parent.mkdir(parents=True)
    (book_copy / schema.VALIDATION_CACHE).write_text("{not json", encoding="utf-8")
    assert messages(schema.validate_all()) == []


def test_the_loader_parses_a_file_again_when_a_byte_changes(book_copy, monkeypatch):
    log = book_copy / "reads.jsonl"
    monkeypatch.setenv(reads.LOG_VARIABLE, str(log))
    metrics = book_copy / "data/cases/kic-garden/metrics.csv"
    profile = book_copy / "data/cases/kic-garden/case.yaml"
    first = data.case_table("kic-garden", "metrics")
    assert 2200 in first.value.tolist()
    across = data.cases_table("metrics")
    name = data.case_profile("kic-garden")["name"]["en"]

    # What a caller does to its copy is not seen by the next caller.
    first.loc[:, "value"] = 0
    across.loc[:, "value"] = 0
    data.case_profile("kic-garden")["name"]["en"] = "changed by a caller"
    assert 2200 in data.case_table("kic-garden", "metrics").value.tolist()
    assert 2200 in data.cases_table("metrics").value.tolist()
    assert data.case_profile("kic-garden")["name"]["en"] == name

    # The same size and the same times: the bytes alone tell the change.
    same_size_edit(metrics, "area,2020,,2200,", "area,2020,,2201,")
    same_size_edit(profile, name[:4], name[:4].upper())
    assert 2201 in data.case_table("kic-garden", "metrics").value.tolist()
    assert 2201 in data.cases_table("metrics").value.tolist()
    assert data.case_profile("kic-garden")["name"]["en"] == name[:4].upper() + name[4:]

    # A file that appears, and one that goes: the table across cases follows both.
    assert "kic-garden" not in set(data.cases_table("funding").case_id)
    shutil.copy(book_copy / "data/cases/barking-dagenham/funding.csv", book_copy / "data/cases/kic-garden/funding.csv")
    assert "kic-garden" in set(data.cases_table("funding").case_id)
    (book_copy / "data/cases/kic-garden/funding.csv").unlink()
    assert "kic-garden" not in set(data.cases_table("funding").case_id)

    # Every read is recorded, kept copy or not, so the build still knows what a page depends on.
    log = book_copy / "another-page-reads.jsonl"
    monkeypatch.setenv(reads.LOG_VARIABLE, str(log))
    data.cases_table("metrics")
    recorded = {(entry["path"], entry["kind"]) for entry in reads.read_log(log)}
    assert (str(metrics.resolve()), "file") in recorded
    assert (str(paths.cases_dir().resolve()), "dir") in recorded


def test_a_parsed_file_kept_for_the_next_process_is_used_only_with_the_same_bytes_code_and_schema(
    book_copy, monkeypatch
):
    """The copy kept in _build/ for a chapter's kernel: a new process (here: memory cleared) finds it."""
    metrics = book_copy / "data/cases/kic-garden/metrics.csv"
    first = data.case_table("kic-garden", "metrics")
    stored = list((book_copy / data.PARSED_CACHE).glob("*.pickle"))
    assert stored

    parsed = []
    real = data._parse_table
    monkeypatch.setattr(
        data, "_parse_table", lambda raw, path, table: parsed.append(path.name) or real(raw, path, table)
    )

    def next_process():
        monkeypatch.setattr(data, "_parsed", {})
        monkeypatch.setattr(data, "_combined", {})
        return data.case_table("kic-garden", "metrics")

    assert next_process().equals(first) and parsed == []

    same_size_edit(metrics, "area,2020,,2200,", "area,2020,,2201,")
    assert 2201 in next_process().value.tolist() and parsed == ["metrics.csv"]
    assert next_process().equals(data.case_table("kic-garden", "metrics")) and parsed == ["metrics.csv"]

    monkeypatch.setattr(data, "_PARSER", "other code or libraries")
    assert 2201 in next_process().value.tolist() and parsed == ["metrics.csv"] * 2

    described = schema.table_schema("metrics")
    monkeypatch.setattr(schema, "table_schema", lambda table: {**described, "title": "changed"})
    next_process()
    assert parsed == ["metrics.csv"] * 3

    for kept in (book_copy / data.PARSED_CACHE).glob("*.pickle"):
        kept.write_bytes(b"not a pickle")
    assert 2201 in next_process().value.tolist() and parsed == ["metrics.csv"] * 4


def test_a_table_across_cases_kept_for_the_next_process_follows_every_case_file(book_copy, monkeypatch):
    """The joined table is kept too: the next process reads one file, not one per case; when a
    case's file changes by a byte, appears or goes, or a case is added, only that file is parsed,
    and the table is the one a fresh join gives."""
    metrics = book_copy / "data/cases/kic-garden/metrics.csv"

    def next_process(table="metrics", fresh=False):
        monkeypatch.setattr(data, "_parsed", {})
        monkeypatch.setattr(data, "_combined", {})
        if fresh:  # nothing kept: every file parsed
            shutil.rmtree(book_copy / data.PARSED_CACHE)
        return data.cases_table(table)

    # A process of its own from the start: this one may hold the same table from the book itself.
    first = next_process()
    parsed = []
    real = data._parse_table
    monkeypatch.setattr(
        data, "_parse_table", lambda raw, path, table: parsed.append(path.parent.name) or real(raw, path, table)
    )
    assert next_process().equals(first) and parsed == []
    same_size_edit(metrics, "area,2020,,2200,", "area,2020,,2201,")
    edited = next_process()
    assert 2201 in edited.value.tolist() and parsed == ["kic-garden"]

    shutil.copytree(book_copy / "data/cases/kic-garden", book_copy / "data/cases/kic-garden-again")
    parsed.clear()
    added = next_process()
    assert parsed == ["kic-garden-again"]
    assert set(added.case_id) == set(edited.case_id) | {"kic-garden-again"}
    pd.testing.assert_frame_equal(added, next_process(fresh=True))

    before = set(next_process("funding").case_id)
    shutil.copy(book_copy / "data/cases/barking-dagenham/funding.csv", book_copy / "data/cases/kic-garden/funding.csv")
    parsed.clear()
    assert set(next_process("funding").case_id) == before | {"kic-garden"} and parsed == ["kic-garden"]
    (book_copy / "data/cases/kic-garden/funding.csv").unlink()
    assert set(next_process("funding").case_id) == before
    pd.testing.assert_frame_equal(next_process("funding"), next_process("funding", fresh=True))
