"""Active content in a PDF, found by walking its objects as a PDF reader would see them.

A pièce is printed and read by agents on their own computers: it must not act by itself. The
walk goes through every object the file declares (the catalogue, then each page, then every
other object of the cross-reference tables, compressed object streams included), so an action
is found wherever it hangs: the catalogue's ``/OpenAction`` and ``/AA``, a page's ``/AA``, an
annotation's ``/A`` or ``/AA`` (links, widgets), form fields, the ``/Names`` trees (including
``/JavaScript`` and ``/EmbeddedFiles``), chained ``/Next`` actions. Names are compared once
decoded by the parser, so ``/J#61vaScript`` is ``/JavaScript``.

Refused, after ISO 32000-2 § 12.6.4 (action types) and § 7.11.4 (embedded files):
- actions that run code or leave the document: JavaScript (or any ``/JS`` entry), Launch,
  SubmitForm, ImportData, GoToR, GoToE, RichMediaExecute, and RichMedia annotations;
- a URI action that fires by itself (in ``/OpenAction`` or an ``/AA``): a link the reader
  clicks stays allowed;
- embedded files (``/EmbeddedFiles`` name tree, file specifications with ``/EF``, file
  attachment annotations) and XFA forms (XML forms that carry scripts);
- a stream whose content is an HTML page (a PDF/HTML polyglot).

Pure functions over pypdf objects; the caller turns a finding into a French refusal."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

# Action types (value of /S) that are refused wherever they are, and what a person calls them.
FORBIDDEN_ACTIONS = {
    "/JavaScript": "un script (JavaScript)",
    "/Launch": "le lancement d'un programme",
    "/SubmitForm": "l'envoi d'un formulaire vers l'extérieur",
    "/ImportData": "l'import de données extérieures",
    "/GoToR": "l'ouverture d'un autre fichier",
    "/GoToE": "l'ouverture d'un fichier joint",
    "/RichMediaExecute": "un contenu multimédia actif",
}
# Refused only when they fire by themselves (document opened, page shown, field changed…).
AUTOMATIC_ONLY_ACTIONS = {"/URI": "l'ouverture automatique d'une adresse internet"}
FORBIDDEN_ANNOTATIONS = {
    "/RichMedia": "un contenu multimédia actif",
    "/FileAttachment": "un fichier joint",
}
EMBEDDED_FILE = "un fichier joint"
XFA_FORM = "un formulaire XFA (qui peut contenir des scripts)"
HTML_PAGE = "une page web (HTML) cachée dans le fichier"

_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<iframe")
_PEEK = 1024


@dataclass(frozen=True)
class Finding:
    """What was found (``what``) and where (``where``), in French, for the refusal."""

    what: str
    where: str


def _get(obj: DictionaryObject, key: str):
    """``obj[key]`` resolved (a name may be given by reference), or None."""
    value = dict.get(obj, key)
    return value.get_object() if isinstance(value, IndirectObject) else value


def _peek(stream: StreamObject) -> bytes:
    """The first bytes of a stream's decoded content, without decoding all of it (an image
    may weigh megabytes); empty when the stream is an image or uses a filter we do not peek."""
    if _get(stream, "/Subtype") == "/Image":
        return b""
    filters = _get(stream, "/Filter")
    if isinstance(filters, ArrayObject):
        filters = list(filters)
    elif filters is not None:
        filters = [filters]
    else:
        filters = []
    raw = stream._data or b""
    if not filters:
        return raw[:_PEEK]
    if filters == ["/FlateDecode"] and "/DecodeParms" not in stream:
        try:
            return zlib.decompressobj().decompress(raw, _PEEK)
        except zlib.error:
            return b""
    return b""


def _judge(obj: DictionaryObject, *, automatic: bool) -> str | None:
    """What is wrong with this dictionary itself (not its children), or None."""
    kind = _get(obj, "/S")
    kind = kind if isinstance(kind, str) else ""
    if kind in FORBIDDEN_ACTIONS:
        return FORBIDDEN_ACTIONS[kind]
    if automatic and kind in AUTOMATIC_ONLY_ACTIONS:
        return AUTOMATIC_ONLY_ACTIONS[kind]
    if "/JS" in obj or "/JavaScript" in obj:
        return FORBIDDEN_ACTIONS["/JavaScript"]
    subtype = _get(obj, "/Subtype")
    if isinstance(subtype, str) and subtype in FORBIDDEN_ANNOTATIONS:
        return FORBIDDEN_ANNOTATIONS[subtype]
    if "/EmbeddedFiles" in obj or "/EF" in obj or _get(obj, "/Type") == "/EmbeddedFile":
        return EMBEDDED_FILE
    if "/XFA" in obj:
        return XFA_FORM
    if isinstance(obj, StreamObject):
        head = _peek(obj).lstrip(b"\xef\xbb\xbf \t\r\n\x00").lower()
        if head.startswith(_HTML_STARTS):
            return HTML_PAGE
    return None


def _walk(start, *, seen: set[tuple[int, int]], automatic: bool = False) -> str | None:
    """Depth-first walk from ``start`` through dictionaries, arrays and references (each
    indirect object once, ``seen`` shared between walks). Under ``/AA`` and ``/OpenAction``
    actions are automatic. ``/Parent`` is not followed: a page's parent would lead to all the
    others, which are walked each on its own to be named."""
    stack = [(start, automatic)]
    while stack:
        obj, auto = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            problem = _judge(obj, automatic=auto)
            if problem:
                return problem
            for key, value in dict.items(obj):
                if key == "/Parent":
                    continue
                stack.append((value, auto or key in ("/AA", "/OpenAction")))
        elif isinstance(obj, ArrayObject):
            stack.extend((item, auto) for item in list.__iter__(obj))
    return None


def _declared_objects(reader: PdfReader) -> Iterator[IndirectObject]:
    """Every object of the cross-reference tables, object streams included."""
    for generation, entries in reader.xref.items():
        for number in entries:
            yield IndirectObject(number, generation, reader)
    for number in reader.xref_objStm:
        yield IndirectObject(number, 0, reader)


_CATALOGUE_PLACES = (
    ("/OpenAction", "à l'ouverture du document"),
    ("/AA", "dans les actions automatiques du document"),
    ("/Names", "dans les noms du document"),
    ("/AcroForm", "dans un champ de formulaire"),
)


def find_active_content(reader: PdfReader) -> Finding | None:
    """The first active content of the document (see the module's docstring), or None."""
    seen: set[tuple[int, int]] = set()
    catalogue = reader.trailer["/Root"]
    root = reader.trailer.raw_get("/Root")
    if isinstance(root, IndirectObject):
        seen.add((root.idnum, root.generation))
    problem = _judge(catalogue, automatic=False)
    if problem:
        return Finding(problem, "dans le catalogue du document")
    for key, where in _CATALOGUE_PLACES:
        if key in catalogue:
            automatic = key in ("/OpenAction", "/AA")
            problem = _walk(catalogue.raw_get(key), seen=seen, automatic=automatic)
            if problem:
                return Finding(problem, where)
    for number, page in enumerate(reader.pages, start=1):
        reference = page.indirect_reference
        start = reference if reference is not None else page
        problem = _walk(start, seen=seen)
        if problem:
            return Finding(problem, f"à la page {number}")
    for key, value in dict.items(catalogue):
        if key not in {k for k, _ in _CATALOGUE_PLACES} | {"/Pages"}:
            problem = _walk(value, seen=seen)
            if problem:
                return Finding(problem, "dans le catalogue du document")
    for reference in _declared_objects(reader):
        problem = _walk(reference, seen=seen)
        if problem:
            return Finding(problem, "dans un objet du fichier")
    return None
