"""Deterministic ZIP packages (DOCX, XLSX): fixed member timestamps and order."""

from __future__ import annotations

import io
import re
import zipfile

FIXED_TIME = (2020, 1, 1, 0, 0, 0)


def write_zip(members: list[tuple[str, bytes]], when: tuple[int, ...] = FIXED_TIME) -> bytes:
    """A ZIP archive of ``members`` with fixed timestamps, in the given order.

    Args:
        members: ``(name, data)`` pairs.
        when: the ``date_time`` stamped on every member.

    Returns:
        The archive bytes (identical for identical input).
    """
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zf.writestr(info, data)
    return buf.getvalue()


def normalize_zip(
    data: bytes, when: tuple[int, ...] = FIXED_TIME, core_stamp: str | None = None
) -> bytes:
    """Rewrite a ZIP package (e.g. from openpyxl) with fixed member timestamps.

    Args:
        data: archive bytes.
        when: the ``date_time`` stamped on every member.
        core_stamp: if given, the W3CDTF time written into ``docProps/core.xml``'s
            ``created``/``modified`` (openpyxl stamps ``modified`` with the save time).

    Returns:
        The normalised archive bytes.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    if core_stamp is not None:
        members = [
            (name, re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                          rb"\g<1>" + core_stamp.encode(), blob) if name == "docProps/core.xml"
             else blob)
            for name, blob in members
        ]
    return write_zip(members, when)
