"""GS1 Digital Link URIs: parse (strictly), canonicalise and generate, uncompressed only.

The rules follow GS1's Barcode Syntax Engine (see shared/specs/traceability.md §1) and take
every AI property from the syntax dictionary (`traceability.gs1.dictionary`). An invalid URI
raises `InvalidDigitalLink` with a reason a person can act on.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from django.utils.translation import gettext as _

from traceability.exceptions import InvalidDigitalLink
from traceability.gs1.dictionary import AIRule, ai_rules, matches
from traceability.gs1.linters import charset_error, run_linter

CANONICAL_STEM = "https://id.gs1.org"
SCHEME = re.compile(r"^(http|https|HTTP|HTTPS)://", re.ASCII)
DOMAIN_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$", re.ASCII)
HEX = frozenset("0123456789abcdefABCDEF")
NUMERIC_KEY = re.compile(r"^\d+$", re.ASCII)
BROKEN_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class DigitalLink:
    """A parsed Digital Link: the primary key, its qualifiers in path order, the data
    attributes in query order, and the other query parameters (not AIs, kept aside)."""

    key: tuple[str, str]
    qualifiers: tuple[tuple[str, str], ...] = ()
    attributes: tuple[tuple[str, str], ...] = ()
    other_parameters: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    stem: str = field(default="", compare=False)

    @property
    def elements(self) -> dict[str, str]:
        return dict((self.key, *self.qualifiers, *self.attributes))

    def get(self, ai: str) -> str | None:
        return self.elements.get(ai)

    def parameter(self, name: str) -> str | None:
        for key, value in self.other_parameters:
            if key.lower() == name.lower():
                return value
        return None

    def canonical(self, stem: str = CANONICAL_STEM) -> str:
        return build_uri(self.key, self.qualifiers, self.attributes, stem=stem)


def encode(value: str) -> str:
    """Percent-encode everything but A–Z a–z 0–9 - . _ ~, with upper-case hex."""
    return quote(value, safe="-._~")


def build_uri(
    key: tuple[str, str],
    qualifiers: tuple[tuple[str, str], ...] = (),
    attributes: tuple[tuple[str, str], ...] = (),
    *,
    stem: str = CANONICAL_STEM,
) -> str:
    """The URI of already-valid elements: qualifiers in the key's order, predefined-length
    attributes first in the query, then the rest as given."""
    rules = ai_rules()
    rule = rules[key[0]]
    order = next(
        (seq for seq in rule.dl_qualifiers or ((),) if {ai for ai, _v in qualifiers} <= set(seq)),
        (),
    )
    ordered = sorted(qualifiers, key=lambda pair: order.index(pair[0]))
    path = "".join(f"/{ai}/{encode(value)}" for ai, value in (key, *ordered))
    fixed = [pair for pair in attributes if rules[pair[0]].is_predefined_length]
    variable = [pair for pair in attributes if not rules[pair[0]].is_predefined_length]
    query = "&".join(f"{ai}={encode(value)}" for ai, value in (*fixed, *variable))
    return stem.rstrip("/") + path + (f"?{query}" if query else "")


def build_digital_link(
    *, gtin: str, lot: str = "", serial: str = "", stem: str = CANONICAL_STEM
) -> str:
    """The label URI for a GTIN-14 with an optional lot and serial; values are validated."""
    elements = [("01", gtin)]
    if lot:
        elements.append(("10", lot))
    if serial:
        elements.append(("21", serial))
    for ai, value in elements:
        check_value(ai_rules()[ai], value)
    return build_uri(elements[0], tuple(elements[1:]), stem=stem)


# --- Parsing -----------------------------------------------------------------------------------


def _decode(value: str, *, plus_is_space: bool) -> str:
    """Strict percent-decoding: an incomplete escape is malformed, %00 is refused."""
    if plus_is_space:
        value = value.replace("+", " ")
    out = bytearray()
    index = 0
    while index < len(value):
        char = value[index]
        if char == "%":
            pair = value[index + 1 : index + 3]
            if len(pair) < 2 or not set(pair) <= HEX:
                raise InvalidDigitalLink(
                    _("“%(value)s” has an incomplete %%-escape.") % {"value": value}
                )
            out.append(int(pair, 16))
            index += 3
        else:
            out.extend(char.encode("utf-8"))
            index += 1
    return out.decode("latin-1")


def _already_decoded(value: str) -> str:
    """A value the server has already percent-decoded. A "%" not followed by two hex digits
    most likely comes from a broken escape in the printed URI, so it is refused like one."""
    if BROKEN_ESCAPE.search(value):
        raise InvalidDigitalLink(_("“%(value)s” has an incomplete %%-escape.") % {"value": value})
    return value


def check_value(rule: AIRule, value: str) -> None:
    """The dictionary's rules for one AI's value: components, lengths, sets, linters."""
    if value == "":
        raise InvalidDigitalLink(_("AI (%(ai)s) has an empty value.") % {"ai": rule.ai})
    if "\x00" in value:
        raise InvalidDigitalLink(_("AI (%(ai)s) contains a NUL character.") % {"ai": rule.ai})
    rest = value
    for component in rule.components:
        if not rest:
            if component.is_optional:
                break
            raise InvalidDigitalLink(
                _("AI (%(ai)s) is too short: “%(value)s”.") % {"ai": rule.ai, "value": value}
            )
        if component.is_variable:
            part, rest = rest[: component.max_length], rest[component.max_length :]
        else:
            if len(rest) < component.max_length:
                raise InvalidDigitalLink(
                    _("AI (%(ai)s) must have %(length)s characters here: “%(value)s”.")
                    % {"ai": rule.ai, "length": component.max_length, "value": value}
                )
            part, rest = rest[: component.max_length], rest[component.max_length :]
        problem = charset_error(component.charset, part)
        for linter in component.linters:
            if problem:
                break
            problem = run_linter(linter, part)
        if problem:
            raise InvalidDigitalLink(
                _("AI (%(ai)s) “%(value)s” is not valid: %(problem)s.")
                % {"ai": rule.ai, "value": value, "problem": problem}
            )
    if rest:
        raise InvalidDigitalLink(
            _("AI (%(ai)s) is too long: at most %(length)s characters.")
            % {"ai": rule.ai, "length": rule.max_length}
        )


def _split_authority(uri: str) -> tuple[str, str]:
    """(stem prefix "scheme://host", path-and-query) of an absolute URI, host checked."""
    match = SCHEME.match(uri)
    if match is None:
        raise InvalidDigitalLink(_("A Digital Link starts with http:// or https://."))
    rest = uri[match.end() :]
    cut = min((rest.find(c) for c in "/?#" if c in rest), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    host = authority
    if host.startswith("["):
        end = host.find("]")
        try:
            ipaddress.IPv6Address(host[1:end])
        except ValueError as error:
            raise InvalidDigitalLink(_("The host name is not valid.")) from error
        port = host[end + 1 :]
    else:
        host, _colon, port = host.partition(":")
        port = f":{port}" if _colon else ""
        labels = host.rstrip(".").split(".")
        if not host or not all(DOMAIN_LABEL.match(label) for label in labels):
            raise InvalidDigitalLink(_("The host name is not valid."))
    if port and not re.fullmatch(r":\d{1,5}", port):
        raise InvalidDigitalLink(_("The port is not valid."))
    return uri[: match.end()] + authority, tail


def parse_digital_link(uri: str) -> DigitalLink:
    """Parse an absolute Digital Link URI. Raises InvalidDigitalLink with the reason."""
    if not uri.isascii() or any(ord(c) < 33 for c in uri):
        raise InvalidDigitalLink(_("A Digital Link contains only printable ASCII characters."))
    prefix, tail = _split_authority(uri)
    tail = tail.partition("#")[0]
    path, _q, query = tail.partition("?")
    return parse_path_and_query(path, query, stem_prefix=prefix)


def parse_path_and_query(
    path: str, query: str, *, path_is_decoded: bool = False, stem_prefix: str = ""
) -> DigitalLink:
    """Parse the path and query of a Digital Link. With `path_is_decoded` (what a WSGI server
    gives Django), path values are taken as they are: a lot containing "/" cannot be told
    from two segments then, and is refused as such."""
    if not path.startswith("/"):
        raise InvalidDigitalLink(_("This address has no GS1 primary key."))
    segments = path[1:].split("/")
    if segments[-1] == "":
        raise InvalidDigitalLink(_("A Digital Link must not end with “/”."))
    if "" in segments:
        raise InvalidDigitalLink(_("A Digital Link has no empty path elements (“//”)."))
    rules = ai_rules()
    reason = _("This address has no GS1 primary key.")
    for start in range(len(segments) - 2, -1, -2):
        ai = segments[start]
        rule = rules.get(ai)
        if rule is None or not rule.is_primary_key:
            continue
        pairs = [(segments[i], segments[i + 1]) for i in range(start, len(segments), 2)]
        problem = _qualifier_problem(rule, [ai for ai, _v in pairs[1:]])
        if problem:
            reason = problem
            continue
        decoded = [
            (
                ai,
                _already_decoded(value) if path_is_decoded else _decode(value, plus_is_space=False),
            )
            for ai, value in pairs
        ]
        link = DigitalLink(
            key=decoded[0],
            qualifiers=tuple(decoded[1:]),
            stem=stem_prefix + "/".join(["", *segments[:start]]),
        )
        return _with_query(link, rule, query)
    raise InvalidDigitalLink(reason)


def _qualifier_problem(rule: AIRule, qualifiers: list[str]) -> str | None:
    for sequence in rule.dl_qualifiers or ((),):
        positions = [sequence.index(ai) if ai in sequence else -1 for ai in qualifiers]
        if -1 not in positions and positions == sorted(set(positions)):
            return None
    allowed = " | ".join("/".join(seq) or "—" for seq in rule.dl_qualifiers or ((),))
    return _(
        "The path after (%(key)s) is not a valid qualifier sequence; allowed, in this order: "
        "%(allowed)s."
    ) % {"key": rule.ai, "allowed": allowed}


def _used_sequence(rule: AIRule, qualifiers: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    present = {ai for ai, _v in qualifiers}
    for sequence in rule.dl_qualifiers or ((),):
        if present <= set(sequence):
            return sequence
    return ()


def _with_query(link: DigitalLink, rule: AIRule, query: str) -> DigitalLink:
    rules = ai_rules()
    used = _used_sequence(rule, link.qualifiers)
    qualifier_ais = {ai for seq in rule.dl_qualifiers or () for ai in seq}
    attributes: list[tuple[str, str]] = []
    others: list[tuple[str, str]] = []
    for part in query.split("&"):
        if not part or "=" not in part:
            continue  # extra "&" and valueless parameters are ignored
        name, _eq, raw = part.partition("=")
        if not NUMERIC_KEY.match(name):
            others.append((name, raw))
            continue
        attribute = rules.get(name)
        if attribute is None:
            raise InvalidDigitalLink(
                _("(%(ai)s) is not a GS1 Application Identifier.") % {"ai": name}
            )
        # A qualifier of this key goes in the path, unless the path took another alternative
        # (`/01/{gtin}/235/{tpx}?10={lot}` is valid; `/01/{gtin}?10={lot}` is not).
        if name in used or (name in qualifier_ais and not (link.qualifiers and used)):
            raise InvalidDigitalLink(
                _("AI (%(ai)s) belongs in the path of this Digital Link, not in the query.")
                % {"ai": name}
            )
        if not attribute.is_dl_attribute:
            raise InvalidDigitalLink(
                _("AI (%(ai)s) is not allowed as a Digital Link data attribute.") % {"ai": name}
            )
        if raw == "":
            raise InvalidDigitalLink(_("AI (%(ai)s) has an empty value.") % {"ai": name})
        attributes.append((name, _decode(raw, plus_is_space=True)))
    link = DigitalLink(
        key=link.key,
        qualifiers=link.qualifiers,
        attributes=tuple(attributes),
        other_parameters=tuple(others),
        stem=link.stem,
    )
    _check_elements(link)
    return link


def _check_elements(link: DigitalLink) -> None:
    """Each value against its AI rule; no AI twice; the req/ex associations."""
    rules = ai_rules()
    pairs = [link.key, *link.qualifiers, *link.attributes]
    seen: set[str] = set()
    for ai, value in pairs:
        if ai in seen:
            raise InvalidDigitalLink(_("AI (%(ai)s) appears more than once.") % {"ai": ai})
        seen.add(ai)
        check_value(rules[ai], value)
    for ai in seen:
        rule = rules[ai]
        for requirement in rule.requires:
            if not any(
                all(any(matches(p, other) for other in seen) for p in group)
                for group in requirement
            ):
                needed = " " + _("or") + " "
                raise InvalidDigitalLink(
                    _("AI (%(ai)s) needs %(needed)s in the same Digital Link.")
                    % {
                        "ai": ai,
                        "needed": needed.join("+".join(f"({p})" for p in g) for g in requirement),
                    }
                )
        for pattern in rule.excludes:
            clash = next((other for other in seen if other != ai and matches(pattern, other)), None)
            if clash:
                raise InvalidDigitalLink(
                    _("AI (%(ai)s) cannot be used together with (%(other)s).")
                    % {"ai": ai, "other": clash}
                )
