"""The whole book builds with warnings as errors and nitpicky references."""

import os

import pytest

pytestmark = pytest.mark.build


def test_book_builds(built_site):
    assert (built_site / "index.html").exists()
    assert (built_site / "chapters" / "theory" / "concept.html").exists()


@pytest.mark.xdist_group("copies")
def test_builds_share_one_worker(request):
    """The tests of the contributor's copy are in the xdist group "copies" (tests/conftest.py): if
    the group were ignored, the copy's build would be repeated on every worker."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        assert request.node.nodeid.endswith("@copies"), "pytest-xdist ignored the group: see pyproject.toml"
