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


def test_jupyter_cache_looks_up_a_record_by_hash(tmp_path):
    # book.build.execution.is_cached finds an execution by the hash kept with each page's
    # notebook (kept_notebook), instead of cache.match_cache_notebook hashing it again.
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.cache.db import NbCacheRecord

    from book.build import execution

    cache = get_cache(tmp_path / "cache")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    _, hashkey = cache.create_hashed_notebook(nb)
    assert not execution.is_cached(cache, hashkey)
    record = cache.cache_notebook_bundle(CacheBundleIn(nb, "page.ipynb"), check_validity=False)
    assert execution.is_cached(cache, hashkey)
    assert NbCacheRecord.record_from_hashkey(hashkey, cache.db).pk == record.pk == cache.match_cache_notebook(nb).pk
