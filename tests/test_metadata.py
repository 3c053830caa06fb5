"""The book's metadata is written once: CITATION.cff agrees, and page citations follow the settings."""

from __future__ import annotations

import pytest
import yaml
from bs4 import BeautifulSoup

from book.build import metadata
from conftest import PUBLISHED_AT, REPOSITORY, ROOT


def test_citation_file_agrees_with_the_one_source():
    book = metadata.load()
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["title"] == book.title
    assert [a["name"] for a in citation["authors"]] == [book.authors]
    assert str(citation["version"]) == book.version
    assert str(citation["date-released"]).startswith(book.year)
    assert citation.get("url", "") == book.url
    assert citation.get("repository-code", "") == book.repository


@pytest.mark.build
def test_page_citation_without_a_public_address(built_site):
    book = metadata.load()
    page = BeautifulSoup((built_site / "chapters/theory/concept.html").read_text(encoding="utf-8"), "html.parser")
    citation = page.select_one(".casebook-citation").get_text()
    assert f"version {book.version}" in citation and "chapters/theory/concept.html" in citation
    assert "@incollection{" in page.select_one(".casebook-page-extras pre").get_text()
    links = [a.get("href", "") for a in page.select("a")]
    assert not any("executablebooks" in link for link in links), "a button points at Jupyter Book's own repository"
    # Without a public address: no sitemap, canonical link or Open Graph address, but a 404 page.
    assert not (built_site / "sitemap.xml").exists()
    assert page.select_one('link[rel="canonical"]') is None and page.select_one('meta[property="og:url"]') is None
    missing = BeautifulSoup((built_site / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert "Page not found" in missing.get_text()
    for link in missing.select('link[rel="stylesheet"], script[src]'):
        address = link.get("href") or link.get("src")
        assert address.startswith("/_static/") and (built_site / address.split("?")[0].lstrip("/")).is_file(), address


@pytest.mark.build
@pytest.mark.xdist_group("copies")
def test_page_citation_and_buttons_with_address_and_repository(contribution):
    """The contributor's copy is built with a public address and a repository (conftest.publish)."""
    copy = contribution.root
    page = BeautifulSoup((copy / "_build/html/chapters/theory/concept.html").read_text(encoding="utf-8"), "html.parser")
    address = f"{PUBLISHED_AT}chapters/theory/concept.html"
    assert page.select_one(".casebook-citation a")["href"] == address
    assert f"url       = {{{address}}}" in page.select_one(".casebook-page-extras pre").get_text()
    links = [a.get("href", "") for a in page.select("a")]
    assert REPOSITORY in links, "no repository button"
    assert any(link.startswith(f"{REPOSITORY}/edit/") for link in links), "no edit button"
    assert any(link.startswith(f"{REPOSITORY}/issues") for link in links), "no issue button"
    assert page.select_one('link[rel="canonical"]')["href"] == address
    assert page.select_one('meta[property="og:url"]')["content"] == address
    assert page.select_one('meta[property="og:title"]')["content"] == "What co-production is"
    sitemap = (copy / "_build/html/sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{address}</loc>" in sitemap
    missing = (copy / "_build/html/404.html").read_text(encoding="utf-8")
    assert 'href="/_static/' in missing
