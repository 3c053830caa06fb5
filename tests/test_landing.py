"""Where a newcomer lands: the reading path starts at the first chapter, and the way in is near the top."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.build


def test_welcome_leads_to_the_first_chapter(built_site):
    soup = BeautifulSoup((built_site / "chapters" / "welcome.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.select_one("a.right-next")["href"] == "theory/concept.html"
    first_part = soup.select_one(".bd-sidenav p.caption, nav.bd-links p.caption")
    first_link = first_part.find_next("a")
    assert first_link["href"].endswith("theory/concept.html"), (first_part.get_text(), first_link["href"])


def test_where_to_start_comes_first(built_site):
    """On a phone the list of ways in must not sit below screens of introduction."""
    soup = BeautifulSoup((built_site / "chapters" / "welcome.html").read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article")
    text = article.get_text(" ", strip=True)
    before = text.split("Where to start", 1)[0]
    assert len(before.split()) <= 40, f"{len(before.split())} words before 'Where to start'"


def test_changelog_page_shows_every_version(built_site):
    """Readers who cite a version can see what changed since: the page follows CHANGELOG.md."""
    import re

    from book import paths

    versions = re.findall(r"^## (.+)$", (paths.root() / "CHANGELOG.md").read_text(encoding="utf-8"), flags=re.M)
    page = BeautifulSoup(
        (built_site / "chapters" / "back" / "changelog.html").read_text(encoding="utf-8"), "html.parser"
    )
    headings = [h.get_text().rstrip("#").strip() for h in page.select("article h2")]
    assert versions and headings == versions
