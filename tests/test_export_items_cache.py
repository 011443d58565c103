"""items.jsonl written through its index (export.write_items with a cache): batches of items
that are as in the last build are copied from the last file; the bytes are always those of a
write without the index."""
from __future__ import annotations

import copy

import pytest

from vault_builder import export
from vault_builder.export import write_items
from vault_builder.models import Item

from splicedamage import INDEX_DAMAGE, damage


def sample_items(n: int = 120) -> list[Item]:
    return [Item(id=f"cla-{i:03d}", type="claim", text=f"Claim «{i}» with a }} and a \"quote\".",
                 post=f"Post {i // 10}", in_comments=i % 7 == 0, author=None, source_file=f"{i // 10}.md",
                 block=f"p{i}", concepts=["A", "B"][: i % 3], taxonomy={"x": "y"} if i % 2 else None,
                 key=i % 5 == 0, rules=["r1"])
            for i in range(n)]


def clean(items, path) -> bytes:
    write_items(path, items)
    return path.read_bytes()


def counted_lines(monkeypatch) -> list[str]:
    made: list[str] = []
    real = Item.to_json
    monkeypatch.setattr(Item, "to_json", lambda self: made.append(self.id) or real(self))
    return made


def test_a_sequence_of_rewrites_is_clean(tmp_path):
    items, path, index = sample_items(), tmp_path / "items.jsonl", tmp_path / "items.index"
    for step in range(5):
        write_items(path, items, cache=index)
        assert path.read_bytes() == clean(items, tmp_path / "clean.jsonl")
        items = copy.deepcopy(items)
        items[step * 7].text += " Edited."
        items[step * 11].concepts.append("C")
        del items[step * 13 + 5]
        items.insert(step * 3, Item(id=f"new-{step}", type="example", text="é", post="P",
                                    in_comments=False, author="A", source_file="", block=""))


def test_unchanged_batches_are_copied_not_encoded(tmp_path, monkeypatch):
    items, path, index = sample_items(), tmp_path / "items.jsonl", tmp_path / "items.index"
    write_items(path, items, cache=index)
    made = counted_lines(monkeypatch)
    write_items(path, items, cache=index)
    assert made == []
    items[60].taxonomy = {"x": "z"}
    write_items(path, items, cache=index)
    assert "cla-060" in made and len(made) < len(items) / 4  # that item's batch only
    assert path.read_bytes() == clean(items, tmp_path / "clean.jsonl")


@pytest.mark.parametrize("how", [*INDEX_DAMAGE, "edited output"])
def test_a_damaged_index_or_edited_output_means_a_clean_write(tmp_path, monkeypatch, how):
    items, path, index = sample_items(), tmp_path / "items.jsonl", tmp_path / "items.index"
    write_items(path, items, cache=index)
    damage(index, path, how, (b"Claim", b"CLAIM"))
    made = counted_lines(monkeypatch)
    write_items(path, items, cache=index)
    assert len(made) == len(items)
    assert path.read_bytes() == clean(items, tmp_path / "clean.jsonl")


def test_a_value_of_another_type_is_a_miss(tmp_path, monkeypatch):
    items, path, index = sample_items(), tmp_path / "items.jsonl", tmp_path / "items.index"
    write_items(path, items, cache=index)
    items[3].rules = ("r1",)  # a tuple: the same line, but the batch is written again
    made = counted_lines(monkeypatch)
    write_items(path, items, cache=index)
    assert "cla-003" in made
    write_items(path, items, cache=index)
    assert path.read_bytes() == clean(items, tmp_path / "clean.jsonl")
