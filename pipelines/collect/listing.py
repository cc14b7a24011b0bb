"""Reading listing pages: links and their dates, the year's report by score, pagination.

Pure functions over decoded HTML and its URL; nothing here fetches. Real columns this follows:
TRS/WCM (``<ul><li><a href="./202501/t20250120_123.html" title="…">…</a><span>2025-01-20</span>``
with ``createPageHTML(5, 0, "index", "html")`` writing the pager, pages ``index_1.html`` …),
Hanweb 大汉 (``/art/2025/1/15/art_1229230631_4327083.html``, ``下一页`` links), and hand-made
pages with page-number links, ``更多>>`` links and ``location.href`` / meta-refresh entry pages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from pipelines.collect import vocabulary as V

_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "O": "0", "一": "1", "二": "2",
              "三": "3", "四": "4", "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = re.compile("[〇零○Ｏ一二三四五六七八九]{4}(?=年)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_CONTEXT_TAGS = ("li", "tr", "dd", "dt", "p")
_PLACE_CHAIN = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,7}?(?:省|市|自治区|自治州|地区|区|县|旗|盟|州))+$"
)


def normalize_title(text: str) -> str:
    """NFKC (full-width digits), Chinese-numeral years as digits, no whitespace or quotes."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"^(?:【[^】]*】|\[[^\]]*\])+", "", text.strip())  # 【年度报告】 column tags
    text = _CN_YEAR.sub(lambda m: "".join(_CN_DIGITS[c] for c in m.group()), text)
    return re.sub(r"[\s\"'“”‘’《》「」【】]+", "", text)


@dataclass(frozen=True)
class Link:
    """An anchor of a page: absolute URL, its words and the text around it (its list item)."""

    url: str
    text: str
    title: str = ""
    context: str = ""

    @property
    def label(self) -> str:
        """The fuller of the anchor text and its title attribute (TRS cuts the text with …)."""
        text, title = self.text.strip(), self.title.strip()
        return title if len(title) >= len(text.rstrip(".…")) else text


@dataclass(frozen=True)
class Score:
    """How much a link title looks like the year's report of the body, and why."""

    value: float
    accepted: bool
    reasons: tuple[str, ...] = field(default=())
    tentative: bool = False  # a cut title (…): the report page's own title must confirm it


_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)


def embedded_records(html: str) -> str:
    """List items a Hanweb 大汉 page carries inside a script for its JS pager to render.

    ``<script type="text/xml"><datastore><recordset><record><![CDATA[<li><a href="/art/…">…</a>
    <span>2025-01-15</span></li>]]></record>…`` — an HTML parser sees only script text, so the
    records are taken out and parsed as the list they become in a browser.
    """
    if "<recordset" not in html.lower():
        return ""
    return "".join(_RECORD.findall(html))


def parse(html: str) -> HTMLParser:
    """The selectolax tree of a page, with a Hanweb page's script-held list items in it."""
    records = embedded_records(html)
    if records:
        html = re.sub(r"(?i)</body>", f"<ul class=\"records\">{records}</ul></body>", html,
                      count=1) if "</body>" in html.lower() else html + f"<ul>{records}</ul>"
    return HTMLParser(html)


def _context_of(node: Node) -> str:
    """Text of the list item (li/tr/dd/p) holding an anchor: where its date is printed."""
    parent = node.parent
    for _ in range(4):
        if parent is None:
            break
        if parent.tag in _CONTEXT_TAGS:
            return parent.text(separator=" ", strip=True)
        parent = parent.parent
    return ""


def links(tree: HTMLParser, base_url: str) -> list[Link]:
    """Every anchor with a followable href, made absolute against the page (or its <base>)."""
    base_node = tree.css_first("base[href]")
    base = urljoin(base_url, base_node.attributes.get("href") or "") if base_node else base_url
    out = []
    for a in tree.css("a"):
        href = (a.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            # <a href="javascript:void(0)" onclick="window.open('/art/…')">
            script = f"{href} {a.attributes.get('onclick') or ''}"
            m = _JS_OPEN.search(script) or _JS_REDIRECT.search(script)
            href = next((g for g in (m.groups() if m else ()) if g), "")
        if not href or href.startswith(("mailto:", "tel:")):
            continue
        url = urljoin(base, href).split("#")[0]
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        out.append(Link(url, a.text(separator="", strip=True), a.attributes.get("title") or "",
                        _context_of(a)))
    return out


def years_in(title: str) -> set[int]:
    """The years a normalised title names (Arabic digits only: Chinese ones were converted)."""
    return {int(y) for y in _YEAR.findall(title)}


def _issuer(title: str, year: int) -> str:
    """The body named in a title: before the year, else between the year and 政府信息公开."""
    pos = title.find(str(year))
    before = re.sub(r"^(关于)", "", title[:pos]) if pos >= 0 else ""
    if before:
        return before
    after = re.sub(rf"^{year}年度?", "", title[pos:]) if pos >= 0 else title
    m = re.match(r"(.*?)(?:政府信息公开|政务公开|信息公开)", after)
    return m.group(1) if m else ""


def _core_name(name: str) -> str:
    name = normalize_title(name)
    for ending in V.GOVERNMENT_ENDINGS:
        if name.endswith(ending):
            return name[: -len(ending)]
    return name


def same_body(issuer: str, body_names: tuple[str, ...]) -> bool | None:
    """Whether a title's issuer is the body (None: the title names none).

    Names match when equal once government endings are dropped, or when the longer ends with
    the shorter and what is left is a chain of places (江苏省淮安市 vs 淮安市; 淮安市自然资源和
    规划局 vs 自然资源和规划局). 淮安市 does not match 淮安市自然资源和规划局: a department's name
    is more than its place.
    """
    issuer = _core_name(issuer)
    if not issuer:
        return None
    for name in body_names:
        core = _core_name(name)
        if not core:
            continue
        if core == issuer:
            return True
        long, short = (core, issuer) if len(core) > len(issuer) else (issuer, core)
        if long.endswith(short) and _PLACE_CHAIN.match(long[: -len(short)]):
            return True
    return False


def score_title(title: str, year: int, body_names: tuple[str, ...] = ()) -> Score:
    """Score a link title as the ``year`` report of the body named ``body_names``."""
    t = normalize_title(title)
    reasons: list[str] = []
    years = years_in(t)
    if year not in years:
        return Score(0.0, False, ("year missing" if not years else f"other year {sorted(years)}",))
    value = V.YEAR_WEIGHT
    found: dict[str, float] = {}
    for group, words in V.GROUPS:
        best = max((w for word, w in words if word in t), default=0.0)
        if best:
            found[group] = best
            value += best
    missing = [g for g in V.REQUIRED if g not in found]
    # A list that cuts titles without a title attribute (淮安市2024年政府信息公开工作...) may
    # have cut the report word off: take it on trust, to be confirmed by the page's title.
    tentative = missing == ["report"] and t.endswith(("...", "…", ".."))
    if tentative:
        missing, value = [], value + min(w for _, w in dict(V.GROUPS)["report"])
        reasons.append("cut title")
    if missing:
        reasons.append(f"missing {'+'.join(missing)}")
    for word, weight in V.PENALTIES:
        if word in t:
            value -= weight
            reasons.append(f"-{word}")
    same = same_body(_issuer(t, year), body_names) if body_names else None
    if same is True:
        value += V.NAME_MATCH
        reasons.append("+name")
    elif same is False:
        value -= V.NAME_MISMATCH
        reasons.append("-other body")
    return Score(value, not missing and value >= V.THRESHOLD, tuple(reasons), tentative)


_DATE = re.compile(
    r"((?:19|20)\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?(?!\d)"
)
_URL_DATES = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_"),  # TRS t20250120_123.html
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),  # Hanweb /art/2025/1/15/
)


def _valid(y: str, m: str, d: str) -> date | None:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def find_date(text: str) -> date | None:
    """The first full date printed in ``text`` (2025-01-20, 2025/1/20, 2025年1月20日)."""
    for m in _DATE.finditer(unicodedata.normalize("NFKC", text)):
        found = _valid(*m.groups())
        if found:
            return found
    return None


def date_in_url(url: str) -> date | None:
    """A publication date written into a CMS's article URL (TRS ``t20250120_``, Hanweb)."""
    for pattern in _URL_DATES:
        m = pattern.search(url)
        if m and (found := _valid(*m.groups())):
            return found
    return None


def listing_date(link: Link) -> date | None:
    """The date printed next to a list item, else inside the anchor, else in its URL."""
    context = link.context
    for own in (link.text, link.title):
        if own:
            context = context.replace(own, " ")
    return find_date(context) or find_date(link.text) or date_in_url(link.url)


@dataclass(frozen=True)
class Candidate:
    """A link taken for the year's report, with its score and the listing it came from."""

    link: Link
    score: Score
    listing_url: str
    published: date | None


def candidates(
    tree: HTMLParser, url: str, year: int, body_names: tuple[str, ...]
) -> list[Candidate]:
    """The accepted report links of one listing page, best first."""
    found: dict[str, Candidate] = {}
    for link in links(tree, url):
        s = score_title(link.label, year, body_names)
        if s.accepted and (link.url not in found or found[link.url].score.value < s.value):
            found[link.url] = Candidate(link, s, url, listing_date(link))
    return sorted(found.values(), key=lambda c: -c.score.value)


_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
_JS_STRING = re.compile(r"""["']([^"']*)["']""")


def js_pages(html: str, url: str) -> list[str]:
    """Pages a TRS pager script writes: ``createPageHTML(count, current, "index", "html")``.

    Page 0 is ``index.html``, page n is ``index_n.html``; a variant puts a div id first
    (``createPageHTML('page_div', 5, 0, 'index', 'html')``): the first two integers are the
    count and the current page, the strings after them the name and extension.
    """
    out: list[str] = []
    for m in _CREATE_PAGE.finditer(html):
        args = m.group(1)
        ints = [int(x) for x in re.findall(r"(?<![\w.])(\d+)(?![\w.])", _JS_STRING.sub("", args))]
        strings = [s for s in _JS_STRING.findall(args) if s]
        if len(ints) < 2:
            continue
        count = min(ints[0], 200)
        name, ext = ("index", "html")
        if len(strings) >= 2:
            name, ext = strings[-2], strings[-1]
        for n in range(count):
            page = f"{name}.{ext}" if n == 0 else f"{name}_{n}.{ext}"
            out.append(urljoin(url, page))
    return out


def _is_next(text: str) -> bool:
    t = text.strip().lower()
    return t in V.NEXT_PAGE or any(w in t for w in V.NEXT_PAGE if len(w) > 2)


def _beside(url: str, page: str) -> bool:
    """Whether ``url`` lies in the same folder of the same host as ``page`` (its pages do)."""
    a, b = urlsplit(url), urlsplit(page)
    return a.netloc == b.netloc and a.path.rsplit("/", 1)[0] == b.path.rsplit("/", 1)[0]


def next_pages(tree: HTMLParser, html: str, url: str) -> list[str]:
    """Further pages of the same listing: next-page links, page numbers, the TRS pager.

    A worded link (下一页, next) is followed wherever it points; a bare number or arrow only
    within the listing's folder — calendars and breadcrumbs are numbers and arrows too.
    """
    out: list[str] = []
    for link in links(tree, url):
        label = (link.text or link.title).strip()
        worded = any(ch.isalpha() for ch in label)
        numbered = label.isdigit() and len(label) <= 3
        if (_is_next(label) and worded) or ((numbered or _is_next(label))
                                            and _beside(link.url, url)):
            out.append(link.url)
    out += js_pages(html, url)
    return [u for u in dict.fromkeys(out) if u != url]


def more_links(tree: HTMLParser, url: str) -> list[str]:
    """``更多>>`` links: the full list of a column shown abridged on an entry page."""
    out = []
    for link in links(tree, url):
        label = (link.text or link.title).strip().lower()
        if any(w in label for w in V.MORE) and len(label) <= 8:
            out.append(link.url)
    return list(dict.fromkeys(out))


_JS_OPEN = re.compile(r"""window\.open\s*\(\s*['"]([^'"]+)['"]""")
_META_REFRESH = re.compile(r"""\d*\s*;?\s*url\s*=\s*['"]?([^'">\s]+)""", re.I)
_JS_REDIRECT = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*['"]([^'"]+)['"]"""
    r"""|location\.(?:replace|assign)\s*\(\s*['"]([^'"]+)['"]\s*\)""",
)
_REDIRECT_PAGE_MAX_CHARS = 400  # a redirecting stub has hardly any text of its own


def visible_text(tree: HTMLParser) -> str:
    """The page's text without scripts and styles."""
    body = tree.body or tree.root
    if body is None:
        return ""
    clone = HTMLParser(body.html or "")
    for node in clone.css("script, style, noscript"):
        node.decompose()
    return clone.text(separator="\n", strip=True)


def redirect_target(tree: HTMLParser, html: str, url: str) -> str | None:
    """Where a stub page sends the browser: ``<meta http-equiv=refresh>`` or ``location.href``.

    Only for pages with hardly any text: a full page that merely contains a script assigning
    ``location`` somewhere (a search box, a language switch) is not a redirect.
    """
    for meta in tree.css("meta[http-equiv]"):
        if (meta.attributes.get("http-equiv") or "").lower() == "refresh":
            m = _META_REFRESH.search(meta.attributes.get("content") or "")
            if m:
                return urljoin(url, m.group(1))
    if len(visible_text(tree)) > _REDIRECT_PAGE_MAX_CHARS:
        return None
    for script in tree.css("script"):
        m = _JS_REDIRECT.search(script.text() or "")
        if m:
            return urljoin(url, m.group(1) or m.group(2))
    return None


_PUBDATE_META = ("pubdate", "publishdate", "firstpublishedtime", "publishtime", "dc.date")


def page_date(tree: HTMLParser) -> date | None:
    """A report page's publication date: a CMS meta tag, else a labelled date in the text."""
    for meta in tree.css("meta[name]"):
        if (meta.attributes.get("name") or "").lower() in _PUBDATE_META:
            found = find_date(meta.attributes.get("content") or "")
            if found:
                return found
    text = visible_text(tree)
    for label in V.DATE_LABELS:
        for m in re.finditer(re.escape(label) + r"\s*[:：]", text):
            found = find_date(text[m.end(): m.end() + 24])
            if found:
                return found
    return None
