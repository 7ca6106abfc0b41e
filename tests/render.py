"""The shared text reports rendered as people have them: PDF (reportlab, tables drawn as ruled
tables, split over pages, page numbers in the footer), Word (python-docx, real tables) and
Excel (openpyxl), plus a scanned PDF (pages as images, no text layer)."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

BOLD_MD_RE = re.compile(r"\*\*(.+?)\*\*")
TAG_RE = re.compile(r"</?b>", re.I)


def blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """("text", [line]) and ("table", [tab lines]) in order; blank lines inside a table dropped."""
    out: list[tuple[str, list[str]]] = []
    for line in lines:
        if "\t" in line:
            if out and out[-1][0] == "table":
                out[-1][1].append(line)
            else:
                out.append(("table", [line]))
        elif not line.strip() and out and out[-1][0] == "table":
            continue
        else:
            out.append(("text", [line]))
    return out


def _markup(text: str, cell: bool = False) -> str:
    """Report markup (`**x**`, `<b>x</b>`, `## x`) as reportlab paragraph markup."""
    heading = not cell and bool(re.match(r"^\s*#+\s", text))
    text = text.lstrip("# ") if heading else text
    bold_tags = TAG_RE.findall(text)
    plain = escape(TAG_RE.sub("\x01", BOLD_MD_RE.sub(lambda m: f"\x01{m.group(1)}\x02", text)))
    parts, n = [], 0
    for ch in plain:
        if ch == "\x01":
            parts.append("<b>" if (n < len(bold_tags) and not bold_tags[n].startswith("</")) or n >= len(bold_tags)
                         else "</b>")
            n += 1
        elif ch == "\x02":
            parts.append("</b>")
        else:
            parts.append(ch)
    out = "".join(parts)
    if out.count("<b>") != out.count("</b>"):
        out = out.replace("<b>", "").replace("</b>", "")
    return f"<b>{out}</b>" if heading else out


def to_pdf(lines: list[str], path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=8, leading=10)
    cell = ParagraphStyle("cell", fontName="Helvetica", fontSize=5.5, leading=6.5)
    page_width = landscape(A4)[0] - 60
    story = []
    for kind, block in blocks(lines):
        if kind == "text":
            text = block[0]
            story.append(Paragraph(_markup(text), body) if text.strip() else Spacer(1, 4))
            continue
        rows = [line.split("\t") for line in block]
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        longest = [max(min(len(TAG_RE.sub("", r[c])), 60) for r in rows) + 4 for c in range(width)]
        col_widths = [max(page_width * n / sum(longest), 14) for n in longest]
        col_widths = [w * page_width / sum(col_widths) for w in col_widths]
        data = [[Paragraph(_markup(c, cell=True), cell) if c else "" for c in r] for r in rows]
        table = Table(data, colWidths=col_widths, repeatRows=0)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.black),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 1.5), ("RIGHTPADDING", (0, 0), (-1, -1), 1.5)]))
        story.append(table)

    def footer(canvas, doc):
        canvas.setFont("Helvetica", 7)
        canvas.drawString(30, 15, f"Halaman {doc.page}")

    SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=30, rightMargin=30, topMargin=30,
                      bottomMargin=30).build(story, onFirstPage=footer, onLaterPages=footer)
    return path


def _runs(paragraph, text: str) -> None:
    """Add `text` to a Word paragraph, `**x**` and `<b>x</b>` as bold runs."""
    text = BOLD_MD_RE.sub(lambda m: f"<b>{m.group(1)}</b>", text)
    for n, part in enumerate(re.split(r"</?b>", text)):
        if part:
            paragraph.add_run(part).bold = n % 2 == 1


def to_docx(lines: list[str], path: Path) -> Path:
    import docx

    document = docx.Document()
    for kind, block in blocks(lines):
        if kind == "text":
            text = block[0]
            heading = re.match(r"^\s*(#+)\s*(.*)$", text)
            if heading:
                document.add_heading(heading.group(2).replace("**", ""), level=min(len(heading.group(1)), 4))
            else:
                _runs(document.add_paragraph(), text)
            continue
        rows = [line.split("\t") for line in block]
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for row, cells in zip(table.rows, rows):
            for target, value in zip(row.cells, cells):
                if value:
                    _runs(target.paragraphs[0], value)
    document.save(str(path))
    return path


def to_xlsx(lines: list[str], path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Laporan"
    for n, line in enumerate(lines, start=1):
        cells = [TAG_RE.sub("", BOLD_MD_RE.sub(r"\1", c)) for c in line.split("\t")]
        for column, value in enumerate(cells if "\t" in line else cells[:1], start=1):
            if value:
                cell = sheet.cell(row=n, column=column, value=value)
                cell.data_type = "s"  # `=100%` is text here, not a formula
    book.save(str(path))
    return path


def scanned_pdf(path: Path, pages: int = 2) -> Path:
    """Pages as images only: what a scanner gives."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(image)
    for y in range(60, 760, 24):
        draw.rectangle([40, y, 560, y + 10], fill="black")
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        pdf.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
        pdf.showPage()
    pdf.save()
    return path
