"""Canonicalise nomenclature codes as the reports write them.

Canonical form (Permendagri 90/2019): `U.BB.PP.K.KK.SSSS`, e.g. `7.01.01.2.02.0001`.
Spellings met in the reports, all handled by `canonical_code`:

- cells `7 | 01 | 01 | 2.02 | 01` and `7 | 1 | 1 | 2,02 | 1`;
- `2,0 1` (a PDF artefact splitting `01`);
- `7.01.01.2 01.1`, `7.01.01.206.4` (kegiatan digit glued to the kegiatan number),
  `7.01.01.201` (a kegiatan);
- relative codes `205` (a kegiatan under the current program) and `2` (a sub kegiatan under
  the current kegiatan), which inherit from the rows above;
- legacy Permendagri 13/2006 codes (`1101.01`, `5001.04`, `001`) are kept as legacy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lumbung.extract.cells import SEPARATOR_RE

LEVELS = {1: "urusan", 2: "bidang_urusan", 3: "program", 5: "kegiatan", 6: "sub_kegiatan"}
WIDTHS = (1, 2, 2, 1, 2, 4)
CODE_FRAGMENT_RE = re.compile(r"^\d[\d.,\s]*$")


@dataclass(frozen=True)
class Code:
    """A code as read from a row: canonical when it could be settled, else the parent it hangs from."""

    raw: str
    canonical: str | None
    level: str | None
    method: str  # as_written, inherited, legacy, partial, invalid
    parent: str | None = None
    reason: str | None = None


def is_code_fragment(cell: str) -> bool:
    """True for cells that can be part of a code: digits with `.`, `,` or spaces."""
    return bool(CODE_FRAGMENT_RE.match(cell.strip()))


def code_tokens(fragments: list[str]) -> list[str]:
    """Split code cells into digit tokens; spaces inside a token are PDF artefacts (`0 1` = `01`)."""
    tokens: list[str] = []
    for fragment in fragments:
        for piece in SEPARATOR_RE.split(fragment):
            piece = "".join(piece.split())
            if piece:
                tokens.append(piece)
    return tokens


def _assemble(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Assign tokens to the six code positions; returns (parts, leftover tokens)."""
    parts: list[str] = []
    queue = list(tokens)
    while queue and len(parts) < 6:
        token = queue.pop(0)
        position = len(parts)
        if position == 3 and len(token) == 3:  # `201` = kegiatan digit 2 + kegiatan 01
            parts.extend([token[0], token[1:]])
            continue
        if len(token) > WIDTHS[position] and not (position == 5 and len(token) <= 4):
            return parts, [token, *queue]
        parts.append(token.zfill(WIDTHS[position]))
    return parts, queue


def _join(parts: list[str]) -> str:
    return ".".join(parts)


def canonical_code(fragments: list[str], context: str | None = None) -> Code | None:
    """Canonicalise the code cells of one row; `context` is the last canonical code above it.

    Returns None when the row has no code at all.
    """
    fragments = [f.strip() for f in fragments if f.strip()]
    if not fragments:
        return None
    raw = " ".join(fragments)
    tokens = code_tokens(fragments)
    if not tokens:
        return None
    if len(tokens[0]) == 4 or (len(tokens) == 1 and len(tokens[0]) == 3 and tokens[0].startswith("0")):
        level = {1: "kegiatan" if len(tokens[0]) == 3 else None, 2: "program"}.get(len(tokens))  # `001`, `1101.01`
        return Code(raw, None, level, "legacy", reason="Permendagri 13/2006 style code")
    if len(tokens[0]) == 1 and (len(tokens) > 1 or context is None or context.count(".") < 4):
        parts, leftover = _assemble(tokens)
        if not leftover and len(parts) in LEVELS:
            return Code(raw, _join(parts), LEVELS[len(parts)], "as_written")
        if len(parts) >= 5:
            return Code(
                raw, None, "sub_kegiatan", "partial", parent=_join(parts[:5]),
                reason=f"tokens {leftover or parts[5:]} after kegiatan {_join(parts[:5])} do not form a sub kegiatan number",
            )
        return Code(raw, None, None, "invalid", reason=f"cannot read {raw!r} as a code")
    return _relative_code(raw, tokens, context)


def _relative_code(raw: str, tokens: list[str], context: str | None) -> Code:
    """`205` under program 7.01.01 -> 7.01.01.2.05; `2` under kegiatan 7.01.01.2.05 -> ....0002."""
    if context is None:
        return Code(raw, None, None, "invalid", reason=f"relative code {raw!r} with no parent row above")
    ctx = context.split(".")
    if len(tokens) == 1 and len(tokens[0]) == 3 and len(ctx) >= 3:
        parts = ctx[:3] + [tokens[0][0], tokens[0][1:]]
        return Code(raw, _join(parts), "kegiatan", "inherited", parent=_join(ctx[:3]))
    if len(tokens) == 1 and len(tokens[0]) <= 4 and len(ctx) >= 5:
        parts = ctx[:5] + [tokens[0].zfill(4)]
        return Code(raw, _join(parts), "sub_kegiatan", "inherited", parent=_join(ctx[:5]))
    return Code(raw, None, None, "invalid", reason=f"relative code {raw!r} does not fit under {context}")


def code_level(code: str) -> str | None:
    """Level of a canonical code from its number of parts."""
    return LEVELS.get(code.count(".") + 1)
