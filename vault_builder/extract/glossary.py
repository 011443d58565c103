"""The concept glossary (`content/concepts.yaml`), concept matching, and user overrides.

`load_glossary` and `load_overrides` never raise on bad input: they return `Problem`s.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ..ingest import parse_yaml
from ..models import Concept, Problem

OVERRIDE_FIELDS = {"drop", "type", "key", "taxonomy", "term", "against"}
ITEM_TYPES = {"claim", "definition", "example", "counterexample"}
AXIS_LABELS = {
    "normative_or_descriptive": {"normative", "descriptive"},
    "universal_or_situational": {"universal", "situational"},
    "deterministic_or_stochastic": {"deterministic", "stochastic"},
}


def _str_list(value) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return [str(v) for v in value]
    return None


def load_glossary(path: Path) -> tuple[list[Concept], list[Problem]]:
    """Read concepts.yaml; a malformed file gives one `bad-concepts` error and an empty list."""
    name = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], [Problem("warning", "no-concepts", "glossary file not found; only discovered concepts", name)]
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem("error", "bad-concepts", f"cannot read glossary: {exc}", f"{name}:1")]
    data, problems = parse_yaml(text, name, "bad-concepts")
    if problems:
        return [], problems
    if data is None:
        return [], []
    entries = data.get("concepts") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        return [], [Problem("error", "bad-concepts", "expected a list under 'concepts:'", f"{name}:1")]
    lines = _entry_lines(text)
    concepts: list[Concept] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries):
        line = lines[n] if n < len(lines) else 1
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            return [], [Problem("error", "bad-concepts", f"entry {n + 1} has no 'name'", f"{name}:{line}")]
        aliases = _str_list(entry.get("aliases"))
        abbreviations = _str_list(entry.get("abbreviations"))
        if aliases is None or abbreviations is None:
            return [], [Problem("error", "bad-concepts", f"{entry['name']}: aliases/abbreviations must be lists of strings", f"{name}:{line}")]
        unknown = set(entry) - {"name", "aliases", "abbreviations"}
        if unknown:
            return [], [Problem("error", "bad-concepts", f"{entry['name']}: unknown field(s) {', '.join(sorted(map(str, unknown)))} (definitions come from the sources)", f"{name}:{line}")]
        cname = entry["name"].strip()
        if cname.lower() in seen:
            return [], [Problem("error", "bad-concepts", f"duplicate concept {cname!r}", f"{name}:{line}")]
        seen.add(cname.lower())
        concepts.append(Concept(name=cname, aliases=[a.strip() for a in aliases if a.strip()],
                                abbreviations=[a.strip() for a in abbreviations if a.strip()]))
    return concepts, []


def bundled_glossary_path() -> Path | None:
    """The curated SLT glossary shipped with the package (`content/concepts.yaml`), if present."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_data" / "content" / "concepts.yaml", here.parent / "content" / "concepts.yaml"):
        if candidate.is_file():
            return candidate
    return None


def _entry_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), 1) if re.match(r"\s*-\s", line) and not line.lstrip().startswith("#")]


def load_overrides(path: Path) -> tuple[dict, list[Problem]]:
    """Read overrides.yaml -> {item id: {field: value}}; see the header of content/overrides.yaml."""
    name = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, []
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [Problem("error", "bad-overrides", f"cannot read overrides: {exc}", f"{name}:1")]
    data, problems = parse_yaml(text, name, "bad-overrides")
    if problems:
        return {}, problems
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Problem("error", "bad-overrides", "expected a mapping with 'items:' and/or 'drop:'", f"{name}:1")]
    out: dict[str, dict] = {}
    problems: list[Problem] = []
    for item_id in _str_list(data.get("drop")) or []:
        out.setdefault(item_id, {})["drop"] = True
    items = data.get("items") or {}
    if not isinstance(items, dict):
        return {}, [Problem("error", "bad-overrides", "'items:' must map item ids to changes", f"{name}:1")]
    for item_id, change in items.items():
        line = _line_of(text, str(item_id))
        if not isinstance(change, dict):
            problems.append(Problem("warning", "bad-override", f"{item_id}: expected a mapping of changes", f"{name}:{line}"))
            continue
        clean = {}
        for key, value in change.items():
            err = _check_field(key, value)
            if err:
                problems.append(Problem("warning", "bad-override", f"{item_id}: {err}", f"{name}:{line}"))
            else:
                clean[key] = value
        out.setdefault(str(item_id), {}).update(clean)
    return out, problems


def _line_of(text: str, needle: str) -> int:
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line and not line.lstrip().startswith("#"):
            return i
    return 1


def _check_field(key, value) -> str:
    if key not in OVERRIDE_FIELDS:
        return f"unknown field {key!r} (known: {', '.join(sorted(OVERRIDE_FIELDS))})"
    if key in ("drop", "key") and not isinstance(value, bool):
        return f"{key} must be true or false"
    if key == "type" and value not in ITEM_TYPES:
        return f"type must be one of {', '.join(sorted(ITEM_TYPES))}"
    if key == "taxonomy":
        if not isinstance(value, dict):
            return "taxonomy must map axes to labels"
        for axis, label in value.items():
            if axis not in AXIS_LABELS or label not in AXIS_LABELS[axis]:
                return f"bad taxonomy {axis}: {label}"
    if key in ("term", "against") and value is not None and not isinstance(value, str):
        return f"{key} must be a string or null"
    return ""


# --------------------------------------------------------------------------- matching


def _fold(text: str) -> str:
    if text.isascii():
        return text  # NFKC leaves ASCII alone, and the characters replaced below are not ASCII
    t = unicodedata.normalize("NFKC", text)
    return t.replace("’", "'").replace("‘", "'").replace("–", "-").replace("‑", "-")


def _variants(alias: str) -> set[str]:
    a = _fold(alias).lower()
    out = {a}
    out |= {a.replace("ise", "ize"), a.replace("ize", "ise"), a.replace("isation", "ization"), a.replace("ization", "isation")}
    out |= {v.replace("-", " ") for v in list(out)} | {v.replace("-", "") for v in list(out)}
    out |= {v[:-1] + "ies" for v in out if v.endswith("y") and len(v) > 3}
    return out


class ConceptIndex:
    """Finds glossary (and discovered) concepts mentioned in a sentence."""

    def __init__(self, concepts: list[Concept]):
        self.concepts = list(concepts)
        self._build()

    def _build(self) -> None:
        ci: list[tuple[str, str]] = []  # (variant, concept) case-insensitive
        cs: list[tuple[str, str]] = []  # case-sensitive abbreviations
        for c in self.concepts:
            for a in [c.name, *c.aliases]:
                for v in _variants(a):
                    ci.append((v, c.name))
            for ab in c.abbreviations:
                cs.append((_fold(ab), c.name))
        ci.sort(key=lambda t: -len(t[0]))
        self._ci_map = {}
        for v, name in ci:
            self._ci_map.setdefault(v, name)
        self._ci = _Alternation(self._ci_map, ("s", "es", ""), suffix_in_word=True)
        self._cs_map = dict(cs)
        self._cs = _Alternation(self._cs_map, ("s", ""), suffix_in_word=False)

    def add(self, *concepts: Concept) -> None:
        self.concepts.extend(concepts)
        self._build()

    def lookup(self, term: str) -> str | None:
        """Canonical name for a term that is exactly a name/alias/abbreviation, else None."""
        t = _fold(term).strip().strip("\"'“”*_").strip()
        if t in self._cs_map:
            return self._cs_map[t]
        low = t.lower()
        for cand in (low, low[:-1] if low.endswith("s") else low, low[:-2] if low.endswith("es") else low):
            if cand in self._ci_map:
                return self._ci_map[cand]
        return None

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, concept name) of every mention in `text` (offsets into the NFKC-folded text)."""
        t = _fold(text)
        low = t.lower().replace("-", " ")
        ci, cs = self._ci_map, self._cs_map
        hits = []
        for a, b, key in self._ci.finditer(low):
            name = ci.get(key) or ci.get(key[:-1]) or ci.get(key[:-2])
            if name:
                hits.append((a, b, name))
        more = [(a, b, cs[key]) for a, b, key in self._cs.finditer(t)]
        return sorted(hits + more) if more and hits else (hits or more)  # each list is in order

    def find(self, text: str) -> list[str]:
        """Concept names mentioned in `text`, in order of first mention, no repeats."""
        out: list[str] = []
        for _, _, name in self.spans(text):
            if name not in out:
                out.append(name)
        return out


class _Alternation:
    """Finds what `(?<![\\w-])(w1|w2|…)(?:suffix…)?(?![\\w-])` finds, alternatives tried longest
    first.  Python's regex engine tries every alternative of a flat alternation at every position,
    so with thousands of discovered concepts matching cost grew with the corpus; the words are
    compiled as a trie instead (`a(?:b(?:c)?|d)`: one branch per next character, so a position
    costs the length of its longest partial match), whose backtracking tries the longest word that
    ends in a boundary first, then the shorter ones.  finditer yields (start, end, the word matched,
    with its suffix when suffix_in_word)."""

    def __init__(self, words, suffixes: tuple[str, ...], suffix_in_word: bool):
        self.suffix_in_word = suffix_in_word
        root: dict = {}
        for w in words:
            node = root
            for ch in w:
                node = node.setdefault(ch, {})
            node[""] = True  # "" is never a character: marks the end of a word
        root.pop("", None)  # the empty word never matches
        suffix = "|".join(re.escape(x) for x in suffixes)
        self._rx = re.compile(r"(?<![\w-])(" + _trie(root) + ")(" + suffix + r")(?![\w-])") if root else None

    def finditer(self, text: str):
        if self._rx is None:
            return
        group = 0 if self.suffix_in_word else 1
        for m in self._rx.finditer(text):
            yield m.start(), m.end(), m.group(group)


def _trie(node: dict) -> str:
    """The words below `node` as a regex; a word ending here is optional after the longer ones, so
    backtracking tries the longest first."""
    alts = [re.escape(ch) + _trie(child) for ch, child in sorted(node.items()) if ch]
    if not alts:
        return ""
    body = "(?:" + "|".join(alts) + ")"
    return body + "?" if "" in node else body
