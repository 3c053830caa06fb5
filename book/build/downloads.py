"""Entries added to the theme's download menu: the chapter's bundle, and the whole book as one PDF.

The theme builds its header buttons in `html-page-context` (sphinx-book-theme's public
`header_buttons` context list); this handler runs after it and extends the download group.
"""

from __future__ import annotations

from book.build import i18n
from book.build.pdf import PDF_NAME


def add_book_pdf(app, pagename, templatename, context, doctree) -> None:
    say = i18n.in_language(app.config)
    group = next((b for b in context.get("header_buttons", []) if b.get("label") == "download-buttons"), None)
    if group is None or "pathto" not in context:
        return
    if context.get("casebook_bundle"):
        group["buttons"].append(
            {
                "type": "link",
                "url": context["pathto"](context["casebook_bundle"], 1),
                "text": say("Chapter bundle (.zip)", "本章压缩包（.zip）"),
                "tooltip": say(
                    "Download the chapter with its data and code, to run in Jupyter",
                    "下载本章及其数据和代码，在Jupyter中运行",
                ),
                "icon": "fas fa-file-zipper",
                "label": "download-bundle-button",
            }
        )
    group["buttons"].append(
        {
            "type": "link",
            "url": context["pathto"](PDF_NAME, 1),
            "text": say("Whole book (.pdf)", "全书（.pdf）"),
            "tooltip": say("Download the whole book as one PDF", "下载全书PDF"),
            "icon": "fas fa-book",
            "label": "download-book-pdf-button",
        }
    )


def setup(app) -> None:
    app.connect("html-page-context", add_book_pdf, priority=900)  # after the theme's buttons (500)
