"""state.json written through its index (deck.state.write_state): runs of entries equal to the
last file's are copied from it, and the bytes are always those of export.write_indented."""
from __future__ import annotations

import copy
import json
import random

import pytest

from vault_builder.deck import state as deck_state
from vault_builder.deck.state import write_state
from vault_builder.export import write_indented

from splicedamage import INDEX_DAMAGE, damage


def sample_state(rng: random.Random, n: int = 200) -> dict:
    return {
        "format": "vault-builder anki state", "version": 1, "models": {"1": {"hash": "h", "mod": 3}},
        "items": {f"i{rng.randrange(10**6):06d}": {"id": "x", "text": 'é"}{\n', "post": "P"}
                  for _ in range(n)},
        "notes": {f"n{rng.randrange(10**6):06d}": {"nid": rng.randrange(9), "hash": "h", "removed": None}
                  for _ in range(n)},
    }


def edited(state: dict, rng: random.Random) -> dict:
    """A few entries changed, dropped and added in both big sections."""
    state = copy.deepcopy(state)
    for name in ("items", "notes"):
        entries = state[name]
        for key in rng.sample(sorted(entries), min(3, len(entries))):
            del entries[key]
        for key in rng.sample(sorted(entries), min(3, len(entries))):
            entries[key] = dict(entries[key], mod=rng.randrange(3))
        for _ in range(3):
            entries[f"z{rng.randrange(10**6)}"] = {"nid": 1}
    return state


def rewrite(path, index, state) -> None:
    """What build_deck does: the state read from the last file is the `old` one."""
    old = json.loads(path.read_text()) if path.exists() else {}
    write_state(path, state, old, index)


def clean(state, path) -> bytes:
    write_indented(path, state)
    return path.read_bytes()


def counted_runs(monkeypatch) -> list[int]:
    made: list[int] = []
    real = deck_state._flat_bodies
    monkeypatch.setattr(deck_state, "_flat_bodies", lambda values, level: made.append(len(values))
                        or real(values, level))
    return made


@pytest.mark.parametrize("seed", range(8))
def test_a_sequence_of_rewrites_is_clean(tmp_path, seed):
    rng = random.Random(seed)
    path, index = tmp_path / "state.json", tmp_path / "state.index"
    state = sample_state(rng)
    for step in range(6):
        rewrite(path, index, state)
        assert path.read_bytes() == clean(state, tmp_path / "clean.json")
        state = edited(state, rng)
        if step == 3:
            state["notes"] = {}  # an empty section, then a full one again
        if step == 4:
            state["notes"] = sample_state(rng)["notes"]


def test_unchanged_runs_are_copied_not_encoded(tmp_path, monkeypatch):
    rng = random.Random(1)
    path, index = tmp_path / "state.json", tmp_path / "state.index"
    state = sample_state(rng, 400)
    rewrite(path, index, state)
    made = counted_runs(monkeypatch)
    rewrite(path, index, state)
    assert made == []
    state["notes"][sorted(state["notes"])[100]]["nid"] = 42
    rewrite(path, index, state)
    assert made == [deck_state.RUN]  # the run of that one note
    assert path.read_bytes() == clean(state, tmp_path / "clean.json")


def test_an_entry_that_is_not_flat_is_written_plainly(tmp_path):
    rng = random.Random(2)
    path, index = tmp_path / "state.json", tmp_path / "state.index"
    state = sample_state(rng)
    rewrite(path, index, state)
    state["items"]["i0"] = {"id": "x", "concepts": ["a", "b"]}
    rewrite(path, index, state)
    assert path.read_bytes() == clean(state, tmp_path / "clean.json")


@pytest.mark.parametrize("how", [*INDEX_DAMAGE, "edited state", "old differs"])
def test_a_damaged_index_or_edited_state_means_a_clean_write(tmp_path, monkeypatch, how):
    rng = random.Random(3)
    path, index = tmp_path / "state.json", tmp_path / "state.index"
    state = sample_state(rng)
    rewrite(path, index, state)
    if how == "old differs":  # the caller's old state is not the file's: its runs do not compare equal
        old = json.loads(path.read_text())
        old["notes"] = {key: dict(value, nid=-1) for key, value in old["notes"].items()}
    else:
        damage(index, path, how, (b'"hash": "h"', b'"hash": "H"'))
        old = json.loads(path.read_text())
    made = counted_runs(monkeypatch)
    write_state(path, state, old, index)
    if how != "old differs":
        assert sum(made) == len(state["items"]) + len(state["notes"])  # every entry encoded
    assert path.read_bytes() == clean(state, tmp_path / "clean.json")


def _loop_check(state: dict) -> None:
    """The record checks _load_state made before _check_records, record by record."""
    for rec in state["notes"].values():
        int(rec["nid"]), int(rec["mod"]), str(rec["hash"])
    for rec in state["items"].values():
        str(rec["id"])


@pytest.mark.parametrize("notes,items", [
    ({"a": {"nid": 1, "mod": 2, "hash": "h"}}, {"k": {"id": "i"}}),
    ({"a": {"nid": "1", "mod": 2.5, "hash": 3}}, {"k": {"id": 4}}),  # converted: accepted
    ({"a": {"nid": 1, "hash": "h"}, "b": {"nid": "x", "mod": 1, "hash": "h"}}, {}),
    ({"a": {"nid": "x", "mod": 1, "hash": "h"}, "b": {"nid": 1, "hash": "h"}}, {}),
    ({"a": {"nid": None, "mod": 1, "hash": "h"}}, {}),
    ({"a": [1, 2]}, {}),
    ({"a": "text"}, {}),
    ({}, {"k": {"text": "no id"}}),
    ({}, {"k": 5}),
])
def test_a_state_is_checked_as_record_by_record(tmp_path, notes, items):
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 1, "items": items, "notes": notes, "models": {}}))
    try:
        _loop_check({"notes": notes, "items": items})
        expected = None
    except Exception as exc:  # noqa: BLE001 - the very exception the old checks raised
        expected = f"unreadable Anki state ({exc})"
    problems: list = []
    deck_state._load_state(path, problems)
    found = [p.message for p in problems]
    assert (found == []) if expected is None else found[0].startswith(expected)
