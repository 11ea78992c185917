"""Vietnamese text as search sees it, the same for every engine.

`normalize` gives the canonical spelling (NFC, case-folded, one tone placement, spaces
collapsed); `fold` strips every diacritic as well, đ included, so that "che tan cuong",
"CHÈ TÂN CƯƠNG", "Chè Tân Cương" typed in decomposed Unicode and "che tân cuơng" all meet.
"""

from __future__ import annotations

import re
import unicodedata

# The five tone marks, as combining characters (grave, acute, tilde, hook above, dot below).
# Circumflex, breve and horn are part of the vowel, not the tone, and are not moved.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Syllables ending in these vowel pairs carry the tone on either vowel depending on the
# writer ("hoá"/"hóa", "thuý"/"thúy"); the canonical form puts it on the first one.
MOVABLE_PAIRS = frozenset({("o", "a"), ("o", "e"), ("u", "y")})

_WORD = re.compile(r"[\w\u0300-\u036f]+")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _canonical_tone(word: str) -> str:
    """Move the tone of a final oa/oe/uy from the second vowel to the first (NFD input)."""
    letters: list[list[str]] = []  # base letter followed by its combining marks
    for char in word:
        if unicodedata.combining(char) and letters:
            letters[-1].append(char)
        else:
            letters.append([char])
    if len(letters) < 2:
        return word
    first, second = letters[-2], letters[-1]
    if (first[0], second[0]) not in MOVABLE_PAIRS:
        return word
    if first[0] == "u" and len(letters) > 2 and letters[-3][0] == "q":
        return word  # in "quý" the u belongs to the consonant qu: the tone stays on y
    tones = [mark for mark in second[1:] if mark in TONE_MARKS]
    if not tones or any(mark in TONE_MARKS for mark in first[1:]):
        return word
    second[1:] = [mark for mark in second[1:] if mark not in TONE_MARKS]
    first.extend(tones)
    return "".join("".join(letter) for letter in letters)


def normalize(text: str) -> str:
    """Canonical spelling: NFC, lower case, one tone placement, no control characters, single
    spaces. Keeps diacritics."""
    text = _CONTROL.sub(" ", text or "")
    decomposed = unicodedata.normalize("NFD", text.casefold())
    decomposed = _WORD.sub(lambda match: _canonical_tone(match.group()), decomposed)
    return _SPACE.sub(" ", unicodedata.normalize("NFC", decomposed)).strip()


def fold(text: str) -> str:
    """The spelling without any diacritic: "Chè Đinh Thái Nguyên" → "che dinh thai nguyen"."""
    decomposed = unicodedata.normalize("NFD", normalize(text).replace("đ", "d"))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped)


def both_spellings(text: str) -> str:
    """The canonical and the folded spelling together, for fields indexed once."""
    canonical = normalize(text)
    folded = fold(canonical)
    return canonical if folded == canonical else f"{canonical} {folded}"


def highlight_spans(text: str, query: str) -> list[tuple[str, bool]]:
    """Split `text` into (piece, matched) parts: a word is matched when, folded, it starts with
    a folded word of `query` (so "che" marks "Chè" and "tan cuong" marks "Tân Cương")."""
    terms = [term for term in fold(query).split() if term]
    if not terms:
        return [(text, False)]
    parts: list[tuple[str, bool]] = []
    position = 0
    for match in _WORD.finditer(text):
        word_folded = fold(match.group())
        if any(word_folded.startswith(term) for term in terms):
            if match.start() > position:
                parts.append((text[position : match.start()], False))
            parts.append((match.group(), True))
            position = match.end()
    if position < len(text):
        parts.append((text[position:], False))
    return parts
