"""The whole book builds with warnings as errors and nitpicky references."""

import pytest

pytestmark = [pytest.mark.build, pytest.mark.xdist_group("site")]


def test_book_builds(built_site):
    assert (built_site / "index.html").exists()
    assert (built_site / "chapters" / "theory" / "concept.html").exists()
