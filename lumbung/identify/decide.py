"""Weigh the evidence and decide whose report this is, or say why it cannot be decided.

Never a silent guess: when the evidence is missing, weak, split between kecamatan, names a
kecamatan the reference lacks, or names a kabupaten/kota or provinsi that does not hold the
kecamatan, `IdentificationError` says what was found, where, and the candidates.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from lumbung.identify.evidence import Mention
from lumbung.identify.gazetteer import Gazetteer, Kecamatan, key

MIN_WEIGHT = 4  # a title, heading or signature mention, or four mentions in the text
MARGIN = 3  # the winner must weigh at least three times the runner-up


class IdentificationError(ValueError):
    """The document's type, kecamatan or period could not be decided without guessing."""


@dataclass(frozen=True)
class Group:
    name: str
    known: bool
    weight: int
    mentions: tuple[Mention, ...]
    nearest: str | None

    def where(self, n: int = 2) -> str:
        strongest = sorted(self.mentions, key=lambda m: (-m.weight, m.line))[:n]
        return "; ".join(m.describe() for m in strongest)


def _groups(mentions: list[Mention]) -> list[Group]:
    by_name: dict[tuple[str, bool], list[Mention]] = defaultdict(list)
    for m in mentions:
        by_name[(m.value.lower() if m.known else " ".join(m.value.lower().split()), m.known)].append(m)
    groups = [Group(ms[0].value, known, sum(m.weight for m in ms), tuple(ms), ms[0].nearest)
              for (_name, known), ms in by_name.items()]
    return sorted(groups, key=lambda g: (-g.weight, g.name))


def _region_weights(mentions: list[Mention]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for m in mentions:
        out[m.value] += m.weight
    return out


def _fmt(k: Kecamatan) -> str:
    return f"{k.name} ({k.kabupaten_kota}, {k.provinsi})"


def decide_kecamatan(kecamatan: list[Mention], regions: list[Mention], provinsi: list[Mention],
                     gazetteer: Gazetteer) -> Kecamatan:
    groups = [g for g in _groups(kecamatan) if g.weight > 0]
    if not groups:
        seen = "; ".join(f'"{m.written}" ({m.describe()})' for m in kecamatan[:3])
        raise IdentificationError("no kecamatan named in the title, headings, signature or text"
                                  + (f" (only in tables or addresses: {seen})" if seen else ""))
    best = groups[0]
    if best.weight < MIN_WEIGHT:
        raise IdentificationError(f'evidence too weak: kecamatan "{best.name}" named only in the text '
                                  f"({best.where()}), nowhere on the title page, headings or signature")
    if not best.known:
        nearest = gazetteer.kecamatan.get(key(best.nearest)) if best.nearest else None
        candidates = nearest or tuple(gazetteer.nearest(best.name))
        raise IdentificationError(f'kecamatan "{best.name}" ({best.where()}) is not in the Kemendagri reference; '
                                  f"nearest: {', '.join(_fmt(k) for k in candidates[:3])}")
    runner = next((g for g in groups[1:] if g.name.lower() != best.name.lower()), None)
    if runner is not None and best.weight < MARGIN * runner.weight:
        raise IdentificationError(f'kecamatan is ambiguous: "{best.name}" ({best.where()}; weight {best.weight}) or '
                                  f'"{runner.name}" ({runner.where()}; weight {runner.weight})')
    return _by_region(best, gazetteer.kecamatan[key(best.name)], regions, provinsi)


def _by_region(best: Group, holders: tuple[Kecamatan, ...], regions: list[Mention],
               provinsi: list[Mention]) -> Kecamatan:
    """The holder of the name whose kabupaten/kota (then provinsi) the report names; and the
    regions the report names must agree with it."""
    region_w = _region_weights(regions)
    prov_w = _region_weights(provinsi)

    def support(k: Kecamatan) -> tuple[int, int]:
        return region_w.get(k.kabupaten_kota, 0), prov_w.get(k.provinsi, 0)

    ranked = sorted(holders, key=support, reverse=True)
    chosen = ranked[0]
    if len(ranked) > 1 and support(ranked[1]) == support(chosen):
        tied = [k for k in ranked if support(k) == support(chosen)]
        named = _named(regions) or "no kabupaten/kota"
        raise IdentificationError(
            f'kecamatan "{best.name}" ({best.where()}) is held by {len(holders)} kabupaten/kota '
            f"({', '.join(k.kabupaten_kota for k in tied[:6])}); the report names {named}: cannot tell which")
    _agrees(best, chosen, region_w, regions, "kabupaten/kota", chosen.kabupaten_kota)
    _agrees(best, chosen, prov_w, provinsi, "provinsi", chosen.provinsi)
    return chosen


def _named(mentions: list[Mention]) -> str:
    weights = _region_weights(mentions)
    ranked = sorted(weights.items(), key=lambda kv: -kv[1])[:3]
    return ", ".join(f"{name} ({next(m for m in mentions if m.value == name).describe()})" for name, _w in ranked)


def _agrees(best: Group, chosen: Kecamatan, weights: dict[str, int], mentions: list[Mention], what: str,
            own: str) -> None:
    """A kabupaten/kota or provinsi named more strongly than the kecamatan's own is a conflict."""
    if not weights:
        return
    top, top_weight = max(weights.items(), key=lambda kv: kv[1])
    own_weight = weights.get(own, 0)
    if top != own and top_weight >= MIN_WEIGHT and top_weight > MARGIN * own_weight:
        where = next(m for m in sorted(mentions, key=lambda m: -m.weight) if m.value == top).describe()
        raise IdentificationError(
            f'kecamatan "{best.name}" ({best.where()}) lies in {chosen.kabupaten_kota}, {chosen.provinsi}, '
            f"but the report names {what} {top} ({where}; weight {top_weight} against {own_weight}): "
            f"the names do not agree")
