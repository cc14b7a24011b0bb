"""Plain-text pages as scrapers save them: header lines, then the body with flattened tables.

Each table becomes runs of cell texts separated by whitespace, in grid reading order (merged
cells once). Per document one of three flattenings is used: ``rows`` (a line per table row),
``split`` (labels and their numbers often on separate lines) or ``run`` (a whole table on one
line). Zero cells are never blank here (a blank would vanish); see :mod:`.faults`.
"""

from __future__ import annotations

import numpy as np

from .layout import Cell, Doc, tables

FLATTENINGS = ("rows", "split", "run")


def _flatten(rows: list[list[Cell]], mode: str, rng: np.random.Generator) -> str:
    lines: list[str] = []
    for row in rows:
        labels = [c.text for c in row if c.header and c.text]
        numbers = [c.text for c in row if not c.header]
        if mode == "split" and labels and numbers and rng.random() < 0.5:
            lines.append(" ".join(labels))
            lines.append(" ".join(numbers))
        else:
            lines.append(" ".join(c.text for c in row if c.text))
    return (" " if mode == "run" else "\n").join(lines)


def render_text(doc: Doc, rng: np.random.Generator) -> tuple[bytes, str]:
    """The document as a scraped text page.

    Args:
        doc: the printed document (``doc.encoding`` is ``utf-8`` or ``gb18030``).
        rng: the document's generator (chooses the flattening).

    Returns:
        ``(bytes, flattening mode)``.
    """
    mode = FLATTENINGS[int(rng.choice(3, p=[0.5, 0.3, 0.2]))]
    tabs = tables(doc)
    out = [
        f"标题: {doc.title}",
        f"发布时间: {doc.published} {int(rng.integers(9, 17)):02d}:{int(rng.integers(0, 60)):02d}",
        f"发布机构: {doc.body.name}",
        "栏目: 政府信息公开年报",
        "==================== 正文 ====================",
        doc.title,
        *doc.intro,
    ]
    for heading, paragraphs, table_id in doc.sections:
        out.append(heading)
        out += paragraphs
        if table_id:
            out.append(_flatten(tabs[table_id], mode, rng))
    text = "\n".join(out) + "\n"
    return text.encode(doc.encoding), mode
