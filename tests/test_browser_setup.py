"""Without Chromium the browser tests are skipped on a laptop, with how to install it; under CI they fail."""

from __future__ import annotations

import pytest

from conftest import chromium_or_skip


def test_missing_browser_is_a_skip_with_the_install_line(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEBOOK_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"Chromium not found .*no-chromium.*Install it \("):
        chromium_or_skip()


def test_missing_browser_is_an_error_under_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEBOOK_CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set, so a missing browser is an error"):
        chromium_or_skip()


def test_named_browser_is_used(monkeypatch, tmp_path):
    binary = tmp_path / "chrome"
    binary.write_text("", encoding="utf-8")
    monkeypatch.setenv("CASEBOOK_CHROMIUM", str(binary))
    monkeypatch.setenv("CI", "true")
    assert chromium_or_skip() == str(binary)
