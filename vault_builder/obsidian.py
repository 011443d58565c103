"""The `.obsidian/` settings the vault ships with: app options, graph colours per note type,
property types. The writer never overwrites settings a user has (see writer.write_vault)."""
from __future__ import annotations

import json

# Graph view colour groups, one per note type (tag queries), as RGB integers.
COLOURS = {
    "post": 0x4C78A8, "thread": 0x9ECAE9, "concept": 0xF58518, "claim": 0xE45756, "definition": 0x54A24B,
    "example": 0x72B7B2, "counterexample": 0xB279A2, "person": 0xEECA3B, "topic": 0xFF9DA6, "map": 0x888888,
    "home": 0x222222,
}
# Obsidian property types (Settings → Properties) of every property the build writes.
PROPERTY_TYPES = {
    "aliases": "aliases", "tags": "tags", "title": "text", "type": "text", "id": "text", "author": "text",
    "author_unverified": "text", "post": "text", "source_url": "text", "date": "date", "sources": "multitext",
    "participants": "multitext", "concepts": "multitext", "prerequisites": "multitext", "term": "text",
    "against": "text", "status": "text", "key": "checkbox", "disputed": "checkbox", "in_comments": "checkbox",
    "discovered": "checkbox", "importance": "number", "reading_order": "number",
    "normative_or_descriptive": "text", "universal_or_situational": "text", "deterministic_or_stochastic": "text",
}


def dump(data: dict) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def settings_files() -> dict[str, str]:
    graph = {
        "colorGroups": [{"query": f"tag:#type/{t}", "color": {"a": 1, "rgb": rgb}} for t, rgb in COLOURS.items()],
        "showTags": False,
        "showAttachments": False,
        "hideUnresolved": True,
    }
    app = {"alwaysUpdateLinks": True, "newLinkFormat": "shortest", "useMarkdownLinks": False,
           "showFrontmatter": False, "propertiesInDocument": "visible", "readableLineLength": True}
    return {
        ".obsidian/app.json": dump(app),
        ".obsidian/graph.json": dump(graph),
        ".obsidian/types.json": dump({"types": dict(sorted(PROPERTY_TYPES.items()))}),
    }
