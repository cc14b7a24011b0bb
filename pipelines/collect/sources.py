r"""The sources file: which bodies to collect, from which listing pages, with optional hints.

YAML (see ``sources.example.yaml`` beside this module for the documented format)::

    defaults: {max_pages: 10}
    sources:
      - body: 淮安市人民政府
        listing: https://www.example.gov.cn/col/ndbg/index.html   # or listings: [...]
        aliases: [淮安市政府]        # other names titles use for the body (optional)
        encoding: gbk               # when a page's declared charset is wrong (optional)
        link_pattern: 't\\d{8}_'    # a regex report URLs must match (optional)
        max_pages: 5                # listing pages to walk at most (optional)

Each body resolves through :mod:`pipelines.bodies` to the warehouse's body id; a body that does
not resolve to one place is reported ``unresolved_body`` and skipped, never guessed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_PAGES = 10


class SourcesError(ValueError):
    """The sources file cannot be read at all (not YAML, no ``sources`` list)."""


@dataclass(frozen=True)
class Source:
    """One body's report column."""

    source_id: str
    body_name: str
    listings: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    encoding: str | None = None
    link_pattern: str | None = None
    max_pages: int = DEFAULT_MAX_PAGES
    problem: str | None = None  # why this entry cannot be used (bad URL, bad regex)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the body's report titles may use."""
        return (self.body_name, *self.aliases)


@dataclass(frozen=True)
class ResolvedBody:
    """The warehouse's view of a source's body: ``body_id`` as ``dim_body`` has it."""

    body_id: str | None
    region_code: str | None
    name: str
    status: str  # resolved | ambiguous | unknown
    candidates: tuple[str, ...] = field(default=())


def _slug(body: str, listing: str) -> str:
    return hashlib.sha1(f"{body}|{listing}".encode()).hexdigest()[:10]


def _entry(raw: dict, defaults: dict, n: int) -> Source:
    body = str(raw.get("body") or "").strip()
    listings = raw.get("listings") or raw.get("listing") or []
    if isinstance(listings, str):
        listings = [listings]
    listings = tuple(str(u).strip() for u in listings if str(u).strip())
    problem = None
    if not body:
        problem = f"第 {n} 条缺少 body / entry {n} has no body"
    elif not listings:
        problem = f"{body}：缺少 listing / no listing URL"
    elif bad := [u for u in listings if not re.match(r"https?://", u)]:
        problem = f"{body}：列表地址不是 http(s) / listing is not an http(s) URL: {bad[0]}"
    pattern = raw.get("link_pattern", defaults.get("link_pattern"))
    if pattern:
        try:
            re.compile(pattern)
        except re.error as exc:
            problem = f"{body}：link_pattern 不是正则表达式 / bad link_pattern: {exc}"
    aliases = raw.get("aliases") or ()
    return Source(
        source_id=str(raw.get("id") or _slug(body, listings[0] if listings else str(n))),
        body_name=body,
        listings=listings,
        aliases=tuple(str(a) for a in ([aliases] if isinstance(aliases, str) else aliases)),
        encoding=raw.get("encoding", defaults.get("encoding")),
        link_pattern=pattern,
        max_pages=int(raw.get("max_pages", defaults.get("max_pages", DEFAULT_MAX_PAGES))),
        problem=problem,
    )


def load_sources(path: Path) -> list[Source]:
    """Read a sources file; a bad entry becomes a Source with its ``problem``, not an error."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SourcesError(f"无法读取来源文件 {path}：{exc} / cannot read sources file") from exc
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise SourcesError(
            f"来源文件 {path} 需要 sources: 列表 / sources file {path} needs a `sources:` list"
        )
    defaults = data.get("defaults") or {}
    out, seen = [], set()
    for n, raw in enumerate(data["sources"], 1):
        src = _entry(raw if isinstance(raw, dict) else {}, defaults, n)
        if src.source_id in seen:
            src = Source(**{**src.__dict__, "problem": f"重复的 id / duplicate id {src.source_id}"})
        seen.add(src.source_id)
        out.append(src)
    return out


def resolve(source: Source) -> ResolvedBody:
    """The body id the warehouse will give the body's reports (``region code|name``)."""
    from pipelines.bodies.resolve import resolve_body_detailed
    from warehouse.ids import body_id

    r = resolve_body_detailed(source.body_name)
    if r.status == "resolved" and r.body.region_code:
        name = r.body.name or source.body_name
        return ResolvedBody(body_id(name, r.body.region_code), r.body.region_code, name,
                            r.status)
    return ResolvedBody(None, None, source.body_name, r.status, r.candidates)
