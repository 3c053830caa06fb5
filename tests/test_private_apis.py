"""The few private APIs the build still relies on. Their versions are pinned (upper bounds in
pyproject.toml, exact in requirements.lock); these tests fail if an upgrade removes one."""

from __future__ import annotations

import asyncio
import sys


def test_sphinx_registry_keeps_translation_handlers():
    # book.build.sphinxext merges the "html" node handlers into "singlehtml" for `make pdf`.
    from sphinx.registry import SphinxComponentRegistry

    assert isinstance(SphinxComponentRegistry().translation_handlers, dict)


def test_sphinx_scripts_expose_filename_priority_attributes():
    # book.build.sphinxext re-adds the theme's scripts with `defer` through app.add_js_file.
    from sphinx.builders.html._assets import _JavaScript

    script = _JavaScript("a.js", priority=300, id="x")
    assert (script.filename, script.priority, script.attributes) == ("a.js", 300, {"id": "x"})


def test_asyncio_running_loop_can_be_cleared_after_fork():
    # Python 3.12 clears the running loop in a forked child by itself; 3.11 needs
    # book.build.warmkernel to do it. The book runs on 3.11 to 3.13 (pyproject.toml).
    assert (3, 11) <= sys.version_info[:2] <= (3, 13)
    assert callable(asyncio.events._set_running_loop)
