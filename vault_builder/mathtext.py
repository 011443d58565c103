"""Recovering math from the ways web exports mangle it (pure functions of strings).

Three kinds of damage, three tools:

- KaTeX pages saved as text give every formula twice: the rendered glyphs (with operators,
  arrows, `|`, `−` ... lost) immediately followed by the TeX source, e.g. `p(xw)p(x|w)`.
  `has_doubled_math` spots the style, `collapse_doubled_math` keeps the TeX as `$…$`/`$$…$$`.
- A Markdown copy whose math was dropped (`A *parameter space*, , corresponding`) can get it back
  from a flat copy of the same post that kept it as spaced Unicode: `fill_math_gaps`.
  Paragraphs split by a lost emphasis (`there is` / `someway of`) are rejoined and unglued by
  `join_split_paragraphs`.
- `tidy_flat_math` makes spaced Unicode math (`f ( x ) = 1`) readable (`f(x) = 1`).

Everything is rule based: no list of seed sentences, so unseen posts exported the same way work.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher

__all__ = ["has_doubled_math", "collapse_doubled_math", "fill_math_gaps",
           "join_split_paragraphs", "tidy_flat_math"]

# ---------------------------------------------------------------------------------------------
# What KaTeX shows for a TeX string ("glyph skeleton")

_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ",
    "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ",
    "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "ell": "ℓ", "hbar": "ℏ", "aleph": "ℵ",
}
# Operator names KaTeX prints as upright letters.
_FUNCS = set("log ln lg exp sin cos tan cot sec csc sinh cosh tanh coth arcsin arccos arctan "
             "det dim ker deg gcd hom max min sup inf lim liminf limsup arg Pr".split())
# Commands whose (first) braced argument is never shown.
_HIDDEN_ARG = {"color", "begin", "end", "label", "hspace", "vspace", "textcolor", "colorbox"}
# Variant letter forms that a glyph dump and a TeX source may disagree on.
_FOLD = str.maketrans("ϕϵϑϱϖϰς", "φεθρπκσ")

_TEX_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|[\s\S]")
_MARKER = re.compile(r"\\[A-Za-z]+|\\[{}$,;! ]|[_^]")


def _skeleton(tex: str) -> str:
    """The characters KaTeX would display for `tex`, in source order (operators kept when they
    are plain characters; commands that show no letters vanish)."""
    out: list[str] = []
    toks = _TEX_TOKEN.findall(tex)
    i = 0
    while i < len(toks):
        t = toks[i]
        i += 1
        if len(t) > 2 or (len(t) == 2 and t[0] == "\\" and t[1].isalpha()):
            name = t[1:]
            if name in _HIDDEN_ARG:
                i = _skip_group(toks, i)
                if name == "begin" and i < len(toks) and toks[i] == "{":  # array column spec
                    i = _skip_group(toks, i)
            elif name in _GREEK:
                out.append(_GREEK[name])
            elif name in _FUNCS:
                out.append(name)
            # any other command (fonts, spacing, relations, \frac ...) shows only its arguments
        elif t[0] == "\\":
            out.append(t[1:] if t[1:] in "{}$%&#_|" else "")
        elif t not in "{}_^&~":
            out.append(t)
    return "".join(out)


def _skip_group(toks: list[str], i: int) -> int:
    while i < len(toks) and toks[i].isspace():
        i += 1
    if i >= len(toks) or toks[i] != "{":
        return i
    depth = 0
    while i < len(toks):
        depth += {"{": 1, "}": -1}.get(toks[i], 0)
        i += 1
        if depth == 0:
            break
    return i


def _key(s: str) -> str:
    """Letters, digits and Greek only: the part of a formula a glyph dump reliably keeps."""
    return "".join(c for c in s if c.isalnum()).translate(_FOLD)


def _same_glyphs(glyph: str, tex: str) -> bool:
    a, b = _key(glyph), _key(_skeleton(tex))
    # \underset, matrices and limits may come out in another order than the source's
    return bool(a) and (a == b or (len(a) >= 6 and sorted(a) == sorted(b)
                                   and re.search(r"\\[A-Za-z]", tex) is not None))


# ---------------------------------------------------------------------------------------------
# Finding glyph+TeX pairs in a line

_PROSE_STRIP_L = "([{\"'“‘"
_PROSE_STRIP_R = ",.;:!?)]}\"'”’…"
_DIFFERENTIAL_AFTER = re.compile(r"\\(?:math(?:rm|it|sf|bf)|operatorname|[,;!: ]|quad|qquad)$")


def _is_prose_word(word: str, prev: str) -> bool:
    """Does `word` (after a space) end a TeX run? Latin words of 2+ letters do, except a
    differential like `dw` after `\\mathrm`/spacing."""
    core = word.lstrip(_PROSE_STRIP_L).rstrip(_PROSE_STRIP_R)
    if not core:
        return any(c in "—–…" for c in word)
    if _MARKER.search(core) or "{" in core or "}" in core:
        return False
    if len(core) >= 2 and core.isascii() and core.isalpha():
        return not (re.fullmatch(r"d[A-Za-z]", core) and _DIFFERENTIAL_AFTER.search(prev))
    return core in ("—", "–")


def _word_end(line: str, i: int) -> int:
    """End of the space-delimited word at `i`; braces (`\\text{a b}`) and `\\ ` keep it going."""
    depth = 0
    while i < len(line) and (line[i] != " " or depth > 0):
        if line[i] == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(line[i], 0)
        i += 1
    return min(i, len(line))


def _tex_ends(line: str, i: int) -> list[int]:
    """Candidate ends of a TeX run starting at `i` (word ends, until a prose word)."""
    ends = []
    while i < len(line):
        end = _word_end(line, i)
        ends.append(end)
        nxt = end
        while nxt < len(line) and line[nxt] == " ":
            nxt += 1
        if nxt >= len(line) or _is_prose_word(line[nxt:_word_end(line, nxt)], line[i:end]):
            break
        i = nxt
    return ends


def _balanced(s: str, open_: str, close: str) -> bool:
    depth = 0
    for k, c in enumerate(s):
        if k and s[k - 1] == "\\":
            continue
        depth += (c == open_) - (c == close)
        if depth < 0:
            return False
    return depth == 0


def _trim(tex: str, glyph_last: str) -> str:
    """Drop what belongs to the sentence: trailing punctuation the glyphs do not repeat, an
    unmatched closing bracket."""
    while True:
        tex = tex.rstrip()
        if len(tex) > 1 and tex[-2] == "\\":
            return tex
        c = tex[-1:] if tex else ""
        if c and c in ",.;:!?\"'”’…" and c != glyph_last:
            tex = tex[:-1]
        elif c in (")", "]") and tex.count(c) > tex.count({")": "(", "]": "["}[c]):
            tex = tex[:-1]
        else:
            return tex


def _plausible_tex(tex: str) -> bool:
    """TeX starts with a symbol, letter, digit, command or opening bracket, never with closing
    punctuation, and has balanced braces."""
    return tex[:1] not in ("", *")]},.;:!?") and _balanced(tex, "{", "}")


def _mathy(tex: str) -> bool:
    """Command-free text that can pass for a formula: no Latin run of 3+ letters, and not a
    plain word."""
    core = tex.replace(" ", "")
    if re.search(r"[A-Za-z]{3,}", core) or not core[:1].isalnum():
        return False
    if core.isalpha():  # one letter; capitals doubled are acronyms as often as not (`NN`)
        return len(core) == 1 and core.islower()
    if core.isdigit():
        return not re.fullmatch(r"(19|20)\d\d", core + core)  # `2020` is a year, not 20 twice
    return True


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(c in it for c in small)


def _match(line: str, starts: list[int], word_start: int, strict: bool,
           blocked: list[tuple[int, int]]):
    """First (glyph_start, tex_start, tex_end, tex) with the glyphs right before the TeX.

    The glyph part is everything from the start of its space-free run up to the TeX, except a
    letter-free prefix such as `(` or `(=`; `strict` (no TeX command present) asks in addition
    that the glyphs are the TeX with characters left out, and that the TeX looks like math."""
    ends = _tex_ends(line, word_start)
    for s in starts:
        r = line.rfind(" ", 0, s) + 1
        run = line[r:s]
        if not run or any(c.isspace() for c in line[s - 1:s + 1]) or line[s - 1] == "\\":
            continue
        g = r
        while g < s and not run[g - r].isalnum():
            g += 1
        glyph = line[g:s]
        if not glyph or _MARKER.search(glyph):
            continue
        for e in reversed([e for e in ends if e > s]):
            tex = _trim(line[s:e], line[s - 1])
            if not _plausible_tex(tex) or not _balanced(tex, "(", ")"):
                continue
            if strict and not (_mathy(tex) and _is_subsequence(glyph, tex.replace(" ", ""))
                               and _key(glyph) == _key(tex)):
                continue
            if not strict and not _same_glyphs(glyph, tex):
                continue
            lead = _skeleton(tex).replace(" ", "")
            lead = lead[:len(lead) - len(lead.lstrip("([{|"))]
            while lead and g > r and line[g - 1] == lead[-1]:  # `(a+b)^2`: the `(` is the math's
                g, lead = g - 1, lead[:-1]
            if _overlaps(g, s + len(tex), blocked):
                continue
            return g, s, s + len(tex), tex
    return None


_INLINE_DOLLARS = re.compile(
    r"\$\$.+?\$\$|(?<![\\$])\$(?=[^\s$])[^$\n]*?(?<=[^\s\\$])\$(?!\d)|`[^`]*`")
_ENUMERATOR = re.compile(r"\(?([a-z])\1[.)][,;:]?")
_DOUBLED_PART = re.compile(r"(\d+|[a-z])\1")


def _display_pair(line: str, doubled: bool):
    """A line that is only glyphs + TeX (a space between them or not) is display math."""
    body = line.strip()
    if not body or body.startswith("$$") or not (doubled or _MARKER.search(body)):
        return None
    lead = len(line) - len(line.lstrip())
    first = body.find(" ")
    run_end = first if first >= 0 else len(body)
    for s in list(range(1, run_end)) + ([first + 1] if first >= 0 else []):
        glyph, tex = body[:s].rstrip(" "), body[s:]
        if _MARKER.search(glyph) or glyph.endswith("\\") or not _plausible_tex(tex):
            continue
        if _MARKER.search(tex):
            ok = _same_glyphs(glyph, tex)
        else:
            ok = doubled and _mathy(tex) and _key(glyph) == _key(tex) != "" and _is_subsequence(
                glyph, tex.replace(" ", ""))
        if ok:
            return lead, lead + len(body), tex, True
    return None


def _plain_math_word(word: str) -> bool:
    return bool(word) and not re.search(r"[A-Za-z]{2}|[—–…]", word)


def _overlaps(a: int, b: int, spans) -> bool:
    return any(x < b and a < y for x, y in spans)


def _pairs(line: str, doubled: bool) -> list[tuple[int, int, str, bool | None]]:
    """Replacements (start, end, new text or tex, display?) for one line, left to right.
    display None means `new` is final text."""
    display = _display_pair(line, doubled)
    if display:
        return [display]
    blocked = [m.span() for m in _INLINE_DOLLARS.finditer(line)]
    found: list[tuple[int, int, str, bool | None]] = []
    done = 0
    for m in _MARKER.finditer(line):
        a = m.start()
        if a < done or _overlaps(a, a + 1, blocked):
            continue
        # The TeX starts inside the word its glyphs are glued to: the word holding the anchor,
        # or one before it when plain-math words come between (`nn \to \infty`).
        lo = line.rfind(" ", 0, a) + 1
        while lo > done:
            prev = re.search(r"(\S+) +$", line[done:lo])
            if not prev:
                break
            lo = done + prev.start(1)
            if not _plain_math_word(prev.group(1)):
                break
        hit = _match(line, list(range(lo + 1, a + 1)), lo, False, blocked + [(0, done)])
        if hit:
            g, s, e, tex = hit
            found.append((g, e, tex, False))
            done = e
    if doubled:  # command-free formulas, confirmed only by the page style
        for m in re.finditer(r"\S+", line):
            a, b = m.span()
            taken = blocked + [(x, y) for x, y, _, _ in found]
            if _overlaps(a, b, taken) or _MARKER.search(m.group()) or _ENUMERATOR.fullmatch(
                    m.group()) and (m.group()[0] == "(" or not line[:a].strip()):
                continue  # `(ii)`, `ii.` at the start of a list item
            hyphened = _hyphened(m.group())
            if hyphened:
                found.append((a, b, hyphened, None))
                continue
            hit = _match(line, list(range(a + 1, b)), a, True, taken)
            if hit and hit[2] <= b:
                found.append((hit[0], hit[2], hit[3], False))
    return sorted(found)


def _hyphened(word: str) -> str | None:
    """`22-33` -> `$2$-$3$`, `nn-dimensional` -> `$n$-dimensional`: doubled parts of a
    hyphenated word."""
    m = re.fullmatch(r"([^\w-]*)(.*?)([^\w-]*)", word)  # sentence punctuation around it stays
    parts = re.split("([-–])", m.group(2))
    if len(parts) < 3:
        return None
    new = [f"${p[:len(p) // 2]}$" if _DOUBLED_PART.fullmatch(p) and not re.fullmatch(
        r"(19|20)\d\d", p) else p for p in parts]
    return m.group(1) + "".join(new) + m.group(3) if new != parts else None


def _count_pairs(text: str, enough: int) -> int:
    n = 0
    for line in text.split("\n"):
        if not _MARKER.search(line):  # no TeX on this line: no pair (and _pairs is costly)
            continue
        n += sum(1 for _, _, tex, _ in _pairs(line, False) if _MARKER.search(tex))
        if n >= enough:
            break
    return n


def has_doubled_math(text: str) -> bool:
    """True if `text` was saved from a KaTeX page: at least two formulas written as glyphs
    immediately followed by TeX containing a command, `_` or `^` (`φ(w)\\varphi(w)`)."""
    return _count_pairs(text, 2) >= 2


def collapse_doubled_math(text: str, *, doubled: bool | None = None) -> str:
    """Keep only the TeX of each glyph+TeX formula, as `$tex$`, or `$$tex$$` when the line is
    only the formula. Command-free formulas (`q(x)q(x)`, `ww`, `450450`, `22-33`) are collapsed
    too. Text without doubled math is returned unchanged; idempotent.

    `doubled` says whether the text comes from a doubled-math page; by default
    `has_doubled_math(text)` decides. Pass True when calling paragraph by paragraph on a post
    already known to be in this style (a short paragraph may hold a single formula)."""
    if doubled is None:
        doubled = has_doubled_math(text)
    if not doubled:
        return text
    out = []
    for line in text.split("\n"):
        for start, end, tex, display in reversed(_pairs(line, True)):
            if display is None:
                new = tex
            elif display:
                new = f"$${tex.strip()}$$"
            else:
                new = f"${tex.strip()}$"
            line = line[:start] + new + line[end:]
        out.append(line)
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Tidying spaced Unicode math (`f ( x ) = 1`)

_NAMES = _FUNCS | {"argmin", "argmax", "softmax", "sgn", "sign", "diag", "tr", "rank", "ReLU",
                   "Var", "Cov", "KL"}
_OPEN, _CLOSE = "([{", ")]}"
_SYMBOLS = set("=+−-*/<>≤≥≠≈∼∝→←↦⇒⇔⟺∈∉∋⊂⊆⊃∪∩×·⋅∑∏∫∞∂∇|^∗′")
_GREEK_CHARS = re.compile(r"[α-ωΑ-Ωϕϵϑ]")


def _math_token(t: str) -> bool:
    """One symbol, a number, a Greek name or a short identifier (`θ`, `x1`, `15`, `→`)."""
    if len(t) == 1:
        return t not in ".;!?\"'“”‘’"
    return bool(re.fullmatch(r"\d+(?:\.\d+)?|[^\W\d_]\d*[∗*′']?|[α-ωΑ-Ωϕϵϑ]+\d*", t)) or t in _NAMES


def _math_groups(toks: list[str]) -> dict[int, int]:
    """Bracket groups made only of math tokens: opening index -> closing index."""
    groups, stack = {}, []
    for k, t in enumerate(toks):
        if t in _OPEN:
            stack.append(k)
        elif t in _CLOSE and stack:
            o = stack.pop()
            if _OPEN.index(toks[o]) == _CLOSE.index(t) and all(map(_math_token, toks[o + 1:k])):
                groups[o] = k
    return groups


def tidy_flat_math(text: str) -> str:
    """Close up spaced Unicode math without changing what it says: `f ( x ) = 1` -> `f(x) = 1`,
    `( 1 , 1 )` -> `(1, 1)`, `m i n ( | x | , | y | )` -> `min(|x|, |y|)`, `θ 15 ,` at the end
    -> `θ 15,`. Spaces around operators stay (`m : Θ → F`); bracket groups holding a word
    (`( see below )`) and prose are left alone."""
    parts = re.split(r"( +)", text)
    toks = parts[0::2]
    glue = [False] * len(toks)  # glue[k]: no space between toks[k-1] and toks[k]
    groups = _math_groups(toks)
    for o, c in groups.items():
        glue[o + 1] = True  # `( x` -> `(x`
        glue[c] = True  # `x )` -> `x)`
        bars = [k for k in range(o + 1, c) if toks[k] == "|"]
        for a, b in zip(bars[0::2], bars[1::2]):  # `| x |` -> `|x|` when the bars pair up
            glue[a + 1] = glue[b] = True
        for k in range(o + 1, c):
            if toks[k] == ",":
                glue[k] = True
        name = o
        while name > 0 and len(toks[name - 1]) == 1 and toks[name - 1].isalpha():
            name -= 1
        if name < o - 1 and "".join(toks[name:o]) in _NAMES:  # `m i n (` -> `min(`
            for k in range(name + 1, o + 1):
                glue[k] = True
        elif o > 0 and (toks[o - 1] in _NAMES or (
                re.fullmatch(r"[^\W\d_]\d*[∗′']?", toks[o - 1]) and toks[o - 1] != "a")):
            glue[o] = True  # function application `f (` -> `f(`
    last = len(toks) - 1
    if last > 0 and toks[last] in (",", ".") and toks[last - 1] and (
            _math_token(toks[last - 1]) or toks[last - 1] in _CLOSE) and (
            groups or any(t in _SYMBOLS or _GREEK_CHARS.search(t) for t in toks)):
        glue[last] = True  # a formula's own final punctuation
    out = [toks[0]]
    for k in range(1, len(toks)):
        out.append(("" if glue[k] and parts[2 * k - 1] == " " else parts[2 * k - 1]) + toks[k])
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Filling a Markdown copy's math gaps from a flat copy

_ALIGN_TOKEN = re.compile(r"[^\W_]+|-{2,}|\S")
_SAME = {"’": "'", "‘": "'", "“": '"', "”": '"', "—": "---", "–": "---", "--": "---", "…": "..."}
_MD_MARKS = {"*", "_", "#", "`"}  # Markdown syntax a flat copy does not have


def _align_tokens(text: str, markdown: bool):
    for m in _ALIGN_TOKEN.finditer(text):
        t = m.group()
        if markdown and t in _MD_MARKS:
            continue
        yield _SAME.get(t, t).lower(), m.start(), m.end()


def _looks_like_math(tokens: list[str]) -> bool:
    """Flat-copy tokens the Markdown copy lacks: math if made only of math tokens (no prose
    word) and carrying a math signal: Greek, an operator, a variable, or `(…, …)`."""
    if not tokens or not all(_math_token(t) for t in tokens):
        return False
    return any(_GREEK_CHARS.search(t) or t in _SYMBOLS or (t.isalpha() and t not in "aAI")
               for t in tokens) or ("(" in tokens and "," in tokens)


def _split_formulas(text: str) -> list[str]:
    """`f ( x ) = 1 f ( x ) = x` (a list of formulas run together) -> one per left-hand side."""
    toks = text.split()
    if "=" not in toks[1:]:
        return [text]
    lhs = toks[:toks.index("=", 1) + 1]
    starts = [k for k in range(len(toks)) if toks[k:k + len(lhs)] == lhs]
    if len(starts) < 2 or starts[0] != 0:
        return [text]
    return [" ".join(toks[a:b]) for a, b in zip(starts, starts[1:] + [len(toks)])]


def _insert_inline(text: str, prev_end: int, next_start: int, math: str) -> str:
    gap = text[prev_end:next_start]
    ws = re.search(r"\s", gap)
    if ws:  # `space*, , corr` -> `space*, Θ, corr`: emphasis marks stay with their word
        before, after = text[:prev_end + ws.start()], text[prev_end + ws.start():].lstrip()
        sep_before, sep_after = " ", "" if after[:1] in tuple(",.;:!?)]") else " "
    else:
        before, after = text[:prev_end] + gap, text[next_start:]
        sep_before = " " if before[-1:].isalnum() else ""
        sep_after = " " if after[:1].isalnum() else ""
    return before + sep_before + math + sep_after + after


def fill_math_gaps(blocks: list[str], flat: str) -> list[tuple[str, str]]:
    """Put back the math a Markdown copy of a post dropped, taking it from a flat copy of the
    same post that kept it as spaced Unicode.

    `blocks`: the Markdown post body, one string per block (paragraph, heading, list item).
    `flat`: the whole flat copy. Returns `(kind, text)` pairs: every input block once, in order,
    as `("text", block with inline gaps filled)`, plus `("math", formula)` for each display
    formula, placed between the two halves of the paragraph it split. Filled math is the flat
    copy's Unicode tidied by `tidy_flat_math`, not TeX. Only insertions made purely of math
    tokens are used: prose words and punctuation-only differences are never inserted."""
    md = [(k, *t) for k, b in enumerate(blocks) for t in _align_tokens(b, True)]
    fl = list(_align_tokens(flat, False))
    matcher = SequenceMatcher(None, [t[1] for t in md], [t[0] for t in fl], autojunk=False)
    inline: dict[int, list[tuple[int, int, str]]] = {}
    display: dict[int, list[str]] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "insert" or not _looks_like_math([flat[s:e] for _, s, e in fl[j1:j2]]):
            continue
        math = tidy_flat_math(flat[fl[j1][1]:fl[j2 - 1][2]])
        prev, nxt = (md[i1 - 1] if i1 else None), (md[i1] if i1 < len(md) else None)
        if prev and nxt and prev[0] == nxt[0]:
            inline.setdefault(prev[0], []).append((prev[3], nxt[2], math))
        else:  # at a block boundary: the formula was a display of its own
            display.setdefault(prev[0] if prev else -1, []).extend(_split_formulas(math))
    out = [("math", f) for f in display.get(-1, [])]
    for k, text in enumerate(blocks):
        for prev_end, next_start, math in sorted(inline.get(k, []), reverse=True):
            text = _insert_inline(text, prev_end, next_start, math)
        out.append(("text", text))
        out.extend(("math", f) for f in display.get(k, []))
    return out


# ---------------------------------------------------------------------------------------------
# Paragraphs split by a lost emphasis (`there is` / `someway of coming up`)

# Split candidates: short words that glue onto an emphasised word on either side.
_FUNCTION_WORDS = set("""a an the this that these those of in on at to for from with by as is are
was were be been being it its and or but not nor so if then than there here way say says more most
less some any all each every very much many few can could would should will may might must do does
did have has had what which who whom how why when where we you they he she them their our your his
her my me us also just even still yet such only own same other both either one about into over
under up out off again too don't doesn't isn't aren't wasn't can't won't didn't it's that's there's
""".split())
# Short words that too often begin ordinary words (`in`+`variant`, `to`+`ken`): split after them
# only when the rest is a function word too (`inthe`).
_PREFIX_PRONE = set("a an in be to on at as no so or of by it us up he we me my".split())
# ... and those that also begin many words in the middle of a glued run (`always|in|tractable`).
_RISKY_MIDDLE = set("a an in be to on at as no so or up".split())
# Common English words, used to judge whether the parts of a glued word are words, and to
# protect ordinary words that look like two (`within`, `notable`, `format`).
_COMMON_WORDS = set("""
about above across act action actual actually add after again against ago agree allow almost alone
along already although always among amount analysis analyse analyze another answer anyone anything
anyway apart appear apply approach argue argument around article ask assume attention available
away back bad base basic become before begin behave behind being believe below benefit best better
between beyond big bit body book both bound brain break bring broad build call came cannot care
carry case cause certain chance change claim class clear close come common compare complete complex
compute concern condition consider contain context continue control correct cost could course cover
create critical current data deal decide deep define degree depend derive describe design detail
determine develop difference different difficult direct discuss distinct do doubt down during each
early easy effect effective either else end enough entire equal error especially even event ever
every everyone everything everywhere evidence exact example exist expect explain express extend
fact fail fair far fast feel few field figure final find fine first fit follow form formal format
forward frame free full function general generate get give given go good great grow hand happen
hard heat help high hold hope however idea identify imply important include increase indeed
infinite inform insight instead interest interpret issue itself keep kind knew know known large
last late later lead learn least leave left less let level light like likely limit line little
local long look lose loss low main make manage many matter maybe mean measure meet mention method
might mind model moment moreover most move much must name natural near necessary need network never
new next nobody none normal note notable nothing notice notion now number observe obtain obvious
often old once only onto open order original other otherwise outcome output overall own part
particular pass people perhaps place plan plausible play point possible power practice precise
predict prefer present pretty prevent probably problem process produce prove provide purpose put
question quite rather reach read real realistic really reason recent reduce refer regard relate
relative relevant remain remember represent require research respect rest result return right role
rule run same say second see seem sense separate set several shall short should show side similar
simple since single small social some someone something sometimes somewhat somehow soon sort space
specific specify state still stop strong structure study subject such suggest support suppose sure
system take talk term test than thank that then theory there therefore thereby thing think though
thought through throughout thus time today together too toward towards true try turn type under
understand unless until upon use useful usual value various very view want way well what whatever
when whenever where whereas whereby wherein whether which while whole why wide will with within
without word work world would write wrong year yet young nowhere somewhere anywhere thereof therein
herein hereby hereof whereof whereupon thereafter hereafter atone someday sometime anyhow anymore
inasmuch insofar nonetheless nevertheless notwithstanding whatsoever wherever whoever whichever
forever estimate intend
""".split())


_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly", "ally", "ies", "er", "ers", "able", "ize", "ise",
             "ation", "al")


def _plausible(word: str, vocab: set[str]) -> bool:
    """A word we know: common, function word, or seen in the context; also with a usual ending."""
    def known(w: str) -> bool:
        return w in vocab or w in _COMMON_WORDS or w in _FUNCTION_WORDS

    w = word.lower()
    if known(w):
        return True
    for suffix in _SUFFIXES:
        stem = w[:-len(suffix)]
        if w.endswith(suffix) and len(stem) >= 3 and (
                known(stem) or (suffix[0] in "aei" and known(stem + "e"))):
            return True
    related = re.fullmatch(r"(\w{3,})an(?:t|ce)", w)  # `dominant` from `dominate`
    return bool(related) and known(related.group(1) + "ate")


def _split_glued(word: str, vocab: set[str]) -> str | None:
    """`someway` -> `some way`, `notin` -> `not in`, `physicsandcondensed` -> `physics and
    condensed`; None unless exactly one reading is safe."""
    w = word.lower().replace("’", "'")
    if len(w) < 5 or _plausible(w, vocab) or re.search(r"[A-Z][a-z]+[A-Z][a-z]", word):
        return None  # a known word, or a CamelCase name (`LayerNorm`)

    def pair_ok(p: str, s: str) -> bool:
        if len(p) < 2 or not _plausible(p, vocab) or not _plausible(s, vocab):
            return False
        if p in _PREFIX_PRONE or s == "a":
            return s in _FUNCTION_WORDS and s != "a" or (s == "a" and len(p) >= 5)
        if p in _FUNCTION_WORDS or s in _FUNCTION_WORDS:
            return len(s) >= 2 and (s in _FUNCTION_WORDS or len(s) >= 4)
        return len(p) >= 4 and len(s) >= 4  # two content words: both must be known

    readings = {f"{word[:i]} {word[i:]}" for i in range(1, len(w)) if pair_ok(w[:i], w[i:])}
    if not readings:  # word + function word + word
        readings = {f"{word[:i]} {word[i:j]} {word[j:]}" for i in range(4, len(w) - 5)
                    for j in range(i + 2, len(w) - 3)
                    if w[i:j] in _FUNCTION_WORDS - _RISKY_MIDDLE and _plausible(w[:i], vocab)
                    and _plausible(w[j:], vocab) and len(w) - j >= 4}
    return readings.pop() if len(readings) == 1 else None


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_SENTENCE_END = re.compile(r"[.!?:;)\]\"'”’*]\s*$|\$\$\s*$")


def _formula_only(block: str) -> bool:
    """A display formula standing alone (`exp(−2Lσ2⋅nbη)`): math signs and no two words in a row."""
    return block.lstrip().startswith("$$") or (
        any(c in _SYMBOLS and c not in "-*/+" or _GREEK_CHARS.match(c) for c in block)
        and not re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", block))


def _unglue_start(block: str, vocab: set[str]) -> tuple[str, bool]:
    """Unglue words among the first few of a continuation block."""
    changed = False
    for m in reversed(list(re.finditer(r"\S+", block))[:4]):
        for w in reversed(list(_WORD.finditer(m.group()))):
            split = _split_glued(w.group(), vocab)
            if split:
                a, b = m.start() + w.start(), m.start() + w.end()
                block, changed = block[:a] + split + block[b:], True
    return block, changed


def vocabulary(texts: list[str]) -> set[str]:
    """Words seen away from block starts (where glued words sit), lower-cased."""
    vocab = set()
    for t in texts:
        for k, m in enumerate(_WORD.finditer(t)):
            if k >= 4:
                vocab.add(m.group().lower().replace("’", "'"))
    return vocab


def join_split_paragraphs(blocks: list[str], *, context: str = "") -> list[str]:
    """Rejoin paragraphs that an export split mid-sentence, ungluing the emphasised word at the
    seam (`there is` + `someway of` -> `there is some way of`).

    A block is joined to the one before when that one does not end a sentence (no final
    punctuation or colon; not a heading, not only a formula) and the block starts lower-case, or
    with a word we can unglue. Glued words among the first four words of the joined block are
    split where a common function word (or two known words) makes exactly one safe reading.
    `context` (e.g. the whole post and thread) adds to the vocabulary used to recognise words;
    without it only the blocks themselves and a built-in list of common words are used."""
    vocab = vocabulary(blocks + context.split("\n"))
    out: list[str] = []
    for block in blocks:
        joined = join_pair(out[-1], block, vocab) if out else None
        if joined is not None:
            out[-1] = joined
        else:
            out.append(block)
    return out


def join_pair(a: str, b: str, vocab: set[str]) -> str | None:
    """`a` and `b` as one paragraph if `b` continues `a` (see join_split_paragraphs), else None.
    For callers that keep their own block objects; `vocab` comes from vocabulary()."""
    if not _joinable(a, b, vocab):
        return None
    fixed, _ = _unglue_start(b.lstrip(), vocab)
    sep = "" if a.rstrip()[-1:] in "([" else " "
    return a.rstrip() + sep + fixed


def _joinable(a: str, b: str, vocab: set[str]) -> bool:
    a_s, b_s = a.rstrip(), b.lstrip()
    if not a_s or not b_s or _SENTENCE_END.search(a_s) or a_s.startswith(("#", "```", "    ", "|")):
        return False
    if b_s.startswith(("#", "- ", "* ", "+ ", ">", "```", "|", "$$")) or re.match(r"\d+[.)] ", b_s):
        return False
    if _formula_only(a_s) or _formula_only(b_s):
        return False
    start = re.sub(r"^[*_~]+(?=\S)", "", b_s)  # `~~often~~almost`: marks before the first word
    return start[:1].islower() or _unglue_start(b_s, vocab)[1]
