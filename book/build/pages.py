"""What every page offers beyond its text, and fixes to the theme's pages.

Each executed chapter links its executed notebook (.ipynb, also offered by the theme's download
menu) and the datasets it read, as recorded when it ran; and says how to cite it. A few fixes to
the theme's HTML keep every page free of serious accessibility violations; a small script makes
the theme's sidebar buttons work (casebook-sidebar-toggles.js); every run of Chinese text is
marked lang="zh-Hans", so screen readers, fonts and line breaking treat it as Chinese.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
from pathlib import Path

import nbformat

from book import paths
from book.build import search, translations

SCRIPTS = ("casebook-sidebar-toggles.js",)  # every page, deferred
# A page that reads more datasets than this (the comparison, once there are many cases) lists
# each case table once, with how many cases have it, instead of a link per file.
DOWNLOAD_LINKS = 24
CASE_DATASET = re.compile(r"^data/cases/[^/]+/([^/]+\.csv)$")


def write_static(folder: Path) -> None:
    """Copy the pages' own scripts into `folder` (a static path of the build)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in SCRIPTS:
        shutil.copyfile(paths.STATIC_DIR / name, folder / name)


def write_executed_notebook(app, docname: str) -> tuple[str, nbformat.NotebookNode] | None:
    """Write the chapter's executed notebook into the site's _sources; return its name there and
    the notebook."""
    from jupyter_cache import get_cache

    from book.build.execution import read_notebook

    env = app.env
    notebook = read_notebook(env, docname)
    if notebook is None:
        return None
    try:
        _, executed = get_cache(env.mystnb_config.execution_cache_path).merge_match_into_notebook(notebook)
    except KeyError:
        return None
    if app.config.language == translations.LANGUAGE:  # the Chinese edition's notebook, in Chinese
        from book.build import i18n

        i18n.translate_notebook(executed, docname, Path(app.srcdir))
    name = f"{docname}.ipynb"
    target = Path(app.outdir) / "_sources" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(nbformat.writes(executed), encoding="utf-8")
    return name, executed


def extras_html(
    pathto,
    docname: str,
    title: str,
    notebook: str | None,
    datasets: list[str],
    book,
    bundle: str | None = None,
    chinese: bool = False,
) -> str:
    """The 'Downloads' and 'Cite this chapter' block appended to a chapter page, in the edition's language.

    `book` is the book's metadata (book.build.metadata): the citation gives the page's absolute
    address once the public address is set, the version, and a BibTeX entry to copy.
    """

    def say(en: str, zh: str) -> str:
        return zh if chinese else en

    items = []
    if bundle:
        items.append(
            f'<li><a href="{html.escape(pathto(bundle, 1))}" download>'
            + say(
                "The chapter to run anywhere (.zip: notebook, data, code and pinned requirements)",
                "可在任何地方运行的本章（.zip：笔记本、数据、代码和锁定版本的依赖清单）",
            )
            + "</a></li>"
        )
    if notebook:
        href = pathto("_sources", 1) + "/" + notebook
        items.append(
            f'<li><a href="{html.escape(href)}" download>{say("Executed notebook", "已执行的笔记本")} (.ipynb)</a></li>'
        )
    grouped: dict[str, int] = {}
    for dataset in datasets:
        case_table = CASE_DATASET.match(dataset)
        if case_table and len(datasets) > DOWNLOAD_LINKS:
            grouped[case_table.group(1)] = grouped.get(case_table.group(1), 0) + 1
            continue
        items.append(f'<li><a href="{html.escape(pathto(dataset, 1))}" download>{html.escape(dataset)}</a></li>')
    catalogue = html.escape(pathto("chapters/back/data-catalogue"))
    for table, count in sorted(grouped.items()):
        code = f"<code>{html.escape(table)}</code>"
        items.append(
            "<li>"
            + say(
                f"{code} of {count} cases: in the chapter to run anywhere, and each case's file in the "
                f'<a href="{catalogue}">data catalogue</a>',
                f'{count}个案例的{code}：见可运行的本章压缩包；各案例的文件见<a href="{catalogue}">数据目录</a>',
            )
            + "</li>"
        )
    heading = say("Downloads", "下载")
    downloads = f'<h2 id="downloads">{heading}</h2>\n<ul class="casebook-downloads">' + "".join(items) + "</ul>"
    plain_title = html.unescape(title)
    address = book.page_url(docname)
    where = (
        f'<a href="{html.escape(address)}">{html.escape(address)}</a>'
        if book.url
        else say("Page", "页面") + f" <code>{html.escape(address)}</code>"
    )
    authors, year, name = html.escape(book.authors), html.escape(book.year), html.escape(plain_title)
    work, version = html.escape(book.title), html.escape(book.version)
    citation = say(
        f"{authors} ({year}). “{name}.” In <em>{work}</em>, version {version}. {where}. Prose and data under CC BY 4.0.",
        f"{authors}（{year}）。“{name}”。载于<em>{work}</em>，版本{version}。{where}。文字与数据采用CC BY 4.0许可。",
    )
    bibtex = html.escape(book.bibtex(docname, plain_title))
    return (
        '<section class="casebook-page-extras" aria-labelledby="downloads cite-this-chapter">'
        f"{downloads if items else ''}"
        f'<h2 id="cite-this-chapter">{say("Cite this chapter", "引用本章")}</h2><p class="casebook-citation">{citation}</p>'
        f'<div class="highlight-bibtex notranslate"><div class="highlight"><pre>{bibtex}</pre></div></div>'
        "</section>"
    )


def fix_theme_html(body: str) -> str:
    """Accessibility fixes to HTML the theme and extensions generate."""
    # The bibliography's container claims role=list but its children are bibliography entries.
    return body.replace('<div role="list" class="citation-list">', '<div class="citation-list">')


# ---------------------------------------------------------------- Chinese text

CJK_LANG = "zh-Hans"
# Han ideographs (with extension A and compatibility ideographs); CJK and full-width punctuation
# belongs to the run it sits in but does not start one on its own.
_HAN = search.HAN
_PUNCT = "\u3000-\u303f\uff00-\uffef\u00b7\u2014\u2026\u201c\u201d\u2018\u2019"
# Words a space apart ('长沙市 共享家') make one run.
CJK_RUN = re.compile(f"[{_PUNCT}]*[{_HAN}][{_HAN}{_PUNCT}]*(?: [{_HAN}][{_HAN}{_PUNCT}]*)*")
# Elements whose text is not prose, or cannot hold a <span>.
_SKIP = {"script", "style", "code", "pre", "kbd", "samp", "svg", "math", "textarea", "title", "option", "template"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_TOKEN = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<![^>]*>|<[^>]+>", re.S)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)([^>]*)>", re.S)
_LANG = re.compile(r"""\blang\s*=\s*["']?([\w-]+)""")


# The Chinese edition marks the other way: runs of Latin-script words (names, English titles and
# data), entities included whole.
_WORD = r"(?:&#?\w+;|[A-Za-z0-9][A-Za-z0-9_'’.\-]*)"
LATIN_RUN = re.compile(rf"(?<![&#A-Za-z0-9_])[A-Za-z][A-Za-z0-9_'’.\-]*(?:[ ,;:/()]*{_WORD})*")
_CLASS = re.compile(r"""\bclass\s*=\s*["']([^"']*)""")


def mark_chinese(page: str) -> str:
    """Wrap every run of Chinese characters in the page's text in <span lang="zh-Hans">.

    Attributes, comments, and the contents of script, style, code, pre, svg and the like are
    left alone, as is text already inside an element whose language is Chinese. Applying it twice
    changes nothing.
    """
    return _mark_runs(page, CJK_RUN, CJK_LANG)


def mark_english(page: str) -> str:
    """The Chinese edition's page with every run of Latin-script words in <span lang="en">."""
    return _mark_runs(page, LATIN_RUN, "en")


def _mark_runs(page: str, run: re.Pattern, language: str) -> str:
    if not run.search(page):
        return page
    family = language.split("-")[0]

    def wrap(text: str) -> str:
        return run.sub(lambda m: f'<span lang="{language}">{m.group(0)}</span>', text)

    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # open elements: (name, inside marked or skipped text)
    position = 0
    while (token := _TOKEN.search(page, position)) is not None:
        text = page[position : token.start()]
        out.append(text if stack and stack[-1][1] else wrap(text))
        out.append(token.group(0))
        position = token.end()
        tag = _TAG.fullmatch(token.group(0))
        if not tag:
            continue
        closing, name, rest = tag.group(1), tag.group(2).lower(), tag.group(3)
        if closing:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == name:
                    del stack[depth:]
                    break
            continue
        if name in _VOID or rest.rstrip().endswith("/"):
            continue
        lang, classes = _LANG.search(rest), _CLASS.search(rest)
        inherited = stack[-1][1] if stack else False
        quiet = (
            inherited
            or name in _SKIP
            or bool(lang and lang.group(1).lower().startswith(family))
            or bool(classes and "notranslate" in classes.group(1).split())  # maths, code
        )
        stack.append((name, quiet))
        if name in ("script", "style"):
            # Raw text, which may hold '<': copied through as it is, up to its closing tag.
            end = re.compile(f"</{name}\\s*>", re.I).search(page, position)
            stop = end.start() if end else len(page)
            out.append(page[position:stop])
            position = stop
    rest = page[position:]
    out.append(rest if stack and stack[-1][1] else wrap(rest))
    return "".join(out)


def site_pages(site: Path) -> list[Path]:
    """The edition's HTML pages: not its static files, nor the Chinese edition's folder in the English site."""
    pages = []
    for path in Path(site).rglob("*.html"):
        parts = path.relative_to(site).parts
        if "_static" not in parts and parts[0] != translations.EDITION_DIR:
            pages.append(path)
    return pages


class PageRecord:
    """What a step after the build derived from each file of a built site, kept beside the site
    (`_build/.casebook-<step>-<site>.json`) under a digest of the file's bytes and of the step's
    code: a rebuild repeats the step only for the files Sphinx wrote again."""

    def __init__(self, site: Path, step: str, code: bytes):
        self.site = Path(site)
        self.path = self.site.parent / f".casebook-{step}-{self.site.name}.json"
        self.version = hashlib.sha256(code).hexdigest()
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries = kept["files"] if kept["version"] == self.version else {}
        except (OSError, ValueError, KeyError, TypeError):
            self.entries = {}

    def key(self, path: Path) -> str:
        return path.relative_to(self.site).as_posix()

    def get(self, path: Path, data: bytes):
        """What the step derived from the file's current bytes, or None."""
        entry = self.entries.get(self.key(path))
        return entry[1] if entry and entry[0] == digest(data) else None

    def put(self, path: Path, data: bytes, value) -> None:
        self.entries[self.key(path)] = [digest(data), value]

    def save(self) -> None:
        present = {key: entry for key, entry in self.entries.items() if (self.site / key).exists()}
        paths.keep(self.path, json.dumps({"version": self.version, "files": present}).encode())


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def mark_other_language_in_site(outdir: Path, chinese_edition: bool = False) -> int:
    """Mark the text in the edition's other language in every HTML page of the built site (Chinese
    in the English edition, English in the Chinese one); return how many pages changed. A page
    marked by an earlier build and not written since is not read through again (PageRecord)."""
    mark = mark_english if chinese_edition else mark_chinese
    record = PageRecord(outdir, "marked", Path(__file__).read_bytes() + (b"en" if chinese_edition else b"zh"))
    changed = 0
    for path in site_pages(outdir):
        raw = path.read_bytes()
        if record.get(path, raw):
            continue
        page = raw.decode("utf-8")
        marked = mark(page)
        if marked != page:
            raw = marked.encode("utf-8")
            path.write_bytes(raw)
            changed += 1
        record.put(path, raw, True)
    record.save()
    return changed
