"""Make the application icon's PNG sizes, .ico (Windows) and .icns (macOS) from providerdesk.svg.

    QT_QPA_PLATFORM=offscreen python resources/make_icons.py

Run it after changing the SVG and commit what it writes. Qt renders the SVG (QtSvg, in
PySide6-Essentials); both container formats hold PNG images, so a few lines write them.
"""
from __future__ import annotations

import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "providerdesk.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# the icns element types holding PNG data, by pixel size (ic04/ic05 hold ARGB, not PNG: left out)
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256), (b"ic09", 512),
              (b"ic10", 1024), (b"ic11", 32), (b"ic12", 64), (b"ic13", 256), (b"ic14", 512))


def render(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SOURCE)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO file of PNG images (Windows Vista and later read them)."""
    header = struct.pack("<HHH", 0, 1, len(ICO_SIZES))
    offset = len(header) + 16 * len(ICO_SIZES)
    entries, bodies = b"", b""
    for size in ICO_SIZES:
        body = pngs[size]
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(body), offset)
        bodies += body
        offset += len(body)
    return header + entries + bodies


def icns(pngs: dict[int, bytes]) -> bytes:
    elements = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(elements)) + elements


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (QImage and QPainter need it)
    pngs = {size: render(size) for size in PNG_SIZES}
    for size in PNG_SIZES:
        (HERE / f"providerdesk-{size}.png").write_bytes(pngs[size])
    (HERE / "providerdesk.ico").write_bytes(ico(pngs))
    (HERE / "providerdesk.icns").write_bytes(icns(pngs))
    print(f"wrote {len(PNG_SIZES)} PNG sizes, providerdesk.ico and providerdesk.icns in {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
