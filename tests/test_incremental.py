"""Builds are never stale: a data edit re-executes exactly the notebooks that read the file, and a
rebuild after a prose edit executes nothing. (That a copy of the built book executes only what
differs is tests/test_contributor_path.py's.)"""

from __future__ import annotations

import re

import pytest

from conftest import build_book, executed, readers_of, serve

PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=window.__pwned=2>"

pytestmark = pytest.mark.build


def executed_by(result) -> set[str]:
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return executed(result.stdout + result.stderr)


@pytest.mark.xdist_group("copies")
def test_rebuilds_follow_data_and_prose(contribution, browser):
    """Rebuilds the contributor's copy, built once by `make book` (the other tests read it as built:
    these edits change nothing they check)."""
    copy = contribution.root
    page = copy / "_build/html/chapters/theory/concept.html"

    # Since `make book`, only prose changes: nothing may execute, neither the edited chapter nor
    # any other (which is what a no-op rebuild would show).
    chapter = copy / "chapters/theory/concept.md"
    chapter.write_text(
        chapter.read_text(encoding="utf-8").replace("Three things stand out.", "Three things stand out here."),
        encoding="utf-8",
    )
    assert executed_by(build_book(copy)) == set(), "a rebuild after a prose edit executed notebooks"
    assert "Three things stand out here." in page.read_text(encoding="utf-8")

    # Edit two datasets: the milestones (drawn in a chart) and the definitions (shown in a table).
    # The edits also smuggle markup into text fields: it must show as text and run nothing.
    edited = {
        "data/theory/milestones.csv": ("Sherry Arnstein", f"Sherry R. Arnstein {PAYLOAD}"),
        "data/theory/definitions.csv": (
            "Anyone outside the producing organisation",
            f"Anyone outside the organisation {PAYLOAD}",
        ),
    }
    readers = readers_of(copy, *edited)
    assert {"chapters/theory/concept", "chapters/back/data-catalogue"} <= readers
    assert "chapters/cases/barking-dagenham" not in readers
    for path, (old, new) in edited.items():
        csv = copy / path
        csv.write_text(csv.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")

    ran = executed_by(build_book(copy))
    assert ran == readers, f"expected exactly the notebooks reading the edited files, got {ran}"
    html = page.read_text(encoding="utf-8")
    assert "Sherry R. Arnstein" in html and "Anyone outside the organisation" in html
    assert "<script>window.__pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=window.__pwned=2&gt;" in html

    with serve(copy / "_build/html") as url:
        tab = browser.new_page()
        tab.goto(f"{url}/chapters/theory/concept.html", wait_until="load")
        tab.wait_for_timeout(1500)
        assert tab.evaluate("window.__pwned") is None, "markup from a data field ran in the page"
        assert PAYLOAD in tab.inner_text("table"), "the table should show the markup as text"
        tab.close()


def test_execution_error_fails_the_build(seeded_copy):
    copy = seeded_copy("failing")
    chapter = copy / "chapters/theory/core-points.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(
        text.replace(
            'bottlenecks = data.theory_table("bottlenecks")',
            'bottlenecks = data.theory_table("bottlenecks")\nraise ValueError("deliberate failure")',
            1,
        ),
        encoding="utf-8",
    )
    result = build_book(copy)
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    assert result.returncode != 0
    lines = chapter.read_text(encoding="utf-8").splitlines()
    fence = next(i for i, text in enumerate(lines) if text.startswith("```{code-cell}"))
    line = next(i for i in range(fence + 1, len(lines)) if not lines[i].startswith(":")) + 1  # the cell's first line
    first = output.split("Extension error:", 1)[1].strip().splitlines()[0]
    assert first == (
        f"chapters/theory/core-points.md, line {line}: the code cell starting here raised "
        "ValueError: deliberate failure"
    ), first
    assert "nbclient/client.py" not in output, "the executor's own frames hide the cell's error"
    assert "Exception in thread" not in output
    assert not (copy / "_build/html/chapters/theory/core-points.html").exists()
