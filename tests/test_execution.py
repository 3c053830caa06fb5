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
