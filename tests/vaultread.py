"""Test helpers for vaults: an independent reader (obsidiantools) and a small clean sample vault.

`obsidiantools_report(vault_dir)` is the second opinion on a vault: it reads the vault with the
real obsidiantools package (not our checker), so the default-build tests can assert that an
independent reader finds no nonexistent notes and (almost) no isolated ones.
"""
from __future__ import annotations

import warnings
from pathlib import Path


def obsidiantools_report(vault_dir) -> dict:
    """What obsidiantools sees in the vault at vault_dir.

    Returns {"notes": number of Markdown notes, "canvases": number of .canvas files,
    "links": number of wikilinks between notes (graph edges),
    "nonexistent_notes": sorted names linked but missing (same-note links excluded),
    "same_note_links": number of [[#...]] links, which obsidiantools cannot resolve,
    "isolated_notes": sorted names with no links in or out,
    "nonexistent_media": sorted embedded files that are missing,
    "nonexistent_canvases": sorted linked canvases that are missing}.
    """
    from obsidiantools.api import Vault  # imported here: heavy (pandas, numpy)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # obsidiantools' own deprecation noise
        vault = Vault(Path(vault_dir)).connect().gather()
    return {
        "notes": len(vault.md_file_index),
        "canvases": len(vault.canvas_file_index),
        "links": vault.graph.number_of_edges(),
        # obsidiantools reports same-note links ([[#^p1]], [[#Heading]]) as a missing note named
        # "": that is its limitation, not a missing note, so they are counted apart.
        "nonexistent_notes": sorted(n for n in vault.nonexistent_notes if n),
        "same_note_links": sum(links.count("") for links in vault.wikilinks_index.values()),
        "isolated_notes": sorted(vault.isolated_notes),
        "nonexistent_media": sorted(vault.nonexistent_media_files),
        "nonexistent_canvases": sorted(vault.nonexistent_canvas_files),
    }


# A small vault that follows every rule `vault check` enforces (DESIGN.md section 4): nested
# tags, typed front matter with quoted links, block ids, heading and block links, an embed, a
# canvas, links inside code that must be ignored, a link in a table with an escaped pipe.
CLEAN_VAULT: dict[str, str | bytes] = {
    "Home.md": """\
---
title: Home
tags:
  - type/home
aliases: []
---
# Home

Start with [[RLCT]] and [[My Post#^p1|the first paragraph]].
See [[My Post#Section one]] and the map [[Concept map.canvas]].

![[plot.png]]

#type/index
""",
    "Posts/My Post.md": """\
---
id: post-1
type: post
title: "My Post: a/b?"
aliases:
  - "My Post: a/b?"
tags:
  - type/post
date: "2024-01-15"
concepts:
  - "[[RLCT]]"
---
# My Post

First paragraph with $x^2 #not-a-tag$ math and a [link](https://example.org/#frag). ^p1

## Section one

Second paragraph links [[RLCT|λ]] and back to [[Home]]. ^p2

```python
print("[[Not a link]] #not-a-tag ^nope")
```

Inline `[[not a link]]` and [[#^p1]] and [[#Section one]]; comment #12 is not a tag.

| term | note |
| ---- | ---- |
| λ    | [[RLCT\\|learning coefficient]] |
""",
    "Concepts/RLCT.md": """\
---
title: RLCT
aliases: [learning coefficient, λ]
tags: [concept/rlct, "théorème/λ"]
date: 2024-02-01
concepts: []
---
# RLCT

Real log canonical threshold, defined in [[My Post#^p2]]. #concept/rlct
Heading links ignore case: [[My Post#section ONE]].

$$
\\lambda = \\frac{d}{2}
$$
^m1
""",
    "Maps/Concept map.canvas": """\
{
  "nodes": [
    {"id": "n1", "type": "text", "x": 0, "y": 0, "width": 200, "height": 80, "text": "See [[RLCT]]", "color": "4"},
    {"id": "n2", "type": "file", "x": 300, "y": 0, "width": 400, "height": 300, "file": "Posts/My Post.md", "subpath": "#^p1"},
    {"id": "n3", "type": "link", "x": 0, "y": 400, "width": 200, "height": 80, "url": "https://jsoncanvas.org"},
    {"id": "g1", "type": "group", "x": -20, "y": -20, "width": 800, "height": 600, "label": "SLT", "color": "#A0B1C2"}
  ],
  "edges": [
    {"id": "e1", "fromNode": "n1", "fromSide": "right", "toNode": "n2", "toSide": "left", "toEnd": "arrow", "label": "defined in"}
  ]
}
""",
    "attachments/plot.png": b"\x89PNG\r\n\x1a\n",
    ".obsidian/app.json": "{}\n",
    ".obsidian/types.json": '{"types": {"concepts": "multitext", "date": "date"}}\n',
}


def write_vault(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text or bytes} under root; returns root."""
    root = Path(root)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
