"""Check (or, with --compile, write) the compiled translation catalogues.

A fresh clone runs without gettext, so the .mo files are committed. This check fails when a
.mo does not hold exactly what its .po says, or when a Vietnamese string is untranslated or
fuzzy (Vietnamese is the default language: an untranslated string would show in English).

    python scripts/check_translations.py            # check, exit 1 on any problem
    python scripts/check_translations.py --compile  # write every .mo from its .po
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
COMPLETE_LANGUAGES = {"vi"}


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
    po_files = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
    if not po_files:
        problems.append("no .po files under locale/")
    for po_path in po_files:
        language = po_path.parent.parent.name
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        if compile_mode:
            po.save_as_mofile(str(mo_path))
            print(f"compiled {mo_path.relative_to(ROOT)}")
            continue
        if language in COMPLETE_LANGUAGES:
            for entry in po.untranslated_entries() + po.fuzzy_entries():
                problems.append(
                    f"{po_path.relative_to(ROOT)}: untranslated or fuzzy: {entry.msgid!r}"
                )
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
