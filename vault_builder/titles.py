"""Short, readable note titles for items (claims, examples, counterexamples, definitions).

A claim's note is named after a cleaned, shortened form of its sentence, not a truncated
sentence: lead-ins ("However, I think that"), markup and long math go; short math becomes words
($\\lambda \\log n$ -> "λ log n"); a long sentence loses parenthetical asides and a leading
"If …," clause, is cut at a clause boundary or before a function word, and never ends in a
dangling "that", "the", "make", "don't" or an adjective without its noun. Definitions are named
"<Concept> — <post>" ("… — comment 3 on <post>" in threads). Names are then made legal and
unique by paths.NameRegistry (link.py).
"""
from __future__ import annotations

import re

from .models import Item
from .paths import name_key

LEAD_INS = re.compile(
    r"^(?:(?:however|moreover|furthermore|therefore|thus|hence|indeed|so|but|and|also|still|again|then|now|"
    r"first(?: of all)?|second(?:ly)?|third(?:ly)?|next|finally|in summary|in short|in particular|in general|in practice|"
    r"in other words|to (?:state|put) this differently|that said|all that said|having said that|of course|"
    r"as a practical takeaway|as far as I can tell|as I read it|in (?:this|that) sense|for (?:example|instance)|"
    r"e\.g\.|i\.e\.|consider|suppose|yes|no|well|rather|anyway|granted|okay|ok|fortunately|unfortunately|"
    r"interestingly|importantly|crucially|basically|essentially|notably|clearly|obviously|in fact|actually|"
    r"admittedly|nonetheless|nevertheless|instead|similarly|likewise|conversely|ultimately|overall|again|"
    r"I (?:would )?(?:think|believe|expect|suspect|claim|agree|guess|argue|would argue|maintain|still think|still maintain)(?: that)?|"
    r"it (?:seems|appears) (?:to me )?(?:that)?|note that|notice that|recall that|it is (?:true|clear|worth noting) that)"
    r"(?:\b|(?<=\.))[,:]?\s+)+",
    re.I)
_FUNCTION_WORDS = (
    "that|which|who|whom|whose|where|when|if|because|since|while|whereas|although|though|unless|the|a|an|of|to|"
    "and|or|but|nor|with|without|for|in|on|at|by|as|via|about|than|into|onto|from|between|over|under|within|"
    "is|are|was|were|be|been|being|this|these|those|its|their|our|your|my|his|her|not|very|more|most|less|so|such|"
    "can|will|would|should|could|may|might|must|shall|do|does|did|there|we|they|you|i|he|she|some|any|all|each|"
    "every|no|much|many|how|what|why|then|even|just|only|also|really|actually|typically|usually|often|generally|"
    "roughly|quite|rather|still|make|makes|making|say|says|saying|believe|believes|believing|think|thinks|mean|"
    "means|show|shows|suggest|suggests|claim|claims|argue|argues|imply|implies|expect|expects|know|see|find|get|"
    "gets|give|gives|have|has|had|having|take|takes|need|needs|want|wants|seem|seems|tell|tells|call|called|"
    "one|two|try|trying|going|exactly|able|likely|possible|due|order|kind|sort|lot|bit|way|part|just above|"
    "don['’]t|doesn['’]t|isn['’]t|aren['’]t|won['’]t|can['’]t|it['’]s|that['’]s|there['’]s|depend|depends|"
    "correspond|corresponds|assume|assumes|lead|leads|end up|ends up|as a measure|according|rely|relies|refer|refers")
TRAILING_WEAK = re.compile(rf"\s+(?:{_FUNCTION_WORDS})$", re.I)
_WEAK_TAIL = 2 + max(len(re.sub(r"\[[^\]]*\]", "x", w)) for w in _FUNCTION_WORDS.split("|"))
"""How many characters at the end of a text hold a TRAILING_WEAK match, all but its leading
whitespace: one whitespace character, the longest function word and a final newline."""
DANGLING_ADJECTIVE = re.compile(r"\s+\w+(?:ive|ic|ical|ous|ary|ful)$", re.I)
BREAK_BEFORE = re.compile(r"\s(?=(?:that|which|who|whereas|because|since|while|although|though|unless|so that|"
                          r"in order|rather than|than|but|and|or|as|if|when|where|by|for|with|without|to|of|in|on)\b)", re.I)
ASIDE = re.compile(r",\s+(?:not|rather than|unlike|like|e\.g\.|i\.e\.|however|in particular|of course|at least|"
                   r"in some sense|roughly|say|so to speak|in turn|too|as well|for now|I think|I believe)\b[^,;]{0,48},(?=\s)", re.I)
SUBORDINATE = re.compile(r"^(?:if|when|whenever|since|although|though|while|because|as long as|as|given that|given|"
                         r"unless|whereas|even if|even though|once|after|before)\b[^,;]{3,}[,;]\s+(?:then\s+)?", re.I)
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+?\$", re.S)
_THREE_WORD_CHARS = re.compile(r"\w\W*\w\W*\w")


def short_title(item: Item, concept_names: dict[str, str] | None = None, limit: int = 72) -> str:
    """A readable note title: definitions "<Term> — <post>"; other items a cleaned, shortened
    form of the sentence: no lead-ins ("However, I think that"), math or markup; a leading
    "If …," clause dropped when the sentence is long; cut at a clause, or before a function
    word, and never ending in a dangling "that", "the", "make", "will"…"""
    if item.type == "definition" and item.term:
        term = resolve_term(item.term, concept_names or {})
        term = term[:1].upper() + term[1:]
        where = f"comment {item.comment[1:]} on " if item.in_comments and item.comment else ""
        room = max(24, 78 - len(term) - 3 - len(where))
        return f"{term} — {where}{tidy_end(clause_cut(item.post, room)) if len(item.post) > room else item.post}"
    text = _MATH.sub(lambda m: tex_words(m.group()), item.text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # [label](url) -> label
    text = re.sub(r"[*_`>\[\]]", "", text)
    text = " ".join(text.split())  # = re.sub(r"\s+", " ", text).strip(): str.split() splits at \s
    text = re.sub(r"^\(?[0-9ivx]+[.)]\s+", "", text)  # "(ii) ", "2. "
    text = LEAD_INS.sub("", text).strip()
    text = re.sub(r"\s+([,;:.?!])", r"\1", text)
    sentences = [t for t in re.split(r"(?<=[a-z0-9)])[.?!](?:\s+|$)", text) if t.strip()]
    while len(sentences) > 1 and len(sentences[0].split()) < 3:  # "Instead." (its math removed)
        sentences.pop(0)
    text = LEAD_INS.sub("", sentences[0]).strip() if sentences else text  # the first real sentence
    text = re.sub(r"\s*\(\s*\)", "", text)  # parentheses emptied by removing math
    if len(text) > limit:
        text = ASIDE.sub("", text)
    if len(text) > limit:
        main = SUBORDINATE.sub("", text)
        if main != text and len(main) >= 20:
            text = LEAD_INS.sub("", main).strip()
    if len(text) > limit:
        text = clause_cut(text, limit)
    text = tidy_end(text)
    text = text[:1].upper() + text[1:]
    return text if _THREE_WORD_CHARS.search(text) else f"{item.type.title()} in {item.post}"


_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "eta": "η",
          "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ",
          "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
          "Theta": "Θ", "Lambda": "Λ", "Phi": "Φ", "Omega": "Ω", "Sigma": "Σ", "Delta": "Δ", "infty": "∞",
          "to": "→", "approx": "≈", "leq": "≤", "geq": "≥", "neq": "≠", "sim": "~", "cdot": "·", "times": "×"}


def tex_words(math: str, limit: int = 16) -> str:
    """Short inline math as plain words for a title ($\\lambda \\log n$ -> "λ log n"); longer or
    display math is dropped (a title is no place for a formula)."""
    tex = math.strip("$").strip()
    if math.startswith("$$"):
        return " "
    tex = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", tex)
    tex = re.sub(r"\\([A-Za-z]+)", lambda m: _GREEK.get(m.group(1), m.group(1)), tex)
    tex = re.sub(r"[{}\\^_]", "", tex)
    tex = " ".join(tex.split())
    return f" {tex} " if tex and len(tex) <= limit else " "


def tidy_end(text: str) -> str:
    """No dangling function word, punctuation or unclosed parenthesis at the end of a title."""
    text = text.strip(" .,;:—–-\"'“”‘’")
    while True:
        before = text
        text = drop_trailing_weak(text).rstrip(" ,;:—–-\"'“”‘’(")
        if text.count("(") > text.count(")"):
            text = text[: text.rindex("(")].rstrip(" ,;:—–-")
        if text == before:
            return text


def drop_trailing_weak(text: str) -> str:
    """TRAILING_WEAK.sub("", text) without trying its 200 words after every space: a match ends
    the text, so it shows in the text's tail (whole, unless its whitespace starts earlier)."""
    start = max(0, len(text) - _WEAK_TAIL)
    m = TRAILING_WEAK.search(text, start)
    if m is None:
        return text
    if m.start() == start > 0:
        m = TRAILING_WEAK.search(text)  # the whitespace before the word may begin further left
    return text[:m.start()] + text[m.end():]


def resolve_term(term: str, concept_names: dict[str, str]) -> str:
    """The concept a definition's term names: as written, without a dangling "(ABBR", or the
    abbreviation inside the parentheses; else the term tidied."""
    candidates = [term, re.sub(r"\s*\(.*$", "", term), *re.findall(r"\(([^()]+)\)?", term)]
    for c in candidates:
        found = concept_names.get(name_key(c.strip()))
        if found:
            return found
    return tidy_end(re.sub(r"\s*\([^)]*$", "", term)) or term


def clause_cut(text: str, limit: int) -> str:
    """Cut at the last clause boundary before the limit, else before the last function word
    ("that", "which", "because", "to"…) that keeps at least half, else at the last word."""
    window = text[: limit + 1]
    for sep in ("; ", " — ", " – ", ": ", ", "):
        pos = window.rfind(sep)
        if pos >= limit * 0.45:
            return window[:pos]
    breaks = [m.start() for m in BREAK_BEFORE.finditer(window) if m.start() >= limit * 0.5]
    if breaks:
        return window[: breaks[-1]]
    pos = window.rfind(" ")
    cut = window[:pos] if pos > 0 else window[:limit]
    # cut inside a noun phrase: drop adjectives left without their noun ("an inductive [bias]")
    while True:
        shorter = DANGLING_ADJECTIVE.sub("", cut)
        if shorter == cut or len(shorter) < limit * 0.4:
            return cut
        cut = shorter
