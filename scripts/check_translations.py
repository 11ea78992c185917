"""Check (or, with --compile, write) the compiled translation catalogues.

A fresh clone runs without gettext, so the .mo files are committed. This check fails when a
.mo does not hold exactly what its .po says, when a Vietnamese string is untranslated or fuzzy
(Vietnamese is the default language: an untranslated string would show in English), or when a
translation does not keep its msgid's placeholders (`%(name)s`, `%s`, `{name}`: a missing or
misspelt one raises at runtime). Two folders are checked: locale/ (the project's own catalogue,
written by makemessages) and locale_admin/ (Wagtail's admin in Vietnamese, kept by
scripts/admin_catalogue.py), where the HTML tags of Wagtail's strings must be kept as well.

    python scripts/check_translations.py            # check, exit 1 on any problem
    python scripts/check_translations.py --compile  # write every .mo from its .po
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_DIRS = ("locale", "locale_admin")
COMPLETE_LANGUAGES = {"vi"}
# Wagtail's markup carries classes and data attributes its CSS and JavaScript rely on.
KEEP_MARKUP_DIRS = {"locale_admin"}

PLACEHOLDER = re.compile(
    r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[sdifrxXeEgGcou%]"  # printf: %(name)s, %d, %%
    r"|\{[A-Za-z0-9_.\[\]]*(?:![rsa])?(?::[^{}]*)?\}"  # str.format: {name}, {0}, {}
)
MARKUP = re.compile(r"<[^<>]+>")

# With one plural form, msgstr[0] serves every count, so it must hold the placeholders of the
# plural msgid. Exception: Wagtail's pages/confirm_delete.html puts {{ descendant_count }} in the
# English plural of a sentence it shows only when the page has no descendants.
SINGULAR_PLACEHOLDERS = {
    "Deleting this page will also delete %(translation_count)s translation of this page.",
}


def tokens(text: str, markup: bool) -> Counter[str]:
    found = Counter(PLACEHOLDER.findall(text))
    if markup:
        found.update(MARKUP.findall(text))
    return found


def placeholder_problems(entry: polib.POEntry, markup: bool = False) -> list[str]:
    """What a translation lost or added compared with its msgid (empty strings are skipped)."""
    if entry.msgid_plural:
        reference = entry.msgid if entry.msgid in SINGULAR_PLACEHOLDERS else entry.msgid_plural
        translations = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    else:
        reference, translations = entry.msgid, [entry.msgstr]
    expected = tokens(reference, markup)
    problems = []
    for translation in translations:
        if not translation:
            continue
        found = tokens(translation, markup)
        if found != expected:
            missing = sorted((expected - found).elements())
            extra = sorted((found - expected).elements())
            problems.append(f"{entry.msgid!r}: missing {missing}, unexpected {extra}")
    return problems


def catalog(entries: polib.POFile | polib.MOFile) -> dict[tuple[str, str], object]:
    result: dict[tuple[str, str], object] = {}
    for entry in entries:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue
        if entry.msgstr_plural:
            value: object = tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural))
        else:
            value = entry.msgstr
        if not any(value if isinstance(value, tuple) else (value,)):
            continue
        result[(entry.msgctxt or "", entry.msgid)] = value
    return result


def main(argv: list[str]) -> int:
    compile_mode = "--compile" in argv
    problems: list[str] = []
    po_files: list[Path] = []
    for folder in CATALOGUE_DIRS:
        found = sorted((ROOT / folder).glob("*/LC_MESSAGES/*.po"))
        if not found:
            problems.append(f"no .po files under {folder}/")
        po_files += found
    for po_path in po_files:
        name = po_path.relative_to(ROOT)
        language = po_path.parent.parent.name
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        if compile_mode:
            po.save_as_mofile(str(mo_path))
            print(f"compiled {mo_path.relative_to(ROOT)}")
            continue
        if language in COMPLETE_LANGUAGES:
            for entry in po.untranslated_entries() + po.fuzzy_entries():
                problems.append(f"{name}: untranslated or fuzzy: {entry.msgid!r}")
        # A fuzzy match's "#|" notes left behind: gettext's msgmerge (make messages) refuses a
        # "#| msgid_plural" without its "#| msgid".
        for entry in po:
            if entry.previous_msgid or entry.previous_msgid_plural or entry.previous_msgctxt:
                problems.append(f"{name}: a stale '#|' note on {entry.msgid!r}")
        markup = name.parts[0] in KEEP_MARKUP_DIRS
        for entry in po.translated_entries():
            problems += [f"{name}: placeholders: {p}" for p in placeholder_problems(entry, markup)]
        if not mo_path.exists():
            problems.append(f"{mo_path.relative_to(ROOT)} is missing: run `make compilemessages`")
            continue
        if catalog(po) != catalog(polib.mofile(str(mo_path))):
            problems.append(
                f"{mo_path.relative_to(ROOT)} does not match its .po: run `make compilemessages`"
            )
    for problem in problems:
        print(problem, file=sys.stderr)
    if not compile_mode:
        print(f"translations: {len(po_files)} catalogues checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
