"""Keep locale_admin/, the Vietnamese catalogue of the Wagtail admin, in step with Wagtail.

Wagtail's own Vietnamese catalogues hold a few hundred of its ~1,700 strings, so the admin
would show mostly English. locale_admin/vi/LC_MESSAGES/django.po and djangojs.po translate every
msgid of the Wagtail catalogues listed in CATALOGUES (LOCALE_PATHS wins over app catalogues, and
the admin's JavaScript catalogue reads LOCALE_PATHS too). makemessages does not write here: it
only extracts our own code into locale/, the first of LOCALE_PATHS.

    python scripts/admin_catalogue.py            # list Wagtail msgids without a translation
    python scripts/admin_catalogue.py --update   # add them (empty) to the .po, drop stale ones
    python scripts/admin_catalogue.py --compile  # write locale_admin's .mo files

After upgrading Wagtail: run --update, translate the empty entries (keep every placeholder and
tag; Vietnamese has one plural form, msgstr[0]), then --compile, and
`python scripts/check_translations.py` must pass.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import polib
import wagtail

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "locale_admin" / "vi" / "LC_MESSAGES"
WAGTAIL = Path(wagtail.__file__).resolve().parent
# The Wagtail apps the project installs; "" is wagtail core.
CATALOGUES = (
    "",
    "admin",
    "images",
    "documents",
    "snippets",
    "users",
    "contrib/settings",
    "search",
    "sites",
    "contrib/redirects",
)
DOMAINS = ("django", "djangojs")

Key = tuple[str, str]  # (msgctxt, msgid)


@dataclass
class Source:
    msgid: str
    msgctxt: str | None
    msgid_plural: str
    comment: str
    flags: list[str]
    apps: list[str] = field(default_factory=list)


def wagtail_msgids(domain: str) -> dict[Key, Source]:
    """Every msgid of the installed Wagtail's English catalogues, in Wagtail's order."""
    result: dict[Key, Source] = {}
    for app in CATALOGUES:
        path = WAGTAIL / app / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgid:
                continue
            key = (entry.msgctxt or "", entry.msgid)
            source = result.setdefault(
                key,
                Source(entry.msgid, entry.msgctxt, entry.msgid_plural, entry.comment, entry.flags),
            )
            source.msgid_plural = source.msgid_plural or entry.msgid_plural
            source.apps.append("/".join(filter(None, ("wagtail", app))))
    return result


def new_catalogue() -> polib.POFile:
    po = polib.POFile(wrapwidth=100)
    po.header = (
        "Vietnamese translations of the Wagtail admin, supplementing Wagtail's own\n"
        "catalogues. Maintained with scripts/admin_catalogue.py, not makemessages."
    )
    po.metadata = {
        "Project-Id-Version": "Wagtail admin (supplementary catalogue, Sàn OCOP Thái Nguyên)",
        "Report-Msgid-Bugs-To": "",
        "Language": "vi",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    return po


def load(domain: str) -> polib.POFile:
    path = TARGET / f"{domain}.po"
    return polib.pofile(str(path), wrapwidth=100) if path.exists() else new_catalogue()


def key_of(entry: polib.POEntry) -> Key:
    return (entry.msgctxt or "", entry.msgid)


def report(domain: str) -> tuple[list[Source], list[polib.POEntry]]:
    """(Wagtail msgids not translated here, entries here that Wagtail no longer has)."""
    sources = wagtail_msgids(domain)
    po = load(domain)
    translated = {key_of(e) for e in po.translated_entries()}
    missing = [source for key, source in sources.items() if key not in translated]
    stale = [e for e in po if not e.obsolete and key_of(e) not in sources]
    return missing, stale


def update(domain: str) -> tuple[int, int]:
    """Add Wagtail's new msgids (untranslated) and drop those Wagtail no longer has."""
    sources = wagtail_msgids(domain)
    po = load(domain)
    present = {key_of(e) for e in po}
    stale = [e for e in po if key_of(e) not in sources]
    for entry in stale:
        po.remove(entry)
    added = 0
    for key, source in sources.items():
        if key in present:
            continue
        entry = polib.POEntry(
            msgid=source.msgid,
            msgctxt=source.msgctxt,
            comment=source.comment,
            flags=[flag for flag in source.flags if flag != "fuzzy"],
            occurrences=[(app, "") for app in source.apps],
        )
        if source.msgid_plural:
            entry.msgid_plural = source.msgid_plural
            entry.msgstr_plural = {0: ""}
        po.append(entry)
        added += 1
    TARGET.mkdir(parents=True, exist_ok=True)
    po.save(str(TARGET / f"{domain}.po"))
    return added, len(stale)


def main(argv: list[str]) -> int:
    if "--compile" in argv:
        for po_path in sorted(TARGET.parent.parent.glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            print(f"compiled {mo_path.relative_to(ROOT)}")
        return 0
    if "--update" in argv:
        for domain in DOMAINS:
            added, dropped = update(domain)
            print(f"{domain}.po: {added} msgids to translate added, {dropped} stale removed")
        return 0
    total = 0
    for domain in DOMAINS:
        missing, stale = report(domain)
        for source in missing:
            context = f" [{source.msgctxt}]" if source.msgctxt else ""
            print(f"{domain}: untranslated{context}: {source.msgid!r} ({', '.join(source.apps)})")
        for entry in stale:
            print(f"{domain}: no longer in Wagtail: {entry.msgid!r}")
        total += len(missing)
    print(f"Wagtail {wagtail.__version__}: {total} msgids without a Vietnamese translation")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
