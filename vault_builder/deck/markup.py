"""Rendering: Markdown + $math$ → Anki HTML."""
from __future__ import annotations

import functools
import html
import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.dollarmath import dollarmath_plugin

_CLOZE_OPEN, _CLOZE_CLOSE = "\x02", "\x03"
_WIKILINK = re.compile(r"\[\[([^\]|]*?)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
_BLOCK_ID = re.compile(r"\s+\^[A-Za-z0-9-]+\s*$")


class _Renderer:
    """markdown-it-py (CommonMark, raw HTML escaped) with ``$…$``/``$$…$$`` math rendered as
    ``\\(…\\)``/``\\[…\\]`` (HTML-escaped).  In cloze fields ``{{``/``}}`` inside math become
    ``{ {``/``} }`` so they cannot end (or start) a cloze deletion."""

    def __init__(self) -> None:
        self.md = MarkdownIt("commonmark", {"html": False}).use(
            dollarmath_plugin, double_inline=True, allow_digits=False
        )
        for name, display in (("math_inline", False), ("math_inline_double", True),
                              ("math_block", True), ("math_block_label", True)):
            self.md.add_render_rule(name, self._math_rule(display))
        # mdit-py-plugins' dollarmath (0.7) checks "no digit before the opening $" with
        # src[pos - 1], which at pos 0 reads the *last* character: "$x$ is 1" would not be
        # math.  A word joiner before a leading "$" of each inline run sidesteps it; it is
        # removed from the output.
        self.md.core.ruler.before("inline", "dollar_guard", _guard_leading_dollar)
        self._cache: dict[tuple[str, bool, str | None], str] = {}

    @staticmethod
    def _math_rule(display: bool):
        def rule(self, tokens, idx, options, env):
            tex = tokens[idx].content.strip()
            if env.get("cloze"):
                tex = _break_braces(tex)
            body = html.escape(tex, quote=False)
            return f"\\[{body}\\]" if display else f"\\({body}\\)"
        return rule

    def render(self, text: str, *, cloze: bool = False, hide: str | None = None) -> str:
        """HTML for ``text``.  ``hide``: a term whose occurrences outside math become
        ``{{c1::…}}`` (only with ``cloze``).  A single paragraph is returned without ``<p>``."""
        key = (text, cloze, hide)
        if key not in self._cache:
            self._cache[key] = self._render(text, cloze, hide)
        return self._cache[key]

    def _render(self, text: str, cloze: bool, hide: str | None) -> str:
        text = _clean_markdown(text)
        if _PLAIN.fullmatch(text):
            # One line with no Markdown or math in it: markdown-it would make it one paragraph
            # of one text token and only escape it.
            out = escapeHtml(_mark_term(text, hide))
        else:
            out = self._render_markdown(text, cloze, hide)
        return out.replace(_CLOZE_OPEN, "{{c1::").replace(_CLOZE_CLOSE, "}}")

    def _render_markdown(self, text: str, cloze: bool, hide: str | None) -> str:
        env = {"cloze": cloze}
        tokens = self.md.parse(text, env)
        for tok in tokens:
            for child in tok.children or ():
                if child.type == "text":
                    child.content = _mark_term(child.content, hide)
        out = self.md.renderer.render(tokens, self.md.options, env).replace(_GUARD, "").strip()
        if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
            out = out[3:-4]
        return out

    def has_term(self, text: str, term: str) -> bool:
        """Whether ``term`` occurs in ``text`` outside math (so it can be clozed)."""
        return "{{c1::" in self.render(text, cloze=True, hide=term)


_GUARD = "\u2060"

_PLAIN = re.compile(r"""(?:[^\W\d_]|["'(“‘«])"""  # starts no block (heading, list, quote, code...)
                    # then no line break, no inline syntax:
                    r"[^\x00-\x1f\x7f-\x9f\u2028\u2029\u2060\\`*_\[\]<>&$]*")
"""Text that markdown-it renders as its escaped self (a single paragraph, without ``<p>``)."""


def _mark_term(text: str, hide: str | None) -> str:
    """Wrap the occurrences of ``hide`` (as ``_term_pattern`` finds them) in cloze markers."""
    if not (hide and hide.strip()):
        return text
    spans = _ascii_term_spans(text, hide)
    if spans is None:
        return _term_pattern(hide).sub(lambda m: _CLOZE_OPEN + m.group(0) + _CLOZE_CLOSE, text)
    out, pos = [], 0
    for start, end in spans:
        out += [text[pos:start], _CLOZE_OPEN, text[start:end], _CLOZE_CLOSE]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _guard_leading_dollar(state) -> None:
    for tok in state.tokens:
        if tok.type == "inline" and tok.content.startswith("$"):
            tok.content = _GUARD + tok.content


def _break_braces(tex: str) -> str:
    while "}}" in tex or "{{" in tex:
        tex = tex.replace("}}", "} }").replace("{{", "{ {")
    return tex


def _clean_markdown(text: str) -> str:
    """Obsidian-only syntax a card cannot use: ``[[Note|label]]`` → label, trailing ``^block``."""
    text = _WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
    return _BLOCK_ID.sub("", text).strip()


@functools.lru_cache(maxsize=4096)  # definitions of one term share it; compiling is slow
def _term_pattern(term: str) -> re.Pattern:
    """Matches ``term`` case-insensitively as whole words, plurals included (energy/energies)."""
    words = term.split()
    last = words.pop() if words else ""
    if re.search(r"[^aeiou]y$", last, re.IGNORECASE):
        tail = re.escape(last[:-1]) + r"(?:y|ies)"
    else:
        tail = re.escape(last) + r"(?:e?s)?"
    body = r"\s+".join([re.escape(w) for w in words] + [tail])
    return re.compile(r"(?<!\w)" + body + r"(?!\w)", re.IGNORECASE)


_ASCII_WORD = re.compile(r"[A-Za-z0-9_]+")
"""What ``\\w+`` matches in ASCII text."""


def _ascii_term_spans(text: str, term: str) -> list[tuple[int, int]] | None:
    """Where ``_term_pattern(term)`` matches in ``text``, without compiling it (slow, and every
    definition has its own term), when both are ASCII and the term is made of ``\\w`` words
    (None otherwise).  In ASCII a case-insensitive match is an equality of lower-cased text, the
    pattern's words are whole ``\\w+`` runs, and the ``\\s+`` between them a gap of whitespace."""
    forms = _term_forms(term)
    if forms is None or not text.isascii():
        return None
    words, last_forms = forms
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _ASCII_WORD.finditer(text)]
    n, i, spans = len(words) + 1, 0, []
    while i + n <= len(tokens):
        run = tokens[i:i + n]
        if (run[-1][2] in last_forms and all(tok[2] == word for tok, word in zip(run, words))
                and all(text[a[1]:b[0]].isspace() for a, b in zip(run, run[1:]))):
            spans.append((run[0][0], run[-1][1]))
            i += n
        else:
            i += 1
    return spans


@functools.lru_cache(maxsize=4096)
def _term_forms(term: str) -> tuple[list[str], frozenset[str]] | None:
    """(the lower-cased words before the last, the forms of the last word) as ``_term_pattern``
    allows them, for a term of ASCII ``\\w`` words; else None."""
    words = term.split()
    if not words or not term.isascii() or not all(_ASCII_WORD.fullmatch(w) for w in words):
        return None
    last = words.pop()
    if re.search(r"[^aeiou]y$", last, re.IGNORECASE):
        forms = {last[:-1] + "y", last[:-1] + "ies"}
    else:
        forms = {last, last + "es", last + "s"}
    return [w.lower() for w in words], frozenset(f.lower() for f in forms)


def _e(text: str) -> str:
    return html.escape(text, quote=True)
