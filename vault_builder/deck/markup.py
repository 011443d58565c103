"""Rendering: Markdown + $math$ → Anki HTML."""
from __future__ import annotations

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
        term = _term_pattern(hide) if hide and hide.strip() else None
        if _PLAIN.fullmatch(text):
            # One line with no Markdown or math in it: markdown-it would make it one paragraph
            # of one text token and only escape it.
            out = escapeHtml(_mark_term(text, term))
        else:
            out = self._render_markdown(text, cloze, term)
        return out.replace(_CLOZE_OPEN, "{{c1::").replace(_CLOZE_CLOSE, "}}")

    def _render_markdown(self, text: str, cloze: bool, term: re.Pattern | None) -> str:
        env = {"cloze": cloze}
        tokens = self.md.parse(text, env)
        for tok in tokens:
            for child in tok.children or ():
                if child.type == "text":
                    child.content = _mark_term(child.content, term)
        out = self.md.renderer.render(tokens, self.md.options, env).replace(_GUARD, "").strip()
        if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
            out = out[3:-4]
        return out

    def has_term(self, text: str, term: str) -> bool:
        """Whether ``term`` occurs in ``text`` outside math (so it can be clozed)."""
        return "{{c1::" in self.render(text, cloze=True, hide=term)


_GUARD = "\u2060"

_PLAIN = re.compile(r"""(?:[^\W\d_]|["'(“‘«])"""  # starts no block (heading, list, quote, code...)
                    r"[^\x00-\x1f\x7f-\x9f\u2028\u2029\u2060\\`*_\[\]<>&$]*")  # no line break, no inline syntax
"""Text that markdown-it renders as its escaped self (a single paragraph, without ``<p>``)."""


def _mark_term(text: str, term: re.Pattern | None) -> str:
    """Wrap the occurrences of ``term`` in cloze markers."""
    if term is None:
        return text
    return term.sub(lambda m: _CLOZE_OPEN + m.group(0) + _CLOZE_CLOSE, text)


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


def _e(text: str) -> str:
    return html.escape(text, quote=True)
