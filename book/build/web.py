"""The web's conventions, from well-kept extensions: a 404 page (sphinx-notfound-page), Open Graph
metadata for shared links (sphinxext-opengraph), and, once the site has a public address, a
sitemap (sphinx-sitemap) and canonical links (Sphinx's own, from `html_baseurl`)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from sphinx.application import Sphinx

from book.build import metadata


def setup(app: Sphinx) -> None:
    app.setup_extension("notfound.extension")
    # Sitemaps and Open Graph tags name absolute addresses: without a public address they would mislead.
    if metadata.load(Path(app.srcdir)).url:
        app.setup_extension("sphinx_sitemap")
        app.setup_extension("sphinxext.opengraph")
    app.connect("config-inited", configure, priority=800)


def configure(app: Sphinx, config) -> None:
    book = metadata.load(Path(app.srcdir))
    config.html_baseurl = book.url
    config.sitemap_url_scheme = "{link}"  # no language or version folders: one site, one version
    # The 404 page is served for any missing address, so its links start from the site's root.
    config.notfound_urls_prefix = urlparse(book.url).path or "/"
    config.notfound_context = {
        "title": "Page not found",
        "body": "<h1>Page not found</h1><p>This address is not part of the book. The table of contents "
        "on the left, or the search, will take you to what you were looking for.</p>",
    }
    config.ogp_site_url = book.url
    config.ogp_site_name = book.title
    config.ogp_social_cards = {"enable": False}  # images would need matplotlib and fonts
