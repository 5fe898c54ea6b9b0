"""Read PDFs back with poppler (pdftotext, pdffonts, pdfinfo)."""

import re
import subprocess
import tempfile


def _run(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(
            [tool, *args, handle.name, *(["-"] if tool == "pdftotext" else [])],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def pdf_text(pdf: bytes) -> str:
    """The text, with runs of whitespace (and no-break spaces) made one space and typographic
    apostrophes read as straight ones: for what a document says, not how it is set."""
    text = _run("pdftotext", pdf).replace("\xa0", " ").replace("\u2060", "")
    return re.sub(r"\s+", " ", text.replace("\u2019", "'"))


def pdf_characters(pdf: bytes) -> str:
    """The text with its exact characters (pypdf keeps thin and no-break spaces, which poppler
    reads as plain spaces): for typography."""
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_fonts(pdf: bytes) -> list[dict]:
    lines = _run("pdffonts", pdf).splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object ID
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return fonts


def pdf_pages(pdf: bytes) -> int:
    match = re.search(r"Pages:\s+(\d+)", _run("pdfinfo", pdf))
    return int(match.group(1)) if match else 0


def read_field(field) -> bytes:
    """The content of a FileField, closing the file."""
    with field.open("rb") as handle:
        return handle.read()
