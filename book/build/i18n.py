"""The Chinese edition: the same pages, code and outputs, built a second time in Chinese.

Sphinx's internationalisation does the translating: each page's paragraphs are looked up in its
catalogue (locales/zh_CN/LC_MESSAGES/<page>.po, book.build.translations). This module adds what
an edition of an executable book needs beyond that:

- glued values inside a translated paragraph, in Chinese (myst-nb's glue roles read them only
  while the notebook itself is parsed, not when Sphinx parses a translation);
- outputs in the page's language: the Chinese edition prefers the `;lang=zh-Hans` variants that
  book.i18n adds to computed outputs;
- a page whose catalogue is started must be translated whole: an untranslated or changed message
  fails the build; a page not yet started is shown in English under a notice;
- a language switch and `hreflang` links on every page, in both editions.

The Chinese edition is built by `python -m book chinese-edition` into _build/zh/ and published as
the site's zh/ folder.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from docutils import nodes
from myst_nb.core.variables import format_plain_text
from myst_nb.ext.glue.roles import PasteMarkdownRole, PasteTextRole
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.nodes import NodeMatcher

from book import i18n, paths
from book.build import translations
from book.build.translations import EDITION_DIR, HREFLANG, LANGUAGE

logger = logging.getLogger(__name__)

SWITCH = {"en": ("中文", "阅读本页中文版"), LANGUAGE: ("English", "Read this page in English")}


def is_chinese(config) -> bool:
    return config.language == LANGUAGE


def in_language(config):
    """say(English, Chinese) -> the words of the edition being built."""
    chinese = is_chinese(config)
    return lambda en, zh: zh if chinese else en


# ------------------------------------------------------------------ glued values in translations


def _glue_data(document) -> dict:
    """The page's glued values, as myst-nb wrote them while parsing the page's notebook: read once
    a page (Sphinx clears temp_data after each), not once a glued value."""
    env = document.settings.env
    if "casebook_glue" not in env.temp_data:
        path = Path(env.mystnb_config.output_folder, *env.docname.split("/"))
        path = path.with_name(path.name + ".glue.json")
        env.temp_data["casebook_glue"] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return env.temp_data["casebook_glue"]


def _glued(role, key: str, mime_type: str):
    """The glued value's Chinese variant, or its only one; None (and a warning) when missing."""
    data = _glue_data(role.document).get(key, {}).get("data")
    if data is None:
        logger.warning(
            f"a translation glues {key!r}, which this page does not glue", location=(role.document, role.line)
        )
        return None
    return data.get(i18n.zh(mime_type), data.get(mime_type))


class TranslatedText(PasteTextRole):
    def run(self):
        if "nb_renderer" in self.document:  # the page's own notebook
            return super().run()
        key, _, spec = self.text.partition(":")
        value = _glued(self, key, "text/plain")
        if value is None:
            return [], []
        text = format_plain_text(value, spec)
        return [nodes.inline(text, text, classes=["pasted-text"])], []


class TranslatedMarkdown(PasteMarkdownRole):
    def run(self):
        if "nb_renderer" in self.document:
            return super().run()
        value = _glued(self, self.text.rsplit(":", 1)[0], "text/markdown")
        if value is None:
            return [], []
        children, messages = self.inliner.parse(value, self.line, None, nodes.inline())
        return [nodes.inline("", "", *children, classes=["pasted-inline"])], messages


# ------------------------------------------------------------------ whole pages or none


LATIN = re.compile("[A-Za-z]")


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def _is_front_matter(node) -> bool:
    # A field list at the top of the page, before its first section: docutils turns it into
    # the page's metadata after translation.
    return isinstance(node, (nodes.field_list, nodes.docinfo)) and isinstance(node.parent, nodes.document)


class TranslatedWhole(SphinxTransform):
    """After Sphinx has translated a page: all of it, or (not started) none of it."""

    default_priority = 26  # after sphinx.transforms.i18n.TranslationProgressTransform (25)

    def apply(self, **kwargs) -> None:
        if not is_chinese(self.config):
            return
        progress = self.document.get("translation_progress", {})
        if not progress.get("translated"):
            return  # not started: shown in English under a notice
        for node in NodeMatcher(nodes.Element, translated=False).findall(self.document):
            text = " ".join(node.astext().split())[:70]
            # Not the reader's English: the page's front matter, or words Sphinx and its
            # extensions already give in Chinese (an exercise's 练习).
            if not LATIN.search(text) or any(_is_front_matter(a) for a in _ancestors(node)):
                continue
            logger.warning(
                f'"{text}" has no Chinese translation: the English is new or changed. Run '
                "`make translations`, then translate the entries it reports for this page.",
                location=node,
            )


class TranslatedTocCaptions(SphinxTransform):
    """The table of contents' part captions in Chinese: sphinx-external-toc inserts their toctrees
    (priority 100) after Sphinx has translated the page (20), so they are looked up here in the
    same catalogue."""

    default_priority = 101

    def apply(self, **kwargs) -> None:
        if not is_chinese(self.config):
            return
        for toctree in self.document.findall(addnodes.toctree):
            if toctree.get("caption"):
                toctree["caption"] = translations.translate(self.env.docname, toctree["caption"], Path(self.env.srcdir))


# ------------------------------------------------------------------ the notebook to download


DIRECTIVE = re.compile(r"^(\s*(?:`{3,}|:{3,})\{[\w:-]+\}\s*)(.*)$")
OPTION = re.compile(r"^\s*:[\w-]+:")


def translated_markdown(source: str, translate) -> str:
    """A notebook's Markdown with each paragraph, heading, list item and directive title that
    `translate` knows in Chinese (the page's catalogue, whose messages are these blocks' text)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.colon_fence import colon_fence_plugin

    lines = source.split("\n")
    tokens = MarkdownIt("commonmark").use(colon_fence_plugin).parse(source)
    for token in reversed(tokens):  # from the end, so earlier line numbers stay right
        if token.map is None:
            continue
        start, end = token.map
        if token.type == "inline":
            message = " ".join(token.content.split("\n")).strip()
            chinese = translate(message)
            at = lines[start].find(token.content.split("\n")[0])  # after a list's marker or a heading's #
            if chinese != message and at >= 0:
                lines[start:end] = [lines[start][:at] + chinese]
        elif token.type in ("fence", "colon_fence") and token.info.startswith("{"):
            opening = DIRECTIVE.match(lines[start])
            body = lines[start + 1 : end - 1]
            options = next((i for i, line in enumerate(body) if not OPTION.match(line)), len(body))
            inner = translated_markdown("\n".join(body[options:]), translate).split("\n")
            title = opening.group(2).strip() if opening else ""
            head = opening.group(1) + translate(title) if opening and title else lines[start]
            lines[start:end] = [head, *body[:options], *inner, lines[end - 1]]
    return "\n".join(lines)


def translate_notebook(notebook, docname: str, root: Path) -> None:
    """The executed notebook's Markdown cells in Chinese, from the page's catalogue (in place)."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = translated_markdown(cell.source, lambda m: translations.translate(docname, m, root))


# ------------------------------------------------------------------ language switch


def counterpart(pagename: str, language: str) -> str:
    """The address of the page in the other edition, relative to this page."""
    depth = pagename.count("/")
    if language == LANGUAGE:
        return "../" * (depth + 1) + pagename + ".html"
    return "../" * depth + f"{EDITION_DIR}/{pagename}.html"


def page_languages(app: Sphinx, pagename, templatename, context, doctree) -> None:
    language = LANGUAGE if is_chinese(app.config) else "en"
    other = "en" if language == LANGUAGE else LANGUAGE
    context["language"] = HREFLANG[language]  # the theme's <html lang>: zh-Hans, as the English pages mark Chinese
    href = counterpart(pagename, language)
    base = app.config.html_baseurl
    if base:  # absolute where the site's address is known, as search engines expect
        english = base.removesuffix(f"{EDITION_DIR}/") if language == LANGUAGE else base
        href_absolute = english + (f"{EDITION_DIR}/" if other == LANGUAGE else "") + pagename + ".html"
    else:
        href_absolute = href
    context["metatags"] = context.get("metatags", "") + (
        f'\n<link rel="alternate" hreflang="{HREFLANG[other]}" href="{html.escape(href_absolute)}" />'
    )
    label, title = SWITCH[language]
    context["casebook_language_switch"] = {
        "href": href,
        "hreflang": HREFLANG[other],
        "label": label,
        "title": title,
    }
    if language == LANGUAGE and doctree is not None and "body" in context:
        progress = doctree.get("translation_progress", {})
        if not progress.get("translated"):
            context["body"] = (
                f'<aside class="casebook-untranslated" lang="{HREFLANG[LANGUAGE]}"><p>本页尚未译成中文，'
                f'下面是英文原文。<a href="{html.escape(href)}" hreflang="en">打开英文版</a></p></aside>'
                f'<div lang="en">{context["body"]}</div>'
            )


# ------------------------------------------------------------------ the edition's configuration


def prefer_chinese_outputs(app: Sphinx, config) -> None:
    if not is_chinese(config):
        return
    # Ahead of the English variants of the same outputs (myst-nb: lower numbers come first).
    config.nb_mime_priority_overrides = [
        *config.nb_mime_priority_overrides,
        ("html", i18n.zh("text/html"), 0),
        ("html", i18n.zh("image/svg+xml"), 1),
        ("html", i18n.zh("text/markdown"), 2),
        ("html", i18n.zh("text/plain"), 3),
    ]


def add_switch(app: Sphinx, config) -> None:
    # In the book theme's article header, before its buttons.
    if config.html_theme == "sphinx_book_theme":
        options = config.html_theme_options
        end = options.get("article_header_end", ["article-header-buttons.html"])
        options["article_header_end"] = ["casebook-language-switch.html", *end]


def setup(app: Sphinx) -> None:
    app.add_role_to_domain("glue", "text", TranslatedText(), override=True)
    app.add_role_to_domain("glue", "md", TranslatedMarkdown(), override=True)
    app.add_transform(TranslatedWhole)
    app.add_transform(TranslatedTocCaptions)
    app.connect("config-inited", prefer_chinese_outputs)
    app.connect("config-inited", add_switch)
    app.connect("html-page-context", page_languages)


# ------------------------------------------------------------------ building the edition


def edition_config(root: Path) -> dict:
    """_config.yml, in Chinese (its address, under zh/, is book.build.web's)."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = translations.translate("chapters/welcome", config.get("title", ""), root)
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["language"] = LANGUAGE
    sphinx["nb_code_prompt_show"] = "显示代码"  # every folded cell folds its code (hide-input)
    sphinx["nb_code_prompt_hide"] = "隐藏代码"
    return config


HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
GLOSSARY_TERM = re.compile(r"^  ([\u4e00-\u9fff]{2,})", re.MULTILINE)  # a definition starts with its Chinese term


def search_words(root: Path) -> list[str]:
    """Words jieba must keep whole in the search index: the glossary's Chinese terms and the cases' names."""
    words = GLOSSARY_TERM.findall((root / "chapters" / "back" / "glossary.md").read_text(encoding="utf-8"))
    for profile in sorted((root / "data" / "cases").glob("*/case.yaml")):
        case = yaml.safe_load(profile.read_text(encoding="utf-8")) or {}
        for name in ((case.get("name") or {}).get("zh"), (case.get("initiative") or {}).get("zh")):
            words += HAN_WORD.findall(name or "")
    return list(dict.fromkeys(words))


def write_edition_config(root: Path) -> Path:
    """The Chinese edition's configuration file, rewritten only when it changed (Sphinx compares it)."""
    work = root / "_build" / EDITION_DIR
    work.mkdir(parents=True, exist_ok=True)
    dictionary = work / "search-words.txt"  # jieba's user dictionary: a word and a frequency a line
    words = "".join(f"{word} 1000\n" for word in search_words(root))
    if not dictionary.exists() or dictionary.read_text(encoding="utf-8") != words:
        dictionary.write_text(words, encoding="utf-8")
    config = edition_config(root)
    config["sphinx"]["config"]["html_search_options"] = {"dict": str(dictionary)}
    path = work / "_config.yml"
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def build(root: Path | None = None) -> Path:
    """Build the Chinese edition (notebooks are not run again) and publish it as the site's zh/."""
    root = root or paths.root()
    work = root / "_build" / EDITION_DIR
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    subprocess.run(
        [str(jupyter_book), "build", str(root), "--config", str(write_edition_config(root)),
         "--path-output", str(work), "-W", "-n", "--keep-going"],
        check=True,
    )  # fmt: skip
    site = root / "_build" / "html" / EDITION_DIR
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(work / "_build" / "html", site)
    (site.parent / "index.html").write_text(ROOT_PAGE, encoding="utf-8")  # instead of a redirect to English
    return site


# The site's root: the reader chooses an edition (each edition's own index.html leads to its first page).
ROOT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The Co-production Casebook · 合作生产案例集</title>
<meta name="description" content="An open, executable casebook on co-production in community planning, in English and Chinese.">
<link rel="alternate" hreflang="en" href="chapters/welcome.html">
<link rel="alternate" hreflang="zh-Hans" href="zh/chapters/welcome.html">
<link rel="alternate" hreflang="x-default" href="chapters/welcome.html">
<link rel="icon" href="_static/favicon.svg">
<style>
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
          "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; }
  main { padding: 2rem 1.25rem; max-width: 34rem; text-align: center; }
  h1 { font-size: 1.6rem; line-height: 1.35; margin: 0 0 0.5rem; }
  p { line-height: 1.6; margin: 0 0 1.5rem; }
  ul { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 1rem; justify-content: center; }
  a { display: inline-block; min-width: 9rem; padding: 0.8rem 1.4rem; border: 2px solid currentColor;
      border-radius: 0.5rem; font-size: 1.15rem; font-weight: 600; text-decoration: none; color: LinkText; }
  a:hover, a:focus-visible { text-decoration: underline; }
</style>
</head>
<body>
<main>
<h1>The Co-production Casebook<br><span lang="zh-Hans">合作生产案例集</span></h1>
<p>Co-production in community planning: theory, cases and evidence.<br>
<span lang="zh-Hans">社区规划中的合作生产：理论、案例与证据。</span></p>
<ul>
<li><a href="chapters/welcome.html" hreflang="en">English</a></li>
<li><a href="zh/chapters/welcome.html" hreflang="zh-Hans" lang="zh-Hans">中文</a></li>
</ul>
</main>
</body>
</html>
"""
