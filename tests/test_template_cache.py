"""The compiled-template cache may only save time: the same worksheet with it cold, warm,
damaged or unwritable, and nothing kept when it is turned off."""
import os

import pytest

import tracer.render as render_mod
from conftest import run
from test_worksheets import OR


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """A cache directory of this test's own, and environments built anew."""
    def use(directory):
        monkeypatch.setenv("TRACE_NET_CACHE_DIR", str(directory))
        monkeypatch.setattr(render_mod, "_ENVS", {})
    return use


def sheets():
    t = run(OR)
    return [render_mod.render(t, fmt) for fmt in ("markdown", "latex")]


def test_warm_cache_gives_the_same_worksheets_as_no_cache(fresh, tmp_path):
    fresh("")
    expected = sheets()
    cache = tmp_path / "cache"
    fresh(cache)
    assert sheets() == expected                     # cold: compiles and stores
    stored = sorted(os.listdir(cache))
    assert len(stored) == 2                         # one per template (md, tex)
    fresh(cache)
    assert sheets() == expected                     # warm: loads what was stored
    assert sorted(os.listdir(cache)) == stored      # the same entries, reused


def test_damaged_entries_are_compiled_afresh(fresh, tmp_path):
    fresh("")
    expected = sheets()
    cache = tmp_path / "cache"
    fresh(cache)
    sheets()
    for name in os.listdir(cache):
        (cache / name).write_bytes(b"not bytecode")
    fresh(cache)
    assert sheets() == expected


def test_unusable_cache_directory_is_skipped(fresh, tmp_path):
    fresh("")
    expected = sheets()
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    fresh(blocker / "cache")                        # cannot be created under a file
    assert sheets() == expected


def test_empty_setting_turns_the_cache_off(fresh, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fresh("")
    sheets()
    assert list(tmp_path.iterdir()) == []
