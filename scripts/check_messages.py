#!/usr/bin/env python
"""Fail when the Finnish or Swedish translations are incomplete or out of date.

Runs `manage.py makemessages` on a temporary copy of the project (the working tree is never
touched) and compares the result with the committed locale/<lang>/LC_MESSAGES/django.po:

- stale: makemessages would add msgids (new strings in the code) or remove them (strings no longer
  in the code, including obsolete `#~` entries, which --no-obsolete drops);
- untranslated: an entry whose msgstr (or any msgstr[n]) is empty;
- fuzzy: an entry flagged `#, fuzzy` (gettext ignores it when compiling);
- broken: a header that still holds the template placeholders, or a file msgfmt rejects.

Usage: python scripts/check_messages.py   (from anywhere; `make check-messages` runs it)
Exit status 0 when everything is translated and current, 1 otherwise.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["fi", "sv"]
DOMAIN = "django"
MAKEMESSAGES_ARGS = [
    *[arg for lang in LANGUAGES for arg in ("-l", lang)],
    "--ignore=.venv",
    "--ignore=tests",
    "--no-obsolete",
]
# Not copied into the scratch tree: environments, caches, build output, local data.
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "*.egg-info",
    "staticfiles",
    "media",
    "test-results",
    "tmp",
    "db.sqlite3*",
    "*.mo",
)


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    obsolete: bool = False
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid or "", self.msgid_plural)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b"}
_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")


def _unquote(token: str) -> str:
    body = token.strip()
    if len(body) < 2 or body[0] != '"' or body[-1] != '"':
        raise ValueError(f"not a quoted string: {token!r}")
    body = body[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body)


def parse_po(path: Path) -> list[Entry]:
    """A small, strict reader for the .po files xgettext/msgmerge write."""
    entries: list[Entry] = []
    current = Entry()
    last: tuple[str, int | None] | None = None  # the field continuation lines append to
    seen_msgstr = False

    def finish():
        nonlocal current, last, seen_msgstr
        if current.msgid is not None:
            entries.append(current)
        current, last, seen_msgstr = Entry(), None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):  # "#~|" previous msgid of an obsolete entry
                continue
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if seen_msgstr:
                finish()
            if line.startswith("#,"):
                current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            elif line.startswith("#:"):
                current.references.extend(line[2:].split())
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, value = match.groups()
            if seen_msgstr and not keyword.startswith("msgstr"):
                finish()
            if current.msgid is None and current.line == 0:
                current.line = number
            current.obsolete = current.obsolete or obsolete
            text = _unquote(value)
            if keyword == "msgctxt":
                current.msgctxt, last = text, ("msgctxt", None)
            elif keyword == "msgid":
                current.msgid, last = text, ("msgid", None)
            elif keyword == "msgid_plural":
                current.msgid_plural, last = text, ("msgid_plural", None)
            else:
                slot = int(index) if index is not None else 0
                current.msgstr[slot], last = text, ("msgstr", slot)
                seen_msgstr = True
            continue
        if line.startswith('"') and last is not None:
            text = _unquote(line)
            name, slot = last
            if name == "msgstr":
                current.msgstr[slot] += text
            else:
                setattr(current, name, (getattr(current, name) or "") + text)
            continue
        raise ValueError(f"{path}:{number}: cannot read this line: {raw!r}")
    finish()
    return entries


def describe(entry: Entry) -> str:
    text = entry.msgid or ""
    if entry.msgid_plural is not None:
        text += f" | {entry.msgid_plural}"
    shown = text if len(text) <= 100 else text[:97] + "..."
    shown = shown.replace("\n", "\\n")
    context = f" [context {entry.msgctxt!r}]" if entry.msgctxt is not None else ""
    return f"{shown!r}{context}"


def regenerate(scratch: Path) -> subprocess.CompletedProcess:
    shutil.copytree(ROOT, scratch, ignore=COPY_IGNORE, symlinks=True)
    env = dict(os.environ)
    # makemessages needs importable settings, not a database or secrets.
    env["DJANGO_SETTINGS_MODULE"] = "renewal.settings_test"
    env.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    return subprocess.run(
        [sys.executable, "manage.py", "makemessages", *MAKEMESSAGES_ARGS, "-v", "0"],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
    )


def check_language(lang: str, committed: Path, regenerated: Path) -> list[str]:
    problems: list[str] = []
    relative = committed.relative_to(ROOT)
    if not committed.exists():
        return [f"{relative} is missing: run `python manage.py makemessages -l {lang}`."]
    try:
        entries = parse_po(committed)
    except (ValueError, UnicodeDecodeError) as exc:
        return [f"{relative} cannot be read: {exc}"]

    live = [e for e in entries if not e.obsolete]
    header = next((e for e in live if e.is_header), None)
    if header is None:
        problems.append(f'{relative}: no header entry (msgid "").')
    else:
        text = header.msgstr.get(0, "")
        if "charset=CHARSET" in text or "charset=UTF-8" not in text:
            problems.append(f"{relative}: header must say Content-Type: ... charset=UTF-8.")
        if "nplurals=INTEGER" in text or "Plural-Forms:" not in text:
            problems.append(
                f"{relative}: header needs a real Plural-Forms line, "
                'e.g. "Plural-Forms: nplurals=2; plural=(n != 1);\\n".'
            )
        # A fuzzy header (as makemessages writes it) is harmless: msgfmt keeps it anyway.

    messages = [e for e in live if not e.is_header]
    untranslated = [e for e in messages if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [e for e in messages if "fuzzy" in e.flags and e not in untranslated]
    obsolete = [e for e in entries if e.obsolete]

    def listing(title: str, items: list[Entry], where=lambda e: f"line {e.line}"):
        if items:
            problems.append(f"{relative}: {len(items)} {title}:")
            items = sorted(items, key=lambda e: (e.line, e.key))
            problems.extend(f"    {where(e)}: {describe(e)}" for e in items)

    listing("untranslated", untranslated)
    listing("fuzzy (gettext ignores them; review and remove the flag)", fuzzy)

    if not regenerated.exists():
        problems.append(f"{relative}: makemessages did not produce a catalogue to compare with.")
    else:
        fresh = {e.key: e for e in parse_po(regenerated) if not e.obsolete and not e.is_header}
        current = {e.key: e for e in messages}
        listing(
            "msgid(s) in the code but missing here (stale: run makemessages)",
            [fresh[k] for k in fresh.keys() - current.keys()],
            where=lambda e: " ".join(e.references[:3]) or "code",
        )
        listing(
            "msgid(s) no longer in the code (stale: run makemessages --no-obsolete)",
            [current[k] for k in current.keys() - fresh.keys()] + obsolete,
        )

    if shutil.which("msgfmt"):
        result = subprocess.run(
            ["msgfmt", "--check-format", "-o", os.devnull, str(committed)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            problems.append(f"{relative}: msgfmt --check-format rejects it:")
            problems.extend(f"    {line}" for line in result.stderr.strip().splitlines())
    return problems


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="renewal-messages-") as tmp:
        scratch = Path(tmp) / "project"
        result = regenerate(scratch)
        if result.returncode != 0:
            print("makemessages failed:", file=sys.stderr)
            print(result.stdout + result.stderr, file=sys.stderr)
            return 1
        problems: list[str] = []
        for lang in LANGUAGES:
            po = Path("locale") / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
            problems += check_language(lang, ROOT / po, scratch / po)

    if problems:
        print("Translations are not complete and current:")
        print("\n".join(problems))
        return 1
    print(f"Translations complete and current ({', '.join(LANGUAGES)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
