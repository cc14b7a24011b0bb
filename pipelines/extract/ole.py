"""OLE2 compound files (Word 97-2003 ``.doc``, WPS ``.wps``, Excel ``.xls``, WPS ``.et``).

Government sites still publish annual reports in the old binary Office formats, and scrapers
rename them (a ``.doc`` saved as ``.html``, a WPS file saved as ``.doc``), so what a file is
comes from its bytes: the OLE2 signature, then the names of its streams. ``WordDocument`` is a
Word binary document (Word 97 and later, also what WPS Writer writes under ``.wps``);
``Workbook`` (BIFF8) or ``Book`` (BIFF5) is a spreadsheet (Excel, or WPS Spreadsheets under
``.et``). ``EncryptionInfo``/``EncryptedPackage`` is a password-protected OOXML file wrapped in
OLE2, refused; any other OLE2 file (PowerPoint, Outlook, Visio…) is refused with its streams
named.

The compound-file structure (sector chains, FAT, mini-stream) is read with ``olefile`` (BSD),
not by hand: the reader must meet truncated and hostile files, and olefile checks sector
indexes, chain loops and sizes, which a short hand-written reader would have to re-learn.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pipelines.extract.refusal import Refusal

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

WORD = "doc"
SHEET = "xls"


def is_ole(data: bytes) -> bool:
    """Whether ``data`` starts with the OLE2 compound-file signature."""
    return data[:8] == OLE_MAGIC


@dataclass(frozen=True)
class OleKind:
    """What an OLE2 file holds: ``doc`` (Word binary) or ``xls`` (BIFF spreadsheet)."""

    kind: str
    streams: tuple[str, ...]


def open_ole(data: bytes, source: str):
    """The file as an ``olefile.OleFileIO``; a damaged container is refused, naming the file."""
    import olefile

    try:
        return olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError… on damage
        raise Refusal("damaged_office_file", f"{source}: Office 文件已损坏或不完整（{_why(exc)}）/ "
                      f"damaged or truncated Office file ({_why(exc)})") from exc


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:160]


def ole_kind(data: bytes, source: str) -> OleKind:
    """Classify an OLE2 file by its stream names; refuse what is not a document we read.

    Raises :class:`Refusal` for a damaged container, an encrypted OOXML package, and an OLE2
    file that is neither a Word document nor a spreadsheet.
    """
    ole = open_ole(data, source)
    try:
        names = tuple("/".join(p) for p in ole.listdir(streams=True, storages=False))
    except Exception as exc:
        raise Refusal("damaged_office_file", f"{source}: Office 文件目录已损坏（{_why(exc)}）/ "
                      f"damaged Office file directory ({_why(exc)})") from exc
    finally:
        ole.close()
    top = {n.split("/", 1)[0] for n in names}
    if {"EncryptionInfo", "EncryptedPackage"} & top:
        raise Refusal("encrypted_office_file", f"{source}: Office 文件已加密（设有打开密码）/ "
                      "encrypted Office file (a password is needed to open it)")
    if "WordDocument" in top:
        return OleKind(WORD, names)
    if "Workbook" in top or "Book" in top:
        return OleKind(SHEET, names)
    shown = ", ".join(sorted(top))[:200]
    raise Refusal("unsupported_office_file", f"{source}: 不是 Word 文档或电子表格的 OLE 文件"
                  f"（数据流：{shown}）/ an OLE file that is neither a Word document nor a "
                  f"spreadsheet (streams: {shown})")


def read_stream(ole, name: str, source: str) -> bytes:
    """One stream's bytes; a stream whose sectors cannot be followed is a damaged file."""
    try:
        return ole.openstream(name).read()
    except Exception as exc:
        raise Refusal("damaged_office_file", f"{source}: Office 文件的 {name} 数据流已损坏"
                      f"（{_why(exc)}）/ damaged {name} stream ({_why(exc)})") from exc
