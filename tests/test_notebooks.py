"""Every notebook in the table of contents executes from top to bottom.

The build executes them (and fails on any error); this checks that the build's manifest holds a
current entry for each one, so no notebook was left out of execution.
"""

from __future__ import annotations

import json

import pytest

from book.build import execution, review
from conftest import ROOT


def notebooks() -> list[str]:
    return [
        name
        for name in review.toc_files(ROOT)
        if (ROOT / f"{name}.md").read_text(encoding="utf-8").startswith("---\njupytext:")
    ]


def test_toc_files_exist():
    missing = [name for name in review.toc_files(ROOT) if not (ROOT / f"{name}.md").exists()]
    assert not missing


def test_no_page_is_nested_under_another():
    """The sidebar is resolved one level deep (max_navbar_depth in book/build/sphinxext.py): a
    page under another page's `sections` would not show there. Raise that depth with the first one."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    nested = [c["file"] for part in toc["parts"] for c in part["chapters"] if c.get("sections")]
    assert not nested, f"pages with sections, hidden from the one-level sidebar: {nested}"


@pytest.mark.build
def test_every_notebook_executed_in_the_build(built_site):
    manifest = json.loads((ROOT / "_build/.jupyter_cache" / execution.MANIFEST_NAME).read_text(encoding="utf-8"))
    package = execution.package_digest()
    assert len(notebooks()) >= 10
    for name in notebooks():
        assert name in manifest, f"{name} was not executed by the build"
        assert manifest[name]["package"] == package, f"{name} ran with other book code or another lock"
