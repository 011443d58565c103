"""Note names, vault paths, block ids, tags and links: the one place where names are made safe.

Path confusion is the classic bug of a tool that writes files named after untrusted titles, so
everything that turns text into a file name, a path, a block id, a tag or a link lives here, pure
and table-tested (tests/test_paths.py). The renderer and the writer call these; they never build
names or paths by hand.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
import re
import unicodedata
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import quote

FORBIDDEN = '*"\\/<>:|?#^[]'
"""Characters Obsidian (or Windows/macOS) refuses in file names, or that break `[[links]]`."""

MAX_NAME_BYTES = 200
"""UTF-8 bytes a note name may take: 255-byte file-system limit minus room for " (99)" and ".md"."""

_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)

# How each forbidden character is replaced: keep the meaning where a look-alike exists, drop the
# rest. ":" reads as a dash in titles ("SLT: a primer" -> "SLT - a primer").
_REPLACE = {
    ":": " - ",
    "/": "-",
    "\\": "-",
    "|": " - ",
    '"': "'",
    "<": "‹",
    ">": "›",
    "[": "(",
    "]": ")",
    "*": "",
    "?": "",
    "#": "",
    "^": "",
}
_REPLACE_TABLE = str.maketrans(_REPLACE)
_ARROWS = (("<->", "↔"), ("->", "→"), ("<-", "←"), ("=>", "⇒"))
# Stripped from both ends: a leading "." hides the file, a trailing "." or " " is illegal on
# Windows, a leading "-" looks like a command-line option.
_END_JUNK = " .-"
# Stripped after a cut, so a shortened name does not end in a dangling comma, dash or ellipsis.
_CUT_JUNK = " .,;-–—…'‹("


def _is_dropped_char(ch: str) -> bool:
    """Control, format (zero-width, bidi overrides) and surrogate characters never go in a name."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs")


def _strip_controls(text: str) -> str:
    """Whitespace of any kind becomes a space; other control/format characters are removed."""
    if text.isprintable():  # the usual case: no control, format or surrogate character, no whitespace but " "
        return text
    out = []
    for ch in text:
        if ch.isspace():
            out.append(" ")
        elif not _is_dropped_char(ch):
            out.append(ch)
    return "".join(out)


def _utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def _cut(name: str, max_len: int) -> str:
    """Shorten to max_len characters (and MAX_NAME_BYTES bytes), at a word boundary if one is near."""
    if len(name) <= max_len and _utf8_len(name) <= MAX_NAME_BYTES:
        return name
    cut = name[:max_len]
    while _utf8_len(cut) > MAX_NAME_BYTES:
        cut = cut[:-1]
    space = cut.rfind(" ")
    # Prefer a word boundary, unless it would throw away more than half of what fits.
    if space > len(cut) // 2 and len(cut) < len(name) and name[len(cut)] != " ":
        cut = cut[:space]
    return cut.rstrip(_CUT_JUNK)


def _unreserve(name: str) -> str:
    """Windows refuses CON, NUL, COM1 ... as a file's stem, whatever the extension."""
    stem, dot, rest = name.partition(".")
    if stem.rstrip(" ").upper() in _WINDOWS_RESERVED:
        return stem.rstrip(" ") + "_" + dot + rest
    return name


@lru_cache(maxsize=65536)  # pure, and called for every link to a note
def note_name(title: str, max_len: int = 80) -> str:
    """A legal, readable Obsidian note name (without ".md") for any title.

    Forbidden characters are replaced by look-alikes or dropped (see _REPLACE), control and
    invisible characters removed, whitespace collapsed, leading/trailing dots, spaces and dashes
    stripped, Windows-reserved stems suffixed with "_", the result NFC-normalised and cut at a
    word boundary to at most max_len characters and MAX_NAME_BYTES UTF-8 bytes (no ellipsis: the
    full title stays in the note's `title` and `aliases`). Letters of any script are kept.
    Never returns "" (falls back to "Untitled"). note_name(note_name(t)) == note_name(t).
    """
    if max_len < 8:
        raise ValueError(f"max_len must be at least 8, not {max_len}")
    if _is_name_already(title, max_len):  # most titles: a third of the names' cost in the link stage
        return title
    return _make_name(title, max_len)


def _is_name_already(title: str, max_len: int) -> bool:
    """Whether note_name would return title unchanged: nothing to drop, replace, join, strip, cut,
    suffix or normalise (checked by what each step of _make_name looks at)."""
    return (type(title) is str and 0 < len(title) <= max_len and title.isprintable()
            and title[0] not in _END_JUNK and title[-1] not in _END_JUNK and "  " not in title
            and "->" not in title and "<-" not in title and "=>" not in title
            and not _FORBIDDEN_CHAR.search(title) and _utf8_len(title) <= MAX_NAME_BYTES
            and unicodedata.is_normalized("NFC", title)
            and title.partition(".")[0].rstrip(" ").upper() not in _WINDOWS_RESERVED)


def _make_name(title: str, max_len: int) -> str:
    text = unicodedata.normalize("NFC", _strip_controls(str(title)))
    for arrow, glyph in _ARROWS:
        text = text.replace(arrow, glyph)
    # Dropping characters can leave a base letter next to a combining mark: normalise again.
    text = unicodedata.normalize("NFC", text.translate(_REPLACE_TABLE))
    text = " ".join(text.split()).strip(_END_JUNK)
    text = _unreserve(_cut(text, max_len).strip(_END_JUNK))
    return text or "Untitled"


_FORBIDDEN_CHAR = re.compile("[" + re.escape(FORBIDDEN) + "]")


def name_problem(name: str) -> str | None:
    """Why `name` (one path component, extension included) is not a legal vault file name, or None."""
    if not name or name in (".", ".."):
        return "empty name or '.'/'..'"
    if _FORBIDDEN_CHAR.search(name):
        bad = sorted({ch for ch in name if ch in FORBIDDEN})
        return "forbidden character(s) " + " ".join(repr(ch) for ch in bad)
    # isprintable() is False for every control, format and surrogate character (and a few more):
    # only then is the name looked at character by character
    if not name.isprintable() and any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in name):
        return "control or invisible character"
    if name != name.strip() or name.endswith("."):
        return "leading/trailing space or trailing dot"
    if name.partition(".")[0].rstrip(" ").upper() in _WINDOWS_RESERVED:
        return "Windows-reserved name"
    if len(name) > 63 and _utf8_len(name) > 255:  # 63 characters take at most 252 bytes
        return "longer than 255 bytes"
    return None


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The identity Obsidian (and case-insensitive file systems) give a name: NFC + casefold."""
    if name.isascii():  # casefold is lower and NFC changes nothing, for ASCII
        return name.lower()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", name).casefold())


class NameRegistry:
    """Hands out note names unique across the whole vault, compared case-insensitively.

    Obsidian resolves `[[Name]]` by bare name vault-wide, so "Posts/RLCT.md" and "Concepts/rlct.md"
    would make links ambiguous even though the folders differ. Collisions get " (2)", " (3)" ...
    in call order, so the same sequence of claims always yields the same names.
    """

    def __init__(self, max_len: int = 80) -> None:
        self.max_len = max_len
        self._taken: dict[str, str] = {}  # name_key -> folder it was claimed in
        self._last: dict[str, int] = {}
        """title -> the number of the last name claim() gave it (1: no suffix). Every lower number
        was taken then and still is, so the search for a free name starts there: a title claimed
        k times costs k tries in all, not k²/2 (stock phrases repeat titles across a corpus)."""

    def __contains__(self, name: str) -> bool:
        return name_key(name) in self._taken

    def claim(self, folder: str, title: str) -> str:
        """Reserve and return a unique note name for `title` (to live in `folder`)."""
        _check_folder(folder)
        return self._claim(folder, title)[0]

    def claim_path(self, folder: str, title: str) -> str:
        """self.path(folder, self.claim(folder, title)), without checking a name again that is the
        title as it was (plus " (n)"): _is_name_already accepted it, and it refuses all that
        path() does (~90k names at 2,000 posts)."""
        _check_folder(folder)
        name, checked = self._claim(folder, title)
        if not checked:
            return self.path(folder, name)
        return f"{folder}/{name}.md" if folder else f"{name}.md"

    def _claim(self, folder: str, title: str) -> tuple[str, bool]:
        """(the name, whether it is the title that _is_name_already accepted, with its " (n)")."""
        # the name of the last number claimed for the title is taken (by that claim): the next one may not be
        n = self._last.get(title, 0) + 1
        name, checked = self._numbered(title, n)
        key = name_key(name)  # once per name: the cache of name_key holds fewer than a large vault's names
        while key in self._taken:
            n += 1
            name, checked = self._numbered(title, n)
            key = name_key(name)
        self._last[title] = n
        self._taken[key] = folder
        return name, checked

    def _numbered(self, title: str, n: int) -> tuple[str, bool]:
        suffix = f" ({n})" if n > 1 else ""
        max_len = self.max_len - len(suffix)  # shortened so that it still fits
        if max_len >= 8 and _is_name_already(title, max_len):  # note_name's own first test, without its cache's call
            return title + suffix, True
        return note_name(title, max_len) + suffix, False

    def reserve(self, folder: str, name: str) -> None:
        """Mark a name already in use (made by claim, in this or another registry) as taken."""
        self._taken.setdefault(name_key(name), folder)

    def path(self, folder: str, name: str) -> str:
        """Relative POSIX path of a note: "Folder/Name.md" ("Name.md" when folder is "")."""
        _check_folder(folder)
        problem = name_problem(name) or _md_problem(name)
        if not problem and name.startswith("."):
            problem = "hidden (leading dot)"
        if problem:
            raise ValueError(f"illegal note name {name!r}: {problem}")
        return f"{folder}/{name}.md" if folder else f"{name}.md"


def _md_problem(name: str) -> str | None:
    """name_problem(name + ".md") for a name name_problem passed: ".md" adds no character it refuses,
    ends in neither a space nor a dot and keeps the stem, so only the length can fail (a second
    full check for every note was a tenth of the link stage; for every long name, a third of
    path() at 2,000 posts)."""
    return "longer than 255 bytes" if len(name) > 60 and _utf8_len(name) > 255 - len(".md") else None


@lru_cache(maxsize=256)  # a handful of folders, checked for every note
def _check_folder(folder: str) -> None:
    """Folders are chosen by the code ("Posts", "Maps/Canvas"), but still must be legal."""
    if not folder:
        return
    for part in folder.split("/"):
        problem = name_problem(part)
        if problem:
            raise ValueError(f"illegal folder {folder!r}: {problem}")


def check_relative(rel: str) -> str:
    """rel, if it is a relative POSIX path that stays inside any folder it is joined to, as far as
    its text goes (symlinks aside: see safe_join); else ValueError.

    Refused: empty or absolute paths (POSIX or Windows, drive letters, UNC), backslashes (a
    separator on Windows), NUL and any ".." component (generated paths never need one).
    """
    if not rel or "\x00" in rel or "\\" in rel:
        raise ValueError(f"unsafe relative path {rel!r}")
    if rel.startswith("/") or rel[1:2] == ":":  # root, UNC ("//server"), or a drive ("C:x")
        raise ValueError(f"absolute path not allowed: {rel!r}")
    if ".." in rel.split("/"):
        raise ValueError(f"'..' not allowed in {rel!r}")
    return rel


def safe_join(root: Path, rel: str) -> Path:
    """root/rel, resolved; ValueError if rel could end up outside root: check_relative's rules,
    and no leaving root through a symlink.
    """
    check_relative(rel)
    base = Path(root).resolve()
    target = (base / rel).resolve()
    if target != base and not target.is_relative_to(base):
        raise ValueError(f"{rel!r} escapes {base}")
    return target


_BLOCK_ID_RE = re.compile(r"[A-Za-z0-9-]+")


def is_valid_block_id(s: str) -> bool:
    """Obsidian block ids (without the caret): Latin letters, digits and "-" only, non-empty."""
    return bool(_BLOCK_ID_RE.fullmatch(s))


def block_id(text: str, max_len: int = 40) -> str:
    """A valid block id from any text: ASCII-folded, lower-case, non-alphanumerics as "-".

    Text with no Latin letters or digits (e.g. "Θ") gets "b-" plus a short hash, so distinct
    texts still get distinct ids.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_len].strip("-")
    if slug:
        return slug
    return "b-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _is_tag_char(ch: str) -> bool:
    # Letters (any script), combining marks, digits, "_" and "-"; "/" is handled as the separator.
    return ch in "_-" or unicodedata.category(ch)[0] in "LMN"


def is_valid_tag(s: str) -> bool:
    """Obsidian tag rules (tag without "#"): letters of any script, digits, "_", "-", "/" for
    nesting; no spaces; at least one character that is not a digit; no empty "/" segment."""
    if not s or not isinstance(s, str):
        return False
    segments = s.split("/")
    if any(not seg or not all(_is_tag_char(ch) for ch in seg) for seg in segments):
        return False
    return any(ch != "/" and unicodedata.category(ch) != "Nd" for ch in s)


_LINK_NAME_BAD = re.compile(r"[\[\]|#^\n\r]")


def link_heading(heading: str) -> str:
    """Heading text as it may appear after "#" in a link: characters links cannot carry
    ("#", "|", "^", ":", "%", "[", "]") become spaces, as Obsidian does when it writes such a link."""
    text = re.sub(r"[#|^:%\[\]]", " ", heading)
    return " ".join(text.split())


def wikilink(
    name: str, anchor: str | None = None, alias: str | None = None, *, in_table: bool = False
) -> str:
    """`[[name#anchor|alias]]`.

    name: a note name (or "Folder/Name", or "" for the same note) as given by NameRegistry;
    ValueError if it holds characters a link cannot carry. anchor: "^blockid" or heading text
    (sanitised with link_heading). alias: any text; "|", "[" and "]" are replaced and newlines
    flattened so it cannot close or split the link. in_table: escape the "|" as "\\|", as links
    inside Markdown tables must.
    """
    if _LINK_NAME_BAD.search(name):
        raise ValueError(f"not a linkable note name: {name!r}")
    target = name
    if anchor:
        if anchor.startswith("^"):
            if not is_valid_block_id(anchor[1:]):
                raise ValueError(f"invalid block id in anchor {anchor!r}")
            target += "#" + anchor
        else:
            target += "#" + link_heading(anchor)
    if not target:
        raise ValueError("a wikilink needs a name or an anchor")
    if alias is not None:
        alias = " ".join(alias.replace("|", "-").replace("[", "(").replace("]", ")").split())
    if alias:
        target += ("\\|" if in_table else "|") + alias
    return f"[[{target}]]"


def obsidian_uri(vault: str, rel_path: str) -> str:
    """`obsidian://open?vault=...&file=...` opening rel_path (vault-relative POSIX path) in Obsidian.

    Everything is percent-encoded ("/" as %2F, space as %20), as the Obsidian URI docs show.
    """
    if PurePosixPath(rel_path).is_absolute() or ".." in PurePosixPath(rel_path).parts:
        raise ValueError(f"not a vault-relative path: {rel_path!r}")
    return f"obsidian://open?vault={quote(vault, safe='')}&file={quote(rel_path, safe='')}"
