"""The whole book builds with warnings as errors and nitpicky references."""

import os

import pytest

pytestmark = [pytest.mark.build, pytest.mark.xdist_group("site")]


def test_book_builds(built_site):
    assert (built_site / "index.html").exists()
    assert (built_site / "chapters" / "theory" / "concept.html").exists()


def test_builds_share_one_worker(request):
    """Tests that build are in the xdist groups "site" and "copies" (tests/conftest.py): if the
    groups were ignored, session builds would be repeated on every worker."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        assert request.node.nodeid.endswith("@site"), "pytest-xdist ignored the group: see pyproject.toml"
