"""Fixture government sites for the crawler: several HTTP servers on 127.0.0.1, one per "host".

Built from how real 政府信息公开年报 columns are laid out: TRS/WCM lists
(``<li><a href="./202501/t20250120_101.html" title=…>…</a><span>2025-01-20</span>``,
pager ``createPageHTML(3, 0, "index", "html")``), Hanweb 大汉 articles
(``/art/2025/1/8/art_2001_301.html``, ``下一页`` links, ``/module/download/downfile.jsp?…``
servlets with Content-Disposition), entry pages
that redirect by ``location.href``, meta-refresh stubs, GBK and GB2312 pages, attachments in every
format (tests/fixtures/collect/, made by scripts/make_collect_fixtures.py from the demo generator).

Cases (source → what the crawler must say):

====================================  ========================================================
淮安市人民政府 (site ``city``)          TRS list, report on JS page index_1, page holds the report
淮安市自然资源和规划局 (``city``)       same column, page index_2, thin page + ``.xls``
淮安市洪泽区人民政府 (``county``, GBK)  Hanweb script records; thin page + PDF from a download
                                      servlet (octet-stream, Content-Disposition file name)
淮安市洪泽区自然资源和规划局 (``county``) GB2312 page + ``.et``
淮安市洪泽区高良涧街道办事处 (``county``)  ``下一页`` to page 2, ``.doc``
淮安市涟水县人民政府 (``town``)          ``location.href`` entry, ``更多>>``, a cut title, meta
                                       refresh, ``.wps``
江苏省人民政府 (``province``)           list links the ``.docx`` itself; it changes (``bump()``)
淮安市清江浦区人民政府 (``province``)    listing 404 → failed
淮安市淮安区人民政府 (``province``)      redirect loop → failed
淮安市淮阴区人民政府 (``city``)         listing under a robots.txt ``Disallow`` → failed
淮安市盱眙县人民政府 (``slow``)          listing slower than the time cap → failed
淮安市金湖县人民政府 (``slow``)          500 once, then no 2024 report (a cut title is a 要点)
                                       → not_published
宿迁市人民政府 (``town``)               attachment truncated (Content-Length > body) → failed
宿迁市宿城区人民政府 (``town``)          "PDF" that is an HTML error page → failed
示例市测试局                           body does not resolve → unresolved_body
====================================  ========================================================

Only 127.0.0.1 is ever bound or linked to.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import re
import sys
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "collect"
YEAR = 2024
LAST_MODIFIED = "Mon, 20 Jan 2025 02:00:00 GMT"

# body name -> (fixture file, inbox suffix the crawler must store it under)
PUBLISHED = {
    "淮安市人民政府": ("320800_gov_2024.html", ".html"),
    "淮安市自然资源和规划局": ("320800_natural_resources_2024.xls", ".xls"),
    "淮安市洪泽区人民政府": ("320813_gov_2024.pdf", ".pdf"),
    "淮安市洪泽区自然资源和规划局": ("320813_natural_resources_2024.et", ".et"),
    "淮安市洪泽区高良涧街道办事处": ("320813001_gov_2024.doc", ".doc"),
    "淮安市涟水县人民政府": ("320826_gov_2024.wps", ".wps"),
    "江苏省人民政府": ("320000_gov_2024.docx", ".docx"),
}
EXPECTED = {
    **dict.fromkeys(PUBLISHED, "found"),
    "淮安市清江浦区人民政府": "failed",
    "淮安市淮安区人民政府": "failed",
    "淮安市淮阴区人民政府": "failed",
    "淮安市盱眙县人民政府": "failed",
    "淮安市金湖县人民政府": "not_published",
    "宿迁市人民政府": "failed",
    "宿迁市宿城区人民政府": "failed",
    "示例市测试局": "unresolved_body",
}
# What the reason of each failure must say (a word of its Chinese / English text).
REASONS = {
    "淮安市清江浦区人民政府": "404",
    "淮安市淮安区人民政府": "redirect loop",
    "淮安市淮阴区人民政府": "robots.txt",
    "淮安市盱眙县人民政府": "timed out",
    "宿迁市人民政府": "truncated",
    "宿迁市宿城区人民政府": "HTML",
    "淮安市金湖县人民政府": "cut titles were not it",
    "示例市测试局": "not resolved",
}


@dataclass
class Resp:
    """A canned response: status, body, headers, and the faults to inject."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    truncate: bool = False  # announce more bytes than sent, then close
    validators: bool = True  # ETag/Last-Modified and 304s


Route = Callable[[], Resp]


def _html(text: str, encoding: str = "utf-8") -> Resp:
    charset = {"gbk": "GBK", "gb2312": "GB2312"}.get(encoding, "UTF-8")
    return Resp(body=text.encode(encoding),
                headers={"Content-Type": f"text/html; charset={charset}"})


def _file(name: str, content_type: str, **headers: str) -> Resp:
    return Resp(body=(FIXTURES / name).read_bytes(),
                headers={"Content-Type": content_type, **headers})


def _page(title: str, body: str, charset: str = "UTF-8", pubdate: str = "") -> str:
    meta = f'<meta name="PubDate" content="{pubdate} 09:30">' if pubdate else ""
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}">{meta}<title>{title}</title>'
            f'</head><body><div class="head"><a href="/">首页</a> &gt; <a href="../">政务公开</a>'
            f' &gt; 政府信息公开年报</div><div class="main">{body}</div>'
            f'<div class="foot">主办单位：示例 网站标识码 0000000000</div></body></html>')


def _trs_list(items: list[tuple[str, str, str]], pager: str) -> str:
    lis = "".join(
        f'<li><a href="{href}" title="{title}" target="_blank">'
        f'{title[:18] + "..." if len(title) > 20 else title}</a><span>{day}</span></li>'
        for title, href, day in items)
    return f'<ul class="list">{lis}</ul><div class="page">{pager}</div>'


def _thin(title: str, day: str, attachment: str, label: str) -> str:
    return (f'<h1>{title}</h1><div class="info">发布日期：{day}　来源：本机关</div>'
            f'<div class="content"><p>{title}</p><p>附件：<a href="{attachment}">{label}</a></p>'
            f'</div>')


def _report_body(name: str) -> str:
    html = (FIXTURES / name).read_text(encoding="utf-8")
    m = re.search(r"<body[^>]*>(.*)</body>", html, re.S)
    return m.group(1) if m else html


def _docx_version(n: int) -> bytes:
    """The province's DOCX, a different file for each version (a re-published correction)."""
    data = (FIXTURES / "320000_gov_2024.docx").read_bytes()
    if n == 1:
        return data
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a") as z:
        z.comment = f"revision {n}".encode()
    return buf.getvalue()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    site: Site

    def log_message(self, *_: object) -> None:
        pass

    def do_GET(self) -> None:
        # the crawler may give up waiting (the slow case): nothing left to answer
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer()

    def _answer(self) -> None:
        site = self.site
        path = unquote(urlsplit(self.path).path)
        query = urlsplit(self.path).query
        key = f"{path}?{query}" if query and f"{path}?{query}" in site.routes else path
        site.sites.arrived(site.name, key, self.headers.get("User-Agent", ""))
        delay = site.sites.delays.get((site.name, key), 0.0)
        if delay:
            time.sleep(delay)
        route = site.routes.get(key)
        resp = route() if route else Resp(404, _page("404", "<h1>404 页面不存在</h1>").encode(),
                                          {"Content-Type": "text/html; charset=UTF-8"})
        headers = dict(resp.headers)
        if resp.status == 200 and resp.validators:
            etag = '"' + hashlib.sha1(resp.body).hexdigest()[:16] + '"'
            headers.setdefault("ETag", etag)
            headers.setdefault("Last-Modified", LAST_MODIFIED)
            if self.headers.get("If-None-Match") == headers["ETag"] or (
                    "If-None-Match" not in self.headers
                    and self.headers.get("If-Modified-Since") == headers["Last-Modified"]):
                site.sites.record(site.name, key, 304)
                self.send_response(304)
                self.send_header("ETag", headers["ETag"])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        site.sites.record(site.name, key, resp.status)
        self.send_response(resp.status)
        for k, v in headers.items():
            self.send_header(k, v)
        length = len(resp.body) + (4096 if resp.truncate else 0)
        self.send_header("Content-Length", str(length))
        if resp.truncate:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(resp.body)
        if resp.truncate:
            self.wfile.flush()
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (the crawler gave up on the slow case) is no error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Site:
    """One fixture host: its name, routes and server."""

    name: str
    sites: Sites
    routes: dict[str, Route] = field(default_factory=dict)
    server: _Server | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> None:
        handler = type(f"Handler_{self.name}", (_Handler,), {"site": self})
        self.server = _Server(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Sites:
    """Every fixture site, started; ``url(site, path)``, ``sources_yaml(path)``, ``close()``."""

    def __init__(self) -> None:
        self.version = 1  # of the province's DOCX
        self.hits: Counter[tuple[str, str, int]] = Counter()
        self.delays: dict[tuple[str, str], float] = {}
        self.arrivals: list[tuple[str, str, float]] = []  # (site, path, monotonic time)
        self.user_agents: set[str] = set()
        self._lock = threading.Lock()
        self._failed_once: set[str] = set()
        self.site: dict[str, Site] = {n: Site(n, self) for n in
                                      ("city", "county", "town", "province", "slow")}
        for s in self.site.values():
            s.start()
        self._city()
        self._county()
        self._town()
        self._province()
        self._slow()

    def arrived(self, site: str, path: str, user_agent: str) -> None:
        with self._lock:
            self.arrivals.append((site, path, time.monotonic()))
            self.user_agents.add(user_agent)

    def record(self, site: str, path: str, status: int = 0) -> None:
        with self._lock:
            self.hits[(site, path, status)] += 1

    def requests_to(self, site: str, path: str) -> int:
        """Requests answered for a path, whatever the status."""
        return sum(n for (s, p, _), n in self.hits.items() if s == site and p == path)

    def answered(self, status: int) -> set[tuple[str, str]]:
        """(site, path) of every request answered with ``status``."""
        return {(s, p) for (s, p, st) in self.hits if st == status}

    def reset(self) -> None:
        """Forget the requests seen so far (between two runs)."""
        with self._lock:
            self.hits.clear()
            self.arrivals.clear()

    def url(self, site: str, path: str) -> str:
        return self.site[site].base + path

    def bump(self) -> None:
        """Publish a corrected version of the province's DOCX (a new ETag)."""
        self.version += 1

    def close(self) -> None:
        for s in self.site.values():
            if s.server:
                s.server.shutdown()
                s.server.server_close()

    # -- the sites ------------------------------------------------------------------------

    def _city(self) -> None:
        """淮安市: a TRS column shared by the city and its departments, JS pager."""
        r = self.site["city"].routes
        r["/robots.txt"] = lambda: Resp(body=b"User-agent: *\nDisallow: /private/\n",
                                        headers={"Content-Type": "text/plain"})
        pager = '<script>createPageHTML(3, {cur}, "index", "html");</script>'
        page0 = _trs_list([
            ("淮安市2025年政务公开工作要点", "./202503/t20250301_90.html", "2025-03-01"),
            ("淮安市教育局2024年度政府信息公开工作年度报告", "./202502/t20250205_91.html",
             "2025-02-05"),
            ("图解：淮安市2024年政府信息公开工作年度报告", "./202501/t20250121_92.html",
             "2025-01-21"),
            ("淮安市2024年度部门决算公开", "./202501/t20250110_93.html", "2025-01-10"),
        ], pager.format(cur=0))
        page1 = _trs_list([
            ("淮安市2024年政府信息公开工作年度报告", "./202501/t20250120_101.html", "2025-01-20"),
            ("淮安市2023年政府信息公开工作年度报告", "./202401/t20240119_81.html", "2024-01-19"),
        ], pager.format(cur=1))
        page2 = _trs_list([
            ("淮安市自然资源和规划局2024年度政府信息公开工作年度报告",
             "./202501/t20250131_102.html", "2025-01-31"),
            ("淮安市自然资源和规划局2023年度政府信息公开工作年度报告",
             "./202401/t20240130_82.html", "2024-01-30"),
        ], pager.format(cur=2))
        r["/col/ndbg/index.html"] = lambda: _html(_page("政府信息公开年报", page0))
        r["/col/ndbg/index_1.html"] = lambda: _html(_page("政府信息公开年报", page1))
        r["/col/ndbg/index_2.html"] = lambda: _html(_page("政府信息公开年报", page2))
        report = _report_body("320800_gov_2024.html")
        r["/col/ndbg/202501/t20250120_101.html"] = lambda: _html(_page(
            "淮安市2024年政府信息公开工作年度报告", report, pubdate="2025-01-20"))
        r["/col/ndbg/202501/t20250131_102.html"] = lambda: _html(_page(
            "淮安市自然资源和规划局2024年度政府信息公开工作年度报告",
            _thin("淮安市自然资源和规划局2024年度政府信息公开工作年度报告", "2025-01-31",
                  "./P020250131388512.xls", "2024年度政府信息公开工作年度报告.xls")))
        r["/col/ndbg/202501/P020250131388512.xls"] = lambda: _file(
            "320800_natural_resources_2024.xls", "application/vnd.ms-excel")
        r["/private/ndbg/index.html"] = lambda: _html(_page("内部", page1))

    def _county(self) -> None:
        """洪泽区: a Hanweb column in GBK, 下一页 pager, townships' reports on page 2."""
        r = self.site["county"].routes

        def hanweb(items: list[tuple[str, str, str]], nav: str) -> str:
            rows = "".join(f'<tr><td><a href="{h}" target="_blank">{t}</a></td><td>[{d}]</td></tr>'
                           for t, h, d in items)
            return (f'<table class="list">{rows}</table><div class="pages">{nav}</div>')

        # Hanweb's jpage: the first page's items travel inside a script as CDATA records
        records = "".join(
            f'<record><![CDATA[<li><a href="{h}" target="_blank" title="{t}">{t}</a>'
            f'<span class="bt_time">{d}</span></li>]]></record>' for t, h, d in (
                ("洪泽区2025年政务公开工作要点", "/art/2025/3/1/art_2001_300.html", "2025-03-01"),
                ("淮安市洪泽区人民政府2024年度政府信息公开工作年度报告",
                 "/art/2025/1/8/art_2001_301.html", "2025-01-08"),
                ("洪泽区自然资源和规划局2024年政府信息公开工作年度报告",
                 "/art/2025/1/31/art_2001_302.html", "2025-01-31")))
        first = (f'<div id="2001"><script type="text/xml"><datastore><nextgroup><![CDATA[]]>'
                 f'</nextgroup><recordset>{records}</recordset></datastore></script></div>'
                 '<div class="pages"><span>1</span> <a href="index_2.htm">2</a> '
                 '<a href="index_2.htm">下一页</a></div>')
        second = hanweb([
            ("高良涧街道2024年度政府信息公开工作年度报告", "/art/2025/1/14/art_2001_303.html",
             "2025-01-14"),
            ("淮安市洪泽区人民政府2023年度政府信息公开工作年度报告",
             "/art/2024/1/10/art_2001_201.html", "2024-01-10"),
        ], '<a href="index.htm">上一页</a> <a href="index.htm">1</a> <span>2</span>')
        r["/zwgk/ndbg/index.htm"] = lambda: _html(_page("年度报告", first, "GBK"), "gbk")
        r["/zwgk/ndbg/index_2.htm"] = lambda: _html(_page("年度报告", second, "GBK"), "gbk")
        title = "淮安市洪泽区人民政府2024年度政府信息公开工作年度报告"
        servlet = "/module/download/downfile.jsp?classid=0&filename=2501081530.pdf"
        r["/art/2025/1/8/art_2001_301.html"] = lambda: _html(_page(
            title, _thin(title, "2025-01-08", servlet, title + ".pdf"), "GBK"), "gbk")
        r[servlet] = lambda: _file(
            "320813_gov_2024.pdf", "application/octet-stream",
            **{"Content-Disposition": "attachment; filename*=UTF-8''" + quote(title + ".pdf")})
        t2 = "洪泽区自然资源和规划局2024年政府信息公开工作年度报告"
        r["/art/2025/1/31/art_2001_302.html"] = lambda: _html(_page(
            t2, _thin(t2, "2025-01-31", "/picture/0/2501311012.et", "附件下载"), "GB2312"),
            "gb2312")
        r["/picture/0/2501311012.et"] = lambda: _file(
            "320813_natural_resources_2024.et", "application/octet-stream")
        t3 = "高良涧街道2024年度政府信息公开工作年度报告"
        r["/art/2025/1/14/art_2001_303.html"] = lambda: _html(_page(
            t3, _thin(t3, "2025-01-14", "../../../../module/download/2501141100.doc",
                      t3 + ".doc"), "GBK"), "gbk")
        r["/module/download/2501141100.doc"] = lambda: _file(
            "320813001_gov_2024.doc", "application/msword")

    def _town(self) -> None:
        """涟水县 and 宿迁: JS-redirect entry, 更多>>, meta refresh, broken attachments."""
        r = self.site["town"].routes
        r["/robots.txt"] = lambda: Resp(body=b"User-agent: *\nAllow: /\n",
                                        headers={"Content-Type": "text/plain"})
        r["/"] = lambda: _html('<html><head><script type="text/javascript">'
                               'window.location.href="/zwgk/ndbg/";</script></head>'
                               '<body></body></html>')
        entry = ('<div class="box"><h3>年度报告</h3><ul>'
                 '<li><a href="/art/2024/1/12/art_4.html">涟水县2023年政府信息公开工作年度报告</a>'
                 '<em>2024-01-12</em></li></ul><a class="more" href="list_1.html">更多&gt;&gt;</a>'
                 '</div>')
        # the list cuts long titles and has no title attribute: the page's own title confirms
        full = ('<ul><li><a href="art_5.html">涟水县二〇二四年政府信息公开工作…</a>'
                '<em>2025年1月15日</em></li><li><a href="/art/2024/1/12/art_4.html">'
                '涟水县2023年政府信息公开工作年度报告</a><em>2024年1月12日</em></li></ul>')
        r["/zwgk/ndbg/"] = lambda: _html(_page("政务公开", entry))
        r["/zwgk/ndbg/list_1.html"] = lambda: _html(_page("年度报告", full))
        r["/zwgk/ndbg/art_5.html"] = lambda: _html(
            '<html><head><meta http-equiv="refresh" content="0; url=/art/2025/1/15/art_5_1.html">'
            '</head><body>正在跳转…</body></html>')
        t = "涟水县2024年政府信息公开工作年度报告"
        r["/art/2025/1/15/art_5_1.html"] = lambda: _html(_page(
            t, _thin(t, "2025-01-15", "/uploadfiles/2025/01/涟水县2024年报.wps",
                     "附件：涟水县2024年报")))
        r["/uploadfiles/2025/01/涟水县2024年报.wps"] = lambda: _file(
            "320826_gov_2024.wps", "application/kswps")
        for slug, name in (("suqian", "宿迁市"), ("sucheng", "宿迁市宿城区")):
            title = f"{name}2024年政府信息公开工作年度报告"
            items = [(title, f"/{slug}/art_9.html", "2025-01-22")]
            r[f"/{slug}/ndbg/index.html"] = (
                lambda items=items: _html(_page("年度报告", _trs_list(items, ""))))
            r[f"/{slug}/art_9.html"] = (lambda title=title, slug=slug: _html(_page(
                title, _thin(title, "2025-01-22", f"/{slug}/P0209.pdf", title + ".pdf"))))
        r["/suqian/P0209.pdf"] = lambda: Resp(
            body=(FIXTURES / "320813_gov_2024.pdf").read_bytes()[:20000],
            headers={"Content-Type": "application/pdf"}, truncate=True)
        r["/sucheng/P0209.pdf"] = lambda: _html(_page("错误", "<h1>文件不存在或已被删除</h1>"))

    def _province(self) -> None:
        """江苏省: the list links the DOCX itself; a 404 listing; a redirect loop."""
        r = self.site["province"].routes
        r["/robots.txt"] = lambda: Resp(body=b"User-agent: GongkaiBot\nDisallow: /admin/\n",
                                        headers={"Content-Type": "text/plain"})
        items = [("江苏省人民政府2024年政府信息公开工作年度报告",
                  "/attach/0/2501201200.docx", "2025-01-20"),
                 ("江苏省人民政府2023年政府信息公开工作年度报告",
                  "/attach/0/2401201200.docx", "2024-01-20")]
        pages = ' <a href="index_1.html">2</a> <a href="index_2.html">3</a>'
        r["/col/col123/index.html"] = lambda: _html(_page("年报", _trs_list(items, "1" + pages)))
        r["/attach/0/2501201200.docx"] = lambda: Resp(
            body=_docx_version(self.version),
            headers={"Content-Type": "application/vnd.openxmlformats-officedocument."
                                     "wordprocessingml.document"})
        # a redirect into the machine's own network (stays on loopback even if not refused)
        r["/inside"] = lambda: Resp(302, headers={"Location": "http://localhost:1/admin"})
        r["/loop/a"] = lambda: Resp(302, headers={"Location": "/loop/b"})
        r["/loop/b"] = lambda: Resp(302, headers={"Location": "/loop/a"})

    def _slow(self) -> None:
        """盱眙 answers too late; 金湖 fails once with a 500, then has no 2024 report."""
        r = self.site["slow"].routes
        self.delays[("slow", "/xuyi/ndbg/index.html")] = 8.0
        r["/xuyi/ndbg/index.html"] = lambda: _html(_page("年报", ""))

        def jinhu() -> Resp:
            with self._lock:
                first = "jinhu" not in self._failed_once
                self._failed_once.add("jinhu")
            if first:
                return Resp(500, b"busy", {"Content-Type": "text/plain", "Retry-After": "0"})
            cut = ('<ul><li><a href="/jinhu/a2.html">金湖县2024年政务公开工作...</a>'
                   '<span>2024-03-10</span></li></ul>')  # a cut title: the page says 要点
            return _html(_page("年报", cut + _trs_list([
                ("金湖县2024年政务公开工作实施方案", "/jinhu/a1.html", "2024-04-01"),
                ("金湖县2023年政府信息公开工作年度报告", "/jinhu/a0.html", "2024-01-25")], "")))
        r["/jinhu/ndbg/index.html"] = jinhu
        t = "金湖县2024年政务公开工作要点"
        r["/jinhu/a2.html"] = lambda: _html(_page(t, _thin(t, "2024-03-10", "/jinhu/a2.doc", t)))

        def busy() -> Resp:
            with self._lock:
                first = "busy" not in self._failed_once
                self._failed_once.add("busy")
            if first:
                return Resp(429, b"slow down", {"Content-Type": "text/plain", "Retry-After": "1"})
            return Resp(body=b"ok", headers={"Content-Type": "text/plain"})
        r["/busy"] = busy

    # -- the sources file ---------------------------------------------------------------

    def sources(self) -> list[dict]:
        """One entry per case, with this run's ports."""
        u = self.url
        return [
            {"id": "huaian-gov", "body": "淮安市人民政府",
             "listing": u("city", "/col/ndbg/index.html")},
            {"id": "huaian-zrzy", "body": "淮安市自然资源和规划局",
             "listing": u("city", "/col/ndbg/index.html")},
            {"id": "hongze-gov", "body": "淮安市洪泽区人民政府",
             "listing": u("county", "/zwgk/ndbg/index.htm")},
            {"id": "hongze-zrzy", "body": "淮安市洪泽区自然资源和规划局",
             "listing": u("county", "/zwgk/ndbg/index.htm")},
            {"id": "gaoliangjian", "body": "淮安市洪泽区高良涧街道办事处",
             "listing": u("county", "/zwgk/ndbg/index.htm")},
            {"id": "lianshui-gov", "body": "淮安市涟水县人民政府", "listing": u("town", "/"),
             "aliases": ["涟水县人民政府"]},
            {"id": "jiangsu-gov", "body": "江苏省人民政府",
             "listing": u("province", "/col/col123/index.html")},
            {"id": "qingjiangpu-gov", "body": "淮安市清江浦区人民政府",
             "listing": u("province", "/qjp/ndbg/index.html")},
            {"id": "huaianqu-gov", "body": "淮安市淮安区人民政府",
             "listing": u("province", "/loop/a")},
            {"id": "huaiyin-gov", "body": "淮安市淮阴区人民政府",
             "listing": u("city", "/private/ndbg/index.html")},
            {"id": "xuyi-gov", "body": "淮安市盱眙县人民政府",
             "listing": u("slow", "/xuyi/ndbg/index.html")},
            {"id": "jinhu-gov", "body": "淮安市金湖县人民政府",
             "listing": u("slow", "/jinhu/ndbg/index.html")},
            {"id": "suqian-gov", "body": "宿迁市人民政府",
             "listing": u("town", "/suqian/ndbg/index.html")},
            {"id": "sucheng-gov", "body": "宿迁市宿城区人民政府",
             "listing": u("town", "/sucheng/ndbg/index.html")},
            {"id": "nowhere", "body": "示例市测试局", "listing": u("town", "/nowhere/index.html")},
        ]

    def sources_yaml(self, path: Path) -> Path:
        """Write the sources file for this run's ports."""
        import yaml

        path.write_text(yaml.safe_dump({"sources": self.sources()}, allow_unicode=True),
                        encoding="utf-8")
        return path
