"""A one-page PDF written by hand (Helvetica, no library): small and valid, QtPdf and any viewer open it.

Used for the demo's license certificates; imports nothing of Django, so tests may use it too.
"""
from __future__ import annotations


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace").decode(
        "latin-1")


def license_pdf(lines: list[tuple[int, int, str]], title: str = "License certificate") -> bytes:
    """A one-page A4 PDF with `lines` of (font size, y from the bottom, text) in Helvetica."""
    text = "".join(f"BT /F1 {size} Tf 72 {y} Td ({_escape(words)}) Tj ET\n" for size, y, words in lines)
    stream = ("0.12 0.44 0.92 RG 4 w 48 48 499 746 re S\n" + text).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Title (" + _escape(title).encode("latin-1") + b") /Producer (ProviderDesk demo) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
