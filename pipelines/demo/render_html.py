"""HTML pages: the six sections as paragraphs and the three tables as real ``<table>`` markup.

Header cells carry ``rowspan``/``colspan`` exactly as the national templates merge them; blank
zero cells are written as ``&nbsp;`` like the published pages (e.g. 上海市 2019). The page has a
``<title>`` and a 发布日期 line under the heading.
"""

from __future__ import annotations

from html import escape

from .layout import Cell, Doc, tables


def _td(cell: Cell) -> str:
    attrs = ""
    if cell.rowspan > 1:
        attrs += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    text = escape(cell.text, quote=False) if cell.text else "&nbsp;"
    align = "" if cell.header and len(cell.text) > 8 else ' align="center"'
    return f"<td{attrs}><p{align}>{text}</p></td>"


def _table(rows: list[list[Cell]]) -> str:
    body = "".join("<tr>" + "".join(_td(c) for c in row) + "</tr>\n" for row in rows)
    attrs = 'border="1" cellspacing="0" cellpadding="2" align="center"'
    return f"<table {attrs}><tbody>\n{body}</tbody></table>\n"


def render_html(doc: Doc) -> bytes:
    """The document as an HTML page (UTF-8).

    Args:
        doc: the printed document.

    Returns:
        The page bytes.
    """
    tabs = tables(doc)
    date_line = (f"发布日期：{doc.published}" if doc.variant % 2 == 0
                 else "发布时间：{}年{}月{}日".format(*doc.published.split("-")))
    parts = [
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<title>{escape(doc.title)}</title>\n</head>\n<body>\n<div class=\"article\">\n",
        f'<h1 style="text-align:center">{escape(doc.title)}</h1>\n',
        f'<p class="date" style="text-align:center">{date_line}</p>\n',
        f'<p class="source">来源：{escape(doc.body.name)}</p>\n',
    ]
    parts += [f"<p>{escape(p)}</p>\n" for p in doc.intro]
    for heading, paragraphs, table_id in doc.sections:
        parts.append(f"<p><strong>{heading}</strong></p>\n")
        parts += [f"<p>{escape(p)}</p>\n" for p in paragraphs]
        if table_id:
            parts.append(_table(tabs[table_id]))
    parts.append("</div>\n</body>\n</html>\n")
    return "".join(parts).encode("utf-8")
