"""The book's metadata, each fact written once.

Title, authors, year, public address and repository live in `_config.yml` (Jupyter Book's own
settings: `title`, `author`, `copyright`, `html.baseurl`, `repository.url`); the version lives in
`pyproject.toml`. Everything else (the page citations, Sphinx's version, the BibTeX entry) is
derived from them, and a test holds CITATION.cff to the same values.
"""

from __future__ import annotations

import importlib.metadata
import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml

from book import paths


@dataclass(frozen=True)
class Metadata:
    title: str
    authors: str
    year: str
    version: str
    url: str  # the site's public address, "" until it is published
    repository: str  # the source repository's address, "" when none is set

    def page_url(self, docname: str) -> str:
        """The absolute address of a page, or its path when the public address is not set."""
        page = f"{docname}.html"
        return f"{self.url.rstrip('/')}/{page}" if self.url else page

    def bibtex(self, docname: str, chapter_title: str) -> str:
        key = "casebook" + self.year + docname.rsplit("/", 1)[-1].replace("-", "")
        fields = [
            ("author", "{" + self.authors + "}"),
            ("title", chapter_title),
            ("booktitle", self.title),
            ("year", self.year),
            ("edition", f"version {self.version}"),
            ("note", "Prose and data under CC BY 4.0"),
        ]
        if self.url:
            fields.append(("url", self.page_url(docname)))
        body = ",\n".join(f"  {name:<9} = {{{value}}}" for name, value in fields)
        return f"@incollection{{{key},\n{body},\n}}"


def load(root: Path | None = None) -> Metadata:
    root = root or paths.root()
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    pyproject = root / "pyproject.toml"
    if pyproject.exists():
        version = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    else:  # a copy of the book without its packaging: the installed package says the same
        version = importlib.metadata.version("coproduction-casebook")
    return Metadata(
        title=str(config.get("title", "")),
        authors=str(config.get("author", "")),
        year=str(config.get("copyright", "")),
        version=str(version),
        url=str((config.get("html") or {}).get("baseurl") or ""),
        repository=str((config.get("repository") or {}).get("url") or ""),
    )
