"""One rule for the free text people type or paste (forms, imports, API), applied at every
boundary and once more before anything is stored (`labelling.signals`).

Text pasted from Word or Excel brings control characters: a vertical tab (Word's manual line
break), a form feed (a page break), a NUL, an escape… They mean nothing to a reader, spreadsheets
and XML (hence XLSX) refuse them, and PDFs show them as empty boxes. So:

- single-line text (a name, an address): every line break, tab or other separator becomes one
  space, other C0 controls (and DEL, and the C1 controls) are removed, spaces are not doubled,
  and the ends are trimmed;
- multi-line text (a comment, a reason): line breaks are kept as ``\\n`` (``\\r\\n``, ``\\r``,
  the vertical tab, the form feed and the Unicode line/paragraph separators all become one),
  a tab becomes a space, other controls are removed.

Pure functions, no Django: the importers and the engine's callers use them as they are."""

from __future__ import annotations

import re
from typing import Any

# The most a comment, a reason or a message may hold (about a page): one constant for every
# multi-line field, so that no text can swell a document to many pages.
COMMENT_MAX_LENGTH = 2000

# Characters that break a line, as editors and spreadsheets write them.
_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Every other control character: C0 (but \n), DEL and C1.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_TAB = "\t"
_SPACES = re.compile(r"[ \t]{2,}")
_HAS_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def has_control(text: str) -> bool:
    """Whether the text holds something that `clean_line`/`clean_multiline` would change
    (other than spaces)."""
    return bool(_HAS_CONTROL.search(text))


def clean_line(text: str) -> str:
    """Single-line text: separators → one space, controls removed, trimmed."""
    if not text:
        return text
    text = _BREAKS.sub(" ", text).replace(_TAB, " ")
    text = _CONTROLS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def clean_multiline(text: str) -> str:
    """Multi-line text: line breaks kept as ``\\n``, tabs → spaces, controls removed; the ends
    are trimmed of spaces and blank lines."""
    if not text:
        return text
    text = _BREAKS.sub("\n", text).replace(_TAB, " ")
    return _CONTROLS.sub("", text).strip()


def clean_strings(value: Any, *, multiline: bool = False, only_dirty: bool = False) -> Any:
    """Every string inside a JSON-like value (dicts, lists) cleaned; keys too. With
    `only_dirty`, strings without control characters are left exactly as they are (not even
    trimmed): what the storage boundary does to text that a form or an importer already saw."""
    clean = clean_multiline if multiline else clean_line

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return clean(node) if not only_dirty or has_control(node) else node
        if isinstance(node, dict):
            return {
                (clean_line(k) if isinstance(k, str) and has_control(k) else k): walk(v)
                for k, v in node.items()
            }
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(value)


def strip_controls_keep_layout(text: str) -> str:
    """For already-rendered text (HTML for a PDF): controls other than \\t \\n \\r become a
    space, so that stored text can never show as empty boxes."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", " ", text)


# --- French: « de » before a place name ------------------------------------------------------

_VOWELS = tuple("AEIOUYÂÀÉÈÊËÎÏÔÛÙÜŒaeiouyâàéèêëîïôûùüœHh")


def of_place(name: str) -> str:
    """« de » before a commune's name, elided and contracted as French does: « d'Ambert »,
    « du Mont-Dore » (Le), « des Angles » (Les), « de La Bourboule », « de Besse »."""
    name = name.strip()
    if name.startswith("Le "):
        return f"du {name[3:]}"
    if name.startswith("Les "):
        return f"des {name[4:]}"
    if name.startswith(("La ", "L'", "L’")):
        return f"de {name}"
    if name.startswith(_VOWELS):
        return f"d'{name}"
    return f"de {name}"


# --- files: UTF-8 with or without a byte order mark ------------------------------------------

SAVE_AS_UTF8 = (
    "enregistrez le fichier en UTF-8 (dans un tableur : « Enregistrer sous », type « CSV UTF-8 » ; "
    "dans un éditeur de texte : encodage « UTF-8 ») puis recommencez"
)


class UndecodableText(ValueError):
    """Bytes that are not UTF-8 text; `message` says where, in French, and what to do."""

    def __init__(self, *, line: int, byte: int, what: str = "le fichier"):
        self.line = line
        self.byte = byte
        encoded = "encodée" if what.startswith(("la ", "cette ")) else "encodé"
        self.message = (
            f"ligne {line} : {what} n'est pas {encoded} en UTF-8 (octet 0x{byte:02X} illisible) ; "
            f"{SAVE_AS_UTF8}."
        )
        super().__init__(self.message)


def decode_text(
    data: bytes | bytearray | str, *, first_line: int = 1, what: str = "le fichier"
) -> str:
    """The text of a file people send (JSON, JSON Lines, CSV): UTF-8 with or without a byte
    order mark; UTF-16 when it starts with its mark (« Texte Unicode » of a spreadsheet).
    Raises `UndecodableText` naming the line of the first unreadable byte (counted from
    `first_line`)."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    data = bytes(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: report it as UTF-8
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = first_line + data[: exc.start].count(b"\n")
        raise UndecodableText(line=line, byte=data[exc.start], what=what) from None
