"""The GS1 Barcode Syntax Dictionary, loaded from GS1's own file (release 2026-01-27).

Nothing about an Application Identifier is typed by hand here: lengths, character sets, checks
("linters"), the Digital Link flags (`?` = permitted as a data attribute, `dlpkey` = primary key
with its ordered qualifiers) and the `req`/`ex` associations all come from
`gs1-syntax-dictionary.txt` beside this module. The file header explains the syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DICTIONARY_FILE = Path(__file__).with_name("gs1-syntax-dictionary.txt")
FLAG_CHARACTERS = set("*!?\"$%&'()+,-./:;<=>@[\\]^_`{|}~")
COMPONENT = re.compile(r"^(\[)?([NXYZ])(\.\.)?(\d+)(\])?((?:,\w+)*)$")


@dataclass(frozen=True)
class Component:
    """One part of an AI's data field: its character set, length and checks."""

    charset: str  # N, X, Y or Z
    max_length: int
    is_variable: bool  # "N..20": 1 to 20 characters; "N14": exactly 14
    is_optional: bool
    linters: tuple[str, ...]

    @property
    def min_length(self) -> int:
        return 1 if self.is_variable else self.max_length


@dataclass(frozen=True)
class AIRule:
    ai: str
    title: str
    is_predefined_length: bool  # flag "*"
    is_dl_attribute: bool  # flag "?"
    components: tuple[Component, ...]
    # Each `req=` attribute is one requirement: a tuple of alternatives, each alternative a tuple
    # of AI patterns that must all be present ("01+21" → ("01", "21")).
    requires: tuple[tuple[tuple[str, ...], ...], ...]
    excludes: tuple[str, ...]
    # None: not a primary key. Otherwise the alternative qualifier sequences ((),) for a key
    # without qualifiers, (("22", "10", "21"), ("235",)) for GTIN.
    dl_qualifiers: tuple[tuple[str, ...], ...] | None

    @property
    def is_primary_key(self) -> bool:
        return self.dl_qualifiers is not None

    @property
    def max_length(self) -> int:
        return sum(component.max_length for component in self.components)


def _parse_component(token: str) -> Component:
    match = COMPONENT.match(token)
    if match is None:
        raise ValueError(f"Unreadable component in the GS1 syntax dictionary: {token!r}")
    opening, charset, dots, length, _closing, linters = match.groups()
    return Component(
        charset=charset,
        max_length=int(length),
        is_variable=bool(dots),
        is_optional=bool(opening),
        linters=tuple(name for name in linters.split(",") if name),
    )


def _expand(ais: str) -> list[str]:
    if "-" not in ais:
        return [ais]
    first, last = ais.split("-")
    width = len(first)
    return [str(number).zfill(width) for number in range(int(first), int(last) + 1)]


def _parse_line(line: str) -> list[AIRule]:
    body, _hash, title = line.partition("#")
    tokens = body.split()
    ais, rest = tokens[0], tokens[1:]
    flags = ""
    if rest and set(rest[0]) <= FLAG_CHARACTERS:
        flags, rest = rest[0], rest[1:]
    components: list[Component] = []
    requires: list[tuple[tuple[str, ...], ...]] = []
    excludes: list[str] = []
    qualifiers: tuple[tuple[str, ...], ...] | None = None
    for token in rest:
        if token.startswith(("req=", "ex=")) or token.startswith("dlpkey"):
            key, _equals, value = token.partition("=")
            if key == "req":
                requires.append(tuple(tuple(group.split("+")) for group in value.split(",")))
            elif key == "ex":
                excludes.extend(value.split(","))
            else:
                qualifiers = (
                    tuple(tuple(seq.split(",")) for seq in value.split("|")) if value else ((),)
                )
        elif "=" in token or token.isalpha():
            continue  # other attributes do not concern us
        else:
            components.append(_parse_component(token))
    return [
        AIRule(
            ai=ai,
            title=title.strip(),
            is_predefined_length="*" in flags,
            is_dl_attribute="?" in flags,
            components=tuple(components),
            requires=tuple(requires),
            excludes=tuple(excludes),
            dl_qualifiers=qualifiers,
        )
        for ai in _expand(ais)
    ]


@lru_cache(maxsize=1)
def ai_rules() -> dict[str, AIRule]:
    """Every AI of the dictionary, by its number ("01", "3103", …). Read once per process."""
    rules: dict[str, AIRule] = {}
    for raw in DICTIONARY_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        for rule in _parse_line(line):
            rules[rule.ai] = rule
    return rules


def matches(pattern: str, ai: str) -> bool:
    """Whether `ai` matches a dictionary pattern such as "35nn" or "310n"."""
    return len(pattern) == len(ai) and all(
        p == a or (p == "n" and a in "0123456789") for p, a in zip(pattern, ai, strict=True)
    )
