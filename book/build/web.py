"""The web's conventions, from well-kept extensions: a 404 page (sphinx-notfound-page), Open Graph
metadata for shared links (sphinxext-opengraph), and, once the site has a public address, a
sitemap (sphinx-sitemap) and canonical links (Sphinx's own, from `html_baseurl`)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from sphinx.application import Sphinx

from book.build import i18n, metadata


def setup(app: Sphinx) -> None:
    app.setup_extension("notfound.extension")
    # Sitemaps and Open Graph tags name absolute addresses: without a public address they would mislead.
    if metadata.load(Path(app.srcdir)).url:
        app.setup_extension("sphinx_sitemap")
        app.setup_extension("sphinxext.opengraph")
    app.connect("config-inited", configure, priority=800)


def configure(app: Sphinx, config) -> None:
    book = metadata.load(Path(app.srcdir))
    chinese = i18n.is_chinese(config)
    edition = f"{i18n.EDITION_DIR}/" if chinese else ""  # the Chinese edition is the site's zh/
    url = f"{book.url.rstrip('/')}/{edition}" if book.url and edition else book.url
    config.html_baseurl = url
    config.sitemap_url_scheme = "{link}"  # no language or version folders: one site, one version
    # The 404 page is served for any missing address, so its links start from the edition's root.
    config.notfound_urls_prefix = (urlparse(book.url).path or "/") + edition
    say = i18n.in_language(config)
    config.notfound_context = {
        "title": say("Page not found", "找不到页面"),
        "body": say(
            "<h1>Page not found</h1><p>This address is not part of the book. The table of contents "
            "on the left, or the search, will take you to what you were looking for.</p>",
            "<h1>找不到页面</h1><p>本书中没有这个地址。请使用左侧的目录或搜索，找到你要找的内容。</p>",
        ),
    }
    config.ogp_site_url = url
    config.ogp_site_name = book.title
    config.ogp_social_cards = {"enable": False}  # images would need matplotlib and fonts
