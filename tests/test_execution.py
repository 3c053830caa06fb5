"""What decides re-execution follows the package's seam: book/ outside book/build/."""

from __future__ import annotations

import shutil

from book import paths
from book.build import execution


def test_package_digest_follows_the_seam(tmp_path, monkeypatch):
    package = tmp_path / "book"
    shutil.copytree(paths.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(paths, "PACKAGE_DIR", package)
    before = execution.package_digest()

    (package / "build" / "sphinxext.py").write_text("# build code\n", encoding="utf-8")
    (package / "build" / "new_tool.py").write_text("# more build code\n", encoding="utf-8")
    assert execution.package_digest() == before, "build-only code must not re-execute notebooks"

    (package / "charts.py").write_text((package / "charts.py").read_text() + "\n# style\n", encoding="utf-8")
    assert execution.package_digest() != before
    (package / "helpers.py").write_text("X = 1\n", encoding="utf-8")
    assert "book.helpers" in execution.chapter_modules()  # preloaded like every chapter module


def test_preload_holds_every_chapter_module_and_no_build_module():
    modules = execution.preload()
    assert {"book.charts", "book.data", "book.compare", "book.tables", "book.models"} <= set(modules)
    assert [m for m in modules if m.startswith("book.build")] == ["book.build.lifeline", "book.build.warmkernel"]
    assert "book.__main__" not in modules


def test_a_page_read_once_is_read_again_only_when_it_or_the_settings_differ(tmp_path, monkeypatch):
    """What myst-nb read of a page is kept in the execution cache; any byte of the page, a
    setting or a reader's version differing reads it again."""
    import os
    from types import SimpleNamespace

    from myst_nb.core import read
    from myst_nb.core.config import NbParserConfig
    from myst_parser.config.main import MdParserConfig

    chapter = tmp_path / "concept.md"
    shutil.copy(paths.root() / "chapters/theory/concept.md", chapter)
    prose = tmp_path / "glossary.md"
    shutil.copy(paths.root() / "chapters/back/glossary.md", prose)
    env = SimpleNamespace(
        doc2path=lambda docname: str(tmp_path / f"{docname}.md"),
        myst_config=MdParserConfig(enable_extensions={"colon_fence", "dollarmath"}),
        mystnb_config=NbParserConfig(execution_cache_path=str(tmp_path / "cache")),
    )
    real = read.create_nb_reader
    reads = []
    monkeypatch.setattr(read, "create_nb_reader", lambda path, *args: reads.append(path) or real(path, *args))

    def fresh(docname):
        text = (tmp_path / f"{docname}.md").read_text(encoding="utf-8")
        reader = real(str(tmp_path / f"{docname}.md"), env.myst_config, env.mystnb_config, text)
        return without_ids(reader.read(text)) if reader else None

    def without_ids(nb):  # the reader gives cells new random ids at each reading
        return {**nb, "cells": [{k: v for k, v in cell.items() if k != "id"} for cell in nb.cells]}

    first = without_ids(execution.read_notebook(env, "concept"))
    assert first == fresh("concept") and len(reads) == 1
    assert execution.read_notebook(env, "glossary") is None and len(reads) == 2  # not a notebook

    kept = without_ids(execution.read_notebook(env, "concept"))
    assert kept == first and len(reads) == 2
    assert execution.read_notebook(env, "glossary") is None and len(reads) == 2

    # One byte, the size and times unchanged.
    before = chapter.stat()
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("import", "imporT", 1), encoding="utf-8")
    os.utime(chapter, ns=(before.st_atime_ns, before.st_mtime_ns))
    edited = without_ids(execution.read_notebook(env, "concept"))
    assert edited == fresh("concept") != first and len(reads) == 3

    env.myst_config = MdParserConfig(enable_extensions={"colon_fence", "dollarmath", "deflist"})
    assert without_ids(execution.read_notebook(env, "concept")) == fresh("concept") and len(reads) == 4

    monkeypatch.setattr(execution, "READER_PACKAGES", (*execution.READER_PACKAGES, "pyyaml"))
    execution.read_notebook(env, "concept")
    assert len(reads) == 5
