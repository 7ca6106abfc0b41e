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


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text_of(paragraph) -> str:
    return "".join(node.text or "" for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br")
                   if node.tag == f"{W}t") if paragraph is not None else ""


def _run_bold(run) -> bool:
    props = run.find(f"{W}rPr")
    bold = props.find(f"{W}b") if props is not None else None
    return bold is not None and bold.get(f"{W}val", "true") not in ("0", "false")


def _cell_text(tc) -> str:
    """A cell's paragraphs joined with spaces; `<b>...</b>` when every run with text is bold."""
    paragraphs = [p for p in tc.iterchildren(f"{W}p")]
    text = " ".join(" ".join(_text_of(p).split()) for p in paragraphs if _text_of(p).strip())
    runs = [r for p in paragraphs for r in p.iter(f"{W}r") if "".join(t.text or "" for t in r.iter(f"{W}t")).strip()]
    return f"<b>{text}</b>" if text and runs and all(_run_bold(r) for r in runs) else text


def _table_lines(tbl) -> list[str]:
    """One line per row (read from the XML directly: python-docx's cell access is quadratic)."""
    lines = []
    for tr in tbl.iterchildren(f"{W}tr"):
        cells, nested = [], []
        for tc in tr.iterchildren(f"{W}tc"):
            props = tc.find(f"{W}tcPr")
            span = props.find(f"{W}gridSpan") if props is not None else None
            vmerge = props.find(f"{W}vMerge") if props is not None else None
            continued = vmerge is not None and vmerge.get(f"{W}val", "continue") != "restart"
            cells.append("" if continued else _cell_text(tc))
            cells += [""] * (int(span.get(f"{W}val", "1")) - 1 if span is not None else 0)  # merged across
            nested += list(tc.iterchildren(f"{W}tbl"))
        lines.append("\t".join(cells) if len(cells) > 1 else (cells[0] if cells else ""))
        for inner in nested:
            lines += _table_lines(inner)
    return lines


def read_docx(path: Path) -> list[str]:
    import docx
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
            lines += _table_lines(child)
            lines.append("")
    if not any(line.strip() for line in lines):
        raise UnreadableDocument("empty Word document")
    return lines
