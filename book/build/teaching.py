"""The `casebook-syllabus` directive: every chapter's title, reading time and objectives.

Read from the chapters themselves, so the teaching page never drifts from them; the page is
re-read whenever a chapter changes.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from book.build import translations

TEACHING_PARTS = ("Theory", "Cases", "Synthesis")


def chapter_frame(text: str) -> dict:
    """Title, reading time and objectives of a chapter's source."""
    title = re.search(r"^# (.+)$", text, flags=re.M)
    minutes = re.search(r"\*\*Reading time:\*\*\s*(.+?)\s*$", text, flags=re.M)
    block = text.split("**You will be able to**", 1)[1].split(":::", 1)[0] if "**You will be able to**" in text else ""
    objectives = [re.sub(r"\s+", " ", item).strip() for item in re.split(r"^- ", block, flags=re.M)[1:]]
    return {
        "title": title.group(1).strip() if title else "",
        "reading_time": minutes.group(1).rstrip(".") if minutes else "unknown",
        "objectives": objectives,
    }


def toc_chapters(root: Path) -> list[tuple[str, str]]:
    """(part caption, file) for the chapters of the teaching parts, in reading order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    return [
        (part["caption"], entry["file"])
        for part in toc.get("parts", [])
        if part.get("caption") in TEACHING_PARTS
        for entry in part.get("chapters", [])
    ]


class Syllabus(SphinxDirective):
    """One entry per chapter: a link, the reading time, and the learning objectives, in the
    edition's language: in the Chinese edition, each objective as its own chapter translates it
    (a chapter not yet translated keeps its English), so they are not translated twice."""

    def run(self):
        root = Path(self.env.srcdir)
        self.env.note_dependency(str(root / "_toc.yml"))
        chinese = self.config.language == translations.LANGUAGE
        parts: dict[str, nodes.bullet_list] = {}
        output = []
        for caption, file in toc_chapters(root):
            source = root / f"{file}.md"
            self.env.note_dependency(str(source))
            frame = chapter_frame(source.read_text(encoding="utf-8"))
            if caption not in parts:
                parts[caption] = nodes.bullet_list()
                shown = translations.translate(self.env.config.root_doc, caption, root) if chinese else caption
                output += [nodes.rubric(text=shown), parts[caption]]
            # The chapter's own title, as Sphinx has it in this edition.
            link = addnodes.pending_xref(
                "", refdomain="std", reftype="doc", reftarget="/" + file, refexplicit=False, refwarn=True
            )
            link += nodes.inline(text=frame["title"])
            head = nodes.paragraph()
            head += link
            minutes = re.search(r"\d+", frame["reading_time"])
            time = (
                f"——阅读时长：约{minutes.group(0)}分钟"
                if chinese and minutes
                else f" — reading time: {frame['reading_time']}"
            )
            head += nodes.Text(time)
            goals = nodes.bullet_list()
            for objective in frame["objectives"]:
                shown = translations.translate(file, objective, root) if chinese else objective
                item = nodes.list_item()
                item += self.parse_text_to_nodes(shown) or [nodes.paragraph(text=shown)]
                for node in item.findall(nodes.TextElement):
                    node["translatable"] = False  # in the edition's language already
                goals += item
            entry = nodes.list_item()
            entry += [head, goals]
            parts[caption] += entry
        return output
