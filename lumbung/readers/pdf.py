"""PDF with a text layer -> the engine's lines (pdfplumber).

Per page, in reading order (top to bottom):

- ruled tables (pdfplumber's `lines` strategy): one line per table row, cells joined by tabs,
  a cell's wrapped text joined with spaces, a merged cell's text in its first column; a cell
  whose characters are all bold is written `<b>...</b>`, as the text conversions do;
- everything else: words grouped into lines by their position; a wide gap between words (an
  unruled table, a signature block beside another) becomes a tab; a line in bold is written
  `**...**`.

Pages are separated by a blank line, and every line keeps its page (lineage: `source_page`).
Headers and footers on each page stay lines: the engine knows them as page furniture.  A PDF
without a text layer (scanned pages) or that cannot be opened (encrypted, corrupt) raises
`UnreadableDocument` with the reason.
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

from lumbung.readers.model import UnreadableDocument

LINE_TOLERANCE = 3.0  # points: words whose tops differ by less are on one line
CELL_GAP = 12.0  # points of white space between words that make a new cell
TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines", "snap_tolerance": 3,
                  "intersection_tolerance": 3}


def _is_bold(chars: list[dict]) -> bool:
    visible = [c for c in chars if c["text"].strip()]
    return bool(visible) and all("bold" in c.get("fontname", "").lower() for c in visible)


def _by_line(objects: list[dict]) -> list[list[dict]]:
    """Characters or words grouped into lines by their top, top to bottom."""
    lines: list[list[dict]] = []
    for obj in sorted(objects, key=lambda o: (round(o["top"]), o["x0"])):
        if lines and abs(lines[-1][0]["top"] - obj["top"]) <= LINE_TOLERANCE:
            lines[-1].append(obj)
        else:
            lines.append([obj])
    return lines


def _kind(ch: str) -> str:
    if ch.isalpha():
        return "letter"
    if ch.isdigit() or ch in ".,%":
        return "digit"
    return "hash" if ch == "#" else "other"


def _join_wrapped(text: str, chars: list[dict], bbox) -> str:
    """A cell's lines as one text.  A line that fills the cell to its right edge was wrapped
    inside a word or a number (`Kod|e`, `3.098.9|47.496`, `####|#`): it joins the next line
    without a space when both sides are of one kind (digits, `#`, or letters of a line that is a
    single word); other lines join with a space (`TAHUN|2021` is `TAHUN 2021`)."""
    lines = [" ".join(part.split()) for part in text.split("\n")]
    lines = [part for part in lines if part]
    if len(lines) < 2 or bbox is None or not chars:
        return " ".join(lines)
    visible = [[ch for ch in line if ch["text"].strip()] for line in _by_line(chars)]
    visible = [line for line in visible if line]
    if len(visible) != len(lines):
        return " ".join(lines)
    out = lines[0]
    for line, before, after in zip(visible, lines, lines[1:]):
        width = sum(ch["x1"] - ch["x0"] for ch in line) / len(line)
        full = max(ch["x1"] for ch in line) >= bbox[2] - 2.5 * width - 2
        same = _kind(before[-1]) == _kind(after[0]) != "other"  # `Kod|e`, `3.098.9|47.496`, `###|##`
        # a line filled to the last character's width, going on in lower case: a word cut (`Kema|syarakatan`)
        cut_word = max(ch["x1"] for ch in line) >= bbox[2] - 0.8 * width - 2 and after[0].islower()
        glue = full and ((same and (_kind(after[0]) != "letter" or " " not in before or cut_word))
                         or before[-1] in "/-")  # `Angka/|Nilai`, `Sub-|Kegiatan`
        out += ("" if glue else " ") + after
    return out


def _table_lines(page, table) -> list[tuple[float, str]]:
    """(top, line) for each row of a ruled table."""
    rows = table.rows
    tops = [row.bbox[1] for row in rows]
    chars_by_cell: dict[tuple[int, int], list[dict]] = {}
    x0, top, x1, bottom = table.bbox
    for ch in page.chars:
        if not (x0 <= ch["x0"] and ch["x1"] <= x1 + 1 and top <= ch["top"] and ch["bottom"] <= bottom + 1):
            continue
        r = bisect_right(tops, ch["top"] + 0.5) - 1
        if r < 0:
            continue
        for c, cell in enumerate(rows[r].cells):
            if cell is not None and cell[0] - 0.5 <= ch["x0"] < cell[2]:
                chars_by_cell.setdefault((r, c), []).append(ch)
                break
    out = []
    for r, (row, texts) in enumerate(zip(rows, table.extract())):
        cells = []
        for c, text in enumerate(texts):
            value = _join_wrapped(text or "", chars_by_cell.get((r, c), []), row.cells[c] if c < len(row.cells) else None)
            if value and _is_bold(chars_by_cell.get((r, c), [])):
                value = f"<b>{value}</b>"
            cells.append(value)
        # every row keeps its width (a row with one filled cell is still a table row); a
        # one-column box is a framed paragraph, not a table
        out.append((row.bbox[1], "\t".join(cells) if len(cells) > 1 else (cells[0] if cells else "")))
    return out


def _text_lines(words: list[dict]) -> list[tuple[float, str]]:
    """Words outside tables grouped into lines; a wide gap is a cell break."""
    out = []
    for group in _by_line(words):
        group.sort(key=lambda w: w["x0"])
        parts = [group[0]["text"]]
        for before, word in zip(group, group[1:]):
            parts.append(("\t" if word["x0"] - before["x1"] > CELL_GAP else " ") + word["text"])
        text = "".join(parts)
        if all("bold" in w.get("fontname", "").lower() for w in group) and "\t" not in text:
            text = f"**{text}**"
        out.append((group[0]["top"], text))
    return out


def _inside(word: dict, boxes: list[tuple[float, float, float, float]]) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def page_lines(page) -> list[str]:
    tables = page.find_tables(TABLE_SETTINGS)
    items: list[tuple[float, str]] = []
    for table in tables:
        items += _table_lines(page, table)
    boxes = [t.bbox for t in tables]
    words = [w for w in page.extract_words(extra_attrs=["fontname"], keep_blank_chars=False) if not _inside(w, boxes)]
    items += _text_lines(words)
    items.sort(key=lambda item: item[0])
    return [text for _top, text in items]


def read_pdf(path: Path) -> tuple[list[str], list[int]]:
    """The lines of a PDF report and the page of each line."""
    import pdfplumber

    encrypted = b"/Encrypt" in path.read_bytes()
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds: all mean "cannot open"
        reason = "encrypted PDF (password protected)" if encrypted or "password" in str(exc).lower() else \
            f"not a readable PDF ({type(exc).__name__}: {exc})"
        raise UnreadableDocument(reason) from None
    lines: list[str] = []
    pages: list[int] = []
    characters = 0
    images = 0
    try:
        with pdf:
            for number, page in enumerate(pdf.pages, start=1):
                characters += len(page.chars)
                images += len(page.images)
                for text in page_lines(page):
                    lines.append(text)
                    pages.append(number)
                lines.append("")
                pages.append(number)
                page.flush_cache()
    except UnreadableDocument:
        raise
    except Exception as exc:  # noqa: BLE001
        reason = "encrypted PDF (password protected)" if encrypted or "password" in str(exc).lower() else \
            f"damaged PDF ({type(exc).__name__}: {exc})"
        raise UnreadableDocument(reason) from None
    if characters == 0:
        raise UnreadableDocument("no text layer: needs OCR (scanned pages)" if images else
                                 "no text layer: the PDF holds no text")
    return lines, pages
