"""The crawler's pure parts on real wordings and page shapes: titles, dates, pagers, redirects,
attachments, sniffing, decoding, the sources file, the collect store and inbox.ingest_bytes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from pipelines.collect import listing as L
from pipelines.collect import page as P
from pipelines.collect.sniff import disposition_name, sniff
from pipelines.collect.sources import SourcesError, load_sources
from pipelines.collect.store import Store, collected_documents, latest_status
from pipelines.inbox import Inbox
from tests.collect_sites import FIXTURES

CITY = ("淮安市人民政府",)
DEPT = ("淮安市自然资源和规划局",)

# Titles as real 年报 columns print them (TRS, Hanweb, Guangdong post_ sites), for 2024.
ACCEPTED = [
    ("2024年度政府信息公开工作年度报告", CITY),
    ("淮安市人民政府2024年政府信息公开工作年度报告", CITY),
    ("淮安市2024年政府信息公开工作年度报告", CITY),
    ("淮安市政府2024年度政府信息公开工作年度报告", CITY),
    ("江苏省淮安市2024年政府信息公开工作年度报告", CITY),
    ("二〇二四年度政府信息公开工作年度报告", CITY),
    ("二零二四年政府信息公开工作年度报告", CITY),
    ("淮安市２０２４年度政府信息公开工作年度报告", CITY),
    ("2024年政府信息公开年报", CITY),
    ("【年度报告】2024年政务公开工作年度报告", CITY),
    ("关于2024年度政府信息公开工作年度报告", CITY),
    ("淮安市自然资源和规划局2024年度政府信息公开工作年度报告", DEPT),
    ("2024年度淮安市自然资源和规划局政府信息公开工作年度报告", DEPT),
    ("自然资源和规划局 2024 年政府信息公开工作年度报告", DEPT),
    ("高良涧街道2024年度政府信息公开工作年度报告", ("淮安市洪泽区高良涧街道办事处",)),
    ("涟水县2024年政府信息公开工作年度报告", ("淮安市涟水县人民政府",)),
]
REJECTED = [
    ("2023年度政府信息公开工作年度报告", CITY),  # another year
    ("淮安市2024年政务公开工作要点", CITY),
    ("淮安市2024年部门预算公开", CITY),
    ("淮安市2024年度部门决算公开", CITY),
    ("图解：淮安市2024年政府信息公开工作年度报告", CITY),
    ("《淮安市2024年政府信息公开工作年度报告》解读", CITY),
    ("2024年政府工作报告", CITY),
    ("关于印发2024年政务公开工作要点的通知", CITY),
    ("2024年国民经济和社会发展统计公报", CITY),
    ("淮安市政府信息公开指南（2024年修订）", CITY),
    ("淮安市教育局2024年度政府信息公开工作年度报告", CITY),  # another body's report
    ("淮安市2024年政府信息公开工作年度报告", DEPT),  # the government's, not the department's
    ("淮安市洪泽区人民政府2024年度政府信息公开工作年度报告", CITY),
    ("淮安市2024年工作总结", CITY),
    ("2024年度政府信息公开工作", CITY),  # no report word
    ("2024年度工作年度报告", CITY),  # no disclosure word
]


@pytest.mark.parametrize(("title", "names"), ACCEPTED)
def test_report_titles_are_accepted(title: str, names: tuple[str, ...]) -> None:
    s = L.score_title(title, 2024, names)
    assert s.accepted, (title, s)


@pytest.mark.parametrize(("title", "names"), REJECTED)
def test_other_documents_are_rejected(title: str, names: tuple[str, ...]) -> None:
    s = L.score_title(title, 2024, names)
    assert not s.accepted, (title, s)


def test_the_named_report_outscores_an_anonymous_one() -> None:
    named = L.score_title("淮安市人民政府2024年政府信息公开工作年度报告", 2024, CITY)
    plain = L.score_title("2024年政府信息公开工作年度报告", 2024, CITY)
    assert named.value > plain.value and "+name" in named.reasons


def test_chinese_numeral_years_become_digits() -> None:
    assert L.normalize_title("二〇二四年度 报告") == "2024年度报告"
    assert L.years_in(L.normalize_title("二零二三年政府信息公开年报")) == {2023}


@pytest.mark.parametrize(("issuer", "names", "same"), [
    ("淮安市", CITY, True),
    ("江苏省淮安市", CITY, True),
    ("淮安市人民政府", CITY, True),
    ("淮安市自然资源和规划局", CITY, False),
    ("淮安市", DEPT, False),
    ("自然资源和规划局", DEPT, True),
    ("淮安市洪泽区自然资源和规划局", DEPT, False),
    ("", CITY, None),
])
def test_same_body(issuer: str, names: tuple[str, ...], same: bool | None) -> None:
    assert L.same_body(issuer, names) is same


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-01-20", date(2025, 1, 20)),
    ("[2025/1/8]", date(2025, 1, 8)),
    ("发布时间：2025.01.31 09:30", date(2025, 1, 31)),
    ("2025年1月15日", date(2025, 1, 15)),
    ("２０２５－０１－２０", date(2025, 1, 20)),
    ("2025-02-30", None),
    ("浏览次数：2025", None),
])
def test_dates_printed_next_to_items(text: str, expected: date | None) -> None:
    assert L.find_date(text) == expected


def test_dates_written_into_cms_urls() -> None:
    assert L.date_in_url("http://x/col/ndbg/202501/t20250120_101.html") == date(2025, 1, 20)
    assert L.date_in_url("http://x/art/2025/1/15/art_1229_43.html") == date(2025, 1, 15)
    assert L.date_in_url("http://x/content/post_3938658.html") is None


def _tree(html: str):
    return L.parse(html)


def test_listing_items_with_dates_and_titles() -> None:
    html = ('<ul><li><a href="./202501/t20250120_101.html" '
            'title="淮安市2024年政府信息公开工作年度报告">淮安市2024年政府信息公开工作...</a>'
            '<span>2025-01-22</span></li><li><a href="./202401/t20240119_81.html" '
            'title="淮安市2023年政府信息公开工作年度报告">淮安市2023年政府信息公开...</a>'
            '<span>2024-01-19</span></li></ul>')
    found = L.candidates(_tree(html), "http://h/col/ndbg/index.html", 2024, CITY)
    assert len(found) == 1
    c = found[0]
    assert c.link.url == "http://h/col/ndbg/202501/t20250120_101.html"
    assert c.link.label == "淮安市2024年政府信息公开工作年度报告"  # the title, not the cut text
    assert c.published == date(2025, 1, 22)  # the printed date wins over the URL's


def test_trs_pager_script_gives_every_page() -> None:
    html = '<script>createPageHTML(4, 0, "index", "html");</script>'
    assert L.js_pages(html, "http://h/col/ndbg/index.html") == [
        "http://h/col/ndbg/index.html", "http://h/col/ndbg/index_1.html",
        "http://h/col/ndbg/index_2.html", "http://h/col/ndbg/index_3.html"]
    variant = "createPageHTML('page_div', 3, 1, 'list', 'shtml', 45);"
    assert L.js_pages(variant, "http://h/a/list.shtml")[-1] == "http://h/a/list_2.shtml"


def test_next_page_and_number_links_and_more() -> None:
    html = ('<div><a href="index_2.htm">2</a><a href="index_3.htm">3</a>'
            '<a href="index_2.htm">下一页</a><a href="/about.html">关于我们</a>'
            '<a class="more" href="list.html">更多&gt;&gt;</a></div>')
    tree = _tree(html)
    assert L.next_pages(tree, html, "http://h/zwgk/index.htm") == [
        "http://h/zwgk/index_2.htm", "http://h/zwgk/index_3.htm"]
    assert L.more_links(tree, "http://h/zwgk/index.htm") == ["http://h/zwgk/list.html"]


@pytest.mark.parametrize(("html", "target"), [
    ('<meta http-equiv="refresh" content="0; url=/art/2025/1/15/a.html">',
     "http://h/art/2025/1/15/a.html"),
    ('<meta http-equiv="Refresh" content="3;URL=\'b.html\'">', "http://h/x/b.html"),
    ('<script>window.location.href="/zwgk/ndbg/";</script>', "http://h/zwgk/ndbg/"),
    ("<script>location.replace('c.html')</script>", "http://h/x/c.html"),
    ("<script>top.location = 'http://h/y/';</script>", "http://h/y/"),
])
def test_redirect_stubs(html: str, target: str) -> None:
    tree = _tree(f"<html><head>{html}</head><body>正在跳转</body></html>")
    assert L.redirect_target(tree, html, "http://h/x/index.html") == target


def test_a_full_page_with_a_location_script_is_not_a_redirect() -> None:
    body = "<p>" + "政府信息公开工作年度报告正文。" * 60 + "</p>"
    script = "<script>function go(){location.href='/search';}</script>"
    html = f"<html><body>{body}{script}</body></html>"
    assert L.redirect_target(_tree(html), html, "http://h/") is None


def test_page_dates_from_meta_and_labels() -> None:
    meta = '<meta name="PubDate" content="2025-01-20 09:30">'
    assert L.page_date(_tree(meta)) == date(2025, 1, 20)
    assert L.page_date(_tree("<div>来源：本局 发布日期：2025年1月8日</div>")) == date(2025, 1, 8)
    assert L.page_date(_tree("<div>没有日期</div>")) is None


def test_attachments_by_suffix_servlet_and_embed() -> None:
    html = ('<a href="P0201.pdf">报告.pdf</a><a href="/module/download/downfile.jsp?id=3">'
            '附件下载</a><a href="/art/2.html">相关阅读</a><iframe src="/files/r.wps"></iframe>'
            '<a href="x.ET">表</a>')
    urls = [a.url for a in P.attachments(_tree(html), "http://h/art/1.html")]
    assert urls == ["http://h/art/P0201.pdf", "http://h/module/download/downfile.jsp?id=3",
                    "http://h/art/x.ET", "http://h/files/r.wps"]


def test_a_report_page_holds_the_report_a_thin_page_does_not() -> None:
    full = (FIXTURES / "320800_gov_2024.html").read_text(encoding="utf-8")
    assert P.holds_report(_tree(full))
    thin = ("<h1>淮安市2024年政府信息公开工作年度报告</h1><p>发布日期：2025-01-20</p>"
            '<p>附件：<a href="a.pdf">淮安市2024年政府信息公开工作年度报告.pdf</a></p>')
    assert not P.holds_report(_tree(thin))


@pytest.mark.parametrize(("name", "declared", "family", "suffix"), [
    ("320813_gov_2024.pdf", "", "pdf", ".pdf"),
    ("320000_gov_2024.docx", ".docx", "docx", ".docx"),
    ("320813001_gov_2024.doc", ".doc", "word", ".doc"),
    ("320826_gov_2024.wps", ".wps", "word", ".wps"),
    ("320813_natural_resources_2024.et", ".et", "sheet", ".et"),
    ("320800_natural_resources_2024.xls", ".jsp", "sheet", ".xls"),
])
def test_sniff_by_magic_bytes(name: str, declared: str, family: str, suffix: str) -> None:
    got = sniff((FIXTURES / name).read_bytes(), declared, "application/octet-stream")
    assert (got.family, got.suffix) == (family, suffix)


def test_a_pdf_that_is_an_html_error_page_is_refused_with_its_reason() -> None:
    got = sniff(b"<!DOCTYPE html><html><body>404</body></html>", ".pdf", "application/pdf")
    assert got.suffix is None and "HTML" in (got.reason or "")
    junk = sniff(b"\x00\x01garbage", ".doc", "application/msword")
    assert junk.suffix is None and ".doc" in (junk.reason or "")


def test_content_disposition_names() -> None:
    assert disposition_name("attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf") == "年报.pdf"
    assert disposition_name('attachment; filename="report 2024.doc"') == "report 2024.doc"
    latin1 = "年报.wps".encode().decode("latin-1")
    assert disposition_name(f'attachment; filename="{latin1}"') == "年报.wps"
    assert disposition_name(None) is None


@pytest.mark.parametrize("declared", ["gbk", "gb2312", "GB18030"])
def test_gbk_pages_decode_by_their_meta_charset(declared: str) -> None:
    text = f'<meta charset="{declared}"><p>淮安市洪泽区2024年政府信息公开工作年度报告</p>'
    assert "洪泽区2024年" in P.decode_html(text.encode("gbk"))


def test_a_wrong_declared_charset_gives_way_to_detection() -> None:
    text = '<meta charset="utf-8"><p>政府信息公开工作年度报告，收到和处理政府信息公开申请情况</p>'
    assert "收到和处理" in P.decode_html(text.encode("gbk"), "text/html; charset=utf-8")


def test_sources_file_bad_entries_are_kept_with_their_problem(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text("sources:\n  - body: 淮安市人民政府\n    listing: ftp://x/\n"
                 "  - body: 江苏省人民政府\n    listing: http://127.0.0.1/a\n"
                 "    link_pattern: '('\n"
                 "  - listing: http://127.0.0.1/b\n"
                 "  - body: 淮安市自然资源和规划局\n    listings: [http://127.0.0.1/c]\n",
                 encoding="utf-8")
    sources = load_sources(f)
    assert [bool(s.problem) for s in sources] == [True, True, True, False]
    assert "http" in (sources[0].problem or "") and "link_pattern" in (sources[1].problem or "")
    f.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(SourcesError, match="sources"):
        load_sources(f)


def test_store_readers_skip_a_torn_last_line_and_keep_the_last_record(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.add_status({"source_id": "a", "year": 2024, "status": "failed"})
    store.add_status({"source_id": "a", "year": 2024, "status": "found"})
    store.add_status({"source_id": "a", "year": 2023, "status": "not_published"})
    assert store.add_document({"sha256": "s1", "url": "u1"})
    assert not store.add_document({"sha256": "s1", "url": "u2"})  # one line per sha256
    with (tmp_path / "status.jsonl").open("a") as f:
        f.write('{"source_id": "a", "year": 2024, "status": "not_publ')  # killed mid-line
    with (tmp_path / "documents.jsonl").open("a") as f:
        f.write('{"sha256": "s2", "ur')
    current = {(r["source_id"], r["year"]): r["status"] for r in latest_status(tmp_path)}
    assert current == {("a", 2024): "found", ("a", 2023): "not_published"}
    assert [d["url"] for d in collected_documents(tmp_path)] == ["u1"]


def test_ingest_bytes_is_idempotent_keeps_kind_and_bytes(tmp_path: Path) -> None:
    inbox = Inbox(tmp_path / "inbox")
    data = (FIXTURES / "320800_natural_resources_2024.xls").read_bytes()
    first = inbox.ingest_bytes(data, "年报.xls", "http://127.0.0.1/a.xls", kind="report")
    again = inbox.ingest_bytes(data, "other.xls", "http://127.0.0.1/b.xls", kind="report")
    assert (first.status, again.status) == ("new", "duplicate")
    (entry,) = inbox.entries()
    assert (entry.kind, entry.origin, entry.suffix) == ("report", "http://127.0.0.1/a.xls", ".xls")
    assert inbox.object_path(entry.sha256, ".xls").read_bytes() == data
    ledger = inbox.ingest_bytes(b"a,b\n1,2\n", "t.xls", "x")
    assert [e.kind for e in inbox.entries() if e.sha256 == ledger.sha256] == ["ledger"]
    assert inbox.ingest_bytes(b"x", "a.exe", "x").status == "error"
    inbox.retire(first.sha256 or "", "test")
    assert inbox.ingest_bytes(data, "年报.xls", "x", kind="report").status == "retired"
    lines = (tmp_path / "inbox" / "index.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(json.loads(x) for x in lines)
    assert not list((tmp_path / "inbox" / "objects").rglob("tmp*"))


def test_cli_without_a_sources_file_says_where_the_format_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from pipelines.cli import main

    monkeypatch.setenv("GONGKAI_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(main, ["--lang", "en", "collect"])
    assert result.exit_code == 2
    assert "sources.yaml" in result.output and "sources.example.yaml" in result.output


def test_cli_exits_1_only_when_no_source_could_be_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from pipelines.cli import main

    monkeypatch.setenv("GONGKAI_HOME", str(tmp_path / "home"))
    f = tmp_path / "s.yaml"
    f.write_text("sources:\n  - body: 示例市测试局\n    listing: http://127.0.0.1:9/a\n",
                 encoding="utf-8")
    result = CliRunner().invoke(main, ["--lang", "en", "collect", "--sources", str(f),
                                       "--year", "2024"])
    assert result.exit_code == 1
    assert "unresolved body  示例市测试局" in result.output
    assert "1 with an unresolved body" in result.output
    (rec,) = latest_status(tmp_path / "home" / "collect")
    assert (rec["status"], rec["year"], rec["body_id"]) == ("unresolved_body", 2024, None)


def test_an_image_behind_a_download_link_is_no_document_and_no_error() -> None:
    got = sniff(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, ".jpg", "image/png")
    assert (got.family, got.suffix, got.reason) == (None, None, None)


def test_a_date_inside_the_anchor_counts_when_none_is_beside_it() -> None:
    html = ('<div><a href="/art/1.html"><span>2024年度政府信息公开工作年度报告</span>'
            '<span class="date">2025-01-18</span></a></div>')
    (c,) = L.candidates(_tree(html), "http://h/list.html", 2024, CITY)
    assert c.published == date(2025, 1, 18)


@pytest.mark.parametrize(("url", "internal"), [
    ("http://127.0.0.1:8080/a", True),
    ("http://localhost/a", True),
    ("http://10.0.0.8/", True),
    ("http://192.168.1.1/admin", True),
    ("http://169.254.169.254/latest/meta-data/", True),
    ("http://[::1]/", True),
    ("https://www.huaian.gov.cn/col/ndbg/index.html", False),
    ("http://61.155.2.3/", False),
])
def test_internal_addresses_are_recognised_without_resolving(url: str, internal: bool) -> None:
    from pipelines.collect.fetch import internal_host

    assert internal_host(url) is internal


def test_the_sources_encoding_hint_wins_over_a_wrong_declaration() -> None:
    text = '<meta charset="utf-8"><p>洪泽区年报</p>'
    data = text.encode("gb18030")
    assert "洪泽区年报" in P.decode_html(data, "text/html; charset=big5", hint="gbk")


def test_one_collect_run_per_home(tmp_path: Path) -> None:
    from pipelines.collect.run import CollectBusy, _one_run

    root = tmp_path / "collect"
    busy = pytest.raises(CollectBusy, match="another collect run")
    with _one_run(root), busy, _one_run(root):
        pass
    with _one_run(root):  # released
        pass


def test_hanweb_records_held_in_a_script_are_listed() -> None:
    html = ('<html><body><div id="2001"><script type="text/xml"><datastore><recordset>'
            '<record><![CDATA[<li><a href="/art/2025/1/8/art_2001_301.html" title="洪泽区2024年'
            '政府信息公开工作年度报告">洪泽区2024年政府信息公开...</a><span>2025-01-08</span>'
            '</li>]]></record></recordset></datastore></script></div></body></html>')
    (c,) = L.candidates(L.parse(html), "http://h/col/col2001/index.html", 2024,
                        ("淮安市洪泽区人民政府",))
    assert c.link.url == "http://h/art/2025/1/8/art_2001_301.html"
    assert c.published == date(2025, 1, 8)


def test_links_opened_by_script_are_followed() -> None:
    html = ('<li><a href="javascript:void(0)" onclick="window.open(\'/art/2025/1/9/a.html\')">'
            '2024年度政府信息公开工作年度报告</a></li>'
            '<li><a href="#" onclick="location.href=\'/art/b.html\'">'
            '2023年度政府信息公开工作年度报告</a></li>'
            '<li><a href="javascript:void(0)">无链接</a></li>')
    urls = [link.url for link in L.links(_tree(html), "http://h/list.html")]
    assert urls == ["http://h/art/2025/1/9/a.html", "http://h/art/b.html"]


def test_a_cut_title_is_tentative_until_the_page_confirms_it() -> None:
    cut = L.score_title("淮安市2024年政府信息公开工作…", 2024, CITY)
    assert cut.accepted and cut.tentative
    full = L.score_title("淮安市2024年政府信息公开工作年度报告", 2024, CITY)
    assert full.value > cut.value and not full.tentative
    assert not L.score_title("淮安市2024年政府信息公开工作", 2024, CITY).accepted  # not cut
    assert not L.score_title("淮安市2024年度部门预算...", 2024, CITY).accepted


def test_numbers_and_arrows_elsewhere_are_not_pages_of_the_list() -> None:
    html = ('<div class="calendar"><a href="/events/day/3.html">3</a></div>'
            '<div class="crumb"><a href="/zwgk/">&gt;</a></div>'
            '<div class="pages"><a href="index_1.html">2</a><a href="index_1.html">&gt;</a>'
            '<a href="/other/list_2.html">下一页</a></div>')
    assert L.next_pages(_tree(html), html, "http://h/col/ndbg/index.html") == [
        "http://h/col/ndbg/index_1.html", "http://h/other/list_2.html"]
