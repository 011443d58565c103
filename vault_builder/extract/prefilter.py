"""Regular expressions that skip the texts they cannot match, found by a cheap test on words.

The rules run some eighty searches on every sentence, and most find nothing.  `rx(pattern)`
compiles a pattern and reads off its syntax tree a set of keys one of which every match must
bring into the text: a whole word (`\\b(i|we) (argue|claim) that\\b` needs "argue" or "claim" or
"that"...), or the first or last four letters of a word ("domi<" for `dominat\\w+`).  A search on a
text that has none of the keys returns no match without running the regex; otherwise the regex
decides, so every result is exactly the regex's.  A pattern with no such keys is never skipped.

Words are the maximal runs of a-z in the lower-cased text.  A text with a non-ASCII cased letter
is never skipped: a case-insensitive regex may match such a letter to an ASCII one (the Kelvin
sign to 'k'), which lower-casing the text does not reproduce.
"""
from __future__ import annotations

import re
from operator import itemgetter
from re import _constants as K  # the parser's opcodes
from re import _parser

_WORDS = re.compile(r"[a-z]+")
_DIGIT = re.compile(r"\d")
_CUT = "\x00"
"""In the strings derived from a pattern: a word boundary (\\b, ^, $) or a character that is not a-z."""
_KEY_CHARS = frozenset(':;=()[]{}<>"“”*_$^%#@&|~+?—–0')
"""... "0" stands for any digit (what `\\d` matches)."""
"""Punctuation that can be a key (a text has it or not), as rarer than most words."""
_SHORT = 40
"""Texts shorter than this that are not already known are searched directly: the regex costs less than
working out their keys."""
_MAX = 64
"""Most strings a part of a pattern may stand for before only a requirement is kept."""
_BOUNDARY_AT = {K.AT_BOUNDARY, K.AT_BEGINNING, K.AT_BEGINNING_STRING, K.AT_END, K.AT_END_STRING}
_NON_LETTER_CATEGORIES = {K.CATEGORY_SPACE, K.CATEGORY_DIGIT, K.CATEGORY_NOT_WORD}


class Rx:
    """A compiled pattern whose search/match/findall/finditer/sub first test the text's keys."""

    __slots__ = ("regex", "keys", "pattern", "flags")

    def __init__(self, regex: re.Pattern, keys: frozenset):
        self.regex, self.pattern, self.flags, self.keys = regex, regex.pattern, regex.flags, keys
        _KEYS.use(keys)

    def _skip(self, text: str) -> bool:
        have = _seen.get(text, _seen)
        if have is _seen:
            if len(text) < _SHORT:
                return False
            have = keys_of(text)
        return have is not None and have.isdisjoint(self.keys)

    def search(self, text: str):
        have = _seen.get(text, _seen)  # _skip, inlined: searches are the hot path
        if have is _seen:
            if len(text) < _SHORT:
                return self.regex.search(text)
            have = keys_of(text)
        if have is not None and have.isdisjoint(self.keys):
            return None
        return self.regex.search(text)

    def match(self, text: str):
        return None if self._skip(text) else self.regex.match(text)

    def findall(self, text: str) -> list:
        return [] if self._skip(text) else self.regex.findall(text)

    def finditer(self, text: str):
        return iter(()) if self._skip(text) else self.regex.finditer(text)

    def sub(self, repl, text: str, count: int = 0) -> str:
        return text if self._skip(text) else self.regex.sub(repl, text, count)

    def __repr__(self) -> str:
        return f"Rx({self.pattern!r}, keys={sorted(self.keys) if self.keys else None})"


def needs(*patterns, chars: str = ""):
    """Decorator for a rule that fires only if one of `patterns` matches the sentence's text or plain
    text (or a form of them with the same words, such as `s.low` or `s.stripped`), or the text has one
    of `chars` (punctuation keys): the rule lists skip it for a sentence that has none of these keys
    (sentence_keys), without calling it."""
    assert set(chars) <= _KEY_CHARS
    keys = None
    if all(isinstance(p, Rx) for p in patterns):
        keys = frozenset(chars).union(*(p.keys for p in patterns))
        _KEYS.use(keys)

    def mark(fn):
        fn.gate = keys
        return fn
    return mark


def sentence_keys(s) -> frozenset | None:
    """The keys of a sentence's text and plain text together (None: skip no rule)."""
    plain = s.plain
    if plain not in _seen:
        share_keys(s.text, plain)
    a, b = keys_of(plain), keys_of(s.text)
    return None if a is None or b is None else a if a is b else a | b


def rx(pattern: str, flags: int = re.I) -> Rx | re.Pattern:
    """The compiled pattern, as an Rx when it has keys (case-insensitive unless flags say otherwise)."""
    regex = re.compile(pattern, flags)
    keys = required_keys(regex)
    return Rx(regex, keys) if keys is not None else regex


class _Keys:
    """The keys some pattern requires (a text's other words do not matter), and how to find them."""

    def __init__(self):
        self.words: set[str] = set()
        self.prefixes: set[str] = set()
        self.suffixes: set[str] = set()
        self.chars: set[str] = set()
        self.chars_rx: re.Pattern | None = None

    def use(self, keys: frozenset) -> None:
        chars = {k for k in keys if k in _KEY_CHARS}
        prefixes = {k[:-1] for k in keys if len(k) == 5 and k[-1] == "<"}
        suffixes = {k[1:] for k in keys if len(k) == 5 and k[0] == ">"}
        words = set(keys) - chars - {p + "<" for p in prefixes} - {">" + t for t in suffixes}
        if words <= self.words and prefixes <= self.prefixes and suffixes <= self.suffixes and chars <= self.chars:
            return
        self.words |= words
        self.prefixes |= prefixes
        self.suffixes |= suffixes
        self.chars |= chars
        marks = "".join(sorted(self.chars - {"0"}))
        self.chars_rx = re.compile("[" + re.escape(marks) + "]") if marks else None
        _seen.clear()  # texts' keys were worked out without the new ones

    def of(self, low: str) -> frozenset:
        """The keys of a lower-case text: its words that some pattern requires, its words' first and
        last four letters where a pattern requires those ("domi<", ">ated"), its punctuation keys."""
        words = _WORDS.findall(low)
        have = self.words.intersection(words)
        heads = self.prefixes.intersection(map(_HEAD, words))  # a shorter word's "head" is shorter: no key
        if heads:
            have.update([h + "<" for h in heads])
        tails = self.suffixes.intersection(map(_TAIL, words))
        if tails:
            have.update([">" + t for t in tails])
        if self.chars_rx is not None:
            have.update(self.chars_rx.findall(low))
        if "0" in self.chars and _DIGIT.search(low):
            have.add("0")
        return frozenset(have)


_HEAD, _TAIL = itemgetter(slice(None, 4)), itemgetter(slice(-4, None))
_KEYS = _Keys()
_seen: dict[str, frozenset | None] = {}


def keys_of(text: str) -> frozenset | None:
    """The keys `text` has; None when it has a non-ASCII cased letter.  Remembered for the last
    two thousand texts (the rules search the same sentence many times)."""
    got = _seen.get(text, _seen)
    if got is _seen:
        if len(_seen) > 2048:
            _seen.clear()
        got = _seen[text] = _KEYS.of(text.lower()) if caseless(text) else None
    return got


def caseless(text: str) -> bool:
    """True when lower-casing `text` is as good as matching it case-insensitively: it has no non-ASCII
    cased letter (a case-insensitive regex may match one to an ASCII letter: the Kelvin sign to 'k')."""
    return text.isascii() or all(c.lower() == c == c.upper() for c in set(text) if not c.isascii())


def share_keys(text: str, plain: str) -> None:
    """Lets a sentence's text and its plain text (context.Sent.plain) share one set of keys, worked out
    once: those of the text plus "math".  Plain text is the text with math replaced by MATH, link
    targets dropped and `*_\\`` removed; the removal may join two words, so texts with those keep
    their own keys.  A text with more keys than its own only makes fewer searches skipped."""
    if "*" in text or "_" in text or "`" in text or (text in _seen and plain in _seen):
        return
    if len(_seen) > 2048:
        _seen.clear()
    _seen[text] = _seen[plain] = _KEYS.of(text.lower() + " math") if caseless(text) else None


def same_words(text: str, variant: str) -> str:
    """Returns `variant`, a form of `text` with the same words (other case, other non-letters), after
    letting it share text's keys (working them out is the prefilter's main cost)."""
    if variant not in _seen:
        _seen[variant] = keys_of(text)
    return variant


# ------------------------------------------------------------------ the keys a pattern requires
# Each node of the syntax tree gives (exact, required): `exact` is the set of all strings it can
# match (lower case, _CUT for boundaries) when small and known, else None; `required` is a set of
# strings one of which every match contains, or None.


def required_keys(regex: re.Pattern) -> frozenset | None:
    """Keys one of which a text must have for `regex` to match in it; None if there are none."""
    try:
        exact, req = _seq(_parser.parse(regex.pattern, regex.flags))
    finally:
        _branches.clear()
    keys = _keys_needed(exact if exact is not None else req)
    return frozenset(keys) if keys else None


_branches: dict[int, tuple] = {}
"""_branch results by the id of the alternatives' list, while one pattern is read (distributing a
group over its neighbours reads the same groups again and again)."""


_COMMON = frozenset("a an and are as at be but by can do for from has have i if in is it its no not of on or so "
                    "that the their then there these they this to was we what when which will with would you".split())
"""Words so frequent that a punctuation mark or a rarer word makes the better key."""


def _key(s: str) -> tuple[str, float] | None:
    """The most telling key a text must have for `s` to occur in it, and how telling it is: a whole word
    of s (the longest; frequent words count little), a punctuation mark of _KEY_CHARS, or the first or
    last four letters of a word that s bounds on one side only; None if there is none."""
    best: tuple[str, float] | None = None
    for m in _WORDS.finditer(s):
        word, left, right = m.group(), m.start() > 0, m.end() < len(s)
        if left and right:
            cand = (word, 0.5 if word in _COMMON else len(word))
        elif (left or right) and len(word) >= 4:
            cand = (word[:4] + "<", 4) if left else (">" + word[-4:], 4)
        else:
            continue
        if best is None or cand[1] > best[1]:
            best = cand
    for ch in sorted(_KEY_CHARS.intersection(s)):
        if best is None or 2 > best[1]:
            best = (ch, 2)
    return best


def _keys_needed(strings) -> set[str] | None:
    """One key of each string; None unless every string has one."""
    if not strings:
        return None
    out = set()
    for s in strings:
        key = _key(s)
        if key is None:
            return None
        out.add(key[0])
    return out


def _score(strings) -> float:
    if not strings:
        return 0
    keys = [_key(s) for s in strings]
    return 0 if None in keys else min(k[1] for k in keys)


def _boundary_chars(strings) -> bool:
    """True for a set of single characters that are not letters (a boundary or punctuation)."""
    return bool(strings) and all(len(x) == 1 and not x.isalpha() for x in strings)


def _char(code: int) -> str | None:
    ch = chr(code)
    if ch.isdigit() and ch.isascii():
        return "0"
    if ch in _KEY_CHARS:
        return ch
    if ch.isascii():
        return _CUT if not ch.isalpha() else ch.lower()
    return _CUT if ch.lower() == ch == ch.upper() else None


def _node(op, av) -> tuple[set | None, set | None]:
    if op is K.LITERAL:
        ch = _char(av)
        return ({ch} if ch is not None else None), None
    if op is K.AT:
        return ({_CUT} if av in _BOUNDARY_AT else {""}), None
    if op in (K.ASSERT, K.ASSERT_NOT):
        return {""}, None
    if op is K.IN:
        chars = set()
        for o, a in av:
            if o is K.LITERAL:
                ch = _char(a)
            elif o is K.CATEGORY and a in _NON_LETTER_CATEGORIES:
                ch = "0" if a is K.CATEGORY_DIGIT else _CUT
            else:
                return None, None
            if ch is None:
                return None, None
            chars.add(ch)
        return (chars if len(chars) <= 8 else None), None
    if op is K.CATEGORY:
        return ({"0"} if av is K.CATEGORY_DIGIT else {_CUT} if av in _NON_LETTER_CATEGORIES else None), None
    if op is K.SUBPATTERN:
        _, add, remove, sub = av
        return (None, None) if add or remove else _seq(sub)
    if op is K.BRANCH:
        return _branch(av[1])
    if op in (K.MAX_REPEAT, K.MIN_REPEAT, K.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        exact, req = _seq(sub)
        if _boundary_chars(exact):  # a run of non-letters: its first one stands for it
            return (exact if lo >= 1 else exact | {""}), None
        if lo == 0:
            return ((exact | {""}) if hi == 1 and exact is not None else None), None
        if lo == hi == 1:
            return exact, req
        return None, (exact if exact is not None else req)
    return None, None


def _branch(branches) -> tuple[set | None, set | None]:
    got = _branches.get(id(branches))
    if got is None:
        got = _branches[id(branches)] = (branches, _branch_of(branches))  # keeps the list alive: its id stays its own
    return got[1]


def _branch_of(branches) -> tuple[set | None, set | None]:
    exact: set | None = set()
    req: set | None = set()
    for b in branches:
        e, r = _seq(b)
        exact = exact | e if exact is not None and e is not None else None
        got = e if e is not None else r
        req = req | got if req is not None and got and "" not in got else None
    if exact is not None and len(exact) > _MAX:
        exact = None
    return exact, req


def _inline(items) -> list:
    """The items with plain groups replaced by their contents (a group matches what its contents match)."""
    out = []
    for op, av in items:
        if op is K.SUBPATTERN and not av[1] and not av[2]:
            out += _inline(av[3])
        else:
            out.append((op, av))
    return out


def _seq(items) -> tuple[set | None, set | None]:
    """A concatenation: runs of exactly known items are joined (cross product) into candidate sets;
    the candidate with the longest words is the requirement."""
    items = _inline(items)
    for i, (op, av) in enumerate(items):
        if op is K.BRANCH and len(av[1]) <= 100 and _branch(av[1])[0] is None:
            # Too many strings to join: each alternative with the items around it, so that the words
            # at its edges keep the boundaries (\b, spaces) next to the group.
            return _branch([items[:i] + list(alt) + items[i + 1:] for alt in av[1]])
    cands, cur = [], {""}
    for op, av in items:
        e, r = _node(op, av)
        if e is not None:
            joined = {a + b for a in cur for b in e}
            if len(joined) > _MAX:  # keep cur as a candidate, go on from its last characters
                cands.append(cur)
                tails = {a[-1:] for a in cur}
                joined = set(e) if "" in tails else {a + b for a in tails for b in e}
                joined = joined if len(joined) <= _MAX else set(e)
            cur = joined
            continue
        cands.append(cur)
        if r is not None:
            cands.append(r)
        cur = _after_unknown(op, av, cur)
    if not cands:
        return cur, None
    cands.append(cur)
    cands = [c for c in cands if c and "" not in c]
    return None, (max(cands, key=_score) if cands else None)


def _after_unknown(op, av, cur: set) -> set:
    """What is known of the character before the next item, after one whose strings are unknown: a
    repeat of something that ends in a boundary character (`(\\w+\\s){0,5}`) ends in a boundary,
    or matches nothing (then cur's last characters come before the next item)."""
    if op not in (K.MAX_REPEAT, K.MIN_REPEAT, K.POSSESSIVE_REPEAT):
        return {""}
    lo, _, body = av
    body = _inline(body)
    if not body or not _boundary_chars(_node(*body[-1])[0]) or body[-1][0] is K.AT:
        return {""}
    tails = {_CUT} | ({a[-1:] for a in cur} if lo == 0 else set())
    return {""} if "" in tails else tails
