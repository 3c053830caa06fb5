"""The execution manifest decides when a notebook re-runs: no page may be stale.

A notebook re-runs when its code, the `book` code, the lock file, a file it read, a file it looked
for that did not exist, or a folder it listed changes.
"""

from __future__ import annotations

import shutil

import pytest

from book import catalogue, data, paths, reads
from book.build import execution

CODE = "code-hash"


@pytest.fixture
def root(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data/a.csv").write_text("x\n1\n", encoding="utf-8")
    (tmp_path / "requirements.lock").write_text("pandas==3.1.1\n", encoding="utf-8")
    monkeypatch.setenv("CASEBOOK_ROOT", str(tmp_path))
    return tmp_path


def run(root, *recorded) -> execution.Executed:
    return execution.Executed("page", "{}", [{"path": str(root / path), "kind": kind} for path, kind in recorded], 1.0)


def manifest_after(root, *recorded) -> tuple[execution.Manifest, str]:
    manifest = execution.Manifest(root / "_build" / execution.MANIFEST_NAME)
    package = execution.package_digest()
    manifest.record("page", CODE, package, run(root, *recorded), root)
    manifest.save()
    return execution.Manifest(manifest.path), package  # read back, as the next build does


def test_unchanged_is_fresh_and_an_edit_is_stale(root):
    manifest, package = manifest_after(root, ("data/a.csv", "file"))
    assert manifest.is_fresh("page", CODE, package, root)
    assert not manifest.is_fresh("page", "other code", package, root)
    (root / "data/a.csv").write_text("x\n2\n", encoding="utf-8")
    assert not manifest.is_fresh("page", CODE, package, root)


def test_a_file_looked_for_re_runs_the_page_when_it_appears(root):
    manifest, package = manifest_after(root, ("data/b.csv", "file"))
    assert manifest.entries["page"]["reads"] == [{"path": "data/b.csv", "kind": "file", "digest": None}]
    assert manifest.is_fresh("page", CODE, package, root)
    (root / "data/b.csv").write_text("x\n1\n", encoding="utf-8")
    assert not manifest.is_fresh("page", CODE, package, root)


def test_a_listed_folder_re_runs_the_page_when_a_file_is_added_or_removed(root):
    manifest, package = manifest_after(root, ("data", "dir"))
    assert manifest.is_fresh("page", CODE, package, root)
    (root / "data/c.csv").write_text("x\n", encoding="utf-8")
    assert not manifest.is_fresh("page", CODE, package, root)
    (root / "data/c.csv").unlink()
    assert manifest.is_fresh("page", CODE, package, root)
    (root / "data/a.csv").unlink()
    assert not manifest.is_fresh("page", CODE, package, root)


def test_the_lock_file_is_part_of_every_key(root):
    manifest, package = manifest_after(root, ("data/a.csv", "file"))
    key = manifest.key("page")
    (root / "requirements.lock").write_text("pandas==3.2.0\n", encoding="utf-8")
    bumped = execution.package_digest()
    assert bumped != package
    assert not manifest.is_fresh("page", CODE, bumped, root), "old outputs reused after a version bump"
    manifest.record("page", CODE, bumped, run(root, ("data/a.csv", "file")), root)
    assert manifest.key("page") != key


def test_reads_outside_the_book_are_not_dependencies(root, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "x.csv"
    outside.write_text("x\n", encoding="utf-8")
    manifest = execution.Manifest(root / "_build" / execution.MANIFEST_NAME)
    manifest.record(
        "page", CODE, "p", execution.Executed("page", "{}", [{"path": str(outside), "kind": "file"}], 0), root
    )
    assert manifest.entries["page"]["reads"] == []


@pytest.fixture
def read_log(tmp_path, monkeypatch):
    log = tmp_path / "reads.jsonl"
    monkeypatch.setenv(reads.LOG_VARIABLE, str(log))
    return lambda: {(entry["path"], entry["kind"]) for entry in reads.read_log(log)}


def test_the_catalogue_records_every_folder_it_lists(read_log):
    catalogue.datasets()
    recorded = read_log()
    assert (str(paths.theory_dir()), "dir") in recorded
    assert (str(paths.cases_dir()), "dir") in recorded
    for case_id in data.case_ids():
        assert (str(paths.cases_dir() / case_id), "dir") in recorded


def test_a_table_a_case_lacks_is_recorded_as_looked_for(read_log):
    """The contributing page shows an example of every table: adding one to a case re-runs it."""
    assert data.cases_table("funding").case_id.unique().tolist() == ["barking-dagenham"]
    assert (str(paths.cases_dir() / "kic-garden" / "funding.csv"), "file") in read_log()


def test_a_new_table_in_a_case_re_runs_what_listed_it(book_copy, read_log, tmp_path):
    build = tmp_path / "manifest"
    manifest = execution.Manifest(build / execution.MANIFEST_NAME)
    catalogue.datasets()
    data.cases_table("funding")
    package = execution.package_digest()
    log = [{"path": path, "kind": kind} for path, kind in sorted(read_log())]
    manifest.record("page", CODE, package, execution.Executed("page", "{}", log, 1.0), book_copy)
    assert manifest.is_fresh("page", CODE, package, book_copy)
    shutil.copy(book_copy / "data/cases/barking-dagenham/funding.csv", book_copy / "data/cases/kic-garden/funding.csv")
    assert not manifest.is_fresh("page", CODE, package, book_copy)
