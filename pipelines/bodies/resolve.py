"""Resolve an issuing body's name to its region code, level and type.

The name is read as a chain of places (淮安市 → 洪泽区) followed by words that say what kind
of body it is (人民政府, 办公厅, a department, a township). Each place must lie inside the one
before it. A name that fits several places (鼓楼区 is in four cities) is narrowed by the
provinces and cities the context names, then by the report year; what is still several is
reported ``ambiguous`` with the candidates, never guessed. A place not found letter for letter
may be an OCR misreading (沐阳县 for 沭阳县): one substituted character is accepted only when a
province or city in the name or context leaves a single match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from pipelines.bodies import clues, names
from pipelines.bodies.divisions import level_of
from pipelines.bodies.index import Place, PlaceIndex, place_index

if TYPE_CHECKING:
    from pipelines.extract.model import Body

Status = Literal["resolved", "ambiguous", "unknown"]


def _new_body(*args: str | None, **kwargs: str | None) -> Body:
    """Build a Body, importing it late.

    ``pipelines.extract``'s package init imports this package (its metadata step calls
    :func:`resolve_body`), so importing ``pipelines.extract.model`` at the top would be circular
    whenever ``pipelines.bodies`` is imported first.
    """
    from pipelines.extract.model import Body

    return Body(*args, **kwargs)


@dataclass(frozen=True)
class Resolution:
    """A resolved body with how sure we are of its place.

    Attributes:
        body: The body; ``region_code`` is None unless ``status`` is ``resolved``.
        status: ``resolved`` (one place), ``ambiguous`` (several fit, see ``candidates``) or
            ``unknown`` (no place found).
        candidates: Region codes that fit when ambiguous, sorted.
        corrections: Repairs applied, e.g. ``("沐阳县→沭阳县",)``, for provenance.
    """

    body: Body
    status: Status
    candidates: tuple[str, ...] = ()
    corrections: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Token:
    places: tuple[Place, ...]
    length: int
    correction: str = ""
    trusted: bool = True  # False: an OCR repair nothing in the name or context confirmed


class _Context:
    """What the surrounding text says, read only when the name alone does not settle it.

    Most names resolve without it; simplifying and scanning a few thousand characters would
    otherwise dominate the cost of a call.
    """

    def __init__(self, name: str, text: str, index: PlaceIndex) -> None:
        self._name, self._text, self._index = name, text, index

    @cached_property
    def places(self) -> tuple[Place, ...]:
        """Provinces and cities the context names in full."""
        return self._index.mentioned(names.simplify(self._text)) if self._text else ()

    @cached_property
    def issuers(self) -> tuple[Place, ...]:
        """Places of the page's issuer fields (发布机构, 来源 …) that resolve on their own."""
        found: dict[str, Place] = {}
        for line in clues.issuer_lines(self._text) if self._text else ():
            r = resolve_body_detailed(line)
            if r.status == "resolved" and r.body.region_code:
                code = r.body.region_code
                found[code] = Place(code, r.body.name or "", level_of(code))
        return tuple(found.values())

    @cached_property
    def clues(self) -> tuple[tuple[Place, ...], ...]:
        """Every clue's places, strongest first: names in full, issuer fields, site, 发文字号."""
        if not self._text:
            return ()
        found = (
            self.places,
            self.issuers,
            clues.site_places(self._text),
            clues.document_number_places(self._text),
        )
        return tuple(c for c in found if c)

    @cached_property
    def scope(self) -> tuple[Place, ...] | None:
        """Every place any clue names: where an OCR repair may be confirmed (None: no clue)."""
        merged = {p.code: p for clue in self.clues for p in clue}
        return tuple(merged.values()) or None

    @cached_property
    def year(self) -> int | None:
        """The report year: the name's (a title) first, else the context's first."""
        return names.year_in(self._name) or (names.year_in(self._text) if self._text else None)


def _inside(places: tuple[Place, ...], within: tuple[Place, ...] | None) -> tuple[Place, ...]:
    if within is None:
        return places
    return tuple(p for p in places if any(w.contains(p) for w in within))


def _at_or_inside(
    places: tuple[Place, ...], scope: tuple[Place, ...] | None
) -> tuple[Place, ...]:
    """Places inside ``scope`` or equal to one of it (a site can name the county itself)."""
    if scope is None:
        return places
    return tuple(p for p in places if any(s.code == p.code or s.contains(p) for s in scope))


def _next_token(
    text: str,
    pos: int,
    index: PlaceIndex,
    within: tuple[Place, ...] | None,
    context: _Context,
) -> _Token | None:
    """The place at ``pos``: the longest exact name inside ``within``, else an OCR repair."""
    exact = index.exact(text, pos)
    for key, places in exact:
        if within is not None and not any(w.level == "county" for w in within):
            places = tuple(p for p in places if p.level != "township")
        inside = _inside(places, within)
        if inside:
            return _Token(inside, len(key))
    if exact and within is not None:
        # The name contradicts the chain (a renumbered parent): trust the nearer name. Not for
        # townships: 新建镇 elsewhere says nothing about an unlisted one in this county.
        key, places = exact[0]
        places = tuple(p for p in places if p.level != "township")
        if places:
            return _Token(places, len(key))
    return _fuzzy_token(text, pos, index, within if within else context.scope)


def _fuzzy_token(
    text: str, pos: int, index: PlaceIndex, scope: tuple[Place, ...] | None
) -> _Token | None:
    hits = index.fuzzy(text, pos)
    found = [
        (n, p) for n, ps in hits.items() for p in _at_or_inside(ps, scope) if p.valid_to is None
    ]
    if not found:
        return None
    if len({n for n, _ in found}) > 1:
        # Several names one character away: keep those a known OCR confusion explains.
        found = [
            (n, p) for n, p in found if names.ocr_confusable(text[pos : pos + len(n)], n)
        ] or found
    length = len(found[0][0])
    official = {n for n, _ in found}
    written = text[pos : pos + length]
    correction = f"{written}→{official.pop()}" if len(official) == 1 else ""
    return _Token(tuple(p for _, p in found), length, correction, trusted=scope is not None)


def _parse(text: str, index: PlaceIndex, context: _Context) -> tuple[list[_Token], str]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        token = _next_token(text, pos, index, tokens[-1].places if tokens else None, context)
        if token is None:
            break
        tokens.append(token)
        pos += token.length
    return tokens, text[pos:]


def _narrow(places: tuple[Place, ...], context: _Context) -> tuple[Place, ...]:
    """Cut several fitting places down by context, year, and to the latest of one name."""
    if len(places) < 2:
        return places
    # The cheap cuts first (year, superseded codes): reading the context for clues costs more
    # than the rest of a document's metadata, and a retired namesake (the county-level 淮安市
    # before 2001) must not be picked by a clue that names its old parent.
    places = _by_year_and_succession(places, context)
    if len(places) < 2:
        return places
    # One clue at a time, strongest first; a clue that fits none of the places is ignored.
    for clue in context.clues:
        for level in ("county", "city", "province"):
            scope = tuple(c for c in clue if c.level == level)
            inside = _at_or_inside(places, scope) if scope else ()
            if len(places) > 1 and inside:
                places = inside
    return _by_year_and_succession(places, context)


def _by_year_and_succession(places: tuple[Place, ...], context: _Context) -> tuple[Place, ...]:
    """Keep the places valid in the report's year and drop codes superseded by a namesake."""
    if context.year is not None and len(places) > 1:
        places = tuple(p for p in places if p.valid_in(context.year)) or places

    # A retired code with the same name as a later one in its province is that place before
    # renumbering (洪泽县 322230 → 320829): drop it. Two current 鼓楼区 in 江苏 both stay.
    def superseded(p: Place) -> bool:
        return p.valid_to is not None and any(
            q.name == p.name and q.code[:2] == p.code[:2] and (q.valid_to or 9999) > p.valid_to
            for q in places
        )

    return tuple(p for p in places if not superseded(p))


def _official(tokens: list[_Token], text: str) -> str:
    """The chain's names in official form (corrected, full, simplified)."""
    parts, pos = [], 0
    for token in tokens:
        names_ = {p.name for p in token.places}
        parts.append(names_.pop() if len(names_) == 1 else text[pos : pos + token.length])
        pos += token.length
    return "".join(parts)


def _body(place_name: str, places: tuple[Place, ...], rest: str) -> tuple[Body, tuple[Place, ...]]:
    """Type, level and full name from the deepest place and the words after it."""
    head = places[0]
    levels = {p.level for p in places}
    level = levels.pop() if len(levels) == 1 else None
    if level == "township":
        tail = (
            names.township_tail(head.name, rest)
            if rest in ("", "政府", "人民政府", "办事处", "街道办事处")
            else rest
        )
        return _new_body(place_name + tail, None, "township", "government"), places
    suffix = names.classify_suffix(rest, special_zone=all(p.special_zone for p in places))
    if suffix.type == "township":
        # A 乡/镇/街道 the data does not list: it takes its county's code (or a county-less
        # city's, 东莞), never a province's.
        if level not in ("county", "city"):
            return _new_body(place_name + suffix.text, None, "township", "government"), ()
        return _new_body(place_name + suffix.text, None, "township", "government"), places
    return _new_body(place_name + suffix.text, None, level, suffix.type), places


def resolve_body_detailed(name: str | None, context: str = "") -> Resolution:
    """Resolve an issuer name, or a title containing it, to a body with a status.

    Args:
        name: The issuer as the document gives it: a title (``淮安市洪泽区人民政府2023年
            政府信息公开工作年度报告``), an issuer line or 发布机构 field; any script.
        context: Surrounding text. Provinces and cities named in full there narrow an
            ambiguous place and allow OCR repair; its first ``YYYY年`` dates old names when
            the name has none.

    Returns:
        A :class:`Resolution`; its ``body.region_code`` is set only when ``resolved``.
    """
    text = names.issuer_part(name or "")
    if not text:
        return Resolution(_new_body(name=name or None), "unknown")
    index = place_index()
    scope = _Context(name or "", context, index)
    tokens, rest = _parse(text, index, scope)
    if not tokens:
        return Resolution(
            _new_body(name=text, type=names.classify_suffix(rest, special_zone=False).type),
            "unknown",
        )
    body, places = _body(_official(tokens, text), _narrow(tokens[-1].places, scope), rest)
    corrections = tuple(t.correction for t in tokens if t.correction)
    if len(places) == 1 and all(t.trusted for t in tokens):
        return Resolution(_with_code(body, places[0]), "resolved", (), corrections)
    status: Status = "ambiguous" if places else "unknown"
    return Resolution(body, status, tuple(sorted({p.code for p in places})), corrections)


def _with_code(body: Body, place: Place) -> Body:
    return _new_body(body.name, place.code, body.level or place.level, body.type)


def resolve_body(name: str | None, context: str = "") -> Body:
    """Map an issuer name (and surrounding text) to a :class:`Body`; unknown parts stay None.

    The extraction engine's entry point; see :func:`resolve_body_detailed` for the status and
    candidates behind the answer.
    """
    return resolve_body_detailed(name, context).body
