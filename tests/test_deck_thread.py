"""build_deck fills and zips the collection in a worker thread (deck.apkg.PendingApkg) while it
writes the cards cache, state.json and removed.txt: the package is the one written in a single
thread, and an error on either side is raised with slt.apkg left as it was and no temporary
file behind."""
from __future__ import annotations

import contextlib
import threading

import pytest

import vault_builder.deck.apkg as apkg
import vault_builder.deck.build as deck_build
from vault_builder.deck import build_deck

from test_deck import T0, edit_one_word, make_items


def _rebuild_failing(tmp_path, monkeypatch, module, name):
    """Build, then rebuild after an edit with `module.name` raising; returns the out folder and
    the package's bytes before the rebuild."""
    out = tmp_path / "anki"
    build_deck(make_items(), out, now=T0, cache_path=tmp_path / "deck.marshal")
    before = (out / "slt.apkg").read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(module, name, boom)
    threads = threading.active_count()
    with pytest.raises(RuntimeError, match="boom"):
        build_deck(edit_one_word(make_items(), 4, "every prior", "each prior"), out, now=T0 + 60,
                   cache_path=tmp_path / "deck.marshal")
    assert threading.active_count() == threads  # the worker is done
    return out, before


@pytest.mark.parametrize("module, name", [(apkg, "_insert_rows"), (apkg, "_zip_to_temp")])
def test_an_error_in_the_worker_is_raised_and_leaves_the_package(tmp_path, monkeypatch, module, name):
    out, before = _rebuild_failing(tmp_path, monkeypatch, module, name)
    assert (out / "slt.apkg").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["slt.apkg", "state.json"]


@pytest.mark.parametrize("name", ["write_state", "_write_removed"])
def test_an_error_beside_the_worker_is_raised_and_leaves_the_package(tmp_path, monkeypatch, name):
    out, before = _rebuild_failing(tmp_path, monkeypatch, deck_build, name)
    assert (out / "slt.apkg").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["slt.apkg", "state.json"]


@contextlib.contextmanager
def _in_this_thread(pending):
    """``PendingApkg.in_thread`` without the thread: the rows and zip first, then the body."""
    pending.run()
    yield pending
    pending.finish()


def test_the_package_is_the_one_written_in_one_thread(tmp_path, monkeypatch):
    build_deck(make_items(), tmp_path / "threaded", now=T0)
    monkeypatch.setattr(apkg.PendingApkg, "in_thread", _in_this_thread)
    build_deck(make_items(), tmp_path / "one", now=T0)
    for name in ("slt.apkg", "state.json"):
        assert (tmp_path / "threaded" / name).read_bytes() == (tmp_path / "one" / name).read_bytes()
