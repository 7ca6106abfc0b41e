"""Word (.docx) -> the engine's lines (python-docx).

The body in document order: each paragraph a line (a heading style written `## ...`, a
paragraph all in bold `**...**`, line breaks inside a paragraph start new lines); each table
row a line of cells joined by tabs (a merged cell's text in its first column only, a cell's
paragraphs joined with spaces, a cell all in bold `<b>...</b>`); a table nested in a cell
follows its row.  Headers and footers of the page are not the report's content.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lumbung.readers.model import UnreadableDocument

HEADING_RE = re.compile(r"^(?:heading|judul)\s*(\d)", re.I)


def _bold(paragraphs) -> bool:
    runs = [r for p in paragraphs for r in p.runs if r.text.strip()]
    return bool(runs) and all(r.bold or (r.style is not None and r.style.font.bold) for r in runs)


def _paragraph_lines(paragraph) -> list[str]:
    text = paragraph.text
    if not text.strip():
        return [""]
    style = paragraph.style.name if paragraph.style is not None else ""
    heading = HEADING_RE.match(style or "")
    out = []
    for part in text.split("\n"):
        part = part.strip()
        if heading:
            part = "#" * int(heading.group(1)) + " " + part
        elif _bold([paragraph]) and part:
            part = f"**{part}**"
        out.append(part)
    return out


def _cell_text(cell) -> str:
    text = " ".join(" ".join(p.text.split()) for p in cell.paragraphs if p.text.strip())
    return f"<b>{text}</b>" if text and _bold(cell.paragraphs) else text


def _table_lines(table) -> list[str]:
    from docx.table import Table

    lines = []
    for row in table.rows:
        cells, nested, previous = [], [], None
        for cell in row.cells:
            if previous is not None and cell._tc is previous:  # a horizontally merged cell: once
                cells.append("")
                continue
            previous = cell._tc
            vmerge = cell._tc.tcPr.vMerge if cell._tc.tcPr is not None else None
            cells.append("" if vmerge is not None and vmerge.val != "restart" else _cell_text(cell))
            nested += [Table(t._tbl, cell) for t in cell.tables]
        lines.append("\t".join(cells) if len(cells) > 1 else (cells[0] if cells else ""))
        for inner in nested:
            lines += _table_lines(inner)
    return lines


def read_docx(path: Path) -> list[str]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except zipfile.BadZipFile:
        raise UnreadableDocument("not a readable Word file: damaged, or encrypted (password protected)") from None
    except Exception as exc:  # noqa: BLE001 - python-docx and lxml raise many kinds
        raise UnreadableDocument(f"not a readable Word file ({type(exc).__name__}: {exc})") from None
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines += _paragraph_lines(Paragraph(child, document))
        elif tag == "tbl":
            lines.append("")
            lines += _table_lines(Table(child, document))
            lines.append("")
    if not any(line.strip() for line in lines):
        raise UnreadableDocument("empty Word document")
    return lines
